"""Drawing what needs the board's attention: a panel on the Overview and the page of its own.

Finding it tests every indicator in every area of the chosen level, so the first time a selection is
asked for, the work is done in the background once the page is drawn, one indicator at a time whenever
no page is being drawn; the panel says it is working and looks again every moment until the findings are
ready.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor

import streamlit as st

from saferleeds.analysis.attention import (
    KIND_LABELS,
    Attention,
    Finding,
    Question,
    candidates,
    preparation_steps,
    summary_words,
)
from saferleeds.analysis.attention import what_needs_attention as find
from saferleeds.analysis.preparation import prepare
from saferleeds.analysis.selection import Selection
from saferleeds.core.dataset import Dataset
from saferleeds.present.export.findings import findings_table
from saferleeds.ui.data import escape, page_running
from saferleeds.ui.downloads import table_download
from saferleeds.ui.filters import ALL
from saferleeds.ui.navigation import request_page
from saferleeds.ui.registry import page

MODELLED_KEY = "attention_modelled"
PATIENCE = 1.0  # seconds a step of the work waits for no page to be running before it runs anyway
POLL_SECONDS = 2.5  # between polls the page is still for longer than a browser needs to call it drawn
REMEMBERED = 64
_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="attention")
_PENDING: OrderedDict[tuple, Future] = OrderedDict()
_PENDING_LOCK = threading.Lock()
_ASKED: dict[tuple, tuple[Dataset, Selection]] = {}


def _question(selection: Selection) -> Question:
    s = selection
    return Question(s.area, s.level, s.period, s.measure, s.priority, s.theme)


def _key(dataset: Dataset, selection: Selection) -> tuple:
    return (dataset.version, _question(selection))


def _work(dataset: Dataset, selection: Selection) -> Future:
    """The background work for this selection (started when first asked for)."""
    key = _key(dataset, selection)
    with _PENDING_LOCK:
        _ASKED.pop(key, None)
        future = _PENDING.get(key)
        if future is None:
            future = _WORKER.submit(_find_between_pages, dataset, selection)
            _PENDING[key] = future
            while len(_PENDING) > REMEMBERED:
                _PENDING.popitem(last=False)
        return future


def _find_between_pages(dataset: Dataset, selection: Selection) -> list[Finding]:
    """The findings, worked out one indicator at a time while no page is being drawn in this process, so the
    people changing filters are not slowed by it (each step waits at most PATIENCE for a quiet moment)."""
    question = _question(selection)
    prepare(preparation_steps(dataset, question), busy=page_running, patience=PATIENCE)
    return candidates(dataset, question)


def _started(dataset: Dataset, selection: Selection) -> Future | None:
    """The work for this selection if it has begun; otherwise it is asked for, to begin after the page."""
    key = _key(dataset, selection)
    with _PENDING_LOCK:
        future = _PENDING.get(key)
        if future is None:
            _ASKED[key] = (dataset, selection)
        return future


def start_asked() -> None:
    """Begin the work pages asked for during this run. It begins once the page is drawn because, sharing
    the interpreter with the page, it would otherwise slow every part of the page's first run."""
    with _PENDING_LOCK:
        asked = list(_ASKED.values())
    for dataset, selection in asked:
        _work(dataset, selection)


def wait_for_findings(timeout: float | None = None) -> None:
    """Block until every finding asked for so far is worked out (for benchmarks and tests)."""
    with _PENDING_LOCK:
        pending = list(_PENDING.values())
    for future in pending:
        future.result(timeout=timeout)


def findings_or_none(dataset: Dataset, selection: Selection, include_modelled: bool, most: int) -> Attention | None:
    future = _started(dataset, selection)
    if future is None or not future.done():
        return None
    future.result()  # a failure is raised here, on the page, where the router reports it
    chosen = selection
    return find(
        dataset,
        chosen.area,
        chosen.level,
        chosen.period,
        chosen.measure,
        chosen.priority,
        chosen.theme,
        include_modelled=include_modelled,
        most=most,
    )


def modelled_toggle() -> bool:
    return st.toggle(
        "Include findings on modelled data",
        key=MODELLED_KEY,
        bind="query-params",
        help="Modelled values are estimates made where no open data exists: a finding on them describes the "
        "model, not what happened, so they are left out unless you ask for them.",
    )


