"""Many comparisons at once: the false discovery rate of Benjamini and Hochberg (1995).

When a page tests every ward (or every indicator of one area) together, some would look significant by
chance alone; controlling the false discovery rate keeps the expected share of such false findings among
those called significant at or below the chosen rate.
"""

from __future__ import annotations

import numpy as np


def benjamini_hochberg(p_values, rate: float) -> tuple[np.ndarray, np.ndarray]:
    """Adjusted p-values (q-values) and which hypotheses are rejected at false discovery rate ``rate``.

    Benjamini Y, Hochberg Y. Controlling the false discovery rate: a practical and powerful approach to
    multiple testing. J R Stat Soc B 1995;57:289-300. With the m p-values in order p(1) <= ... <= p(m),
    reject the k smallest, where k is the largest i with p(i) <= i * rate / m; the q-value of p(i) is the
    smallest min over j >= i of m * p(j) / j, capped at 1. Missing p-values are left out of m and stay
    missing (never rejected). Agrees with ``statsmodels.stats.multitest.multipletests(method="fdr_bh")``.
    """
    p = np.asarray(p_values, dtype=float)
    q = np.full(p.shape, np.nan)
    present = np.isfinite(p)
    m = int(present.sum())
    if m == 0:
        return q, np.zeros(p.shape, dtype=bool)
    chosen = p[present]
    order = np.argsort(chosen, kind="stable")
    ranked = chosen[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    values = np.empty(m)
    values[order] = adjusted
    q[present] = values
    return q, np.where(present, q <= rate, False)


def fdr_sentence(tested: int, things: str, rate: float) -> str:
    """One plain sentence saying how many comparisons were allowed for."""
    if tested <= 1:
        return ""
    return (
        f"With {tested} {things} tested at once, a difference is only called significant when it holds up "
        f"after allowing for them all (false discovery rate {rate:.0%}, Benjamini–Hochberg)."
    )
