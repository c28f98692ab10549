"""Statistics that make the numbers trustworthy, one module per method, each citing its source.

``change``: is a period different from the year before (exact conditional test over exposure, two-proportion
test); ``funnel``: is an area different from Leeds (Spiegelhalter's funnel plots, allowing for
overdispersion); ``spc``: is a monthly series shifting (Making Data Count XmR charts, against the seasonal
expectation); ``multiple``: many comparisons at once (Benjamini-Hochberg false discovery rate).
"""

from saferleeds.analysis.stats.change import (
    SIGNIFICANCE,
    Change,
    count_change,
    judgement,
    proportion_change,
    proportion_changes,
    proportion_p_values,
    rate_changes,
    rate_p_values,
    size_words,
)
from saferleeds.analysis.stats.funnel import (
    FUNNEL_VERDICTS,
    Dispersion,
    Funnel,
    estimate_dispersion,
    exact_z,
    funnel,
    funnel_limits,
    mid_p_quantile,
    mid_p_tails,
)
from saferleeds.analysis.stats.multiple import benjamini_hochberg, fdr_sentence
from saferleeds.analysis.stats.spc import (
    SPC_SIGNAL_WORDS,
    ControlChart,
    any_signal,
    control_chart,
    seasonality,
    spc,
    spc_signal_words,
)

__all__ = [
    "FUNNEL_VERDICTS",
    "SIGNIFICANCE",
    "SPC_SIGNAL_WORDS",
    "Change",
    "ControlChart",
    "Dispersion",
    "Funnel",
    "any_signal",
    "benjamini_hochberg",
    "control_chart",
    "count_change",
    "estimate_dispersion",
    "exact_z",
    "fdr_sentence",
    "funnel",
    "funnel_limits",
    "judgement",
    "mid_p_quantile",
    "mid_p_tails",
    "proportion_change",
    "proportion_changes",
    "proportion_p_values",
    "rate_changes",
    "rate_p_values",
    "seasonality",
    "size_words",
    "spc",
    "spc_signal_words",
]
