"""Disclosure control that cannot be undone: what may be shown of a sensitive indicator, area by area.

The rule (the catalogue's ``[disclosure]``, written out in the README's statistics section), for the
sensitive indicators (domestic abuse, sexual offences, hate):

1. At the protected levels (small areas, priority neighbourhoods, and any level the catalogue adds),
   counts from 1 to 4 read "<5" and every other count is rounded to the nearest 5, so that no figure of a
   small area is exact. Rates, changes, ranks, verdicts and averages are worked out from the rounded
   count, and an area shown as "<5" gets none of them.
2. At those levels counts are shown for periods of 12 months only (any 12 months in a row), never for a
   single month or another length: two overlapping periods would otherwise give away the months between
   them (a 13-month total minus a 12-month total), and monthly "<5"s would add up to a small total.
   Trend charts of such areas show the rolling 12-month figure instead of months.
3. Secondary suppression: wherever the figures shown would let a hidden count be worked out (a ward's
   exact total minus its small areas shown, a ward minus a neighbourhood, a ward and a constituency that
   overlap in one small area), a further small area is withheld with it: one of at least 8, in the same
   groups as the hidden one, so that every figure shown holds the two together and the pair's total
   says nothing about either. Where no such partner exists, the figures that would separate them are
   withheld too. This is repeated, with ``disclosure_check.infer`` as the attacker, until no count from
   1 to 4 at a protected level can be worked out from the figures of any level for the period.

Coarser levels (wards, community committee areas, constituencies, Leeds) show exact counts unless step 3
withholds one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from saferleeds.analysis.disclosure_check import System, atoms, infer
from saferleeds.analysis.disclosure_months import month_matrix, period_counts, rows_by_area
from saferleeds.analysis.disclosure_store import Withheld, ledger
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period
from saferleeds.core.vocabulary import DisclosureRule

EXACT, ROUNDED, HIDDEN, WITHHELD = "exact", "rounded", "hidden", "withheld"
PARTNER_EXTRA = 3  # a partner of a "<5" holds at least below + 3, so any hidden count from 1 to 4 stays possible
MAX_ROUNDS = 400


@dataclass(frozen=True)
class Protection:
    """What may be shown of one indicator in one period: every area of every level with its true count,
    the count shown (rounded where the rule says; missing where hidden or withheld) and its state."""

    period: Period
    table: pd.DataFrame  # level, code, count, shown, state
    _levels: dict[str, pd.DataFrame] = field(default_factory=dict, compare=False, repr=False)

    def level(self, level: str) -> pd.DataFrame:
        """The areas of one level, indexed by code: shown, state."""
        part = self._levels.get(level)
        if part is None:
            part = self.table[self.table["level"] == level].set_index("code")[["shown", "state"]]
            self._levels[level] = part
        return part

    def area(self, level: str, code: str) -> tuple[float, str] | None:
        """One area's shown count and state (None when it has no figure in the period)."""
        part = self.level(level)
        if code not in part.index:
            return None
        row = part.loc[code]
        return float(row["shown"]), str(row["state"])


def rounded(values, base: int) -> np.ndarray:
    """Nearest multiple of ``base`` (halves round up), so 7 reads 5 and 8 reads 10."""
    return np.floor(np.asarray(values, dtype=float) / base + 0.5) * base


def area_states(
    dataset: Dataset, indicator_id: str, level: str, code: str, months: pd.DatetimeIndex, window: int = 1
) -> pd.DataFrame:
    """One area's published count and state for the ``window`` months ending at each of ``months`` (one
    month, or the rolling 12). Non-sensitive indicators and Leeds are exact; at the protected levels a
    period that is not the rule's length is withheld without working anything out."""
    rule = dataset.catalogue.disclosure
    sensitive = dataset.catalogue.indicator(indicator_id).sensitive
    if not sensitive or level == dataset.catalogue.levels.city:
        return pd.DataFrame({"shown": np.nan, "state": EXACT}, index=months)
    if level in rule.levels and window != rule.period_months:
        return pd.DataFrame({"shown": np.nan, "state": WITHHELD}, index=months)
    shown, state, known = _filed_states(dataset, indicator_id, level, code, months, window)
    for i in np.flatnonzero(~known):
        period = Period(months[i] - pd.DateOffset(months=window - 1), months[i])
        found = protection(dataset, indicator_id, period, save=False)
        area = found.area(level, code) if found is not None else None
        if area is not None:
            shown[i], state[i] = area
    ledger(dataset, indicator_id).save()
    return pd.DataFrame({"shown": shown, "state": state}, index=months)


