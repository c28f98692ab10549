"""A board pack: the content is assembled once (figures, sentences, pictures, tables) and handed to
each writer (PowerPoint, PDF, Excel, CSV), so every format says the same thing.

Pictures are drawn in a worker process (``drawing``) while the next indicators' figures, and then what
needs attention, are worked out here, so the two take a core each.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date

import pandas as pd

from saferleeds.analysis.aggregate import latest_period
from saferleeds.analysis.area_summary import summarise
from saferleeds.analysis.attention import what_needs_attention
from saferleeds.analysis.measures import measure_label
from saferleeds.analysis.overview import figure, tile_indicators
from saferleeds.core.catalogue import Indicator
from saferleeds.core.dataset import Dataset
from saferleeds.core.errors import DataError, Problem
from saferleeds.core.geography import CITY_CODE, CITY_NAME, slugify
from saferleeds.core.periods import Period, month_ranges
from saferleeds.core.text import join_words
from saferleeds.core.vocabulary import MODELLED, RECORDED
from saferleeds.present.export import drawing, pdf, render, tables
from saferleeds.present.export.contents import FORMATS, BoardPack, PackRequest, Picture, Progress, Section
from saferleeds.present.export.findings import ATTENTION_TITLE, findings_notes, findings_table
from saferleeds.present.export.print_map import OS_ATTRIBUTION, pack_map_model, print_map
from saferleeds.present.export.print_trend import print_trend_chart
from saferleeds.present.export.sentences import comparison_words, lead_and_rest

PERIOD_PATTERN = re.compile(r"^\s*(\d{4}-\d{2})\s*(?:\.\.\s*(\d{4}-\d{2}))?\s*$")
LICENCE = (
    "Contains National Statistics data © Crown copyright and database right. Contains public sector "
    "information licensed under the Open Government Licence v3.0."
)
MODELLED_MEANING = (
    "Recorded figures are published police.uk data. Estimated figures share a recorded total of a larger area "
    "(a local area, MSOA) among the small areas inside it; they add up to the recorded total, but how it splits "
    "is not recorded. Modelled figures are made where open data does not exist or does not go back far enough; "
    "they are not recorded data."
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
    return None if level == dataset.catalogue.levels.city else code


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


def needs_charts(fmt: str) -> bool:
    return fmt in drawing.PICTURE_FORMATS


# --------------------------------------------------------------------------- progress


class Steps:
    """Counts finished steps of one job and reports each: ``progress(done, total, message)``."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.done, self.progress = total, 0, progress

    def __call__(self, message: str) -> None:
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total, message)


def assembly_steps(request: PackRequest, charts: bool) -> int:
    """Steps of assembling: each indicator's figures, what needs attention, each indicator's trend chart
    and map (as their drawing finishes), then the tables."""
    return len(request.indicators) * (3 if charts else 1) + 2


# --------------------------------------------------------------------------- pictures and sections


def modelled_words(dataset: Dataset, indicator_id: str, window: Period) -> str:
    """Which months of an indicator are recorded, estimated or modelled, in words, in the order they come.

    A month is as weak as its weakest figure at any level; where only some of its figures are that weak
    (small areas estimated from recorded totals, say), it is that status "in places"."""
    rows = dataset.rows(indicator_id)
    rows = rows[window.contains(rows["period"]).to_numpy()]
    if rows.empty:
        return "No figures in this period."
    statuses = dataset.catalogue.statuses
    ranks = statuses.ranks(rows["status"])
    weakest = ranks.groupby(rows["period"]).max()
    strongest = ranks.groupby(rows["period"]).min()
    if (strongest == statuses.rank(MODELLED)).all():
        return "Every month is modelled, not recorded data."
    if (weakest == statuses.rank(RECORDED)).all():
        return "Every month is recorded data."
    parts = []
    for rank in sorted(set(weakest), key=lambda r: weakest.index[weakest == r].min()):
        months = weakest.index[weakest == rank]
        label = statuses.label(statuses.ids[rank]) if rank < len(statuses.ids) else "Of unknown status"
        everywhere = bool((strongest[months] == rank).all())
        parts.append(f"{label}{'' if everywhere else ' in places'}: {month_ranges(list(months))}.")
    return " ".join(parts)


