"""The plan on a page: key indicators per shared priority, as tiles for an area and for Leeds."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from saferleeds.analysis.aggregate import area_monthly
from saferleeds.analysis.area_summary import area_row
from saferleeds.analysis.disclosure import hidden_months
from saferleeds.analysis.measures import format_value, measure_label
from saferleeds.core.catalogue import Catalogue, Indicator, Priority
from saferleeds.core.dataset import Dataset
from saferleeds.core.geography import CITY_CODE
from saferleeds.core.periods import Period


@dataclass(frozen=True)
class Figure:
    """One indicator's numbers for one area over the selected period."""

    area_code: str
    area_name: str
    available: bool
    value_text: str
    change_words: str
    judgement: str  # worse, better or neutral (context indicators are always neutral)
    status: str
    target_text: str | None
    verdict: str | None  # funnel verdict against Leeds, for areas below the city


@dataclass(frozen=True)
class Tile:
    indicator: Indicator
    unit_words: str
    area: Figure | None  # the chosen area, when one is chosen
    leeds: Figure
    series: pd.DataFrame  # period, shown, status, suppressed: the sparkline of the chosen area (or Leeds)
    measure: str = "count"
    series_name: str = "Leeds"  # the area the sparkline shows

    def sparkline_description(self) -> str:
        """The sparkline in one sentence (its text alternative)."""
        return (
            f"Line chart of {self.indicator.label.lower()} ({self.unit_words}) for {self.series_name} each month, "
            f"{sparkline_words(self.series)}; dashed where estimated or modelled."
        )


def sparkline_words(series: pd.DataFrame) -> str:
    if series.empty:
        return "no months"
    return f"{series['period'].min():%B %Y} to {series['period'].max():%B %Y}"


def tile_table(tile: Tile, catalogue: Catalogue) -> pd.DataFrame:
    """The numbers of a tile's sparkline, month by month; hidden small counts read as the disclosure rule says."""
    series = tile.series
    hidden = series["suppressed"] if "suppressed" in series.columns else pd.Series(False, index=series.index)
    value = f"Value ({tile.unit_words})"
    return pd.DataFrame(
        {
            "Area": tile.series_name,
            "Month": series["period"].dt.strftime("%b %Y").to_numpy(),
            value: [
                format_value(v, tile.indicator, tile.measure, catalogue.disclosure.shown_as if h else None)
                for v, h in zip(series["shown"], hidden, strict=True)
            ],
            "Data": [catalogue.statuses.label(s) for s in series["status"]],
        }
    )


@dataclass(frozen=True)
class PriorityColumn:
    priority: Priority
    tiles: list[Tile]


def tile_indicators(dataset: Dataset, priority: str | None, theme: str | None) -> dict[str, list[Indicator]]:
    """Indicators to show per priority column.

    With no theme: the key indicators, each under its primary priority. With a theme: every
    indicator tagged with that theme. A chosen priority keeps only its own column.
    """
    columns: dict[str, list[Indicator]] = {}
    for item in dataset.catalogue.priorities:
        if priority and item.id != priority:
            continue
        chosen = [
            i
            for i in dataset.catalogue.indicators
            if i.primary_priority == item.id and ((theme in i.themes) if theme else i.key)
        ]
        columns[item.id] = chosen
    return columns


def _target_text(indicator: Indicator, value: float) -> str | None:
    target = indicator.target
    if target is None:
        return None
    if pd.isna(value):
        return target.label
    met = "met" if target.is_met(value) else "not met"
    return f"{target.label}: {met}"


def figure(dataset: Dataset, indicator: Indicator, code: str, period: Period, measure: str) -> Figure:
    row = area_row(dataset, indicator.id, code, period, measure)
    name = dataset.geography.name(code)
    if row is None or row["months"] == 0:
        level = dataset.geography.level_of(code) or dataset.catalogue.levels.city
        plural = dataset.catalogue.level(level).plural
        return Figure(code, name, False, f"Not available for {plural}", "", "neutral", "no data", None, None)
    verdict = None if row["verdict"] == "not compared" else f"{row['verdict']} the Leeds average"
    return Figure(
        area_code=code,
        area_name=name,
        available=True,
        value_text=str(row["display"]),
        change_words=row["change_words"],
        judgement=row["judgement"],
        status=row["status"],
        target_text=_target_text(indicator, row["value"]),
        verdict=verdict,
    )