def _filed_states(
    dataset: Dataset, indicator_id: str, level: str, code: str, months: pd.DatetimeIndex, window: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What ``area_states`` finds for each month without working a period out: from the area's own counts
    and the decisions already filed. ``known`` is False for the months whose period has none filed."""
    rule = dataset.catalogue.disclosure
    shown, state = np.full(len(months), np.nan), np.full(len(months), EXACT, dtype=object)
    row = rows_by_area(dataset, indicator_id).get((level, code))
    if row is None:  # no figure in any period: nothing is shown and nothing needs deciding
        return shown, state, np.ones(len(months), dtype=bool)
    data = month_matrix(dataset, indicator_id)
    values = data.values[row]
    finite = np.isfinite(values)
    sums = np.concatenate([[0.0], np.cumsum(np.where(finite, values, 0.0))])
    seen = np.concatenate([[0], np.cumsum(finite)])
    first_months = months - pd.DateOffset(months=window - 1)
    ends = data.months.searchsorted(months, side="right")
    starts = data.months.searchsorted(first_months, side="left")
    counts, present = sums[ends] - sums[starts], seen[ends] > seen[starts]
    hidden = rule.hides(counts).to_numpy()
    decisions = ledger(dataset, indicator_id)
    known = ~present
    for i in np.flatnonzero(present):
        withheld = decisions.get(Period(first_months[i], months[i]))
        if withheld is None:
            continue
        known[i] = True
        if (level, code) in withheld:
            state[i] = WITHHELD
        elif level not in rule.levels:
            state[i], shown[i] = EXACT, counts[i]
        elif hidden[i]:
            state[i] = HIDDEN
        else:
            state[i], shown[i] = ROUNDED, float(rounded(counts[i], rule.round_to))
    return shown, state, known


def hidden_months(dataset: Dataset, indicator_id: str, code: str, months) -> np.ndarray:
    """For each month, whether disclosure control keeps the area's monthly figure back ("<5" or withheld)."""
    months = pd.DatetimeIndex(pd.to_datetime(pd.Series(months)))
    level = dataset.geography.level_of(code) or dataset.catalogue.levels.city
    canonical = (dataset.geography.recognise(code) or (level, code))[1]
    states = area_states(dataset, indicator_id, level, canonical, pd.DatetimeIndex(months.unique()))
    return states["state"].reindex(months).isin([HIDDEN, WITHHELD]).to_numpy()


def protection(dataset: Dataset, indicator_id: str, period: Period, save: bool = True) -> Protection | None:
    """The disclosure state of every area for a sensitive indicator (None when the indicator is not one).

    Decisions are filed on disk (``disclosure_store``); ``save=False`` leaves writing them to the caller,
    which asks for many periods and saves once."""
    if not dataset.catalogue.indicator(indicator_id).sensitive:
        return None
    key = ("protection", indicator_id, period)
    return dataset.memo(key, lambda: _protection(dataset, indicator_id, period, save))


def published_as_counted(dataset: Dataset, indicator_id: str, level: str, period: Period) -> bool:
    """Whether every figure of ``level`` for the period is shown exactly as counted, known without working
    out the period: a level the rule does not protect, none of whose areas a filed decision withholds."""
    if not dataset.catalogue.indicator(indicator_id).sensitive or level == dataset.catalogue.levels.city:
        return True  # Leeds holds every small area, so no partner is ever withheld from it
    if level in dataset.catalogue.disclosure.levels:
        return False
    withheld = ledger(dataset, indicator_id).get(period)
    return withheld is not None and all(area_level != level for area_level, _ in withheld)


def first_states(table: pd.DataFrame, rule: DisclosureRule, period: Period) -> np.ndarray:
    """Primary suppression and rounding at the protected levels (all withheld for other period lengths);
    exact counts elsewhere."""
    controlled = table["level"].isin(rule.levels).to_numpy()
    hidden = rule.hides(table["count"]).to_numpy()
    state = np.where(controlled, np.where(hidden, HIDDEN, ROUNDED), EXACT)
    if period.months != rule.period_months:
        state = np.where(controlled, WITHHELD, state)
    return state.astype(object)


def _protection(dataset: Dataset, indicator_id: str, period: Period, save: bool = True) -> Protection:
    rule = dataset.catalogue.disclosure
    table = period_counts(dataset, indicator_id, period)
    first = first_states(table, rule, period)
    decisions = ledger(dataset, indicator_id)
    filed = decisions.get(period)
    if filed is not None:
        state = _with_withheld(dataset, indicator_id, table, first, filed)
    else:
        state = _secondary_states(dataset, indicator_id, table, first, period)
        extra = (state == WITHHELD) & (first != WITHHELD)
        decisions.add(period, tuple(zip(table["level"][extra], table["code"][extra], strict=True)))
        if save:
            decisions.save()
    count = table["count"].to_numpy(dtype=float)
    shown = np.where(state == EXACT, count, np.nan)
    shown = np.where(state == ROUNDED, rounded(count, rule.round_to), shown)
    result = table.assign(shown=shown, state=state)
    return Protection(period, result.reset_index(drop=True))


def _secondary_states(
    dataset: Dataset, indicator_id: str, table: pd.DataFrame, first: np.ndarray, period: Period
) -> np.ndarray:
    rule = dataset.catalogue.disclosure
    skeleton = _skeleton(dataset, indicator_id)
    if skeleton is not None and len(table) and _needs_secondary(skeleton, table, rule, period):
        return secondary(skeleton, table, first, rule)
    return first


def _with_withheld(
    dataset: Dataset, indicator_id: str, table: pd.DataFrame, first: np.ndarray, withheld: Withheld
) -> np.ndarray:
    """The first step's states with the areas a filed decision withheld."""
    if not withheld:
        return first
    row_of = rows_by_area(dataset, indicator_id)
    chosen = np.isin(table["row"].to_numpy(), [row_of[area] for area in withheld if area in row_of])
    return np.where(chosen, WITHHELD, first).astype(object)


# ----------------------------------------------------------------------------- secondary suppression


@dataclass(frozen=True)
class _Skeleton:
    """The finest areas (cells) and every coarser area as the set of cells it sums."""

    finest: str  # the level of the cells
    cell_rows: np.ndarray  # each cell's row of the monthly matrix
    figure_rows: np.ndarray  # each figure's row of the monthly matrix
    cells: np.ndarray  # cell codes
    figures: pd.MultiIndex  # (level, code) of every coarser area
    members: sparse.csr_matrix  # figures x cells
    controlled_figures: np.ndarray  # which figures are at protected levels
    determined_cells: np.ndarray  # cells the coarser levels' exact figures alone work out
    determined_figures: np.ndarray  # figures (at protected levels) the exact figures alone work out


def _skeleton(dataset: Dataset, indicator_id: str) -> _Skeleton | None:
    def build() -> _Skeleton | None:
        data = month_matrix(dataset, indicator_id)
        levels = dataset.catalogue.levels
        cell_rows = np.flatnonzero(data.levels == levels.finest)
        cells = data.codes[cell_rows]
        if len(cells) == 0:
            return None
        lookup = dataset.geography.lsoa.reindex(cells)
        rows: list[int] = []
        cols: list[int] = []
        keys: list[tuple[str, str]] = []
        figure_rows: list[int] = []
        for row, (level, code) in enumerate(zip(data.levels, data.codes, strict=True)):
            column = levels.get(level).code_column
            if level == levels.finest or column not in lookup.columns:
                continue
            inside = np.flatnonzero((lookup[column] == code).to_numpy())
            if len(inside):
                rows.extend([len(keys)] * len(inside))
                cols.extend(inside)
                keys.append((level, code))
                figure_rows.append(row)
        members = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(keys), len(cells)))
        index = pd.MultiIndex.from_tuples(keys, names=["level", "code"])
        controlled = np.asarray(index.get_level_values("level").isin(dataset.catalogue.disclosure.levels))
        cells_fixed, figures_fixed = _determined(members, ~controlled)
        return _Skeleton(
            levels.finest,
            cell_rows,
            np.array(figure_rows, dtype=int),
            cells,
            index,
            members,
            controlled,
            cells_fixed,
            figures_fixed & controlled,
        )

    return dataset.memo(("disclosure_skeleton", indicator_id), build)


