"""The embedded default's areas: ward, LSOA and MSOA lookups, populations, deprivation and boundaries.

Made from the open data in ``../shared/data/`` by ``build_default``; ``data/README.md`` says how each file
is made. Every area is built from LSOAs (2021): each LSOA gets its MSOA (by name, 'Leeds 001A' is in
'Leeds 001'), its ward (the ONS best fit), its committee (its ward's), its constituency (the seat its
representative point lies in), its Census 2021 residents and ethnic groups, its IoD 2025 deprivation, and the
IoD 2019 ranks and mid-2015 population of its 2011 'parent'.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd

from saferleeds.core.boundaries import BRITISH_NATIONAL_GRID, dissolve, simplify_coverage, write_geojson
from saferleeds.core.errors import DataError, Problem
from saferleeds.core.geography import CITY_CODE, CITY_NAME, GROUP_RESIDENTS_PREFIX, slugify
from saferleeds.core.paths import DatasetPaths
from saferleeds.ingest.default_tables import SOURCE_FILES, number, read_source, write_csv

TOLERANCE_M = {"lsoa": 20.0, "ward": 35.0, "constituency": 50.0}
MOST_DEPRIVED_RANK = 328  # England's most deprived 1% of 32,844 LSOAs (IMD 2019)
CONFIRMED_NEIGHBOURHOOD_NAMES = {"Armley": "New Wortley"}
# Census 2021 (TS021) broad ethnic groups, by the short names police.uk stop and search uses.
CENSUS_ETHNIC_GROUPS = {
    "Asian": "Asian, Asian British or Asian Welsh",
    "Black": "Black, Black British, Black Welsh, Caribbean or African",
    "Mixed": "Mixed or Multiple ethnic groups",
    "Other": "Other ethnic group",
    "White": "White",
}


def ward_table(source: Path) -> pd.DataFrame:
    codes = read_source(source, "ward_codes")
    committees = sorted(codes["community_committee"].unique())
    committee_codes = {name: f"CC-{slugify(name).upper()}" for name in committees}
    return (
        pd.DataFrame(
            {
                "ward_code": codes["ward_code_2025"],
                "ward_name": codes["ward_name"],
                "ward_code_2018": codes["ward_code_2018"],
                "ward_code_2019": codes["ward_code_2019"],
                "ward_code_2025": codes["ward_code_2025"],
                "committee_code": codes["community_committee"].map(committee_codes),
                "committee_name": codes["community_committee"],
                "committee_source": codes["community_committee_source"],
            }
        )
        .sort_values("ward_code")
        .reset_index(drop=True)
    )


def msoa_table(source: Path) -> pd.DataFrame:
    """One row per MSOA: code, House of Commons Library name, ONS name, workday population."""
    raw = read_source(source, "msoa_population")
    return (
        pd.DataFrame(
            {
                "msoa_code": raw["msoa21_code"],
                "msoa_name": raw["msoa_hocl_name"],
                "msoa_name_ons": raw["msoa21_name"],
                "workday_population": number(raw["workday_population_2021"]).astype(int),
            }
        )
        .sort_values("msoa_code")
        .reset_index(drop=True)
    )


def _lsoa_overlaps(lsoa11: gpd.GeoDataFrame, lsoa21: gpd.GeoDataFrame) -> pd.DataFrame:
    """Area of every LSOA 2011 x LSOA 2021 intersection, as a share of the 2011 LSOA's area."""
    a = lsoa11.to_crs(BRITISH_NATIONAL_GRID)[["LSOA11CD", "geometry"]]
    b = lsoa21.to_crs(BRITISH_NATIONAL_GRID)[["LSOA21CD", "geometry"]]
    pieces = gpd.overlay(a, b, how="intersection", keep_geom_type=True)
    pieces["area"] = pieces.geometry.area
    area11 = a.set_index("LSOA11CD").geometry.area
    pieces["share"] = pieces["area"] / pieces["LSOA11CD"].map(area11)
    pieces = pieces[pieces["share"] > 0.001]
    return pd.DataFrame(pieces[["LSOA11CD", "LSOA21CD", "share"]]).sort_values(["LSOA11CD", "LSOA21CD"])


