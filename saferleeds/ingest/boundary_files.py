"""Reading boundary files people load: GeoJSON, GeoPackage or a zipped Shapefile, in any coordinate system.

Each file passes the gate (its features and vertices are bounded before it is parsed). A file of
several layers (a GeoPackage, or a zip of several Shapefiles) is never read by guessing: the
layers are listed and the person chooses one (``ChooseLayer``). A file that states no coordinate
system is placed by its numbers: longitude/latitude, or British National Grid (EPSG:27700)
eastings and northings; either way it is reprojected to longitude/latitude and must then lie
over Leeds. What loading the shapes would change is ``saferleeds.ingest.boundary_upload``.
"""

from __future__ import annotations

import re
import struct
import warnings
from pathlib import Path

import geopandas as gpd

from saferleeds.core.boundaries import BRITISH_NATIONAL_GRID, LON_LAT
from saferleeds.core.errors import DataError, Problem
from saferleeds.core.text import quoted, shortened
from saferleeds.ingest import gate
from saferleeds.ingest.gate import Upload

SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
LEEDS_BOX = (-2.1, 53.5, -1.0, 54.1)  # lon/lat box around Leeds, with a margin
BNG_BOX = (0, 0, 700_000, 1_300_000)
LAYERS_SHOWN = 20
UNREADABLE = "this boundary file cannot be read (is it complete, and of the type its name says?)"


class ChooseLayer(DataError):
    """The file holds several layers and none was chosen; ``layers`` lists them."""

    def __init__(self, problem: Problem, layers: list[str]):
        super().__init__(problem)
        self.layers = layers


def _safe_name(name: str, suffix: str) -> str:
    base = Path(name.replace("\\", "/")).stem
    return (re.sub(r"[^A-Za-z0-9._-]+", "_", base)[:60] or "upload") + suffix


def _choose(label: str, layers: list[str], layer: str | None) -> str:
    """The layer to read: the only one, or the one chosen; otherwise ask which."""
    if len(layers) > gate.MAX_LAYERS:
        raise DataError(Problem(label, f"the file holds {len(layers):,} layers; at most {gate.MAX_LAYERS} can be read"))
    if layer is not None and layer not in layers:
        shown = ", ".join(quoted(n, 40) for n in layers[:LAYERS_SHOWN])
        raise DataError(Problem(label, f"the file has no layer {quoted(layer)}; its layers are {shown}"))
    if layer is not None:
        return layer
    if len(layers) == 1:
        return layers[0]
    shown = ", ".join(quoted(n, 40) for n in layers[:LAYERS_SHOWN])
    more = f" and {len(layers) - LAYERS_SHOWN} more" if len(layers) > LAYERS_SHOWN else ""
    raise ChooseLayer(
        Problem(
            label,
            f"the file holds {len(layers)} layers ({shown}{more}); say which to load "
            "(choose it on the Data page, or give --layer on the command line)",
        ),
        layers,
    )


def _dbf_records(path: Path) -> int:
    """The number of records a .dbf says it holds (its header, bytes 4-7), 0 if it cannot say."""
    dbf = path.with_suffix(".dbf")
    candidates = [dbf, *path.parent.glob(path.stem + ".[dD][bB][fF]")]
    for candidate in candidates:
        if candidate.exists():
            with open(candidate, "rb") as handle:
                header = handle.read(8)
            return struct.unpack("<I", header[4:8])[0] if len(header) == 8 else 0
    return 0


def _shapefile(upload: Upload, workdir: Path, layer: str | None) -> tuple[Path, str, str | None]:
    parts = gate.extract_members(upload, workdir / "unzipped", SHAPEFILE_PARTS)
    shapefiles = {p.stem: p for p in sorted(parts) if p.suffix.lower() == ".shp"}
    if not shapefiles:
        raise DataError(Problem(upload.name, "the zip archive holds no Shapefile (.shp with its .dbf and .shx)"))
    path = shapefiles[_choose(upload.name, list(shapefiles), layer)]
    label = f"{upload.name}!{shortened(path.name)}"
    gate.check_binary_shapes(label, path.stat().st_size, _dbf_records(path))
    return path, label, None


