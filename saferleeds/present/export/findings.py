"""What needs attention, for a board pack: the findings the Overview lists, as a table with the address of
the view that shows each one, and the words that say how they were found."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd

from saferleeds.analysis.attention import KIND_LABELS, Attention, Link, summary_words
from saferleeds.core.dataset import Dataset

ATTENTION_TITLE = "What needs attention"
COLUMNS = (
    "Rank",
    "Kind",
    "Finding",
    "Status",
    "Indicator",
    "Area",
    "p-value",
    "Adjusted p-value (Benjamini-Hochberg)",
    "View in the app",
)


def view_address(dataset: Dataset, link: Link) -> str:
    """The app address (relative to its home page) that opens the view of a finding, filters as the URL
    spells them: ``trends?indicator=Burglary&level=Ward&area=Armley``."""
    catalogue = dataset.catalogue
    query: dict[str, str] = {}
    for key, value in link.filters.items():
        if value is None:
            continue
        if key == "indicator":
            query[key] = catalogue.indicator(str(value)).label
        elif key == "level":
            query[key] = catalogue.level(str(value)).label
        elif key == "area":
            query[key] = dataset.geography.name(str(value))
        elif isinstance(value, bool):
            query[key] = "true" if value else "false"
        else:
            query[key] = str(value)
    page = "" if link.page == "overview" else link.page
    return f"{page}?{urlencode(query)}" if query else page


def findings_table(dataset: Dataset, attention: Attention) -> pd.DataFrame:
    """One row per finding, strongest evidence first."""
    statuses = dataset.catalogue.statuses
    rows = [
        (
            rank,
            KIND_LABELS[finding.kind],
            finding.sentence,
            statuses.label(finding.status),
            dataset.catalogue.indicator(finding.indicator).label,
            dataset.geography.name(finding.area_code),
            finding.p_value,
            finding.adjusted_p_value,
            view_address(dataset, finding.link),
        )
        for rank, finding in enumerate(attention.findings, start=1)
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def findings_notes(dataset: Dataset, attention: Attention) -> tuple[str, ...]:
    """What the list was made from, and how a finding is chosen."""
    alpha = dataset.catalogue.thresholds.significance
    return (
        summary_words(attention),
        "Each key indicator is tested for a significant change on the same months a year earlier, for areas "
        "beyond the funnel limits (Spiegelhalter 2005), for control-chart signals (NHS Making Data Count) and "
        "for new hot spots (Getis-Ord Gi*). The p-values of every test are adjusted together by the "
        f"Benjamini-Hochberg procedure (1995); a finding is listed when its adjusted p-value is below {alpha:g}, "
        "strongest evidence first. Findings resting on modelled months are left out.",
        "Addresses under 'View in the app' open the view that shows a finding when added to the app's address.",
    )
