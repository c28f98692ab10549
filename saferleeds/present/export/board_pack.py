"""A board pack: the content is assembled once (figures, sentences, charts, tables) and handed to
each writer (PowerPoint, PDF, Excel, CSV), so every format says the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import altair as alt
import pandas as pd

from saferleeds.analysis.aggregate import latest_period
from saferleeds.analysis.area_summary import summarise
from saferleeds.analysis.measures import measure_label
from saferleeds.analysis.overview import Figure, figure, tile_indicators
from saferleeds.core.catalogue import Indicator, Priority
from saferleeds.core.dataset import Dataset
from saferleeds.core.errors import DataError, Problem
from saferleeds.core.geography import CITY_CODE, CITY_NAME, slugify
from saferleeds.core.periods import Period
from saferleeds.core.text import join_words, sentence_case
from saferleeds.core.vocabulary import MODELLED, RECORDED
from saferleeds.present.export import figures, render, tables
from saferleeds.present.export.sentences import comparison_words, summary_sentences

Progress = Callable[[int, int, str], None]
FORMATS = {
    "pptx": ("PowerPoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "pdf": ("PDF", "application/pdf"),
    "xlsx": ("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": ("CSV (zip)", "application/zip"),
}
FILE_EXTENSIONS = {"pptx": "pptx", "pdf": "pdf", "xlsx": "xlsx", "csv": "zip"}
DEFAULT_LEVEL = "ward"
PERIOD_PATTERN = re.compile(r"^\s*(\d{4}-\d{2})\s*(?:\.\.\s*(\d{4}-\d{2}))?\s*$")
ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right. Contains National Statistics data © Crown "
    "copyright and database right. Contains public sector information licensed under the Open Government "
    "Licence v3.0."
)
MODELLED_MEANING = (
    "Recorded figures are published police.uk data. Estimated figures share a recorded total of a larger area "
    "(a local area, MSOA) among the small areas inside it; they add up to the recorded total, but how it splits "
    "is not recorded. Modelled figures are made where open data does not exist or does not go back far enough; "
    "they are not recorded data."
)


@dataclass(frozen=True)
class PackRequest:
    """What to put in a pack: an area (None for all of Leeds), a period and the indicators."""

    area: str | None
    period: Period
    indicators: tuple[str, ...]
    measure: str = "count"
    level: str = DEFAULT_LEVEL  # areas mapped and tabled when the pack is for all of Leeds


@dataclass(frozen=True)
class Picture:
    """A chart drawn for print, with the chart kept for other formats (SVG)."""

    png: bytes
    description: str
    chart: alt.TopLevelMixin | dict = field(repr=False, compare=False)  # Altair chart or Vega-Lite spec

    @property
    def size(self) -> tuple[int, int]:
        return render.png_size(self.png)


@dataclass(frozen=True)
class Section:
    """One indicator's part of the pack."""

    indicator: Indicator
    priority: Priority
    unit_words: str
    area: Figure | None  # None when the pack is for all of Leeds
    leeds: Figure
    sentences: tuple[str, ...]
    status: str  # of the pack's area (or Leeds), in words: 'recorded', 'partly estimated (…)', 'modelled'
    trend: Picture | None
    map: Picture | None
    map_note: str  # why there is no map, when there is none
    table_level: str

    @property
    def heading(self) -> str:
        """The priority and the units, in a line under the indicator's name."""
        if self.indicator.unit != "count":
            units = f"Figures: {self.unit_words}"
        elif self.unit_words == "number":
            drawn = "charts and maps show" if self.area is not None and self.area.available else "maps show"
            units = f"Figures are numbers in the period; {drawn} rates {self.indicator.rates.with_population}"
        else:
            units = f"Figures, charts and maps are rates {self.unit_words}"
        return f"{self.priority.short}: {self.priority.label}. {units}."

    @property
    def status_line(self) -> str:
        notes = [
            note
            for word, note in (
                ("estimated", " Estimated figures are shared out from recorded totals."),
                ("modelled", " Modelled figures are not recorded data."),
            )
            if word in self.status
        ]
        return f"Status: {self.status}.{''.join(notes)}"


