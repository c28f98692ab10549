"""Hot and cold spots: Getis-Ord Gi* over small areas and their neighbours.

The statistic is that of Getis and Ord (1992) and Ord and Getis (1995), computed by esda.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from libpysal.weights import Queen, W, w_subset
from scipy import stats as sps

from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period


@dataclass(frozen=True)
class HotspotResult:
    z: np.ndarray
    category: list[str]  # "hot", "cold" or ""
    confidence: list[float]  # the highest confidence level reached (0 when not significant)


def critical_values(levels: list[float]) -> list[tuple[float, float]]:
    """(confidence, |z| needed) for two-sided tests, highest confidence first."""
    return [(c, float(sps.norm.ppf(1 - (1 - c) / 2))) for c in sorted(levels, reverse=True)]


def gi_star(values: np.ndarray, weights: W, levels: list[float]) -> HotspotResult:
    """Getis-Ord Gi* (binary weights, each area counted with its neighbours) with normal-theory z-scores.

    An area is a hot spot at confidence c when its z-score exceeds the two-sided critical value for c.
    """
    from esda.getisord import G_Local

    result = G_Local(np.asarray(values, dtype=float), weights, transform="B", permutations=0, star=True)
    z = np.asarray(result.Zs, dtype=float)
    thresholds = critical_values(levels)
    categories, confidences = [], []
    for score in z:
        reached = next((c for c, cut in thresholds if np.isfinite(score) and abs(score) >= cut), 0.0)
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
