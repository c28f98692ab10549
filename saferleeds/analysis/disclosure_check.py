"""What can be worked out: bounds on every small area's count from the figures the app shows.

The figures of one indicator and period form a system: each area of every level is the sum of its small
areas, and each figure shown says something about that sum (exactly, to within rounding, "<5", or
nothing when withheld). An analyst who wants a hidden count can combine them: subtract the small areas
shown from their ward, difference a ward and a neighbourhood, or a ward and a constituency. This module
makes every such inference at once:

* every total that the exact figures determine (by linear algebra over the groups of small areas that
  no exact figure tells apart), such as a small area alone in its ward and constituency;
* the difference of every figure and each smaller figure inside it;
* interval propagation over all of these: each small area's count lies between what its figures allow
  once every other part is at its least or its most (repeated until nothing changes; counts are whole).

Disclosure control uses it to decide what else to withhold, and the tests use it as the attacker.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

ROUNDS = 60
TOLERANCE = 1e-9


@dataclass(frozen=True)
class System:
    """Small areas (cells) and the figures shown over them."""

    members: sparse.csr_matrix  # figures x cells, 1 where the figure sums the cell
    cell_low: np.ndarray  # what is shown of each cell, as bounds
    cell_high: np.ndarray
    figure_low: np.ndarray  # what is shown of each figure, as bounds on its total
    figure_high: np.ndarray
    whole: bool = True  # counts are whole numbers (so bounds can be rounded inwards)

    @property
    def exact(self) -> np.ndarray:
        return np.isfinite(self.figure_low) & (self.figure_low == self.figure_high)


@dataclass(frozen=True)
class Bounds:
    """The tightest bounds the inference reaches for every cell and every figure."""

    cell_low: np.ndarray
    cell_high: np.ndarray
    figure_low: np.ndarray
    figure_high: np.ndarray

    def cells_pinned(self) -> np.ndarray:
        return _pinned(self.cell_low, self.cell_high)

    def figures_pinned(self) -> np.ndarray:
        return _pinned(self.figure_low, self.figure_high)


def _pinned(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """True where the bounds leave one whole number (a value worked out exactly)."""
    return np.isfinite(high) & (np.floor(high + TOLERANCE) - np.ceil(low - TOLERANCE) < 1)


def atoms(members: sparse.csr_matrix, rows: np.ndarray) -> np.ndarray:
    """For each cell, the group of cells that the chosen figures never tell apart (same membership).

    Memberships are compared through two random weightings of the figures (equal memberships give equal
    sums; different ones differ except with probability zero), which is far quicker than comparing rows.
    """
    chosen = members[np.flatnonzero(rows)]
    if chosen.shape[0] == 0:
        return np.zeros(members.shape[1], dtype=int)
    weights = np.random.default_rng(0).random((chosen.shape[0], 2))
    keys = np.asarray(chosen.T @ weights)
    _, group = np.unique(np.round(keys, 9), axis=0, return_inverse=True)
    return np.asarray(group, dtype=int).ravel()


def determined_groups(system: System) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The groups of cells whose total the exact figures determine, and those totals.

    With A the exact figures over the groups (1 where a group lies inside a figure) and b their values,
    a group's total is determined exactly when its indicator vector lies in the row space of A (some
    combination of exact figures adds up to it); then every solution of A g = b gives it the same total,
    so the least-squares solution's does.
    """
    exact = system.exact
    if not exact.any():
        return sparse.csr_matrix((0, system.members.shape[1])), np.zeros(0)
    rows, over_groups, found = _group_structure(system.members, exact)
    totals, *_ = np.linalg.lstsq(over_groups, system.figure_low[exact], rcond=None)
    return rows, totals[found]


_STRUCTURES: dict[tuple[int, bytes], tuple[sparse.csr_matrix, tuple]] = {}


def _group_structure(members: sparse.csr_matrix, exact: np.ndarray) -> tuple:
    """The determined groups for one pattern of exact figures (remembered: the pattern seldom changes)."""
    key = (id(members), exact.tobytes())
    cached = _STRUCTURES.get(key)
    if cached is not None and cached[0] is members:
        return cached[1]
    group = atoms(members, exact)
    count = int(group.max()) + 1
    cell_to_group = sparse.csr_matrix((np.ones(len(group)), (group, np.arange(len(group)))), shape=(count, len(group)))
    over_groups = ((members[np.flatnonzero(exact)] @ cell_to_group.T).toarray() > 0).astype(float)
    _, singular, basis = np.linalg.svd(over_groups, full_matrices=False)
    rank = int((singular > 1e-9 * max(singular.max(initial=0.0), 1.0)).sum())
    found = np.flatnonzero((basis[:rank] ** 2).sum(axis=0) > 1 - 1e-7)
    structure = (sparse.csr_matrix(cell_to_group[found]), over_groups, found)
    if len(_STRUCTURES) > 256:
        _STRUCTURES.clear()
    _STRUCTURES[key] = (members, structure)
    return structure


