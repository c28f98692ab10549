"""The map explorer: classes and palettes, the map model, legend, shapes, the pydeck deck and the map's table.

Everything here is plain data in, plain data out (DataFrames, dataclasses, a pydeck ``Deck``), so it is
tested without a server. Areas are coloured by classes from mapclassify with a ColorBrewer palette
chosen by the indicator's polarity; areas with no data and areas whose small numbers are hidden get
their own grey classes and say so, and are never coloured as zero.
"""