@dataclass(frozen=True)
class BoardPack:
    request: PackRequest
    area_code: str
    area_name: str
    level: str
    created: date
    sections: tuple[Section, ...]
    tables: dict[str, pd.DataFrame]
    notes: dict[str, tuple[str, ...]]
    modelled_note: str
    change_colours: dict[str, str] = field(default_factory=dict)  # worse, better, neutral

    @property
    def title(self) -> str:
        return f"Safer Leeds board pack: {self.area_name}"

    def monthly_rows(self, section: Section) -> pd.DataFrame:
        """The monthly figures of one section (the numbers of its trend chart)."""
        monthly = self.tables["Monthly"]
        if monthly.empty:
            return monthly
        return monthly[monthly["Indicator"] == section.indicator.label].reset_index(drop=True)

    def area_rows(self, section: Section) -> pd.DataFrame:
        """Every area's figures for one section (the numbers of its map)."""
        return self.tables.get(section.indicator.short_label, pd.DataFrame())

    @property
    def subtitle(self) -> str:
        return f"{self.request.period.label()}, compared with {comparison_words(self.request.period)}"

    def file_name(self, fmt: str) -> str:
        period = self.request.period
        return (
            f"safer-leeds-board-pack-{slugify(self.area_name) or 'area'}-"
            f"{period.start:%Y-%m}-to-{period.end:%Y-%m}.{FILE_EXTENSIONS[fmt]}"
        )


# --------------------------------------------------------------------------- choosing


def default_indicators(dataset: Dataset, priority: str | None = None, theme: str | None = None) -> list[str]:
    """The plan on a page's indicators for the chosen priority and theme, in its column order."""
    return [i.id for column in tile_indicators(dataset, priority, theme).values() for i in column]


def resolve_area(dataset: Dataset, text: str | None) -> str | None:
    """A canonical area code from a code (any vintage), a slug or a name; None means all of Leeds."""
    if text is None or not str(text).strip() or slugify(str(text)) in ("leeds", "all-of-leeds", "city"):
        return None
    found = dataset.geography.recognise(text) or dataset.geography.recognise_name(text)
    if found is None:
        raise DataError(Problem("--area", f"'{text}' is not a Leeds area code, slug or name"))
    level, code = found
    return None if level == "city" else code


def parse_period(dataset: Dataset, text: str | None) -> Period:
    """'2024-03..2025-02' (or one month, '2025-02'); nothing means the latest 12 months."""
    if text is None or not str(text).strip():
        return latest_period(dataset, dataset.catalogue.thresholds.default_months)
    match = PERIOD_PATTERN.match(str(text))
    if not match:
        raise DataError(Problem("--period", f"'{text}' is not a period such as 2024-03..2025-02"))
    first, last = match.group(1), match.group(2) or match.group(1)
    try:
        start, end = pd.Timestamp(f"{first}-01"), pd.Timestamp(f"{last}-01")
    except ValueError as exc:
        raise DataError(Problem("--period", f"'{text}' holds a month that does not exist")) from exc
    months = dataset.months
    if start > end:
        raise DataError(Problem("--period", f"'{text}' ends before it starts"))
    if start < months[0] or end > months[-1]:
        raise DataError(
            Problem("--period", f"the data covers {months[0]:%Y-%m} to {months[-1]:%Y-%m}; '{text}' is outside it")
        )
    return Period(start, end)


def check_indicators(dataset: Dataset, indicators: Sequence[str]) -> tuple[str, ...]:
    unknown = [i for i in indicators if not dataset.catalogue.has_indicator(i)]
    if unknown:
        raise DataError(Problem("--indicators", f"unknown indicator(s): {', '.join(unknown)}"))
    if not indicators:
        raise DataError(Problem("--indicators", "choose at least one indicator"))
    return tuple(dict.fromkeys(indicators))


# --------------------------------------------------------------------------- assembling


def _table_level(dataset: Dataset, indicator_id: str, level: str, period: Period) -> str:
    has_data = summarise(dataset, indicator_id, level, period, "count")["months"].gt(0).any()
    return level if has_data else "city"


