"""Getting data in: uploads and their bounds, police.uk files and API, indicator tables, boundaries,
validation, the store's journalled apply, and building the embedded default.
"""
