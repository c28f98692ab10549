"""The table of every area that the Map and Compare pages offer for download, and that
``python -m saferleeds table`` writes: one row per area with its figure as shown, how it was made, its
verdict against Leeds and its change, all under the same disclosure control as the screen.

Columns: area_code, area_name, level, indicator, period, measure, value (as shown: a number, "<5" where
hidden, "withheld" where withheld), unit, count, rate, rank, status, compared_with_leeds (the verdict in
words, empty where withheld or not compared), change (in words, judged with every area of the level at
once), periods_status, method (how the areas were compared, the same on every row).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from saferleeds.analysis.area_summary import comparison_method, summarise
from saferleeds.analysis.disclosure import HIDDEN, WITHHELD
from saferleeds.analysis.measures import effective_measure, measure_label
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period

COLUMNS = (
    "area_code",
    "area_name",
    "level",
    "indicator",
    "period",
    "measure",
    "value",
    "unit",
    "count",
    "rate",
    "rank",
    "status",
    "compared_with_leeds",
    "change",
    "periods_status",
    "method",
)


def _as_shown(values: pd.Series, disclosure: pd.Series, decimals: int, dataset: Dataset) -> list[object]:
    """Numbers rounded as the screen shows them; a hidden count reads "<5", a withheld one "withheld"."""
    rule = dataset.catalogue.disclosure
    shown: list[object] = []
    for value, state in zip(values, disclosure, strict=True):
        if state == HIDDEN:
            shown.append(rule.shown_as)
        elif state == WITHHELD:
            shown.append(rule.withheld_as)
        elif pd.isna(value):
            shown.append("")
        else:
            shown.append(round(float(value), decimals) if decimals else round(float(value)))
    return shown


def verdict_words(position: str, verdict: str) -> str:
    """'significantly above the Leeds average' (empty where the area was not compared)."""
    if position not in ("above", "below", "within"):
        return ""
    return f"{verdict} the Leeds average"


def area_table(dataset: Dataset, indicator_id: str, level: str, period: Period, measure: str) -> pd.DataFrame:
    """Every area of ``level`` for one indicator and period, as the Map and Compare pages offer it."""
    indicator = dataset.catalogue.indicator(indicator_id)
    shown_measure = effective_measure(indicator, measure)
    counts = summarise(dataset, indicator_id, level, period, "count")
    rates = summarise(dataset, indicator_id, level, period, "rate")
    chosen = rates if measure == "rate" else counts
    method = comparison_method(dataset, indicator_id, level, period).words(dataset.catalogue.level(level).plural)
    value_decimals = 0 if shown_measure == "count" else 1
    table = pd.DataFrame(
        {
            "area_code": counts["code"],
            "area_name": counts["name"],
            "level": level,
            "indicator": indicator.id,
            "period": f"{period.start:%Y-%m}..{period.end:%Y-%m}",
            "measure": "number" if shown_measure == "count" else shown_measure,
            "value": _as_shown(chosen["value"], chosen["disclosure"], value_decimals, dataset),
            "unit": measure_label(indicator, measure),
            "count": _as_shown(counts["count"], counts["disclosure"], 0 if indicator.is_count else 1, dataset),
            "rate": _as_shown(rates["value"], rates["disclosure"], 1, dataset),
            "rank": [int(r) if np.isfinite(r) else "" for r in chosen["rank"]],
            "status": counts["status"],
            "compared_with_leeds": [
                verdict_words(p, v) for p, v in zip(counts["funnel_position"], counts["verdict"], strict=True)
            ],
            "change": counts["change_words_fdr"],
            "periods_status": counts["periods_status"],
            "method": method,
        }
    )
    return table.loc[:, list(COLUMNS)].reset_index(drop=True)
