"""Make the small upload fixtures in this folder (run from the project root).

    python tests/data/make_upload_fixtures.py

They are derived from the project's own embedded default (geo/*.geojson, geo/wards.csv) and from
40 rows of the police.uk February 2025 download in ../shared/data; tests/data/README.md says what
each file holds. The output is committed; rerunning gives the same content.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
POLICE = ROOT.parent / "shared" / "data" / "police_uk_leeds_2025-02_street.csv"
BNG = "EPSG:27700"


def police_rows(month: str, count: int = 40, offset: int = 0) -> list[dict]:
    with open(POLICE, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    chosen = [dict(r, Month=month) for r in rows[offset : offset + count * 200 : 200]]
    return chosen


def write_police_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def make_street_month(month: str) -> None:
    rows = police_rows(month)
    rows[3]["LSOA code"] = ""  # placed by its coordinates instead
    rows[3]["LSOA name"] = ""
    rows[4]["LSOA code"] = "E01000001"  # City of London: outside Leeds
    rows[4]["LSOA name"] = "City of London 001A"
    (HERE / f"police_uk_{month}_street.csv").write_text(write_police_csv(rows), encoding="utf-8")


def make_police() -> None:
    make_street_month("2025-03")  # a month the default holds: an upload replaces it
    make_street_month("2025-08")  # the month after the default's last: an upload adds it
    with zipfile.ZipFile(HERE / "police_uk_bulk.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for month, offset in (("2025-04", 7), ("2025-05", 11)):
            text = write_police_csv(police_rows(month, offset=offset))
            info = zipfile.ZipInfo(f"{month}/{month}-west-yorkshire-street.csv", date_time=(2025, 6, 1, 0, 0, 0))
            archive.writestr(info, text)
        info = zipfile.ZipInfo("2025-04/2025-04-west-yorkshire-outcomes.csv", date_time=(2025, 6, 1, 0, 0, 0))
        archive.writestr(info, "this file is not read\n")


def make_tables() -> None:
    wards = pd.read_csv(ROOT / "geo" / "wards.csv", dtype=str)
    recoded = wards[wards["ward_code_2018"] != wards["ward_code_2025"]].head(3)
    plain = wards[wards["ward_code_2018"] == wards["ward_code_2025"]].head(3)
    rows = []
    for vintage, (_, ward) in zip(
        ("ward_code_2018", "ward_code_2019", "ward_code_2025"), recoded.iterrows(), strict=True
    ):
        rows.append(("feel_safe", ward[vintage], "2025-03", 412, 500, "provisional", "Leeds residents survey"))
    for _, ward in plain.iterrows():
        rows.append(("feel_safe", ward["ward_code"], "2025-03", 430, 510, "", ""))
    frame = pd.DataFrame(rows, columns=["indicator", "area_code", "period", "value", "denominator", "status", "source"])
    frame.to_csv(HERE / "indicator_long.csv", index=False, lineterminator="\n")

    lsoa11 = pd.read_csv(ROOT / "geo" / "lsoa11_lookup.csv", dtype=str)
    parquet = pd.DataFrame(
        {
            "indicator": "hate_incidents",
            "lsoa11cd": lsoa11["lsoa11_code"].head(5),
            "month": ["2025-03"] * 5,
            "count": [0.0, 1.0, 2.0, 7.0, 3.0],
        }
    )
    parquet.to_parquet(HERE / "indicator_long.parquet", index=False)

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "values"
    sheet.append(["indicator", "area_name", datetime(2025, 3, 1), datetime(2025, 4, 1)])
    for name, a, b in (("Armley", 12, 9), ("Gipton & Harehills", 20, 17), ("Beeston and Holbeck", 15, None)):
        sheet.append(["fly_tipping", name, a, b])
    catalogue = book.create_sheet("catalogue")
    fields = ["id", "label", "definition", "unit", "polarity", "priorities", "themes", "source", "native_geography"]
    catalogue.append(fields)
    catalogue.append(
        [
            "fly_tipping",
            "Fly-tipping reported to the council",
            "Incidents of fly-tipping reported to Leeds City Council.",
            "count",
            "higher_is_worse",
            "location",
            "asb_exploitation",
            "Leeds City Council environmental services",
            "ward",
        ]
    )
    book.properties.created = datetime(2025, 6, 1)
    book.save(HERE / "indicator_wide.xlsx")

    problems = [
        ("indicator", "area_code", "period", "value", "denominator"),
        ("feel_safe", "E05011385", "2025-03", "400", "500"),  # fine
        ("feel_safe", "E05011358", "2025-03", "400", "500"),  # unknown area code (close to real ones)
        ("feel_safe", "E05011387", "2025-13", "400", "500"),  # period does not parse
        ("burglary", "E01011264", "2025-03", "-2", ""),  # negative count
        ("feel_safe", "E05011388", "2025-03", "600", "500"),  # percentage over 100
        ("feel_safe", "E05011385", "2025-03", "410", "500"),  # duplicate of row 2
        ("feel_safe", "E05011384", "2025-03", "0", "0"),  # denominator of zero
        ("no_such_indicator", "E05011384", "2025-03", "1", ""),  # unknown indicator
    ]
    with open(HERE / "indicator_problems.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(problems)

    lsoa = pd.read_csv(ROOT / "geo" / "lsoa_lookup.csv", dtype=str)
    listing = pd.DataFrame(
        {
            "neighbourhood_name": ["New Wortley", "New Wortley", "Lincoln Green", "Lincoln Green"],
            "lsoa_code": [
                lsoa["lsoa_code"].iloc[10],
                lsoa11["lsoa11_code"].iloc[11],
                lsoa["lsoa_code"].iloc[12],
                lsoa["lsoa_code"].iloc[13],
            ],
        }
    )
    listing.to_csv(HERE / "neighbourhoods_list.csv", index=False, lineterminator="\n")


def _simplified(level: str, tolerance: float) -> gpd.GeoDataFrame:
    frame = gpd.read_file(ROOT / "geo" / f"{level}.geojson").to_crs(BNG)
    frame["geometry"] = shapely.coverage_simplify(frame.geometry.values, tolerance)
    frame["geometry"] = shapely.set_precision(frame.geometry.values, 1.0)
    return frame


def make_boundaries() -> None:
    committees = _simplified("committee", 150).rename(columns={"code": "CC_CODE", "name": "CC_NAME"})
    committees.to_file(HERE / "committees_bng.geojson", driver="GeoJSON", WRITE_NAME=False)
    text = (HERE / "committees_bng.geojson").read_text(encoding="utf-8")
    assert "27700" in text, "the GeoJSON must state British National Grid"
    stripped = committees.set_crs(None, allow_override=True)
    stripped.to_file(HERE / "committees_bng_nocrs.geojson", driver="GeoJSON", WRITE_NAME=False)

    wards = _simplified("ward", 120)
    codes = pd.read_csv(ROOT / "geo" / "wards.csv", dtype=str).set_index("ward_code")["ward_code_2019"]
    wards = wards.assign(WD19CD=wards["code"].map(codes), WD19NM=wards["name"])[["WD19CD", "WD19NM", "geometry"]]
    (HERE / "wards.gpkg").unlink(missing_ok=True)
    wards.to_file(HERE / "wards.gpkg", driver="GPKG", layer="wards")

    seats = _simplified("constituency", 150).rename(columns={"code": "PCON13CD", "name": "PCON13NM"})
    folder = HERE / "_shp"
    folder.mkdir(exist_ok=True)
    seats.to_file(folder / "constituencies.shp")
    with zipfile.ZipFile(HERE / "constituencies_shp.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(folder.iterdir()):
            archive.write(part, f"constituencies/{part.name}")
        archive.writestr("constituencies/readme.txt", "not read\n")
    for part in folder.iterdir():
        part.unlink()
    folder.rmdir()

    lsoa = gpd.read_file(ROOT / "geo" / "lsoa.geojson").to_crs(BNG)
    groups = {"New Wortley": lsoa["code"].iloc[10:12], "Lincoln Green": lsoa["code"].iloc[12:14]}
    shapes = []
    for name, members in groups.items():
        union = shapely.union_all(lsoa[lsoa["code"].isin(members)].geometry.values).buffer(-20).simplify(20)
        shapes.append({"name": name, "geometry": union})
    polygons = gpd.GeoDataFrame(shapes, crs=BNG).to_crs("EPSG:4326")
    polygons["geometry"] = shapely.set_precision(polygons.geometry.values, 1e-5)
    polygons.to_file(HERE / "neighbourhoods_polygons.geojson", driver="GeoJSON")


if __name__ == "__main__":
    make_police()
    make_tables()
    make_boundaries()
