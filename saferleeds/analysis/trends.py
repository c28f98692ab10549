"""Monthly trends of one indicator for a few areas.

For each area: the monthly value (count, rate or percentage), a 12-month rolling average, the same
month a year earlier, and small counts hidden where disclosure control applies. For the chosen
area: year-on-year lines, the average by calendar month (seasonality) and statistical process
control (``trend_spc``). Dated notes from ``data/annotations.csv``, matched to the indicators they
concern, and the sentences under the charts are ``trend_notes``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from saferleeds.analysis.aggregate import area_rows
from saferleeds.analysis.disclosure import EXACT, HIDDEN, WITHHELD, area_states
from saferleeds.analysis.measures import display_value, effective_measure, format_value, measure_label, rate_population
from saferleeds.analysis.trend_notes import disclosure_note, modelled_share, notes_for
from saferleeds.analysis.trend_numbers import trend_table
from saferleeds.analysis.trend_spc import spc_data, spc_findings, spc_rules
from saferleeds.core.catalogue import Indicator, Palette
from saferleeds.core.dataset import Dataset
from saferleeds.core.geography import CITY_CODE, Geography
from saferleeds.core.periods import MONTH_NAMES, Period
from saferleeds.core.text import join_words
from saferleeds.core.vocabulary import Statuses

MAX_AREAS = 6
ROLLING_MONTHS = 12
YEARS_COMPARED = 3
SPANS = {
    "period": "Chosen period and the year before",
    "3y": "Last 3 years",
    "5y": "Last 5 years",
    "all": "All months",
}
SPAN_MONTHS = {"3y": 36, "5y": 60}
DEFAULT_SPAN = "3y"
MONTH_NAMES = MONTH_NAMES


# ----------------------------------------------------------------------------- choosing areas


def area_options(geography: Geography, level: str) -> list[str]:
    """Codes offered for comparison: Leeds, then areas of the chosen level, then the other map levels
    (small areas only when they are the chosen level: there are hundreds)."""
    finest = geography.levels.finest
    levels = [level] + [lv for lv in geography.levels.map_levels if lv not in (level, finest)]
    codes = [CITY_CODE]
    for lv in levels:
        codes.extend(geography.level_areas(lv)["code"])
    return list(dict.fromkeys(codes))


def area_label(geography: Geography, code: str, level_labels: dict[str, str] | None = None) -> str:
    """The area's name, with its kind of area added when another area has the same name (Pudsey)."""
    return area_labels(geography, [code], level_labels)[code]


def area_labels(geography: Geography, codes, level_labels: dict[str, str] | None = None) -> dict[str, str]:
    """``area_label`` of each code, worked out together."""
    names = geography.areas["name"].value_counts()
    labels = {}
    for code in codes:
        name, found = geography.name(code), geography.recognise(code)
        if found and (names.get(name, 0) > 1 or (found[0] == "lsoa" and name in names.index)):
            kind = (level_labels or {}).get(found[0], found[0])
            labels[code] = f"{name} ({kind.lower()})"
        else:
            labels[code] = name
    return labels


def areas_to_show(focus: str | None, others: list[str], limit: int = MAX_AREAS) -> list[str]:
    """The chosen area first (Leeds when none is chosen), then the others, without repeats."""
    codes = [focus or CITY_CODE, *others]
    return list(dict.fromkeys(codes))[:limit]


def shown_window(months: pd.DatetimeIndex, period: Period, span: str) -> Period:
    """Months the charts show: they end with the chosen period and go back as far as ``span`` says."""
    end = period.end
    if span == "period":
        start = period.comparison().start
    elif span in SPAN_MONTHS:
        start = end - pd.DateOffset(months=SPAN_MONTHS[span] - 1)
        start = min(start, period.start)
    else:
        start = months[0]
    return Period(max(pd.Timestamp(start), months[0]), end)


# ----------------------------------------------------------------------------- series


def _empty_series() -> pd.DataFrame:
    return _no_months().copy()