def draw_picture(spec: dict, drawn: drawing.Drawn) -> Picture:
    """A chart drawn once, as SVG (with its slide PNG when one was made)."""
    svg, png = drawn
    width, height = drawing.svg_size(svg)
    return Picture(svg, str(spec.get("description", "")), spec, width, height, slide_png=png)


def _table_level(dataset: Dataset, indicator_id: str, level: str, period: Period) -> str:
    has_data = summarise(dataset, indicator_id, level, period, "count")["months"].gt(0).any()
    return level if has_data else dataset.catalogue.levels.city


def _specs(dataset: Dataset, request: PackRequest, indicator: Indicator, level: str, table_level: str):
    """The trend chart and the map to draw for one indicator, and why there is no map when there is none."""
    trend = print_trend_chart(dataset, indicator.id, request.area, request.period, request.measure)
    if table_level == dataset.catalogue.levels.city:
        plural = dataset.catalogue.level(level).plural
        return trend, None, f"{indicator.label} is not published for {plural}, so there is no map."
    model = pack_map_model(dataset, indicator.id, table_level, request.period, request.measure)
    chart_map = print_map(dataset, model, request.area)
    plural = dataset.catalogue.level(table_level).plural
    return trend, chart_map, "" if chart_map is not None else f"There are no figures to map for {plural}."


class _Drafts:
    """Sections whose figures are known and whose pictures are being drawn."""

    def __init__(self, charts: bool, slides: bool) -> None:
        self.charts, self.slides = charts, slides
        self.items: list[tuple[dict, dict[str, tuple[dict, drawing.Drawing] | None]]] = []

    def add(self, fields: dict, trend: dict | None, chart_map: dict | None) -> None:
        def start(spec: dict | None) -> tuple[dict, drawing.Drawing] | None:
            if spec is None or not self.charts:
                return None
            png_ppi = render.BASE_PPI * render.SLIDE_SCALE if self.slides else None
            return spec, drawing.Drawing(drawing.Job(render.spec(spec), render.options(), png_ppi))

        self.items.append((fields, {"trend": start(trend), "map": start(chart_map)}))

    def sections(self, step: Callable[[str], None]) -> tuple[Section, ...]:
        finished = []
        for fields, drawings in self.items:
            label = fields["indicator"].short_label
            pictures: dict[str, Picture | None] = {}
            for name, started in drawings.items():
                pictures[name] = None if started is None else draw_picture(started[0], started[1].result())
                if self.charts:
                    step(f"{label}: {'trend chart' if name == 'trend' else 'map' if started else 'no map'}")
            finished.append(Section(**fields, trend=pictures["trend"], map=pictures["map"]))
        return tuple(finished)


def _section_fields(dataset: Dataset, request: PackRequest, indicator: Indicator, table_level: str) -> dict:
    period, measure, code = request.period, request.measure, request.area
    leeds = figure(dataset, indicator, CITY_CODE, period, measure)
    area = figure(dataset, indicator, code, period, measure) if code else None
    compared = area is not None and area.available
    headline, sentences = lead_and_rest(dataset, indicator.id, code, period, measure)
    return {
        "indicator": indicator,
        "priority": dataset.catalogue.priority(indicator.primary_priority),
        "unit_words": measure_label(indicator, measure),
        "area": area,
        "leeds": leeds,
        "headline": headline,
        "sentences": sentences,
        "status": area.status if area is not None and compared else leeds.status,
        "table_level": table_level,
    }


def _level(dataset: Dataset, request: PackRequest) -> str:
    return (dataset.geography.level_of(request.area) if request.area else None) or request.level


def _drafts(dataset: Dataset, request: PackRequest, charts: bool, slides: bool, step: Callable[[str], None]) -> _Drafts:
    """Every section's figures, with its pictures started (drawn while the rest of the pack is worked out)."""
    level = _level(dataset, request)
    indicators = [dataset.catalogue.indicator(i) for i in check_indicators(dataset, request.indicators)]
    drafts = _Drafts(charts, slides)
    for indicator in indicators:
        table_level = _table_level(dataset, indicator.id, level, request.period)
        fields = _section_fields(dataset, request, indicator, table_level)
        trend, chart_map, map_note = (
            _specs(dataset, request, indicator, level, table_level) if charts else (None, None, "")
        )
        drafts.add(fields | {"map_note": map_note}, trend, chart_map)
        step(f"{indicator.short_label}: figures")
    return drafts


