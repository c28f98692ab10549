"""Safer Leeds Insight: place-based community safety insight for the Safer Leeds partnership.

A library of plain functions on DataFrames. Nothing here imports Streamlit except the small
``saferleeds.ui`` bridge.
"""

__version__ = "1.0.0"