@functools.cache
def _no_months() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": pd.Series(dtype="str"),
            "area": pd.Series(dtype="str"),
            "period": pd.Series(dtype="datetime64[ms]"),
            "value": pd.Series(dtype=float),
            "shown": pd.Series(dtype=float),
            "status": pd.Series(dtype="str"),
            "suppressed": pd.Series(dtype=bool),
            "rolling": pd.Series(dtype=float),
            "rolling_status": pd.Series(dtype="str"),
            "year_ago": pd.Series(dtype=float),
            "year_on_year": pd.Series(dtype=float),
            "year_on_year_status": pd.Series(dtype="str"),
        }
    )


def area_series(dataset: Dataset, indicator_id: str, code: str, measure: str, rolling: bool = True) -> pd.DataFrame:
    """Every month of one area: shown value, rolling average, same month a year earlier, statuses.

    ``shown`` and ``rolling`` are NaN where disclosure control hides a small count. Months missing
    from the data are missing rows; the rolling average needs twelve months in a row. Without
    ``rolling`` the rolling columns are left out, and so is the disclosure check of every 12 months.
    """
    found = dataset.geography.recognise(code)
    if not found:
        return _empty_series()
    level, canonical = found
    key = ("area_series", indicator_id, canonical, measure, rolling)
    return dataset.memo(key, lambda: _area_series(dataset, indicator_id, level, canonical, measure, rolling))


def _weakest_over(ranks: pd.Series, window: int, statuses: Statuses) -> list[str]:
    """The weakest status of each month and the ``window - 1`` months before it."""
    weakest = ranks.rolling(window, min_periods=1).max()
    return [statuses.ids[int(r)] if pd.notna(r) else statuses.strongest for r in weakest]


def _area_series(
    dataset: Dataset, indicator_id: str, level: str, code: str, measure: str, rolling: bool
) -> pd.DataFrame:
    indicator = dataset.catalogue.indicator(indicator_id)
    statuses = dataset.catalogue.statuses
    rows = area_rows(dataset, indicator_id, level, code)
    if rows.empty:
        return _empty_series()
    months = pd.date_range(rows["period"].min(), rows["period"].max(), freq="MS").astype("datetime64[ms]")
    frame = rows.set_index("period").reindex(months)
    present = frame["value"].notna().to_numpy()
    population = rate_population(dataset.geography, level, measure, indicator.rates).get(code, np.nan)

    def shown(values: pd.Series, denominators: pd.Series) -> np.ndarray:
        return np.array(
            [display_value(indicator, v, d, population, measure) for v, d in zip(values, denominators, strict=True)],
            dtype=float,
        )

    ranks = frame["status"].map(statuses.rank)
    monthly_guard = area_states(dataset, indicator_id, level, code, months[present])
    suppressed = monthly_guard["state"].reindex(months).isin([HIDDEN, WITHHELD]).to_numpy()
    columns: dict[str, object] = {
        "value": frame["value"].to_numpy(),
        "shown": np.where(suppressed, np.nan, shown(frame["value"], frame["denominator"])),
        "status": frame["status"].fillna(statuses.strongest),
        "suppressed": suppressed,
    }
    if rolling:
        rolling_value = frame["value"].rolling(ROLLING_MONTHS, min_periods=ROLLING_MONTHS).sum()
        rolling_denominator = frame["denominator"].rolling(ROLLING_MONTHS, min_periods=ROLLING_MONTHS).sum()
        ended = months[rolling_value.notna().to_numpy()]
        rolling_guard = area_states(dataset, indicator_id, level, code, ended, ROLLING_MONTHS)
        published = _published(rolling_value, rolling_guard.reindex(months))
        columns["rolling"] = shown(published / ROLLING_MONTHS, rolling_denominator / ROLLING_MONTHS)
        columns["rolling_status"] = _weakest_over(ranks, ROLLING_MONTHS, statuses)
    current = pd.Series(columns["shown"], index=months)
    year_ago = current.shift(12)
    columns["year_ago"] = year_ago.to_numpy()
    columns["year_on_year"] = _year_on_year(current, year_ago, effective_measure(indicator, measure)).to_numpy()
    both = np.fmax(ranks.to_numpy(dtype=float), ranks.shift(12).to_numpy(dtype=float))
    columns["year_on_year_status"] = [statuses.strongest if np.isnan(r) else statuses.ids[int(r)] for r in both]
    result = pd.DataFrame(columns, index=months)[present]
    result.insert(0, "area", dataset.geography.name(code))
    result.insert(0, "area_code", code)
    return result.rename_axis("period").reset_index()