def sparkline_series(dataset: Dataset, indicator: Indicator, code: str, window: Period, measure: str) -> pd.DataFrame:
    """An area's months in the window; a small count that disclosure control hides has no value."""
    series = area_monthly(dataset, indicator.id, code, measure)
    series = series[window.contains(series["period"]).to_numpy()]
    hidden = pd.Series(hidden_months(dataset, indicator.id, code, series["period"]), index=series.index)
    return pd.DataFrame(
        {
            "period": series["period"].to_numpy(),
            "shown": series["shown"].where(~hidden).to_numpy(dtype=float),
            "status": series["status"].to_numpy(),
            "suppressed": hidden.to_numpy(dtype=bool),
        }
    )


def sparkline_period(period: Period) -> Period:
    """The sparkline shows the selected period and the one it is compared with."""
    return Period(period.comparison().start, period.end)


def plan_on_a_page(
    dataset: Dataset, priority: str | None, theme: str | None, area: str | None, period: Period, measure: str
) -> list[PriorityColumn]:
    """Tiles for every priority column, for the chosen area (if any) beside Leeds (remembered per dataset version)."""
    key = ("plan_on_a_page", priority, theme, area, period, measure)
    return dataset.memo(key, lambda: _plan_on_a_page(dataset, priority, theme, area, period, measure))


def _plan_on_a_page(
    dataset: Dataset, priority: str | None, theme: str | None, area: str | None, period: Period, measure: str
) -> list[PriorityColumn]:
    columns = []
    for priority_id, indicators in tile_indicators(dataset, priority, theme).items():
        tiles = []
        for indicator in indicators:
            leeds = figure(dataset, indicator, CITY_CODE, period, measure)
            chosen = figure(dataset, indicator, area, period, measure) if area else None
            series_code = chosen.area_code if chosen is not None and chosen.available else CITY_CODE
            series = sparkline_series(dataset, indicator, series_code, sparkline_period(period), measure)
            unit = measure_label(indicator, measure)
            name = dataset.geography.name(series_code)
            tiles.append(Tile(indicator, unit, chosen, leeds, series, measure, name))
        columns.append(PriorityColumn(dataset.catalogue.priority(priority_id), tiles))
    return columns


def plan_table(columns: list[PriorityColumn], catalogue: Catalogue) -> pd.DataFrame:
    """Every tile's figures as one table (the page's download): one row per indicator and area shown."""
    rows = []
    for column in columns:
        for tile in column.tiles:
            for shown in (tile.area, tile.leeds):
                if shown is None:
                    continue
                rows.append(
                    {
                        "Priority": column.priority.short,
                        "Indicator": tile.indicator.label,
                        "Area": shown.area_name,
                        "Value": shown.value_text,
                        "Unit": tile.unit_words,
                        "Change on a year earlier": shown.change_words,
                        "Compared with Leeds": shown.verdict or "",
                        "Target": shown.target_text or "",
                        "Data": catalogue.statuses.label(shown.status),
                    }
                )
    return pd.DataFrame(rows)


def sparkline_table(columns: list[PriorityColumn], catalogue: Catalogue) -> pd.DataFrame:
    """The months of every tile's small chart in one table, disclosure control kept (see ``tile_table``)."""
    tables = []
    for tile in (t for column in columns for t in column.tiles):
        if tile.series.empty:
            continue
        table = tile_table(tile, catalogue)
        unit = f"Value ({tile.unit_words})"
        table = table.rename(columns={unit: "Value"})
        table.insert(0, "Indicator", tile.indicator.label)
        table.insert(3, "Unit", tile.unit_words)
        tables.append(table)
    if not tables:
        return pd.DataFrame(columns=["Indicator", "Area", "Month", "Unit", "Value", "Data"])
    return pd.concat(tables, ignore_index=True)