def _population_2015(source: Path, overlaps: pd.DataFrame, codes11: set[str], codes21: set[str]) -> pd.Series:
    """Mid-2015 residents per LSOA 2021: unchanged LSOAs keep theirs; retired 2011 LSOAs are shared by area."""
    population = read_source(source, "population_2015")
    pop11 = number(population.set_index("LSOA code (2011)")["Total population: mid 2015 (excluding prisoners)"])
    changed = overlaps[~overlaps["LSOA11CD"].isin(codes21) & ~overlaps["LSOA21CD"].isin(codes11)].copy()
    changed["share"] = changed["share"] / changed.groupby("LSOA11CD")["share"].transform("sum")
    changed["population"] = changed["share"] * changed["LSOA11CD"].map(pop11)
    pop21 = pop11.reindex(sorted(codes21 & codes11)).astype(float)
    return pd.concat([pop21, changed.groupby("LSOA21CD")["population"].sum().round(1)])


def _best_fits(overlaps: pd.DataFrame, unchanged: set[str]) -> tuple[pd.Series, pd.Series]:
    """(2011 parent of each 2021 LSOA, 2021 best fit of each 2011 LSOA): the largest overlap, or itself."""
    largest11 = overlaps.sort_values(["LSOA21CD", "share"], ascending=[True, False])
    parent11 = largest11.drop_duplicates("LSOA21CD").set_index("LSOA21CD")["LSOA11CD"]
    parent11.update(pd.Series({c: c for c in unchanged}))
    best21 = overlaps.sort_values(["LSOA11CD", "share"], ascending=[True, False])
    best21 = best21.drop_duplicates("LSOA11CD").set_index("LSOA11CD")["LSOA21CD"]
    best21.update(pd.Series({c: c for c in unchanged}))
    return parent11, best21


def _seats(lsoa21: gpd.GeoDataFrame, constituencies: gpd.GeoDataFrame) -> pd.Series:
    points = lsoa21.to_crs(BRITISH_NATIONAL_GRID)
    points = gpd.GeoDataFrame(points[["LSOA21CD"]], geometry=points.geometry.representative_point())
    seats = constituencies.to_crs(BRITISH_NATIONAL_GRID)[["PCON13CD", "geometry"]]
    seat = gpd.sjoin(points, seats, how="left", predicate="within").set_index("LSOA21CD")["PCON13CD"]
    return seat[~seat.index.duplicated()]


def _wards_of(source: Path, wards: pd.DataFrame) -> pd.Series:
    """The canonical ward of each LSOA 2021 (ONS best fit, 2024 codes recognised in any vintage)."""
    lookup = read_source(source, "lsoa21_ward").set_index("lsoa21_code")["ward24_code"]
    canonical: dict[str, str] = {}
    for column in ("ward_code_2018", "ward_code_2019", "ward_code_2025"):
        canonical.update(dict(zip(wards[column], wards["ward_code"], strict=True)))
    return lookup.map(canonical)


def _deprivation(source: Path, parent: pd.Series) -> pd.DataFrame:
    """IoD 2025 per LSOA 2021, and the IMD 2019 rank and decile of each LSOA's 2011 parent."""
    iod = read_source(source, "iod2025").set_index("lsoa21_code")
    imd19 = read_source(source, "imd").set_index("LSOA code (2011)")
    codes = parent.index
    return pd.DataFrame(
        {
            "imd_rank": number(iod["IMD_rank"]).reindex(codes).to_numpy(),
            "imd_decile": number(iod["IMD_decile"]).reindex(codes).to_numpy(),
            "imd_score": number(iod["IMD_score"]).reindex(codes).to_numpy(),
            "crime_rank": number(iod["Crime_rank"]).reindex(codes).to_numpy(),
            "crime_decile": number(iod["Crime_decile"]).reindex(codes).to_numpy(),
            "imd_rank_2019": number(imd19["Index of Multiple Deprivation (IMD) Rank"]).reindex(parent).to_numpy(),
            "imd_decile_2019": number(imd19["Index of Multiple Deprivation (IMD) Decile"]).reindex(parent).to_numpy(),
        },
        index=codes,
    )


def _residents(source: Path, codes: pd.Index) -> pd.DataFrame:
    census = read_source(source, "ethnicity").set_index("lsoa21_code")
    frame = pd.DataFrame({"population": number(census["total_residents"]).reindex(codes).astype(float)})
    for group, column in CENSUS_ETHNIC_GROUPS.items():
        frame[GROUP_RESIDENTS_PREFIX + group.lower()] = number(census[column]).reindex(codes).astype(int)
    return frame