def _month_spans(months: pd.DatetimeIndex) -> list[str]:
    spans: list[list[pd.Timestamp]] = []
    for month in months:
        if spans and month == spans[-1][-1] + pd.DateOffset(months=1):
            spans[-1].append(month)
        else:
            spans.append([month])
    return [Period(s[0], s[-1]).label() for s in spans]


def modelled_words(dataset: Dataset, indicator_id: str, window: Period) -> str:
    """Which months of an indicator are recorded, estimated or modelled (at one level or another), in words."""
    rows = dataset.rows(indicator_id)
    rows = rows[window.contains(rows["period"]).to_numpy()]
    if rows.empty:
        return "No figures in this period."
    statuses = dataset.catalogue.statuses
    present = [s for s in statuses.ids if s in set(rows["status"])]
    if present == [MODELLED]:
        return "Every month is modelled, not recorded data."
    if present == [RECORDED]:
        return "Every month is recorded data."
    parts = []
    for status in present:
        months = pd.DatetimeIndex(sorted(rows.loc[rows["status"] == status, "period"].unique()))
        parts.append(f"{statuses.label(status)}: {join_words(_month_spans(months))}.")
    return " ".join(parts)


def _picture(chart: alt.TopLevelMixin | dict | None, description: str) -> Picture | None:
    return None if chart is None else Picture(render.png(chart), description, chart)


def _pictures(
    dataset: Dataset,
    request: PackRequest,
    indicator: Indicator,
    level: str,
    table_level: str,
    compared: bool,
    step: Callable[[str], None],
) -> tuple[Picture | None, Picture | None, str]:
    """The trend chart and the map of one indicator, and why there is no map when there is none."""
    period, code = request.period, request.area
    where = f"{dataset.geography.name(code)} and Leeds" if compared else "Leeds"
    window = Period(period.comparison().start, period.end)
    trend = _picture(
        figures.trend_chart(dataset, indicator.id, code, period, request.measure),
        f"Line chart of {indicator.label.lower()} each month, {where}, {window.label()}; "
        "dashed where estimated or modelled.",
    )
    step(f"{indicator.short_label}: trend chart")
    chart_map, note = None, ""
    if table_level == "city":
        note = f"{indicator.label} is not published for {dataset.catalogue.level(level).plural}, so there is no map."
    else:
        plural = dataset.catalogue.level(table_level).plural
        chart_map = _picture(
            figures.choropleth(dataset, indicator.id, table_level, period, request.measure, code),
            f"Map of {indicator.label.lower()} across the {plural} of Leeds, {period.label()}.",
        )
        note = "" if chart_map is not None else f"There are no figures to map for {plural}."
    step(f"{indicator.short_label}: map")
    return trend, chart_map, note


def _section(
    dataset: Dataset, request: PackRequest, indicator: Indicator, level: str, charts: bool, step: Callable[[str], None]
) -> Section:
    period, measure, code = request.period, request.measure, request.area
    leeds = figure(dataset, indicator, CITY_CODE, period, measure)
    area = figure(dataset, indicator, code, period, measure) if code else None
    compared = area is not None and area.available
    table_level = _table_level(dataset, indicator.id, level, period)
    step(f"{indicator.short_label}: figures")
    trend, chart_map, map_note = None, None, ""
    if charts:
        trend, chart_map, map_note = _pictures(dataset, request, indicator, level, table_level, compared, step)
    return Section(
        indicator=indicator,
        priority=dataset.catalogue.priority(indicator.primary_priority),
        unit_words=measure_label(indicator, measure),
        area=area,
        leeds=leeds,
        sentences=tuple(summary_sentences(dataset, indicator.id, code, period, measure)),
        status=(area if compared else leeds).status,
        trend=trend,
        map=chart_map,
        map_note=map_note,
        table_level=table_level,
    )


@dataclass(frozen=True)
class SummaryLine:
    """One indicator on the plan-on-a-page slide and page, in words."""

    priority: Priority
    indicator: str
    figure: str
    change: str
    judgement: str  # worse, better or neutral (context indicators are always neutral)
    verdict: str
    leeds: str
    status: str


