"""The core: paths, errors, the catalogue, geography, the values table and the loaded dataset.

Everything else builds on this layer; it imports no other part of saferleeds.
"""
