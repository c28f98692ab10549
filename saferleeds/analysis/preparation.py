"""Working out, once a dataset has loaded, the results that pages ask for first, while nobody is waiting.

The first person to ask for an area type's summary of an indicator, or for what needs attention across an
area type, waits for it to be worked out (tens to hundreds of milliseconds each); everyone after them reads
the remembered result. Preparing the default period's summaries of every indicator and area type, what
needs attention across each area type, and every area's profile, in the quiet moments after the data
loads means the first people in a meeting do not pay for them. Each step is small and runs only while
``busy`` says no page is being drawn, so preparing never holds up a person; results are remembered
exactly as a page would remember them (``Dataset.memo``), so a page reads the same numbers either way.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial

from saferleeds.analysis.aggregate import monthly
from saferleeds.analysis.area_summary import summarise
from saferleeds.analysis.attention import Question
from saferleeds.analysis.attention import preparation_steps as attention_steps
from saferleeds.analysis.measures import COUNT
from saferleeds.analysis.profiles import build_profile, profile_options
from saferleeds.analysis.selection import default_selection, measure_options
from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period

Step = Callable[[], object]
QUIET_POLL = 0.02  # seconds between looks at whether a page is still being drawn


@dataclass(frozen=True)
class Prepared:
    """What a preparation did: the steps run, whether it ran to the end, and the seconds it spent working."""

    steps: int
    finished: bool
    seconds: float


def preparation_steps(dataset: Dataset) -> Iterator[Step]:
    """The steps, most asked-for first: the default period's summaries as counts, what needs attention
    across each area type, each area's profile (Leeds first), then the summaries as each rate."""
    selection = default_selection(dataset)
    period, levels = selection.period, dataset.catalogue.levels.ids
    rates = [measure for measure in measure_options(dataset.catalogue) if measure != COUNT]
    for measure in [COUNT, *rates]:
        for level in levels:
            for indicator in dataset.catalogue.indicators:
                yield _summary_step(dataset, indicator.id, level, period, measure)
        if measure == COUNT:
            for level in levels:
                yield from attention_steps(dataset, Question(None, level, period, COUNT))
            yield from _profile_steps(dataset, period, selection.indicator)


def _profile_steps(dataset: Dataset, period: Period, indicator: str) -> Iterator[Step]:
    for code in [None, *profile_options(dataset.geography)]:
        yield partial(build_profile, dataset, code, period, COUNT, indicator)


def _summary_step(dataset: Dataset, indicator: str, level: str, period: Period, measure: str) -> Step:
    def step() -> None:
        if not monthly(dataset, indicator, level).empty:
            summarise(dataset, indicator, level, period, measure)

    return step


def prepare(
    steps: Iterable[Step],
    busy: Callable[[], bool],
    stopped: Callable[[], bool] = lambda: False,
    poll: float = QUIET_POLL,
    patience: float | None = None,
) -> Prepared:
    """Run each step when ``busy()`` is false, until the steps run out or ``stopped()`` is true.

    With ``patience``, a step waits at most that many seconds for a quiet moment, then runs anyway (for
    work someone is waiting for, which a server that is never quiet would otherwise hold back for ever).
    """
    done, working = 0, 0.0
    for step in steps:
        waited_since = time.monotonic()
        while busy() and not stopped():
            if patience is not None and time.monotonic() - waited_since >= patience:
                break
            time.sleep(poll)
        if stopped():
            return Prepared(done, False, working)
        started = time.perf_counter()
        step()
        working += time.perf_counter() - started
        done += 1
    return Prepared(done, True, working)