def summary_lines(pack: BoardPack) -> list[SummaryLine]:
    lines = []
    for section in pack.sections:
        shown = section.area or section.leeds
        judgement = "neutral" if section.indicator.polarity == "context" else shown.judgement
        lines.append(
            SummaryLine(
                priority=section.priority,
                indicator=section.indicator.label,
                figure=shown.value_text,
                change=shown.change_words + {"worse": " (worse)", "better": " (better)"}.get(judgement, ""),
                judgement=judgement,
                verdict=sentence_case(shown.verdict or ""),
                leeds=section.leeds.value_text,
                status=sentence_case(section.status),
            )
        )
    return lines


@dataclass(frozen=True)
class PlanTable:
    """The plan on a page as a table: a row is a priority heading (text) or cells, the change as (words, colour)."""

    header: list[str]
    rows: list
    with_area: bool


def plan_table(pack: BoardPack) -> PlanTable:
    with_area = bool(pack.sections) and pack.sections[0].area is not None
    colours = pack.change_colours
    rows: list = []
    for line in summary_lines(pack):
        heading = f"{line.priority.short}: {line.priority.label}"
        if heading not in rows:
            rows.append(heading)
        change = (line.change, colours.get(line.judgement, colours.get("neutral", "#4d4d4d")))
        rows.append(
            [line.indicator, line.figure, change, *([line.verdict, line.leeds] if with_area else []), line.status]
        )
    header = ["Indicator", pack.area_name, "Change", *(["Compared with Leeds", "Leeds"] if with_area else []), "Status"]
    return PlanTable(header, rows, with_area)


def _level(dataset: Dataset, request: PackRequest) -> str:
    return (dataset.geography.level_of(request.area) if request.area else None) or request.level


def _sections(dataset: Dataset, request: PackRequest, charts: bool, step: Callable[[str], None]) -> tuple[Section, ...]:
    level = _level(dataset, request)
    indicators = [dataset.catalogue.indicator(i) for i in check_indicators(dataset, request.indicators)]
    return tuple(_section(dataset, request, indicator, level, charts, step) for indicator in indicators)


def preview_table(dataset: Dataset, request: PackRequest) -> pd.DataFrame:
    """The pack's plan-on-a-page table, without drawing anything (for showing on screen)."""
    area_name = dataset.geography.name(request.area) if request.area else CITY_NAME
    return summary_table(_sections(dataset, request, False, lambda message: None), area_name)


def summary_table(sections: Sequence[Section], area_name: str) -> pd.DataFrame:
    """The plan on a page for the pack: one row per indicator, the area beside Leeds, in words."""
    rows = []
    for section in sections:
        shown = section.area or section.leeds
        row = {
            "Priority": section.priority.short,
            "Indicator": section.indicator.label,
            "Area": area_name,
            "Figure": shown.value_text,
            "Units": section.unit_words,
            "Change": shown.change_words,
        }
        if section.area is not None:
            row["Compared with Leeds"] = section.area.verdict or ""
            row["Leeds"] = section.leeds.value_text
            row["Leeds change"] = section.leeds.change_words
        row["Target"] = shown.target_text or ""
        row["Status"] = section.status
        rows.append(row)
    return pd.DataFrame(rows)


def definitions_table(dataset: Dataset, sections: Sequence[Section], window: Period) -> pd.DataFrame:
    """Label, definition, unit, source, status and what is modelled, for every indicator in the pack."""
    rows = []
    for section in sections:
        indicator = section.indicator
        unit = {
            "count": f"Number of events; rates are {indicator.rates.with_population}",
            "percent": "Percentage",
            "rate": "Rate per 1,000",
        }[indicator.unit]
        rows.append(
            {
                "Indicator": indicator.label,
                "Definition": indicator.definition,
                "Unit": unit,
                "Source": indicator.source,
                "Source link": indicator.source_url,
                "Status": section.status,
                "What is modelled": modelled_words(dataset, indicator.id, window),
            }
        )
    return pd.DataFrame(rows)