def lsoa_table(source: Path, wards: pd.DataFrame, msoas: pd.DataFrame, constituencies: gpd.GeoDataFrame):
    """(the LSOA lookup, the LSOA 2011 best-fit lookup, the LSOA 2021 boundaries)."""
    lsoa11 = gpd.read_file(source / SOURCE_FILES["lsoa11"])
    lsoa21 = gpd.read_file(source / SOURCE_FILES["lsoa21"])
    overlaps = _lsoa_overlaps(lsoa11, lsoa21)
    codes11, codes21 = set(lsoa11["LSOA11CD"]), set(lsoa21["LSOA21CD"])
    parent11, best21 = _best_fits(overlaps, codes21 & codes11)
    codes = pd.Index(sorted(codes21), name="lsoa_code")
    names = lsoa21.set_index("LSOA21CD")["LSOA21NM"].reindex(codes)
    ward = _wards_of(source, wards).reindex(codes)
    msoa_by_name = msoas.set_index("msoa_name_ons")["msoa_code"]
    parent = parent11.reindex(codes)
    table = pd.DataFrame(
        {
            "lsoa_name": names,
            "msoa_code": names.str[:-1].map(msoa_by_name),
            "ward_code": ward,
            "committee_code": ward.map(wards.set_index("ward_code")["committee_code"]),
            "constituency_code": _seats(lsoa21, constituencies).reindex(codes),
        },
        index=codes,
    )
    table = table.join(_residents(source, codes))
    table["population_2015"] = _population_2015(source, overlaps, codes11, codes21).reindex(codes)
    table = table.join(_deprivation(source, parent)).assign(lsoa11_parent=parent.to_numpy()).reset_index()
    if table.isna().any().any():
        bad = table[table.isna().any(axis=1)]
        raise DataError(Problem("lsoa lookup", f"LSOAs without a complete lookup: {list(bad['lsoa_code'])}"))
    lsoa11_lookup = pd.DataFrame(
        {
            "lsoa11_code": best21.index,
            "lsoa11_name": lsoa11.set_index("LSOA11CD")["LSOA11NM"].reindex(best21.index).to_numpy(),
            "lsoa21_code": best21.to_numpy(),
        }
    )
    return table, lsoa11_lookup.sort_values("lsoa11_code").reset_index(drop=True), lsoa21


def neighbourhoods(source: Path, lsoa: pd.DataFrame, wards: pd.DataFrame) -> pd.DataFrame:
    """The default priority neighbourhoods: England's most deprived 1% of LSOAs (IMD 2019), one per ward."""
    imd = read_source(source, "imd")
    imd["rank"] = number(imd["Index of Multiple Deprivation (IMD) Rank"])
    deprived = imd[imd["rank"] <= MOST_DEPRIVED_RANK]
    by_code = lsoa.set_index("lsoa_code")
    ward_names = wards.set_index("ward_code")["ward_name"]
    rows = []
    for code, rank in zip(deprived["LSOA code (2011)"], deprived["rank"], strict=True):
        ward = ward_names[by_code.at[code, "ward_code"]]
        confirmed = ward in CONFIRMED_NEIGHBOURHOOD_NAMES
        rows.append(
            {
                "neighbourhood_code": f"PN-{slugify(CONFIRMED_NEIGHBOURHOOD_NAMES.get(ward, ward)).upper()}",
                "neighbourhood_name": CONFIRMED_NEIGHBOURHOOD_NAMES.get(ward, f"{ward} priority neighbourhood"),
                "lsoa_code": code,
                "lsoa_name": by_code.at[code, "lsoa_name"],
                "imd_rank_2019": int(rank),
                "name_basis": "named in council papers"
                if confirmed
                else "named after its ward (most deprived 1% LSOAs in the ward)",
            }
        )
    return pd.DataFrame(rows).sort_values(["neighbourhood_code", "lsoa_code"]).reset_index(drop=True)


def _named(shapes: gpd.GeoSeries, names: pd.Series) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"code": shapes.index, "name": shapes.index.map(names)}, geometry=shapes.values, crs=shapes.crs
    )


