"""Hex cartogram layouts: one equal hexagon per area, placed near the area's real centroid.

The layout is an optimal assignment (least total squared distance) of area centroids to the cells
of a hexagonal lattice laid over the areas' extent, so it works for any set of areas. Hexagons are
returned in lon/lat so they share a map view with the real boundaries.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
from scipy.optimize import linear_sum_assignment
from shapely.geometry import Polygon

from saferleeds.core.boundaries import BRITISH_NATIONAL_GRID, LON_LAT

CELLS_PER_AREA = 1.0  # lattice density: the lattice's margins leave spare cells for areas to keep their neighbours


def _lattice(xmin: float, ymin: float, xmax: float, ymax: float, size: float) -> np.ndarray:
    """Centres of pointy-top hexagons of circumradius ``size`` covering the box, with (q, r) axial ids."""
    width = math.sqrt(3) * size
    height = 1.5 * size
    rows = math.ceil((ymax - ymin) / height) + 3
    cols = math.ceil((xmax - xmin) / width) + 3
    cells = []
    for row in range(-1, rows):
        offset = width / 2 if row % 2 else 0.0
        for col in range(-1, cols):
            cells.append((xmin + col * width + offset, ymin + row * height, col - (row - (row & 1)) // 2, row))
    return np.array(cells)


def hex_layout(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One hexagon per area (columns ``code``, ``name``, ``q``, ``r``, geometry in lon/lat).

    Every area gets exactly one cell and no two areas share a cell.
    """
    projected = areas.to_crs(BRITISH_NATIONAL_GRID)
    centres = np.column_stack(
        [projected.geometry.representative_point().x, projected.geometry.representative_point().y]
    )
    xmin, ymin = centres.min(axis=0)
    xmax, ymax = centres.max(axis=0)
    extent = max((xmax - xmin) * (ymax - ymin), 1.0)
    count = len(projected)
    # Hexagon area is (3 * sqrt(3) / 2) * size^2; size the lattice to hold CELLS_PER_AREA x count cells.
    size = math.sqrt(extent / (count * CELLS_PER_AREA) / (3 * math.sqrt(3) / 2)) if count > 1 else 1000.0
    lattice = _lattice(xmin, ymin, xmax, ymax, size)
    cost = ((centres[:, None, :] - lattice[None, :, :2]) ** 2).sum(axis=2)
    rows, cols = linear_sum_assignment(cost)
    chosen = lattice[cols[np.argsort(rows)]]
    # Shrink the hexagons slightly so neighbouring cells show a gap between them.
    shapes = [_hexagon(x, y, size * 0.95) for x, y in chosen[:, :2]]
    result = gpd.GeoDataFrame(
        {
            "code": projected["code"].to_numpy(),
            "name": projected["name"].to_numpy(),
            "q": chosen[:, 2].astype(int),
            "r": chosen[:, 3].astype(int),
        },
        geometry=shapes,
        crs=BRITISH_NATIONAL_GRID,
    )
    return result.to_crs(LON_LAT)


def _hexagon(x: float, y: float, size: float) -> Polygon:
    angles = np.deg2rad(np.arange(6) * 60 + 30)
    return Polygon(np.column_stack([x + size * np.cos(angles), y + size * np.sin(angles)]))
