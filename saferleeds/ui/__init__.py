"""The bridge between the library and Streamlit: cached loaders, shared filters, page furniture.

This package is the only part of ``saferleeds`` that imports Streamlit.
"""
