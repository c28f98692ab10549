"""Build the embedded default dataset (``data/`` and ``geo/``) from the open data for Leeds.

``python -m saferleeds build-default --source ../shared/data`` runs this. The output is
deterministic: two runs give identical bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd

from saferleeds.core.boundaries import (
    BRITISH_NATIONAL_GRID,
    dissolve,
    simplify_coverage,
    write_geojson,
)
from saferleeds.core.catalogue import load_catalogue
from saferleeds.core.errors import DataError, Problem
from saferleeds.core.geography import CITY_CODE, CITY_NAME, load_geography, slugify
from saferleeds.core.paths import DatasetPaths
from saferleeds.core.values import write_atomic, write_values
from saferleeds.ingest import modelled, police_uk

SOURCE_FILES = {
    "wards": "leeds_wards_wd19.geojson",
    "ward_codes": "leeds_wards.csv",
    "lsoa11": "leeds_lsoa11.geojson",
    "lsoa21": "leeds_lsoa21.geojson",
    "lsoa11_ward": "leeds_lsoa11_to_ward19.csv",
    "constituencies": "leeds_constituencies_pcon2010.geojson",
    "imd": "leeds_iod2019_file1_imd_rank_decile.csv",
    "domains": "leeds_iod2019_file2_domain_ranks_deciles.csv",
    "population": "leeds_iod2019_file6_population_mid2015.csv",
    "police": "police_uk_leeds_2025-02_street.csv",
}
TOLERANCE_M = {"lsoa": 20.0, "ward": 35.0, "constituency": 50.0}
MOST_DEPRIVED_RANK = 328  # England's most deprived 1% of 32,844 LSOAs (IMD 2019)
CONFIRMED_NEIGHBOURHOOD_NAMES = {"Armley": "New Wortley"}
REAL_MONTH = pd.Timestamp("2025-02-01")


def _number(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.astype(str).str.replace(",", "", regex=False))


def _csv_text(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buffer.getvalue()


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    text = _csv_text(frame)
    write_atomic(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def _check_sources(source: Path) -> None:
    missing = [name for name in SOURCE_FILES.values() if not (source / name).exists()]
    if missing:
        raise DataError([Problem(name, f"source file not found in {source}") for name in missing])


def _ward_table(source: Path) -> pd.DataFrame:
    codes = pd.read_csv(source / SOURCE_FILES["ward_codes"], dtype=str)
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


def _lsoa_table(source: Path, wards: pd.DataFrame, constituencies: gpd.GeoDataFrame):
    lsoa11 = gpd.read_file(source / SOURCE_FILES["lsoa11"])
    lsoa21 = gpd.read_file(source / SOURCE_FILES["lsoa21"])
    overlaps = _lsoa_overlaps(lsoa11, lsoa21)
    codes11, codes21 = set(lsoa11["LSOA11CD"]), set(lsoa21["LSOA21CD"])

    population = pd.read_csv(source / SOURCE_FILES["population"], dtype=str)
    pop11 = _number(population.set_index("LSOA code (2011)")["Total population: mid 2015 (excluding prisoners)"])
    # Unchanged LSOAs keep their code; retired 2011 LSOAs are shared among new 2021 LSOAs by area.
    changed = overlaps[~overlaps["LSOA11CD"].isin(codes21) & ~overlaps["LSOA21CD"].isin(codes11)].copy()
    changed["share"] = changed["share"] / changed.groupby("LSOA11CD")["share"].transform("sum")
    changed["population"] = changed["share"] * changed["LSOA11CD"].map(pop11)
    pop21 = pop11.reindex(sorted(codes21 & codes11)).astype(float)
    pop21 = pd.concat([pop21, changed.groupby("LSOA21CD")["population"].sum().round(1)])

    largest11 = overlaps.sort_values(["LSOA21CD", "share"], ascending=[True, False])
    parent11 = largest11.drop_duplicates("LSOA21CD").set_index("LSOA21CD")["LSOA11CD"]
    parent11.update(pd.Series({c: c for c in codes21 & codes11}))
    best21 = overlaps.sort_values(["LSOA11CD", "share"], ascending=[True, False])
    best21 = best21.drop_duplicates("LSOA11CD").set_index("LSOA11CD")["LSOA21CD"]
    best21.update(pd.Series({c: c for c in codes21 & codes11}))

    ward_lookup = pd.read_csv(source / SOURCE_FILES["lsoa11_ward"], dtype=str).set_index("LSOA11CD")["WD19CD"]
    to_canonical = dict(zip(wards["ward_code_2019"], wards["ward_code"], strict=True))
    committee_of = wards.set_index("ward_code")["committee_code"]
    imd = pd.read_csv(source / SOURCE_FILES["imd"], dtype=str).set_index("LSOA code (2011)")
    domains = pd.read_csv(source / SOURCE_FILES["domains"], dtype=str).set_index("LSOA code (2011)")

    points = lsoa21.to_crs(BRITISH_NATIONAL_GRID)
    points = gpd.GeoDataFrame(points[["LSOA21CD"]], geometry=points.geometry.representative_point())
    seats = constituencies.to_crs(BRITISH_NATIONAL_GRID)[["PCON13CD", "geometry"]]
    seat = gpd.sjoin(points, seats, how="left", predicate="within").set_index("LSOA21CD")["PCON13CD"]
    seat = seat[~seat.index.duplicated()]

    parent = lsoa21["LSOA21CD"].map(parent11).set_axis(lsoa21["LSOA21CD"])
    table = (
        pd.DataFrame(
            {
                "lsoa_code": lsoa21["LSOA21CD"].values,
                "lsoa_name": lsoa21["LSOA21NM"].values,
                "ward_code": parent.map(ward_lookup).map(to_canonical).values,
                "committee_code": parent.map(ward_lookup).map(to_canonical).map(committee_of).values,
                "constituency_code": seat.reindex(lsoa21["LSOA21CD"]).values,
                "population": pop21.reindex(lsoa21["LSOA21CD"]).values,
                "imd_rank": _number(imd["Index of Multiple Deprivation (IMD) Rank"]).reindex(parent).values,
                "imd_decile": _number(imd["Index of Multiple Deprivation (IMD) Decile"]).reindex(parent).values,
                "crime_rank": _number(domains["Crime Rank (where 1 is most deprived)"]).reindex(parent).values,
                "crime_decile": _number(domains["Crime Decile (where 1 is most deprived 10% of LSOAs)"])
                .reindex(parent)
                .values,
                "lsoa11_parent": parent.values,
            }
        )
        .sort_values("lsoa_code")
        .reset_index(drop=True)
    )
    if table.isna().any().any():
        bad = table[table.isna().any(axis=1)]
        raise DataError(Problem("lsoa lookup", f"LSOAs without a complete lookup: {list(bad['lsoa_code'])}"))

    lsoa11_lookup = (
        pd.DataFrame(
            {
                "lsoa11_code": best21.index,
                "lsoa11_name": lsoa11.set_index("LSOA11CD")["LSOA11NM"].reindex(best21.index).values,
                "lsoa21_code": best21.values,
            }
        )
        .sort_values("lsoa11_code")
        .reset_index(drop=True)
    )
    return table, lsoa11_lookup, lsoa21


def _neighbourhoods(source: Path, lsoa: pd.DataFrame, wards: pd.DataFrame) -> pd.DataFrame:
    imd = pd.read_csv(source / SOURCE_FILES["imd"], dtype=str)
    imd["rank"] = _number(imd["Index of Multiple Deprivation (IMD) Rank"])
    deprived = imd[imd["rank"] <= MOST_DEPRIVED_RANK]
    by_code = lsoa.set_index("lsoa_code")
    ward_names = wards.set_index("ward_code")["ward_name"]
    rows = []
    for code, rank in zip(deprived["LSOA code (2011)"], deprived["rank"], strict=True):
        ward = ward_names[by_code.at[code, "ward_code"]]
        name = CONFIRMED_NEIGHBOURHOOD_NAMES.get(ward, f"{ward} priority neighbourhood")
        basis = (
            "named in council papers"
            if ward in CONFIRMED_NEIGHBOURHOOD_NAMES
            else "named after its ward (most deprived 1% LSOAs in the ward)"
        )
        rows.append(
            {
                "neighbourhood_code": f"PN-{slugify(CONFIRMED_NEIGHBOURHOOD_NAMES.get(ward, ward)).upper()}",
                "neighbourhood_name": name,
                "lsoa_code": code,
                "lsoa_name": by_code.at[code, "lsoa_name"],
                "imd_rank_2019": int(rank),
                "name_basis": basis,
            }
        )
    return pd.DataFrame(rows).sort_values(["neighbourhood_code", "lsoa_code"]).reset_index(drop=True)


def build_geography(source: Path, out: DatasetPaths, log: Callable[[str], None]) -> None:
    wards_geo = gpd.read_file(source / SOURCE_FILES["wards"])
    constituencies = gpd.read_file(source / SOURCE_FILES["constituencies"])
    wards = _ward_table(source)
    lsoa, lsoa11_lookup, lsoa21_geo = _lsoa_table(source, wards, constituencies)
    log(f"{len(lsoa)} LSOAs (2021), {len(lsoa11_lookup)} LSOAs (2011), {len(wards)} wards")

    out.geo.mkdir(parents=True, exist_ok=True)
    out.data.mkdir(parents=True, exist_ok=True)
    _write_csv(lsoa, out.geo / "lsoa_lookup.csv")
    _write_csv(lsoa11_lookup, out.geo / "lsoa11_lookup.csv")
    _write_csv(wards, out.geo / "wards.csv")
    seats = pd.DataFrame(
        {"constituency_code": constituencies["PCON13CD"], "constituency_name": constituencies["PCON13NM"]}
    ).sort_values("constituency_code")
    _write_csv(seats, out.geo / "constituencies.csv")
    _write_csv(_neighbourhoods(source, lsoa, wards), out.neighbourhoods)

    lsoa_shapes = simplify_coverage(
        lsoa21_geo.rename(columns={"LSOA21CD": "code", "LSOA21NM": "name"}), TOLERANCE_M["lsoa"]
    )
    write_geojson(lsoa_shapes, out.boundary("lsoa"), ["code", "name"])
    canonical = dict(zip(wards["ward_code_2019"], wards["ward_code"], strict=True))
    ward_shapes = wards_geo.assign(code=wards_geo["WD19CD"].map(canonical))
    ward_shapes["name"] = ward_shapes["code"].map(wards.set_index("ward_code")["ward_name"])
    ward_shapes = simplify_coverage(ward_shapes[["code", "name", "geometry"]], TOLERANCE_M["ward"])
    write_geojson(ward_shapes, out.boundary("ward"), ["code", "name"])
    committee = dissolve(ward_shapes, ward_shapes["code"].map(wards.set_index("ward_code")["committee_code"]))
    committee_names = wards.drop_duplicates("committee_code").set_index("committee_code")["committee_name"]
    committee_frame = gpd.GeoDataFrame(
        {"code": committee.index, "name": committee.index.map(committee_names)},
        geometry=committee.values,
        crs=committee.crs,
    )
    write_geojson(committee_frame, out.boundary("committee"), ["code", "name"])
    seat_shapes = constituencies.rename(columns={"PCON13CD": "code", "PCON13NM": "name"})
    seat_shapes = simplify_coverage(seat_shapes[["code", "name", "geometry"]], TOLERANCE_M["constituency"])
    write_geojson(seat_shapes, out.boundary("constituency"), ["code", "name"])
    city = dissolve(ward_shapes, pd.Series(CITY_CODE, index=ward_shapes.index))
    city_frame = gpd.GeoDataFrame({"code": [CITY_CODE], "name": [CITY_NAME]}, geometry=city.values, crs=city.crs)
    write_geojson(city_frame, out.boundary("city"), ["code", "name"])
    for level in ("lsoa", "ward", "committee", "constituency", "city"):
        log(f"geo/{level}.geojson: {out.boundary(level).stat().st_size / 1024:.0f} KB")


def build_values(source: Path, out: DatasetPaths, log: Callable[[str], None]) -> pd.DataFrame:
    catalogue = load_catalogue(out.catalogue)
    geography = load_geography(out, catalogue.levels, catalogue.source)
    from saferleeds.core.boundaries import read_boundary

    result = police_uk.read_police_uk(
        police_uk.sources_from_paths([source / SOURCE_FILES["police"]]),
        geography,
        catalogue,
        lambda: read_boundary(out.boundary("lsoa")),
    )
    log(result.summary())
    recorded = result.counts
    real = recorded[recorded["period"] == REAL_MONTH].pivot(index="area_code", columns="indicator", values="value")
    real = real.drop(
        columns=[i.id for i in catalogue.police_uk_indicators() if i.police_uk_crime_type == police_uk.ALL_EXCEPT_ASB]
    )
    real = real.reindex(geography.lsoa.index)
    frame = modelled.model_default(real, geography.lsoa, REAL_MONTH, CITY_CODE)
    values = pd.concat([frame, recorded], ignore_index=True)
    write_values(values, out.values)
    log(f"data/values.parquet: {len(values):,} rows, {out.values.stat().st_size / 1024:.0f} KB")
    return values


def _annotations() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"date": "2016-04-01", "indicators": "*", "note": "Start of the modelled history"},
            {"date": "2020-03-23", "indicators": "*", "note": "First national lockdown"},
            {"date": "2021-07-19", "indicators": "*", "note": "Last lockdown restrictions lifted"},
            {
                "date": "2025-02-01",
                "indicators": "total_crime;asb;violence_sexual;drugs;burglary;robbery;"
                "vehicle_crime;criminal_damage_arson;possession_weapons;public_order;shoplifting;theft_person;"
                "bicycle_theft;other_theft;other_crime",
                "note": "First month of recorded police.uk data; earlier months are modelled",
            },
        ]
    )


def _manifest(values: pd.DataFrame) -> dict:
    summary = values.groupby(["indicator", "status"]).agg(
        first=("period", "min"), last=("period", "max"), rows=("value", "size")
    )
    return {
        "dataset": "Safer Leeds Insight embedded default",
        "real_month": REAL_MONTH.strftime("%Y-%m"),
        "modelled_seed": modelled.SEED,
        "indicators": {
            f"{ind}:{status}": {
                "first": row["first"].strftime("%Y-%m"),
                "last": row["last"].strftime("%Y-%m"),
                "rows": int(row["rows"]),
            }
            for (ind, status), row in summary.iterrows()
        },
    }


def build_default(source: str | Path, out: DatasetPaths, log: Callable[[str], None] = print) -> None:
    """Write every file of the embedded default from the open data in ``source``."""
    source = Path(source)
    _check_sources(source)
    build_geography(source, out, log)
    values = build_values(source, out, log)
    _write_csv(_annotations(), out.annotations)
    text = json.dumps(_manifest(values), indent=2, sort_keys=True) + "\n"
    write_atomic(out.manifest, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