def _published(values: pd.Series, guard: pd.DataFrame) -> pd.Series:
    """The counts disclosure control lets out: exact ones as they are, rounded ones rounded, the rest missing."""
    state = guard["state"].fillna(EXACT)
    return values.where(state == EXACT, guard["shown"])


def _year_on_year(current: pd.Series, year_ago: pd.Series, unit: str) -> pd.Series:
    """Change on the same month a year earlier: percentage points for percentages, else relative."""
    if unit == "percent":
        return current - year_ago
    with np.errstate(divide="ignore", invalid="ignore"):
        return (current / year_ago - 1).where(year_ago > 0)


def series_for(
    dataset: Dataset,
    indicator_id: str,
    codes: list[str],
    measure: str,
    window: Period | None = None,
    rolling: bool = True,
) -> pd.DataFrame:
    """``area_series`` of several areas, stacked, optionally cut to a window; ``area`` labels are unique."""
    pieces = []
    level_labels = {lv.id: lv.label for lv in dataset.catalogue.levels}
    for code in codes:
        frame = area_series(dataset, indicator_id, code, measure, rolling)
        if window is not None:
            frame = frame[window.contains(frame["period"]).to_numpy()]
        if not frame.empty:
            pieces.append(frame.assign(area=area_label(dataset.geography, code, level_labels)))
    return pd.concat(pieces, ignore_index=True) if pieces else _empty_series()


def missing_areas(dataset: Dataset, indicator_id: str, codes: list[str]) -> list[str]:
    """Names of the chosen areas that have no data for the indicator (not published at their level)."""
    return [dataset.geography.name(code) for code in codes if area_series(dataset, indicator_id, code, "count").empty]


def year_span(end: pd.Timestamp, years: int = YEARS_COMPARED) -> Period:
    """The calendar years the year-on-year chart shows, up to ``end``."""
    return Period(pd.Timestamp(year=end.year - years + 1, month=1, day=1), end)


def year_on_year(series: pd.DataFrame, end: pd.Timestamp, years: int = YEARS_COMPARED) -> pd.DataFrame:
    """One area's months of the last ``years`` calendar years, by month of the year."""
    first_year = end.year - years + 1
    frame = series[(series["period"].dt.year >= first_year) & (series["period"] <= end)]
    return pd.DataFrame(
        {
            "year": frame["period"].dt.year.astype(str).to_numpy(),
            "month_number": frame["period"].dt.month.to_numpy(),
            "month": [MONTH_NAMES[m - 1] for m in frame["period"].dt.month],
            "period": frame["period"].to_numpy(),
            "shown": frame["shown"].to_numpy(),
            "status": frame["status"].to_numpy(),
        }
    )


