"""Estimated values: recorded totals of a coarser level shared out among the small areas inside them.

police.uk history exists per MSOA (2021) from August 2022, but per small area (LSOA) only for the two whole
street-level months. Each MSOA's recorded count of a month is shared among its LSOAs:

* **Shares.** An LSOA's share of a crime type in its MSOA is its share of that type in the two street
  months, smoothed towards its share of all crime there, which is itself smoothed towards its share of
  the MSOA's residents (Census 2021): ``all_i = (C_i + K_ALL * p_i) / (C_j + K_ALL)`` and
  ``share_it = (c_it + K_TYPE * all_i) / (c_jt + K_TYPE)``, where ``c`` counts a type, ``C`` every type,
  ``p_i`` is the LSOA's share of the MSOA's residents and ``j`` is the MSOA. A common type keeps its own
  pattern; a rare one (two bicycle thefts) takes the pattern of all crime. This is the empirical-Bayes
  shrinkage of small-area proportions towards a larger area's (Clayton and Kaldor 1987, Biometrics 43:671).
  Stop and search is shared like drug and weapons offences together.
* **Whole numbers that add up.** Month by month, each LSOA is owed its share of the MSOA's running total
  less what it has been given so far; the month's count is handed out in whole units to the LSOAs owed
  most. Each month's estimates add up exactly to the recorded total, and every LSOA's running total stays
  within about one of its share, so a year's estimate is not biased towards the same LSOAs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from saferleeds.core.vocabulary import ESTIMATED

K_ALL = 20.0  # pseudo-crimes pulling an LSOA's share of all crime towards its share of residents
K_TYPE = 10.0  # pseudo-crimes pulling an LSOA's share of one type towards its share of all crime
ESTIMATED_SOURCE = "Estimated: an MSOA's recorded police.uk count shared among its LSOAs (see data/README.md)"


def lsoa_shares(street: pd.DataFrame, msoa_of: pd.Series, residents: pd.Series) -> pd.DataFrame:
    """Each LSOA's share of each column's MSOA total (columns sum to 1 within every MSOA).

    ``street`` is indexed by LSOA with one column per crime type (counts over the street months);
    ``msoa_of`` and ``residents`` are indexed by LSOA.
    """
    street = street.reindex(msoa_of.index).fillna(0.0)
    groups = msoa_of.to_numpy()
    resident_share = residents / residents.groupby(groups).transform("sum")
    every = street.sum(axis=1)
    all_crime = (every + K_ALL * resident_share) / (every.groupby(groups).transform("sum") + K_ALL)
    type_totals = street.groupby(groups).transform("sum")
    shares = street.add(all_crime * K_TYPE, axis=0)
    return shares.div(type_totals + K_TYPE)


def share_out(totals: pd.DataFrame, shares: pd.Series, msoa_of: pd.Series) -> pd.DataFrame:
    """Whole-number LSOA estimates of one indicator from its MSOA totals.

    ``totals`` is indexed by MSOA with one column per month (in order); ``shares`` (by LSOA) sum to 1 in
    every MSOA. Returns a frame indexed by LSOA with the same month columns; each column's sum within an
    MSOA equals that MSOA's total.
    """
    lsoas = msoa_of.sort_index()
    msoas = list(totals.index)
    members = [lsoas.index[lsoas.to_numpy() == m].to_list() for m in msoas]
    width = max(len(m) for m in members)
    weight = np.zeros((len(msoas), width))
    valid = np.zeros((len(msoas), width), dtype=bool)
    for row, codes in enumerate(members):
        weight[row, : len(codes)] = shares.reindex(codes).to_numpy()
        valid[row, : len(codes)] = True
    counts = totals.to_numpy(dtype=float)
    given = np.zeros_like(weight)
    running = np.zeros(len(msoas))
    months = []
    for month in range(counts.shape[1]):
        running += counts[:, month]
        owed = weight * running[:, None] - given
        allocation = _whole_units(owed, counts[:, month], valid)
        given += allocation
        months.append(allocation)
    stacked = np.stack(months, axis=-1)  # msoa, slot, month
    rows = [(code, stacked[r, s]) for r, codes in enumerate(members) for s, code in enumerate(codes)]
    return pd.DataFrame([v for _, v in rows], index=[c for c, _ in rows], columns=totals.columns).sort_index()


def _whole_units(owed: np.ndarray, counts: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Hand out each row's count in whole units, most to those owed most (ties to the first)."""
    allocation = np.where(valid, np.floor(np.clip(owed, 0, None)), 0.0)
    for _ in range(owed.shape[1] * 4 + 8):
        short = counts - allocation.sum(axis=1)
        if not short.any():
            return allocation
        left = np.where(valid, owed - allocation, -np.inf)
        give = short > 0
        if give.any():
            rows = np.flatnonzero(give)
            allocation[rows, np.argmax(left[rows], axis=1)] += 1
        take = short < 0
        if take.any():
            rows = np.flatnonzero(take)
            spare = np.where(valid[rows] & (allocation[rows] > 0), left[rows], np.inf)
            allocation[rows, np.argmin(spare, axis=1)] -= 1
    raise ValueError("estimates could not be made to add up")  # cannot happen: each pass closes one unit


def estimate_lsoa_rows(
    msoa_rows: pd.DataFrame, shares: dict[str, pd.Series], msoa_of: pd.Series, summed: dict[str, list[str]]
) -> pd.DataFrame:
    """Estimated LSOA rows (values-table shape) for every indicator of ``msoa_rows`` with shares; the
    indicators in ``summed`` (total crime) are the sum of their parts' estimates, so they add up too."""
    frames = []
    for indicator, share in shares.items():
        rows = msoa_rows[msoa_rows["indicator"] == indicator]
        totals = rows.pivot(index="area_code", columns="period", values="value").sort_index(axis=1)
        estimate = share_out(totals, share, msoa_of)
        frames.append(_long(estimate, indicator))
    estimated = pd.concat(frames, ignore_index=True)
    for total, parts in summed.items():
        part_rows = estimated[estimated["indicator"].isin(parts)]
        summed_rows = part_rows.groupby(["area_code", "period"], sort=True)["value"].sum().reset_index()
        estimated = pd.concat([estimated, summed_rows.assign(indicator=total)], ignore_index=True)
    estimated["denominator"] = np.nan
    estimated["status"] = ESTIMATED
    estimated["source"] = ESTIMATED_SOURCE
    return estimated


def _long(estimate: pd.DataFrame, indicator: str) -> pd.DataFrame:
    stacked = estimate.stack()
    return pd.DataFrame(
        {
            "indicator": indicator,
            "area_code": stacked.index.get_level_values(0),
            "period": stacked.index.get_level_values(1),
            "value": stacked.to_numpy(dtype=float),
        }
    )