def _check_msoa_source(source: Path, msoas: pd.DataFrame) -> None:
    """The MSOAs are drawn as unions of their LSOAs; the ONS MSOA file must name the same areas alike."""
    published = gpd.read_file(source / SOURCE_FILES["msoa_boundaries"], ignore_geometry=True)
    ours = msoas.set_index("msoa_code")[["msoa_name_ons", "msoa_name"]]
    theirs = published.set_index("MSOA21CD")[["MSOA21NM", "MSOA21HCLNM"]].reindex(ours.index)
    if not (ours.to_numpy() == theirs.to_numpy()).all() or len(published) != len(ours):
        raise DataError(Problem(SOURCE_FILES["msoa_boundaries"], "its MSOAs differ from the Census MSOA table"))


def write_boundaries(source: Path, out: DatasetPaths, wards: pd.DataFrame, msoas: pd.DataFrame, lsoa, lsoa21_geo):
    """Simplified boundaries of every level with a file of its own, shared borders kept shared."""
    lsoa_shapes = simplify_coverage(
        lsoa21_geo.rename(columns={"LSOA21CD": "code", "LSOA21NM": "name"}), TOLERANCE_M["lsoa"]
    )
    write_geojson(lsoa_shapes, out.boundary("lsoa"), ["code", "name"])
    _check_msoa_source(source, msoas)
    msoa_of = lsoa_shapes["code"].map(lsoa.set_index("lsoa_code")["msoa_code"])
    write_geojson(
        _named(dissolve(lsoa_shapes, msoa_of), msoas.set_index("msoa_code")["msoa_name"]),
        out.boundary("msoa"),
        ["code", "name"],
    )
    wards_geo = gpd.read_file(source / SOURCE_FILES["wards"])
    canonical = dict(zip(wards["ward_code_2019"], wards["ward_code"], strict=True))
    ward_shapes = wards_geo.assign(code=wards_geo["WD19CD"].map(canonical))
    ward_shapes["name"] = ward_shapes["code"].map(wards.set_index("ward_code")["ward_name"])
    ward_shapes = simplify_coverage(ward_shapes[["code", "name", "geometry"]], TOLERANCE_M["ward"])
    write_geojson(ward_shapes, out.boundary("ward"), ["code", "name"])
    committee = dissolve(ward_shapes, ward_shapes["code"].map(wards.set_index("ward_code")["committee_code"]))
    committee_names = wards.drop_duplicates("committee_code").set_index("committee_code")["committee_name"]
    write_geojson(_named(committee, committee_names), out.boundary("committee"), ["code", "name"])
    seat_shapes = gpd.read_file(source / SOURCE_FILES["constituencies"])
    seat_shapes = seat_shapes.rename(columns={"PCON13CD": "code", "PCON13NM": "name"})
    seat_shapes = simplify_coverage(seat_shapes[["code", "name", "geometry"]], TOLERANCE_M["constituency"])
    write_geojson(seat_shapes, out.boundary("constituency"), ["code", "name"])
    city = dissolve(ward_shapes, pd.Series(CITY_CODE, index=ward_shapes.index))
    write_geojson(_named(city, pd.Series({CITY_CODE: CITY_NAME})), out.boundary("city"), ["code", "name"])


def build_geography(source: Path, out: DatasetPaths, log: Callable[[str], None]) -> None:
    constituencies = gpd.read_file(source / SOURCE_FILES["constituencies"])
    wards = ward_table(source)
    msoas = msoa_table(source)
    lsoa, lsoa11_lookup, lsoa21_geo = lsoa_table(source, wards, msoas, constituencies)
    log(f"{len(lsoa)} LSOAs (2021), {len(lsoa11_lookup)} LSOAs (2011), {len(msoas)} MSOAs, {len(wards)} wards")
    out.geo.mkdir(parents=True, exist_ok=True)
    out.data.mkdir(parents=True, exist_ok=True)
    write_csv(lsoa, out.geo / "lsoa_lookup.csv")
    write_csv(lsoa11_lookup, out.geo / "lsoa11_lookup.csv")
    write_csv(msoas, out.geo / "msoa.csv")
    write_csv(wards, out.geo / "wards.csv")
    seats = pd.DataFrame(
        {"constituency_code": constituencies["PCON13CD"], "constituency_name": constituencies["PCON13NM"]}
    ).sort_values("constituency_code")
    write_csv(seats, out.geo / "constituencies.csv")
    write_csv(neighbourhoods(source, lsoa, wards), out.neighbourhoods)
    write_boundaries(source, out, wards, msoas, lsoa, lsoa21_geo)
    for level in ("lsoa", "msoa", "ward", "committee", "constituency", "city"):
        log(f"geo/{level}.geojson: {out.boundary(level).stat().st_size / 1024:.0f} KB")
