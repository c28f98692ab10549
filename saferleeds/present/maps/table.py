"""The map's numbers in words: the chosen area's panel, the table under the map and its text alternative."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from saferleeds.core.text import sentence_case
from saferleeds.core.vocabulary import RECORDED
from saferleeds.present.maps.legend import value_format
from saferleeds.present.maps.model import MapModel, change_values


@dataclass(frozen=True)
class AreaPanel:
    code: str
    name: str
    level_label: str
    headline: str
    facts: tuple[tuple[str, str], ...]
    modelled: bool


def area_panel(model: MapModel, code: str) -> AreaPanel | None:
    """Key figures of one area of the map, in plain English (None if the area is not on this map)."""
    rows = model.areas[model.areas["code"] == code]
    if rows.empty:
        return None
    row = rows.iloc[0]
    facts = [
        ("Status", str(row["tip_status"])),
        ("Rank", str(row["tip_rank"]) or "Not ranked"),
        ("Change on a year earlier", str(row["tip_change"])),
        ("Compared with Leeds", sentence_case(str(row["verdict"]))),
    ]
    if row.get("hotspot"):
        facts.append(("Hot spot analysis", str(row["hotspot"])))
    if np.isfinite(row["population"]):
        people = model.indicator.rates.population(model.measure).labelled
        facts.append((sentence_case(people), f"{row['population']:,.0f}"))
    return AreaPanel(
        code=code,
        name=str(row["name"]),
        level_label=model.level_label,
        headline=f"{model.indicator.short_label}: {row['display']}",
        facts=tuple(facts),
        modelled=str(row["status"]) != RECORDED,
    )


def table_frame(model: MapModel) -> pd.DataFrame:
    """The map's numbers as a table: nothing on the map is only a colour. Hidden numbers stay hidden.

    Areas are in name order; an "ONS code" column is given where the codes are official ones.
    """
    areas = model.areas.sort_values("name", kind="stable").reset_index(drop=True)
    value = areas["value"].where(~areas["suppressed"])
    decimals, _ = value_format(model.indicator, model.measure)
    value = value.round().astype("Int64") if decimals == 0 else value.round(decimals + 1)
    change = change_values(areas).where(~areas["change_hidden"])
    frame = pd.DataFrame(
        {
            "Area": areas["name"],
            "ONS code": areas["code"],
            "Value": value,
            "Shown as": areas["display"],
            "Map class": areas["class_label"],
            "Rank (1 = highest)": areas["rank"].where(~areas["suppressed"]).astype("Int64"),
            "Change (%)" if model.indicator.unit != "percent" else "Change (points)": change.round(1),
            "Change on a year earlier": areas["tip_change"],
            "Compared with Leeds": [sentence_case(str(v)) for v in areas["verdict"]],
            "Status": areas["tip_status"],
        }
    )
    if "hotspot_category" in areas.columns:
        frame["Hot spot analysis"] = areas["hotspot"].replace("", "Not significant")
    if not model.ons_codes:
        frame = frame.drop(columns="ONS code")  # committee and neighbourhood codes are this project's own
    return frame


def table_hidden(model: MapModel) -> pd.Series:
    """Which rows of ``table_frame`` hide a small number."""
    return model.areas.sort_values("name", kind="stable")["suppressed"].reset_index(drop=True)


def table_for_download(model: MapModel) -> pd.DataFrame:
    """The table as it leaves the page: a hidden small number is written '<5', never as its value."""
    frame = table_frame(model)
    hidden = table_hidden(model)
    frame["Value"] = frame["Value"].astype(object).where(~hidden, frame["Shown as"])
    return frame


def map_description(model: MapModel) -> str:
    """What the map shows, in one sentence (its text alternative)."""
    shape = "equal hexagons, one for each of the" if model.options.hex_view else "a map of the"
    what = (
        f"the change in {model.indicator.label.lower()} on the same months a year earlier"
        if model.options.show == "change"
        else f"{model.indicator.label.lower()} ({model.legend.unit})"
    )
    classes = sum(entry.kind == "class" for entry in model.legend.entries)
    return (
        f"Leeds as {shape} {len(model.areas)} {model.level_plural.lower()}, each coloured by {what}, "
        f"{model.period.label()}, in {classes} colour classes that the legend names with their bounds; "
        "every area's numbers are in the table below the map."
    )


def can_print(model: MapModel) -> bool:
    """True when some area has a value that may be shown, so a printable map has something to colour."""
    areas = model.areas
    return bool((areas["value"].notna() & ~areas["suppressed"].astype(bool)).any())
