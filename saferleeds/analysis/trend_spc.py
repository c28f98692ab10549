"""Statistical process control of one area's monthly trend: the XmR chart's limits and signals, in words.

The chart itself is ``stats.control_chart``; the settings come from the catalogue's thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from saferleeds.analysis import stats
from saferleeds.analysis.measures import format_value
from saferleeds.core.catalogue import Indicator
from saferleeds.core.vocabulary import ESTIMATED, MODELLED, Thresholds


@dataclass(frozen=True)
class SpcRules:
    """The catalogue's control-chart settings."""

    run_length: int = 7
    trend_length: int = 6
    min_points: int = 15
    min_mean: float = 3.0
    significance: float = 0.05


def spc_rules(thresholds: Thresholds) -> SpcRules:
    """The control-chart settings the catalogue's thresholds give."""
    return SpcRules(
        thresholds.spc_run_length,
        thresholds.spc_trend_length,
        thresholds.spc_min_points,
        thresholds.spc_min_mean,
        thresholds.significance,
    )


SPC_COLUMNS = [
    "period",
    "shown",
    "status",
    "mean",
    "upper",
    "lower",
    "near_upper",
    "near_lower",
    "signal",
    "signal_words",
]


def spc_data(series: pd.DataFrame, rules: SpcRules = SpcRules(), counts: bool = True) -> tuple[pd.DataFrame, str]:
    """One area's months with the XmR chart's centre, limits and signals (see ``stats.spc``), and a sentence
    saying how it was judged or why there is no chart.

    Hidden (suppressed) months are left out. Limits need ``min_points`` months; a count averaging fewer
    than ``min_mean`` a month gets no chart (``counts`` says the series is of counts: ``value``).
    """
    frame = series[series["shown"].notna()].reset_index(drop=True)
    empty = pd.DataFrame(columns=SPC_COLUMNS)
    if len(frame) < rules.min_points:
        return empty, (
            f"There is no control chart: its limits need at least {rules.min_points} months of data and there "
            f"{'is' if len(frame) == 1 else 'are'} {len(frame)}."
        )
    if counts and "value" in frame and frame["value"].mean() < rules.min_mean:
        return empty, (
            f"There is no control chart: these counts average {frame['value'].mean():.1f} a month, fewer than "
            f"{rules.min_mean:g}, so most months are 0, 1 or 2 and control limits would mislead. The 12-month "
            "rolling average shows the trend instead."
        )
    months = frame["period"].dt.month.to_numpy()
    chart = stats.control_chart(frame["shown"], rules.run_length, rules.trend_length, months, rules.significance)
    result = frame[["period", "shown", "status"]].copy()
    for column in ("mean", "upper", "lower", "near_upper", "near_lower", "signal"):
        result[column] = chart.frame[column].to_numpy()
    result["signal_words"] = [
        stats.spc_signal_words(s, rules.run_length, rules.trend_length) if s else "" for s in result["signal"]
    ]
    if chart.seasonality.seasonal:
        how = (
            "The series is seasonal, so each month is judged against its usual level for the time of year: the "
            "average and limits follow the seasons."
        )
    else:
        how = "The series shows no clear seasonal pattern, so every month is judged against the same average."
    return result[SPC_COLUMNS], f"{how} Limits are worked out from the {len(frame)} months shown."


def spc_findings(data: pd.DataFrame, indicator: Indicator, measure: str, area: str) -> list[str]:
    """The chart's signals in words, one line per run of months with the same signal."""
    if data.empty:
        return []
    findings = []
    signalled = data[data["signal"] != ""]
    if signalled.empty:
        return [
            f"No signals for {area}: every month is within the control limits, with no run, trend or pair of "
            "months near a limit. The ups and downs are within the usual variation, so there is no evidence of a "
            "real shift (which is not proof that nothing changed)."
        ]
    breaks = (data["signal"] != data["signal"].shift()).cumsum()
    for _, group in signalled.groupby(breaks[signalled.index], sort=True):
        findings.append(_finding(group, indicator, measure))
    return findings


def _finding(group: pd.DataFrame, indicator: Indicator, measure: str) -> str:
    first, last = group["period"].iloc[0], group["period"].iloc[-1]
    words = group["signal_words"].iloc[0]
    modelled = (group["status"] == MODELLED).sum()
    estimated = (group["status"] == ESTIMATED).sum()
    note = ""
    if modelled == len(group):
        note = " These months are modelled, so the signal describes the model, not recorded data."
    elif modelled:
        note = f" {modelled} of these months are modelled, not recorded."
    if estimated:
        note += f" {estimated} of these months are estimated from recorded totals."
    if group["signal"].iloc[0] in ("outside", "near_up", "near_down"):
        months = zip(group["period"], group["shown"], strict=True)
        values = ", ".join(f"{p:%B %Y} ({format_value(v, indicator, measure)})" for p, v in months)
        if group["signal"].iloc[0] != "outside":
            return f"{values}: {words}.{note}"
        side = "above the upper" if group["shown"].iloc[0] > group["upper"].iloc[0] else "below the lower"
        return f"{values}: {words} ({side} limit).{note}"
    span = f"{first:%B %Y}" if first == last else f"From {first:%B %Y} to {last:%B %Y} ({len(group)} months)"
    return f"{span}: {words}.{note}"