# --------------------------------------------------------------------------- tables


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


def preview_table(dataset: Dataset, request: PackRequest) -> pd.DataFrame:
    """The pack's plan-on-a-page table, without drawing anything (for showing on screen)."""
    area_name = dataset.geography.name(request.area) if request.area else CITY_NAME
    sections = _drafts(dataset, request, False, False, lambda message: None).sections(lambda message: None)
    return summary_table(sections, area_name)


def _unit_words(indicator: Indicator) -> str:
    rates = indicator.rates
    return {
        "count": f"Number of events; rates are {rates.with_population}",
        "percent": "Percentage",
        "rate": f"Rate {rates.words}",
    }[indicator.unit]


def definitions_table(dataset: Dataset, sections: Sequence[Section], window: Period) -> pd.DataFrame:
    """Label, definition, unit, source, status and what is modelled, for every indicator in the pack."""
    rows = [
        {
            "Indicator": section.indicator.label,
            "Definition": section.indicator.definition,
            "Unit": _unit_words(section.indicator),
            "Source": section.indicator.source,
            "Source link": section.indicator.source_url,
            "Status": section.status,
            "What is modelled": modelled_words(dataset, section.indicator.id, window),
        }
        for section in sections
    ]
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


def _tables(dataset: Dataset, request: PackRequest, sections: Sequence[Section], area_name: str) -> dict:
    window = Period(request.period.comparison().start, request.period.end)
    found: dict[str, pd.DataFrame] = {"Summary": summary_table(sections, area_name)}
    for section in sections:
        found[section.indicator.short_label] = tables.area_table(
            dataset, section.indicator.id, section.table_level, request.period
        )
    found["Monthly"] = _monthly(dataset, sections, request.area, window)
    found["Definitions"] = definitions_table(dataset, sections, window)
    return found


# --------------------------------------------------------------------------- the words around the numbers


def _modelled_note(sections: Sequence[Section]) -> str:
    weaker = [s for s in sections if s.status != RECORDED]
    if not weaker:
        return "Every figure in this pack is recorded data."
    return (
        f"{len(weaker)} of the {len(sections)} indicators in this pack are wholly or partly estimated or "
        "modelled, not wholly recorded data. Each page says which."
    )


def _sources(dataset: Dataset, sections: Sequence[Section]) -> tuple[str, ...]:
    rates = dataset.catalogue.rates
    numbers = list(dict.fromkeys(section.indicator.source for section in sections))
    return (
        *(f"Figures: {source}." for source in numbers),
        f"Rates: {rates.population_source}.",
        f"Boundaries: Office for National Statistics. {OS_ATTRIBUTION}",
        LICENCE,
    )


def disclosure_words(dataset: Dataset) -> str:
    """The disclosure rule in a sentence or two, from the catalogue: which indicators and levels it covers,
    "<5", rounding, 12-month periods and withheld counts."""
    catalogue = dataset.catalogue
    rule = catalogue.disclosure
    sensitive = join_words([i.short_label.lower() for i in catalogue.indicators if i.sensitive])
    levels = join_words([catalogue.level(level).plural for level in rule.levels])
    return (
        f"To protect privacy, counts of {sensitive} for {levels} are given for {rule.period_months}-month periods "
        f"only: counts of 1 to {rule.below - 1} are shown as '{rule.shown_as}' and others are rounded to the "
        f"nearest {rule.round_to}. A count that would let a small one be worked out is shown as "
        f"'{rule.withheld_as}', and figures worked out from hidden counts (rates, changes, comparisons) are not given."
    )


