"""The words that go with the trend charts: dated notes, why months are hidden, and how many are modelled."""

from __future__ import annotations

import pandas as pd

from saferleeds.core.catalogue import Indicator
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period
from saferleeds.core.text import join_words
from saferleeds.core.vocabulary import ESTIMATED, MODELLED


def notes_for(annotations: pd.DataFrame, indicator_id: str, window: Period) -> pd.DataFrame:
    """Dated notes that concern the indicator ("*" or its id among ";"-separated ids) within the window.

    Columns: number (1, 2, ...), date, note, label ("1: 23 Mar 2020: First national lockdown").
    """
    if annotations.empty:
        return pd.DataFrame(columns=["number", "date", "note", "label"])
    concerns = annotations["indicators"].map(
        lambda ids: ids.strip() == "*" or indicator_id in {i.strip() for i in ids.split(";")}
    )
    month_start = annotations["date"].dt.to_period("M").dt.start_time
    inside = (month_start >= window.start) & (month_start <= window.end)
    notes = annotations[(concerns & inside).to_numpy()].sort_values("date").reset_index(drop=True)
    notes = notes[["date", "note"]].copy()
    notes.insert(0, "number", range(1, len(notes) + 1))
    notes["label"] = [
        f"{n}: {d:%-d %b %Y}: {text}" for n, d, text in zip(notes["number"], notes["date"], notes["note"], strict=True)
    ]
    return notes


def disclosure_note(dataset: Dataset, indicator: Indicator, series: pd.DataFrame) -> str:
    """Why months are missing from the charts of a sensitive indicator, in one or two sentences."""
    hidden = int(series["suppressed"].sum()) if "suppressed" in series else 0
    if not hidden:
        return ""
    rule = dataset.catalogue.disclosure
    levels = [dataset.catalogue.level(lv).plural for lv in rule.levels]
    return (
        f"{hidden} monthly figures are not shown to protect privacy: {indicator.label.lower()} for "
        f"{join_words(levels)} is published as 12-month totals only (rounded to the nearest {rule.round_to}, "
        f"“{rule.shown_as}” when small), so the 12-month rolling average is shown for them instead; a month "
        "of a larger area is left out where it would let a small count be worked out."
    )


def modelled_share(series: pd.DataFrame) -> str:
    """'all 36 months shown are recorded data', '35 of the 36 months shown are modelled, not recorded data',
    '24 of the 36 months shown are estimated from recorded totals', ..."""
    total = len(series)
    modelled = int((series["status"] == MODELLED).sum())
    estimated = int((series["status"] == ESTIMATED).sum())
    if total == 0:
        return "there is no data to show"
    if modelled == 0 and estimated == 0:
        return f"all {total} months shown are recorded data"
    if modelled == total:
        return f"all {total} months shown are modelled, not recorded data"
    if estimated == total:
        return f"all {total} months shown are estimated from recorded totals"
    parts = []
    if modelled:
        parts.append(f"{modelled} of the {total} months shown are modelled, not recorded data")
    if estimated:
        lead = f"{estimated}" if modelled else f"{estimated} of the {total} months shown"
        parts.append(f"{lead} are estimated from recorded totals")
    return "; ".join(parts)
