"""Build the embedded default dataset (``data/`` and ``geo/``) from the open data for Leeds.

``python -m saferleeds build-default --source ../shared/data`` runs this. The output is deterministic: two
runs give identical bytes. What is recorded, estimated and modelled, and how, is in ``data/README.md``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from saferleeds.core.boundaries import read_boundary
from saferleeds.core.catalogue import Catalogue, load_catalogue
from saferleeds.core.geography import CITY_CODE, Geography, load_geography
from saferleeds.core.paths import DatasetPaths
from saferleeds.core.values import write_atomic, write_values
from saferleeds.ingest import estimated, modelled, open_history, police_uk
from saferleeds.ingest.default_geography import build_geography
from saferleeds.ingest.default_tables import SOURCE_FILES, check_sources, write_csv

__all__ = ["SOURCE_FILES", "build_default"]
STOP_SEARCH_LIKE = ("drugs", "possession_weapons")  # stop and search is shared out like these offences
MSOA = "msoa"  # the catalogue level the MSOA files of the open data fill


def _street_months(source: Path, out: DatasetPaths, geography: Geography, catalogue: Catalogue, log) -> pd.DataFrame:
    """The two whole police.uk street months, per LSOA, read by the ingest people use."""
    files = [source / SOURCE_FILES[key] for key in open_history.STREET_MONTHS.values()]
    result = police_uk.read_police_uk(
        police_uk.sources_from_paths(files), geography, catalogue, lambda: read_boundary(out.boundary("lsoa"))
    )
    log(result.summary())
    return result.counts


def _shares(street: pd.DataFrame, geography: Geography, catalogue: Catalogue) -> dict[str, pd.Series]:
    """Each police.uk type's and stop and search's LSOA shares within their MSOA (see ``estimated``)."""
    types = [i.id for i in catalogue.police_uk_indicators() if i.police_uk_crime_type != police_uk.ALL_EXCEPT_ASB]
    counts = street[street["indicator"].isin(types)].pivot_table(
        index="area_code", columns="indicator", values="value", aggfunc="sum"
    )
    counts[open_history.STOP_SEARCH] = counts[list(STOP_SEARCH_LIKE)].sum(axis=1)
    lsoa = geography.lsoa
    both = estimated.lsoa_shares(counts, lsoa[geography.code_column(MSOA)], lsoa["population"])
    return {column: both[column] for column in both.columns}


def real_history(values: pd.DataFrame, catalogue: Catalogue, codes: pd.Index) -> modelled.RealHistory:
    """The real months' city counts and LSOA totals per type, as the default shows them."""
    types = [i.id for i in catalogue.police_uk_indicators() if i.police_uk_crime_type != police_uk.ALL_EXCEPT_ASB]
    rows = values[values["indicator"].isin(types)]
    at_lsoa = rows[rows["area_code"].isin(codes)]
    city = at_lsoa.pivot_table(index="period", columns="indicator", values="value", aggfunc="sum")
    lsoa = at_lsoa.pivot_table(index="area_code", columns="indicator", values="value", aggfunc="sum")
    return modelled.RealHistory(city=city.sort_index()[sorted(types)], lsoa=lsoa.reindex(codes)[sorted(types)])


def build_values(source: Path, out: DatasetPaths, log: Callable[[str], None]) -> pd.DataFrame:
    catalogue = load_catalogue(out.catalogue)
    geography = load_geography(out, catalogue.levels, catalogue.source)
    msoa_codes = geography.level_areas(MSOA)["code"]
    street = _street_months(source, out, geography, catalogue, log)
    msoa_rows = pd.concat(
        [
            open_history.msoa_police_rows(source, catalogue, pd.Index(msoa_codes)),
            open_history.stop_search_rows(source, pd.Index(msoa_codes)),
        ],
        ignore_index=True,
    )
    totals = {i.id: _crime_types(catalogue) for i in catalogue.police_uk_indicators() if _is_total(i)}
    shares = _shares(street, geography, catalogue)
    msoa_of = geography.lsoa[geography.code_column(MSOA)]
    lsoa_estimates = estimated.estimate_lsoa_rows(msoa_rows, shares, msoa_of, totals)
    real = pd.concat([street, lsoa_estimates], ignore_index=True)
    history = real_history(real, catalogue, geography.lsoa.index)
    frame = modelled.model_default(history, geography.lsoa, open_history.LAST_REAL_MONTH, CITY_CODE)
    values = pd.concat([frame, real, msoa_rows], ignore_index=True)
    write_values(values, out.values)
    breakdown = catalogue.indicator(open_history.STOP_SEARCH).breakdown
    if breakdown is not None:
        write_csv(open_history.stop_search_by_group(source, pd.Index(msoa_codes)), out.root / breakdown.file)
    log(f"data/values.parquet: {len(values):,} rows, {out.values.stat().st_size / 1024:.0f} KB")
    return values


def _is_total(indicator) -> bool:
    return indicator.police_uk_crime_type == police_uk.ALL_EXCEPT_ASB


def _crime_types(catalogue: Catalogue) -> list[str]:
    return [
        i.id
        for i in catalogue.police_uk_indicators()
        if str(i.police_uk_crime_type).lower() not in (police_uk.ALL_EXCEPT_ASB.lower(), police_uk.ASB_TYPE)
    ]


def _annotations(catalogue: Catalogue) -> pd.DataFrame:
    police = ";".join(i.id for i in catalogue.police_uk_indicators())
    return pd.DataFrame(
        [
            {"date": "2016-04-01", "indicators": "*", "note": "Start of the modelled history"},
            {"date": "2020-03-23", "indicators": "*", "note": "First national lockdown"},
            {"date": "2021-07-19", "indicators": "*", "note": "Last lockdown restrictions lifted"},
            {
                "date": open_history.FIRST_REAL_MONTH.strftime("%Y-%m-%d"),
                "indicators": f"{police};{open_history.STOP_SEARCH}",
                "note": "Recorded police.uk data starts (per MSOA); earlier months are modelled",
            },
        ]
    )


def _manifest(values: pd.DataFrame, source: Path) -> dict:
    summary = values.groupby(["indicator", "status"]).agg(
        first=("period", "min"), last=("period", "max"), rows=("value", "size")
    )
    return {
        "dataset": "Safer Leeds Insight embedded default",
        "real_months": {
            "first": open_history.FIRST_REAL_MONTH.strftime("%Y-%m"),
            "last": open_history.LAST_REAL_MONTH.strftime("%Y-%m"),
        },
        "real_history_level": MSOA,
        "street_months": sorted(m.strftime("%Y-%m") for m in open_history.STREET_MONTHS),
        "modelled_seed": modelled.SEED,
        "estimated_method": {"k_all": estimated.K_ALL, "k_type": estimated.K_TYPE},
        "reference_totals": [open_history.official_total(source)],
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
    check_sources(source)
    build_geography(source, out, log)
    values = build_values(source, out, log)
    catalogue = load_catalogue(out.catalogue)
    write_csv(_annotations(catalogue), out.annotations)
    text = json.dumps(_manifest(values, source), indent=2, sort_keys=True) + "\n"
    write_atomic(out.manifest, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    log(f"status: {', '.join(f'{n:,} {s}' for s, n in values['status'].value_counts().sort_index().items())}")