def _notes(dataset: Dataset, request: PackRequest, area_name: str, created: date) -> tuple[str, ...]:
    rates = dataset.catalogue.rates
    return (
        f"Safer Leeds board pack for {area_name}, {request.period.label()}, prepared {created:%-d %B %Y}.",
        "Changes compare the period with " + comparison_words(request.period) + "; 'significant' means a "
        "statistical test says the change is unlikely to be chance (5% level).",
        disclosure_words(dataset),
        MODELLED_MEANING,
        f"Rates are {rates.with_population} ({rates.population_source}).",
        f"{OS_ATTRIBUTION} {LICENCE}",
    )


# --------------------------------------------------------------------------- assembling and writing


def assemble(
    dataset: Dataset,
    request: PackRequest,
    progress: Progress | None = None,
    charts: bool = True,
    slides: bool = False,
    steps: Steps | None = None,
) -> BoardPack:
    """Everything a pack holds, computed once. ``charts=False`` skips drawing (tables only); ``slides``
    also makes each picture's PNG while drawing. ``progress(done, total, message)`` follows each step."""
    steps = steps or Steps(assembly_steps(request, charts), progress)
    code = request.area
    area_name = dataset.geography.name(code) if code else CITY_NAME
    tested_level = _level(dataset, request)  # the areas the findings test (wards, for a pack of all Leeds)
    level = tested_level if code else dataset.catalogue.levels.city
    if charts:
        drawing.warm()
    drafts = _drafts(dataset, request, charts, slides, steps)
    attention = what_needs_attention(dataset, code, tested_level, request.period, request.measure)
    steps("what needs attention")
    sections = drafts.sections(steps)
    created = date.today()
    found = {ATTENTION_TITLE: findings_table(dataset, attention), **_tables(dataset, request, sections, area_name)}
    steps("tables")
    return BoardPack(
        request=request,
        area_code=code or CITY_CODE,
        area_name=area_name,
        level=level,
        level_noun=dataset.catalogue.level(level).noun,
        created=created,
        sections=sections,
        tables=found,
        notes={
            ATTENTION_TITLE: findings_notes(dataset, attention),
            "Definitions": _notes(dataset, request, area_name, created),
        },
        modelled_note=_modelled_note(sections),
        sources=_sources(dataset, sections),
        change_colours=dict(dataset.catalogue.palettes.judgement),
    )


def _powerpoint_file(pack: BoardPack) -> bytes:
    from saferleeds.present.export.powerpoint import powerpoint_file  # python-pptx loads only for a deck

    return powerpoint_file(pack)


WRITERS: dict[str, Callable[[BoardPack], bytes]] = {
    "pptx": _powerpoint_file,
    "pdf": pdf.pdf_file,
    "xlsx": lambda pack: tables.workbook_bytes(pack.tables, pack.notes, title=pack.title),
    "csv": lambda pack: tables.csv_zip_bytes(pack.tables, readme="\n".join(pack.notes["Definitions"]) + "\n"),
}


def write(pack: BoardPack, fmt: str) -> bytes:
    """The pack in one format: 'pptx', 'pdf', 'xlsx' or 'csv' (a zip of one CSV per table)."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown format '{fmt}'; choose one of {', '.join(FORMATS)}")
    if needs_charts(fmt) and pack.sections and not any(s.pictures or s.map_note for s in pack.sections):
        raise ValueError(f"this pack was assembled without its pictures, which a {FORMATS[fmt][0]} file needs")
    return WRITERS[fmt](pack)


def prepare(
    dataset: Dataset,
    request: PackRequest,
    fmt: str,
    progress: Progress | None = None,
    pack: BoardPack | None = None,
) -> tuple[BoardPack, bytes]:
    """The pack written in one format, assembling it first unless ``pack`` (for this request, with the
    pictures the format needs) is given; one progress count covers both."""
    reusable = pack is not None and pack.request == request and (not needs_charts(fmt) or bool(pack.pictures))
    charts = needs_charts(fmt)
    steps = Steps((0 if reusable else assembly_steps(request, charts)) + 1, progress)
    if pack is None or not reusable:
        pack = assemble(dataset, request, charts=charts, slides=fmt == "pptx", steps=steps)
    data = write(pack, fmt)
    steps(f"wrote {FORMATS[fmt][0]}")
    return pack, data