def nested_differences(system: System) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    """Every figure minus each smaller figure inside it, with the bounds that puts on the rest."""
    members = system.members
    sizes = np.asarray(members.sum(axis=1)).ravel()
    overlap = (members @ members.T).toarray()
    inside = (overlap == sizes[None, :]) & (sizes[None, :] < sizes[:, None])  # [outer, inner]
    known = np.isfinite(system.figure_low) | np.isfinite(system.figure_high)
    outer, inner = np.nonzero(
        inside & known[:, None] & known[None, :] & ~(system.exact[:, None] & system.exact[None, :])
    )
    if len(outer) == 0:
        return sparse.csr_matrix((0, members.shape[1])), np.zeros(0), np.zeros(0)
    rows = sparse.csr_matrix(members[outer] - members[inner])
    rows.eliminate_zeros()
    low = system.figure_low[outer] - system.figure_high[inner]
    high = system.figure_high[outer] - system.figure_low[inner]
    return sparse.csr_matrix(rows), np.where(np.isnan(low), -np.inf, low), np.where(np.isnan(high), np.inf, high)


@dataclass(frozen=True)
class _Rows:
    """The rows of the system as (row, cell) pairs, grouped by cell once so that each round can take every
    cell's tightest bound with one ``reduceat`` (far quicker than ``ufunc.at``)."""

    row: np.ndarray
    col: np.ndarray
    count: int  # rows in all
    order: np.ndarray  # the pairs sorted by cell
    starts: np.ndarray  # where each cell's run of pairs starts in that order
    cells: np.ndarray  # the cell of each run

    @classmethod
    def of(cls, rows: sparse.coo_matrix) -> _Rows:
        order = np.argsort(rows.col, kind="stable")
        by_cell = rows.col[order]
        starts = np.flatnonzero(np.r_[True, by_cell[1:] != by_cell[:-1]]) if len(by_cell) else np.zeros(0, int)
        return cls(rows.row, rows.col, rows.shape[0], order, starts, by_cell[starts])

    def tightest(self, bounds: np.ndarray, candidates: np.ndarray, combine: np.ufunc) -> np.ndarray:
        """``bounds`` with each cell's own bound combined with every candidate for it."""
        result = bounds.copy()
        if len(self.starts):
            best = combine.reduceat(candidates[self.order], self.starts)
            result[self.cells] = combine(result[self.cells], best)
        return result


def _tighten(rows: _Rows, row_low, row_high, low, high) -> tuple[np.ndarray, np.ndarray]:
    """One round: each cell's bounds from each row, the rest of the row at its least or most."""
    r, j = rows.row, rows.col
    finite_high = np.where(np.isfinite(high), high, 0.0)
    infinite = (~np.isfinite(high)).astype(float)
    sum_high = np.bincount(r, finite_high[j], minlength=rows.count)
    count_infinite = np.bincount(r, infinite[j], minlength=rows.count)
    sum_low = np.bincount(r, low[j], minlength=rows.count)
    others_infinite = count_infinite[r] - infinite[j]
    with np.errstate(invalid="ignore"):
        candidate_low = np.where(others_infinite == 0, row_low[r] - (sum_high[r] - finite_high[j]), -np.inf)
        candidate_high = row_high[r] - (sum_low[r] - low[j])
    new_low = rows.tightest(low, np.nan_to_num(candidate_low, nan=-np.inf), np.maximum)
    new_high = rows.tightest(high, np.nan_to_num(candidate_high, nan=np.inf), np.minimum)
    return np.maximum(new_low, 0.0), new_high


def infer(system: System) -> Bounds:
    """The bounds every figure shown allows, for every cell and figure (see the module's description)."""
    groups, group_values = determined_groups(system)
    differences, difference_low, difference_high = nested_differences(system)
    stacked = sparse.csr_matrix(sparse.vstack([system.members, groups, differences]))
    stacked.eliminate_zeros()
    rows = _Rows.of(stacked.tocoo())
    row_low = np.concatenate([system.figure_low, group_values, difference_low])
    row_high = np.concatenate([system.figure_high, group_values, difference_high])
    row_low = np.where(np.isfinite(row_low), row_low, -np.inf)
    low, high = system.cell_low.astype(float), system.cell_high.astype(float)
    for _ in range(ROUNDS):
        new_low, new_high = _tighten(rows, row_low, row_high, low, high)
        if system.whole:
            new_low = np.ceil(new_low - TOLERANCE)
            new_high = np.where(np.isfinite(new_high), np.floor(new_high + TOLERANCE), new_high)
        if np.array_equal(new_low, low) and np.array_equal(new_high, high):
            break
        low, high = new_low, new_high
    members = system.members
    sum_low = members @ low
    finite_high = members @ np.where(np.isfinite(high), high, 0.0)
    any_infinite = (members @ (~np.isfinite(high)).astype(float)) > 0
    figure_low = np.maximum(np.nan_to_num(system.figure_low, nan=-np.inf), sum_low)
    figure_high = np.minimum(np.nan_to_num(system.figure_high, nan=np.inf), np.where(any_infinite, np.inf, finite_high))
    return Bounds(low, high, figure_low, figure_high)