def _determined(members: sparse.csr_matrix, exact: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cells and figures whose totals the ``exact`` figures work out whatever the counts (by linear algebra:
    their membership is a combination of exact figures' memberships)."""
    chosen = members[np.flatnonzero(exact)].toarray()
    if chosen.shape[0] == 0:
        return np.zeros(members.shape[1], dtype=bool), np.zeros(members.shape[0], dtype=bool)
    _, singular, basis = np.linalg.svd(chosen, full_matrices=False)
    rank = int((singular > 1e-9 * singular.max()).sum())
    basis = basis[:rank]
    cells = (basis**2).sum(axis=0) > 1 - 1e-7
    dense = members.toarray()
    projected = dense @ basis.T @ basis
    figures = np.abs(projected - dense).max(axis=1) < 1e-7
    return cells, figures


def _small(counts: np.ndarray, rule: DisclosureRule) -> np.ndarray:
    return (counts >= 1) & (counts < rule.below)


def _positions(skeleton: _Skeleton, table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Where each cell and figure is in the table (-1 where it has no value for the period)."""
    where = np.full(int(max(skeleton.cell_rows.max(initial=0), skeleton.figure_rows.max(initial=0))) + 1, -1)
    rows = table["row"].to_numpy()
    inside = rows < len(where)
    where[rows[inside]] = np.flatnonzero(inside)
    return where[skeleton.cell_rows], where[skeleton.figure_rows]


def _counts_at(skeleton: _Skeleton, table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    counts = table["count"].to_numpy(dtype=float)
    cells_at, figures_at = _positions(skeleton, table)
    return (
        np.where(cells_at >= 0, counts[np.maximum(cells_at, 0)], np.nan),
        np.where(figures_at >= 0, counts[np.maximum(figures_at, 0)], np.nan),
    )


def _needs_secondary(skeleton: _Skeleton, table: pd.DataFrame, rule: DisclosureRule, period: Period) -> bool:
    """For periods whose small areas are all withheld, only what the coarser levels' exact figures work out
    on their own can expose a small count: a small area or neighbourhood they determine, or a zero among
    them (which fixes every area inside it). Otherwise the full check is needed."""
    if period.months == rule.period_months:
        return True
    cells, figures = _counts_at(skeleton, table)
    small_cells = _small(cells, rule) & skeleton.determined_cells
    small_figures = _small(figures, rule) & skeleton.determined_figures
    zero_exact = (figures == 0) & ~skeleton.controlled_figures
    return bool(small_cells.any() or small_figures.any() or zero_exact.any())


@dataclass
class _Work:
    """The states being decided: of cells and of figures, and what a withheld cell is known to hold."""

    skeleton: _Skeleton
    cell_count: np.ndarray
    cell_state: np.ndarray
    cell_floor: np.ndarray  # a withheld partner of a "<5" is known to hold at least this
    figure_count: np.ndarray
    figure_state: np.ndarray
    usable: np.ndarray  # figures that are the sum of their cells this period


def _bounds(count: np.ndarray, state: np.ndarray, floor: np.ndarray, rule: DisclosureRule):
    """What each state tells an analyst about the count, as bounds."""
    shown = rounded(count, rule.round_to)
    half = rule.round_to / 2
    low, high = np.full(len(count), -np.inf), np.full(len(count), np.inf)
    exact = state == EXACT
    low[exact], high[exact] = count[exact], count[exact]
    zero = (state == ROUNDED) & (shown == 0)
    low[zero], high[zero] = 0.0, 0.0
    visible = (state == ROUNDED) & (shown > 0)
    low[visible], high[visible] = np.maximum(shown[visible] - half, rule.below), shown[visible] + half
    hidden = state == HIDDEN
    low[hidden], high[hidden] = 1.0, rule.below - 1e-6
    withheld = state == WITHHELD
    low[withheld] = floor[withheld]
    return low, high


def _system(work: _Work, rule: DisclosureRule) -> System:
    cell_low, cell_high = _bounds(work.cell_count, work.cell_state, work.cell_floor, rule)
    zeros = np.zeros(len(work.figure_count))
    figure_low, figure_high = _bounds(work.figure_count, work.figure_state, zeros, rule)
    figure_low = np.where(work.usable, figure_low, -np.inf)
    figure_high = np.where(work.usable, figure_high, np.inf)
    whole = bool(np.all(np.mod(work.cell_count, 1) == 0))
    return System(work.skeleton.members, np.maximum(cell_low, 0.0), cell_high, figure_low, figure_high, whole)


def _exposed(work: _Work, rule: DisclosureRule) -> tuple[str, int] | None:
    """The first count from 1 to 4 at a protected level that the figures shown pin down, if any."""
    bounds = infer(_system(work, rule))
    small_cells = _small(work.cell_count, rule)
    found = np.flatnonzero(small_cells & bounds.cells_pinned())
    if len(found):
        return "cell", int(found[0])
    small_figures = _small(work.figure_count, rule) & work.skeleton.controlled_figures & work.usable
    found = np.flatnonzero(small_figures & bounds.figures_pinned())
    return ("figure", int(found[0])) if len(found) else None


def secondary(skeleton: _Skeleton, table: pd.DataFrame, state: np.ndarray, rule: DisclosureRule) -> np.ndarray:
    """Withhold partners (and the figures separating them) until no hidden count can be worked out."""
    cells_at, figures_at = _positions(skeleton, table)
    counts = table["count"].to_numpy(dtype=float)
    cell_count = np.where(cells_at >= 0, counts[np.maximum(cells_at, 0)], 0.0)
    figure_count = np.where(figures_at >= 0, counts[np.maximum(figures_at, 0)], 0.0)
    work = _Work(
        skeleton,
        cell_count,
        np.where(cells_at >= 0, state[np.maximum(cells_at, 0)], EXACT).astype(object),
        np.zeros(len(cell_count)),
        figure_count,
        np.where(figures_at >= 0, state[np.maximum(figures_at, 0)], WITHHELD).astype(object),
        (figures_at >= 0) & np.isclose(skeleton.members @ cell_count, figure_count),
    )
    for _ in range(MAX_ROUNDS):
        found = _exposed(work, rule)
        if found is None:
            break
        _protect_one(work, rule, *found)
    else:
        _withhold_all(work)
    result = state.copy()
    result[cells_at[cells_at >= 0]] = work.cell_state[cells_at >= 0]
    result[figures_at[figures_at >= 0]] = work.figure_state[figures_at >= 0]
    return result


def _holding(work: _Work, cells: np.ndarray) -> np.ndarray:
    """How many of ``cells`` each figure holds."""
    return np.asarray(work.skeleton.members[:, cells].sum(axis=1)).ravel()


def _protect_one(work: _Work, rule: DisclosureRule, kind: str, position: int) -> None:
    """Give one exposed count a partner: a small area that every exact figure shown holding the count also
    holds (the same group), preferring one in the same protected areas too; failing that, one in the
    smallest exact figure holding it (up to all of Leeds), with every figure that holds one of the two but
    not the other withheld, so that each figure still shown holds both or neither. A "<5" needs a partner
    of at least 8; a count that is withheld already needs any partner that is not zero."""
    members = work.skeleton.members
    target = np.array([position]) if kind == "cell" else members[position].indices
    hidden = work.cell_state[target] == HIDDEN if kind == "cell" else work.figure_state[position] == HIDDEN
    least = rule.below + PARTNER_EXTRA if np.any(hidden) else 1
    exact = work.figure_state == EXACT
    group = atoms(members, exact & work.usable)
    free = (work.cell_state == ROUNDED) | ((work.cell_state == WITHHELD) & (work.cell_floor == 0))
    candidates = free & (work.cell_count >= least)
    candidates[target] = False
    partner = _first(work, candidates & np.isin(group, group[target]), target)
    if partner is None:
        partner = _nearest(work, candidates, target, exact & work.usable)
    if partner is None:
        _withhold_all(work)
        return
    work.cell_state[partner] = WITHHELD
    work.cell_floor[partner] = least if least > 1 else 0.0
    holds_target = _holding(work, target)
    holds_partner = members[:, [partner]].toarray().ravel() > 0
    sizes = np.asarray(members.sum(axis=1)).ravel()
    itself = (holds_target == len(target)) & (sizes == len(target))
    work.figure_state[((holds_target > 0) != holds_partner) & ~itself] = WITHHELD


def _first(work: _Work, candidates: np.ndarray, target: np.ndarray) -> int | None:
    """The candidate sharing the most figures with the target (then the first by code)."""
    chosen = np.flatnonzero(candidates)
    if len(chosen) == 0:
        return None
    holding = _holding(work, target) > 0
    shared = np.asarray(work.skeleton.members[holding][:, chosen].sum(axis=0)).ravel()
    order = np.lexsort((work.skeleton.cells[chosen], -shared))
    return int(chosen[order[0]])


def _nearest(work: _Work, candidates: np.ndarray, target: np.ndarray, exact: np.ndarray) -> int | None:
    """A candidate in the smallest exact figure that holds the whole target, then anywhere."""
    members = work.skeleton.members
    sizes = np.asarray(members.sum(axis=1)).ravel()
    holds = (_holding(work, target) == len(target)) & exact
    for figure in np.flatnonzero(holds)[np.argsort(sizes[holds], kind="stable")]:
        inside = np.zeros(len(candidates), dtype=bool)
        inside[members[figure].indices] = True
        found = _first(work, candidates & inside, target)
        if found is not None:
            return found
    return _first(work, candidates, target)


def _withhold_all(work: _Work) -> None:
    """No partner anywhere: only the total for all the small areas together is shown."""
    sizes = np.asarray(work.skeleton.members.sum(axis=1)).ravel()
    work.figure_state[sizes < work.skeleton.members.shape[1]] = WITHHELD
    work.cell_state[:] = WITHHELD
