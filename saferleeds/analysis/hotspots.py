"""Hot and cold spots: Getis-Ord Gi* over small areas and their neighbours.

The statistic is that of Getis and Ord (1992) and Ord and Getis (1995), computed by esda. Every small area
is tested at once, so an area is a hot or cold spot at confidence c only when its false discovery rate
(Benjamini and Hochberg 1995) is below 1 - c, as Caldas de Castro and Singer (Geogr Anal 2006;38:180-208)
recommend for local spatial statistics.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from libpysal.weights import Queen, W, w_subset
from scipy import stats as sps

from saferleeds.analysis.stats.multiple import benjamini_hochberg
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period


@dataclass(frozen=True)
class HotspotResult:
    z: np.ndarray
    category: list[str]  # "hot", "cold" or ""
    confidence: list[float]  # the highest confidence level reached (0 when not significant)


def critical_values(levels: list[float]) -> list[tuple[float, float]]:
    """(confidence, |z| needed) for two-sided tests of one area alone, highest confidence first."""
    return [(c, float(sps.norm.ppf(1 - (1 - c) / 2))) for c in sorted(levels, reverse=True)]


def gi_star(values: np.ndarray, weights: W, levels: list[float]) -> HotspotResult:
    """Getis-Ord Gi* (binary weights, each area counted with its neighbours) with normal-theory z-scores.

    Each area's two-sided p-value is adjusted for all the areas tested (Benjamini-Hochberg q-values); an
    area is a hot (or cold) spot at confidence c when its q-value is at most 1 - c.
    """
    from esda.getisord import G_Local

    # Areas cut off from the rest (separate parts of the map) and all-zero values are expected: their z is NaN
    # and they are never a spot, so the library's warnings about them say nothing here.
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", UserWarning)
        result = G_Local(np.asarray(values, dtype=float), weights, transform="B", permutations=0, star=True)
    z = np.asarray(result.Zs, dtype=float)
    p_values = np.where(np.isfinite(z), 2 * sps.norm.sf(np.abs(z)), np.nan)
    q_values, _ = benjamini_hochberg(p_values, 1.0)
    categories, confidences = [], []
    for score, q in zip(z, q_values, strict=True):
        reached = next((c for c in sorted(levels, reverse=True) if np.isfinite(q) and q <= 1 - c), 0.0)
        categories.append(("hot" if score > 0 else "cold") if reached else "")
        confidences.append(reached)
    return HotspotResult(z, categories, confidences)


def lsoa_weights(dataset: Dataset) -> tuple[list[str], W]:
    """Queen contiguity (sharing a border or a corner) between small areas, in boundary-file order."""

    def build() -> tuple[list[str], W]:
        frame = dataset.boundaries(dataset.catalogue.levels.finest).reset_index(drop=True)
        codes = [str(c) for c in frame["code"]]
        weights = Queen.from_dataframe(frame, use_index=False, silence_warnings=True)
        weights = W(
            {codes[i]: [codes[j] for j in nbrs] for i, nbrs in weights.neighbors.items()},
            silence_warnings=True,
        )
        return codes, weights

    return dataset.memo(("lsoa_weights",), build)


def hotspots(dataset: Dataset, indicator_id: str, period: Period, measure: str, values: pd.Series) -> pd.DataFrame:
    """Hot and cold spots of the period's values (count or rate, indexed by LSOA code): code, z, category,
    confidence. Remembered per indicator, period and measure."""

    def compute() -> pd.DataFrame:
        codes, weights = lsoa_weights(dataset)
        aligned = values.reindex(codes)
        usable = [c for c in codes if np.isfinite(aligned[c])]
        sub = weights if len(usable) == len(codes) else w_subset(weights, usable, silence_warnings=True)
        sub_codes = list(sub.id_order)
        levels = list(dataset.catalogue.thresholds.hotspot_confidence)
        result = gi_star(aligned.reindex(sub_codes).to_numpy(), sub, levels)
        return pd.DataFrame(
            {"code": sub_codes, "z": result.z, "category": result.category, "confidence": result.confidence}
        )

    key = ("hotspots", indicator_id, period, measure)
    return dataset.memo(key, compute)