@st.fragment(run_every=POLL_SECONDS)
def _waiting(dataset: Dataset, selection: Selection) -> None:
    if _work(dataset, selection).done():
        st.rerun()
    st.caption(":material/hourglass_top: Working out what needs attention…")


def _link_label(finding: Finding) -> str:
    return f"Open {page(finding.link.page).title}"


def _link_values(finding: Finding) -> dict[str, object]:
    return {key: (ALL if key == "area" and value is None else value) for key, value in finding.link.filters.items()}


def draw_findings(dataset: Dataset, attention: Attention, key: str) -> None:
    """Each finding: its kind, its sentence, its status and a button to the view that shows it."""
    statuses = dataset.catalogue.statuses
    for number, finding in enumerate(attention.findings, start=1):
        with st.container(border=True, key=f"{key}-finding-{number}"):
            words, button = st.columns([5, 1.3], vertical_alignment="center")
            words.markdown(
                f"**{KIND_LABELS[finding.kind]}:** {escape(finding.sentence)} "
                f"*({escape(statuses.label(finding.status))})*"
            )
            button.button(
                _link_label(finding),
                key=f"{key}-open-{number}",
                icon=":material/arrow_forward:",
                type="tertiary",
                on_click=request_page,
                args=(finding.link.page,),
                kwargs=_link_values(finding),
                help=f"{_link_label(finding)} with this indicator and area chosen",
            )


def draw_attention(dataset: Dataset, selection: Selection, key: str, most: int) -> Attention | None:
    """The findings for the selection (or a note while they are worked out); returns them when shown."""
    include_modelled = modelled_toggle()
    attention = findings_or_none(dataset, selection, include_modelled, most)
    if attention is None:
        _waiting(dataset, selection)
        return None
    st.caption(escape(summary_words(attention)))
    draw_findings(dataset, attention, key)
    return attention


def draw_overview_panel(dataset: Dataset, selection: Selection, most: int = 5) -> None:
    with st.container(key="attention_panel"):
        st.header("What needs attention", anchor=False, divider="gray")
        draw_attention(dataset, selection, "overview", most)
        st.button(
            "Every finding, and how they are found",
            key="attention_page",
            icon=":material/priority_high:",
            type="tertiary",
            on_click=request_page,
            args=("attention",),
            kwargs={MODELLED_KEY: bool(st.session_state.get(MODELLED_KEY))},
        )


def draw_download(attention: Attention, dataset: Dataset) -> None:
    table_download(
        findings_table(dataset, attention),
        f"what needs attention {attention.where} {attention.period.start:%Y-%m} {attention.period.end:%Y-%m}",
        label="Download these findings (CSV)",
        key="attention-csv",
    )


def method_words(dataset: Dataset) -> str:
    """How the list is made, in plain English, with the thresholds the catalogue sets."""
    thresholds = dataset.catalogue.thresholds
    return (
        "Every key indicator (or those of the chosen priority and focus theme) is tested for the chosen area "
        "and its parts, or for Leeds and every area of the chosen area type:\n\n"
        "- **Significant change:** the period against the same months a year earlier (an exact Poisson test "
        "for counts, a two-proportion test for percentages).\n"
        f"- **Beyond the funnel limits:** outside the {thresholds.funnel_outer:.1%} limits around the Leeds "
        "figure on the funnel plot (Spiegelhalter 2005).\n"
        "- **Control-chart signal:** a month outside the limits of an XmR chart, or a run of "
        f"{thresholds.spc_run_length} months on one side of the average, or {thresholds.spc_trend_length} "
        "rising or falling, within the period.\n"
        "- **New hot spot:** a small area where high values cluster (Getis-Ord Gi*, "
        f"{max(thresholds.hotspot_confidence):.0%} confidence) that was not a hot spot a year earlier.\n\n"
        "So many tests find some differences by chance alone, so the p-values of all of them are adjusted "
        "together by the Benjamini-Hochberg procedure (Benjamini and Hochberg 1995), and a finding is listed "
        f"only when its adjusted p-value is below {thresholds.significance:g}: on average, no more than "
        f"{thresholds.significance:.0%} of the findings listed are expected to be false alarms. Findings are "
        "ranked by the strength of the evidence. Those resting on modelled months are left out unless asked for."
    )