def seasonality(series: pd.DataFrame, end: pd.Timestamp, statuses: Statuses) -> pd.DataFrame:
    """One area's average by calendar month (every year up to ``end``), against the average month.

    Columns: month_number, month, average, lowest, highest, years, index (percent above or below the
    average month), status (the weakest status of the months that go into it).
    """
    frame = series[(series["period"] <= end) & series["shown"].notna()]
    columns = ["month_number", "month", "average", "lowest", "highest", "years", "index", "status"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    grouped = frame.assign(month_number=frame["period"].dt.month).groupby("month_number")
    result = grouped.agg(
        average=("shown", "mean"),
        lowest=("shown", "min"),
        highest=("shown", "max"),
        years=("shown", "size"),
        status=("status", statuses.weakest),
    ).reset_index()
    overall = result["average"].mean()
    result["index"] = 100 * (result["average"] / overall - 1) if overall else np.nan
    result.insert(1, "month", [MONTH_NAMES[m - 1] for m in result["month_number"]])
    return result[columns]


# ----------------------------------------------------------------------------- everything the page shows


@dataclass(frozen=True)
class TrendView:
    """What the Trends page draws for one indicator, a set of areas and a window of months."""

    indicator: Indicator
    measure: str  # count or rate, as chosen
    unit: str  # 'number', 'per 1,000 mid-2015 residents', '%'
    window: Period
    period: Period
    codes: list[str]
    focus: str  # the chosen area (Leeds when none)
    focus_name: str
    series: pd.DataFrame  # every area, within the window
    focus_series: pd.DataFrame  # the chosen area, every month up to the period's end
    spc: pd.DataFrame
    spc_findings: list[str]
    year_on_year: pd.DataFrame
    seasonality: pd.DataFrame
    notes: pd.DataFrame  # dated notes within the window
    year_notes: pd.DataFrame  # dated notes within the years of the year-on-year chart
    table: pd.DataFrame
    missing: list[str]  # chosen areas with no data for this indicator
    modelled_share: str  # e.g. '35 of the 36 months shown are modelled'
    hidden_months: int  # months hidden by disclosure control, all areas
    palette: Palette  # the catalogue's colours
    focus_hidden: bool  # some of the chosen area's months are hidden, so SPC and seasonality are not shown
    spc_message: str = ""  # how the control chart judges the months, or why there is none
    disclosure_note: str = ""  # why months are hidden, when any are

    @property
    def has_data(self) -> bool:
        return not self.series.empty

    @property
    def key(self) -> tuple:
        """Names this view among others of the same dataset (for remembering its charts)."""
        return (self.indicator.id, tuple(self.codes), self.period, self.measure, self.window)

    @property
    def unit_kind(self) -> str:
        """count, rate or percent: how numbers are formatted."""
        return effective_measure(self.indicator, self.measure)

    @property
    def area_names(self) -> list[str]:
        return list(dict.fromkeys(self.series["area"]))

    def intro(self) -> str:
        """What the page shows, in one or two sentences."""
        areas = join_words(self.area_names or ["no area"])
        return (
            f"{self.indicator.label} ({self.unit}) for {areas}, {self.window.label()}. The chosen period is shaded; "
            f"for {self.focus_name}, {self.modelled_share}."
        )

    def title(self, chart: str) -> str:
        name = self.indicator.short_label
        return {
            "monthly": f"{name}: month by month",
            "rolling": f"{name}: 12-month rolling average",
            "spc": f"{name} in {self.focus_name}: control chart",
            "year_on_year": f"{name} in {self.focus_name}: each year by month",
            "seasonality": f"{name} in {self.focus_name}: average by calendar month",
        }[chart]

    def description(self, chart: str) -> str:
        """One sentence saying what a chart shows (its text alternative)."""
        what = f"{self.indicator.label.lower()} ({self.unit})"
        areas = join_words(self.area_names)
        span = self.window.label()
        signals = len(self.spc_findings) if self.spc["signal"].ne("").any() else "no"
        return {
            "monthly": f"Line chart of {what} for each month, {span}, for {areas}; dashed lines and hollow "
            "points are estimated or modelled, solid lines and filled points recorded data.",
            "rolling": f"Line chart of the average of {what} over the previous 12 months, {span}, for {areas}; "
            "dashed where any of the 12 months is estimated or modelled.",
            "spc": f"Control chart of {what} in {self.focus_name}, {span}, with its average and control limits; "
            f"{signals} signals are marked and listed below.",
            "year_on_year": f"Line chart of {what} in {self.focus_name} by month of the year, one line for each "
            f"of the years {join_words(sorted(set(self.year_on_year['year'])))}.",
            "seasonality": f"Bar chart of the average of {what} in {self.focus_name} for each calendar month over "
            "every year of data, with the lowest and highest year marked.",
        }[chart]

    def numbers(self, kind: str) -> pd.DataFrame:
        """The numbers one of the charts draws, as a table people (and screen readers) can read."""
        return chart_numbers(self, kind)


def trend_view(
    dataset: Dataset, indicator_id: str, codes: list[str], period: Period, measure: str, span: str = DEFAULT_SPAN
) -> TrendView:
    key = ("trend_view", indicator_id, tuple(codes), period, measure, span)
    return dataset.memo(key, lambda: _trend_view(dataset, indicator_id, codes, period, measure, span))


def _trend_view(
    dataset: Dataset, indicator_id: str, codes: list[str], period: Period, measure: str, span: str
) -> TrendView:
    indicator = dataset.catalogue.indicator(indicator_id)
    thresholds = dataset.catalogue.thresholds
    window = shown_window(dataset.months, period, span)
    series = series_for(dataset, indicator_id, codes, measure, window)
    focus = codes[0]
    focus_all = area_series(dataset, indicator_id, focus, measure)
    focus_all = focus_all[focus_all["period"] <= period.end]
    focus_window = focus_all[window.contains(focus_all["period"]).to_numpy()]
    rules = spc_rules(thresholds)
    # With small counts hidden, limits and averages from the months left would mislead: leave them out.
    spc_shown = not focus_window["suppressed"].any()
    seasons_shown = not focus_all["suppressed"].any()
    spc, spc_message = spc_data(focus_window if spc_shown else focus_window.iloc[0:0], rules, indicator.is_count)
    focus_name = dataset.geography.name(focus)
    return TrendView(
        indicator=indicator,
        measure=measure,
        unit=measure_label(indicator, measure),
        window=window,
        period=period,
        codes=codes,
        focus=focus,
        focus_name=focus_name,
        series=series,
        focus_series=focus_all,
        spc=spc,
        spc_findings=spc_findings(spc, indicator, measure, focus_name),
        year_on_year=year_on_year(focus_all, period.end),
        seasonality=seasonality(
            focus_all if seasons_shown else focus_all.iloc[0:0], period.end, dataset.catalogue.statuses
        ),
        notes=notes_for(dataset.annotations, indicator_id, window),
        year_notes=notes_for(dataset.annotations, indicator_id, year_span(period.end)),
        table=trend_table(series, indicator, measure, dataset.catalogue),
        missing=missing_areas(dataset, indicator_id, codes),
        modelled_share=modelled_share(focus_window),
        hidden_months=int(series["suppressed"].sum()),
        focus_hidden=not (spc_shown and seasons_shown),
        palette=dataset.catalogue.palette,
        spc_message=spc_message if spc_shown else "",
        disclosure_note=disclosure_note(dataset, indicator, series),
    )


def chart_numbers(view: TrendView, kind: str) -> pd.DataFrame:
    """The numbers behind one of the Trends charts: monthly, rolling, spc, year_on_year or seasonality."""
    indicator, measure = view.indicator, view.measure
    value = f"Value ({view.unit})"

    def text(values: pd.Series) -> list[str]:
        return [format_value(v, indicator, measure) if pd.notna(v) else "" for v in values]

    def data(statuses: pd.Series) -> list[str]:
        return [view.palette.statuses.label(s) for s in statuses]

    if kind == "monthly":
        return view.table[["Area", "Month", value, "Data"]]
    if kind == "rolling":
        series = view.series
        return pd.DataFrame(
            {
                "Area": series["area"].to_numpy(),
                "Month": series["period"].dt.strftime("%b %Y").to_numpy(),
                f"12-month average ({view.unit})": text(series["rolling"]),
                "Data": data(series["rolling_status"]),
            }
        )
    if kind == "spc":
        spc = view.spc
        return pd.DataFrame(
            {
                "Month": spc["period"].dt.strftime("%b %Y").to_numpy(),
                value: text(spc["shown"]),
                "Average": text(spc["mean"]),
                "Lower control limit": text(spc["lower"]),
                "Upper control limit": text(spc["upper"]),
                "Signal": spc["signal_words"].replace("", "None").to_numpy(),
                "Data": data(spc["status"]),
            }
        )
    if kind == "year_on_year":
        years = view.year_on_year
        return pd.DataFrame(
            {
                "Year": years["year"].astype(str).to_numpy(),
                "Month": years["month"].to_numpy(),
                value: text(years["shown"]),
                "Data": data(years["status"]),
            }
        )
    if kind == "seasonality":
        seasons = view.seasonality
        return pd.DataFrame(
            {
                "Month": seasons["month"].to_numpy(),
                f"Average ({view.unit})": text(seasons["average"]),
                "Lowest year": text(seasons["lowest"]),
                "Highest year": text(seasons["highest"]),
                "Years of data": seasons["years"].to_numpy(),
                "Above (+) or below (-) the average month": [f"{i:+.0f}%" for i in seasons["index"]],
                "Data": data(seasons["status"]),
            }
        )
    raise ValueError(f"unknown trend chart '{kind}'")