def _monthly(dataset: Dataset, sections: Sequence[Section], code: str | None, window: Period) -> pd.DataFrame:
    pieces = []
    for section in sections:
        codes = [code, CITY_CODE] if code and section.area is not None and section.area.available else [CITY_CODE]
        frame = tables.monthly_table(dataset, section.indicator.id, codes, window)
        frame.insert(0, "Indicator", section.indicator.label)
        pieces.append(frame)
    if not pieces:
        return pd.DataFrame()
    table = pd.concat(pieces, ignore_index=True)
    return table[[c for c in table.columns if c != "Status"] + ["Status"]]


def _modelled_note(sections: Sequence[Section]) -> str:
    weaker = [s for s in sections if s.status != RECORDED]
    if not weaker:
        return "Every figure in this pack is recorded data."
    return (
        f"{len(weaker)} of the {len(sections)} indicators in this pack are wholly or partly estimated or "
        "modelled, not wholly recorded data. Each page says which."
    )


def assemble(
    dataset: Dataset, request: PackRequest, progress: Progress | None = None, charts: bool = True
) -> BoardPack:
    """Everything a pack holds, computed once. ``charts=False`` skips drawing (tables only).

    ``progress(done, total, message)`` is called as each step finishes.
    """
    code = request.area
    level = _level(dataset, request)
    area_name = dataset.geography.name(code) if code else CITY_NAME
    per_indicator = 3 if charts else 1
    total = len(check_indicators(dataset, request.indicators)) * per_indicator + 1
    done = 0

    def step(message: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total, message)

    sections = _sections(dataset, request, charts, step)
    window = Period(request.period.comparison().start, request.period.end)
    tables_by_name: dict[str, pd.DataFrame] = {"Summary": summary_table(sections, area_name)}
    for section in sections:
        tables_by_name[section.indicator.short_label] = tables.area_table(
            dataset, section.indicator.id, section.table_level, request.period
        )
    tables_by_name["Monthly"] = _monthly(dataset, sections, code, window)
    tables_by_name["Definitions"] = definitions_table(dataset, sections, window)
    created = date.today()
    notes = (
        f"Safer Leeds board pack for {area_name}, {request.period.label()}, prepared {created:%-d %B %Y}.",
        "Changes compare the period with " + comparison_words(request.period) + "; 'significant' means a "
        "statistical test says the change is unlikely to be chance (5% level).",
        "Counts of 1 to 4 of sensitive indicators for small areas and priority neighbourhoods are shown as "
        "'<5', and figures that would reveal them are not given.",
        MODELLED_MEANING,
        f"Rates are {dataset.catalogue.rates.with_population}: {dataset.catalogue.rates.population_source}.",
        ATTRIBUTION,
    )
    step("tables")
    return BoardPack(
        request=request,
        area_code=code or CITY_CODE,
        area_name=area_name,
        level=level if code else "city",
        created=created,
        sections=sections,
        tables=tables_by_name,
        notes={"Definitions": notes},
        modelled_note=_modelled_note(sections),
        change_colours=dict(dataset.catalogue.palettes.judgement),
    )


# --------------------------------------------------------------------------- writing


def write(pack: BoardPack, fmt: str) -> bytes:
    """The pack in one format: 'pptx', 'pdf', 'xlsx' or 'csv' (a zip of one CSV per table)."""
    if fmt == "pptx":
        from saferleeds.present.export.pptx import deck_bytes

        return deck_bytes(pack)
    if fmt == "pdf":
        from saferleeds.present.export.pdf import document_bytes

        return document_bytes(pack)
    if fmt == "xlsx":
        return tables.workbook_bytes(pack.tables, pack.notes, title=pack.title)
    if fmt == "csv":
        return tables.csv_zip_bytes(pack.tables, readme="\n".join(pack.notes["Definitions"]) + "\n")
    raise ValueError(f"unknown format '{fmt}'; choose one of {', '.join(FORMATS)}")


def needs_charts(fmt: str) -> bool:
    return fmt in ("pptx", "pdf")
