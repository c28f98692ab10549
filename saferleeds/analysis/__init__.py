"""The numbers: aggregation, statistics, comparisons, trends, summaries, the plan on a page and profiles.

Plain functions on DataFrames; nothing here draws.
"""
