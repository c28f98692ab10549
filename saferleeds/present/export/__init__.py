"""Exports: board packs (PowerPoint, PDF), tables (Excel, CSV) and print-quality charts.

Nothing here imports Streamlit; the app and the command line share these functions.
"""