def _geopackage(upload: Upload, workdir: Path, layer: str | None) -> tuple[Path, str, str | None]:
    import pyogrio

    path = workdir / _safe_name(upload.name, ".gpkg")
    path.write_bytes(upload.data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            layers = [str(name) for name, _ in pyogrio.list_layers(path)]
            chosen = _choose(upload.name, layers, layer)
            features = int(pyogrio.read_info(path, layer=chosen)["features"])
    except DataError:
        raise
    except Exception as exc:  # GDAL raises several unrelated types for unreadable files
        raise DataError(Problem(upload.name, UNREADABLE)) from exc
    gate.check_binary_shapes(upload.name, len(upload.data), max(features, 0))
    label = upload.name if len(layers) == 1 else f"{upload.name} (layer {quoted(chosen, 40)})"
    return path, label, chosen


def _geojson(upload: Upload, workdir: Path) -> tuple[Path, str, str | None]:
    gate.check_geojson(upload)
    path = workdir / _safe_name(upload.name, ".geojson")
    path.write_bytes(upload.data)
    return path, upload.name, None


def read_boundary_upload(
    upload: Upload, workdir: Path, found: str | None = None, layer: str | None = None
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Read the upload into longitude/latitude polygons, with warnings about its coordinate system."""
    workdir.mkdir(parents=True, exist_ok=True)
    found = found or gate.identify(upload)
    if found in ("shapefile", "zip"):
        path, label, chosen = _shapefile(upload, workdir, layer)
    elif found == "gpkg":
        path, label, chosen = _geopackage(upload, workdir, layer)
    elif found == "json":
        path, label, chosen = _geojson(upload, workdir)
    else:
        words = f"it is {gate.FORMAT_WORDS[found]}, not GeoJSON, a GeoPackage (.gpkg) or a zipped Shapefile"
        raise DataError(Problem(upload.name, f"this boundary file cannot be read: {words}"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = gpd.read_file(path, layer=chosen) if chosen else gpd.read_file(path)
    except Exception as exc:  # GDAL raises several unrelated types for unreadable files
        raise DataError(Problem(label, UNREADABLE)) from exc
    if frame.empty:
        raise DataError(Problem(label, "the boundary file holds no features"))
    return to_lon_lat(frame, label)


def _guess_crs(frame: gpd.GeoDataFrame, label: str) -> tuple[gpd.GeoDataFrame, Problem]:
    x0, y0, x1, y1 = frame.total_bounds
    if x0 >= -180 and x1 <= 180 and y0 >= -90 and y1 <= 90:
        frame, guess = frame.set_crs(LON_LAT), "longitude and latitude"
    elif BNG_BOX[0] <= x0 and x1 <= BNG_BOX[2] and BNG_BOX[1] <= y0 and y1 <= BNG_BOX[3]:
        frame = frame.set_crs(BRITISH_NATIONAL_GRID)
        guess = "British National Grid (EPSG:27700) eastings and northings"
    else:
        raise DataError(
            Problem(label, "the file does not say its coordinate system and its numbers match none this tool knows")
        )
    words = f"the file does not say its coordinate system; its numbers are read as {guess}"
    return frame, Problem(label, words, severity="warning")


def to_lon_lat(frame: gpd.GeoDataFrame, label: str) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Reproject to longitude/latitude, working out the coordinate system if the file does not say."""
    found: list[Problem] = []
    x0, y0, x1, y1 = frame.total_bounds
    looks_lon_lat = x0 >= -180 and x1 <= 180 and y0 >= -90 and y1 <= 90
    if frame.crs is not None and frame.crs.is_geographic and not looks_lon_lat:
        # GeoJSON without a "crs" member is read as longitude/latitude whatever its numbers are
        frame = frame.set_crs(None, allow_override=True)
    if frame.crs is None:
        frame, warning = _guess_crs(frame, label)
        found.append(warning)
    elif frame.crs.to_epsg() not in (4326, None) or not frame.crs.is_geographic:
        found.append(Problem(label, f"reprojected from {frame.crs.name} to longitude and latitude", severity="warning"))
    try:
        frame = frame.to_crs(LON_LAT)
    except Exception as exc:  # pyproj raises several types for a coordinate system it cannot convert
        raise DataError(
            Problem(label, "the file's coordinate system cannot be converted to longitude and latitude")
        ) from exc
    x0, y0, x1, y1 = frame.total_bounds
    box = LEEDS_BOX
    if not (x1 >= box[0] and x0 <= box[2] and y1 >= box[1] and y0 <= box[3]):
        raise DataError(Problem(label, "the shapes do not lie over Leeds; is the coordinate system in the file right?"))
    return frame, found
