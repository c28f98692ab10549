"""The Data page's parts: the catalogue, uploads with their report, fetching, and versions.

Everything read from an uploaded file (names, labels, messages) is shown as text: in tables,
or in Markdown with every special character escaped. Nothing is applied while the report has
errors.
"""

from __future__ import annotations

import hashlib
import json

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from saferleeds.analysis.aggregate import latest_period
from saferleeds.core.catalogue import POLARITIES, UNITS
from saferleeds.core.dataset import Dataset
from saferleeds.core.errors import DataError
from saferleeds.core.paths import DatasetPaths, dataset_paths
from saferleeds.ingest import gate, police_uk_api, store
from saferleeds.ingest.boundary_upload import BoundaryOptions
from saferleeds.ingest.validation import ACCEPTED_SUFFIXES, KINDS, Progress, Report, apply_report, validate
from saferleeds.present.coverage import coverage_ledger, reference_totals
from saferleeds.present.provenance import (
    catalogue_table,
    modelled_explanation,
    next_police_uk_month,
    search_catalogue,
    upload_limits,
)
from saferleeds.ui.data import dataset_or_problem, escape, get_dataset_or_none, show_data_problem
from saferleeds.ui.downloads import table_download

REPORT_KEY = "_data_upload_report"
REPORT_FINGERPRINT = "_data_upload_fingerprint"
FETCH_REPORT_KEY = "_data_fetch_report"
MESSAGE_KEY = "_data_message"
ROUND_KEY = "_data_upload_round"
NEW_ENTRIES_KEY = "_data_new_entries"
ERROR_KEY = "_data_error"
ACTION_KEY = "_data_action"
LAYERS_KEY = "_data_upload_layers"
REPAIR_KEY = "upload_repair"
DETAIL_CARDS = 3  # a search narrowed to this many indicators shows each one in full
STALE = (
    "The data changed while these files were being checked (another change was applied), so nothing was "
    "applied. The files have been checked again against the data now in use: apply them again if the report "
    "is still clean."
)


def _ask(action: str) -> None:
    """Button callback: remember the request, so a rerun of the script before it is handled cannot lose it."""
    st.session_state[ACTION_KEY] = action


def _asked(action: str) -> bool:
    if st.session_state.get(ACTION_KEY) == action:
        del st.session_state[ACTION_KEY]
        return True
    return False


def show_message() -> None:
    """The outcome of the last apply or restore, shown once."""
    message = st.session_state.pop(MESSAGE_KEY, None)
    if message:
        st.success(escape(message), icon=":material/check_circle:")
    error = st.session_state.pop(ERROR_KEY, None)
    if error:
        st.error(escape(error), icon=":material/error:")


def draw_restore_if_unloadable() -> None:
    """When the dataset cannot be loaded, still offer to put back an earlier version."""
    loaded, problem = dataset_or_problem()
    if loaded is not None or problem is None:
        return
    st.title("Data")
    show_data_problem(problem, "The data could not be loaded. An earlier version can be put back below.")
    draw_versions(dataset_paths())
    st.stop()


def draw_modelled_explainer(dataset: Dataset) -> None:
    st.header("Recorded, estimated or modelled?", anchor="what-is-modelled")
    for paragraph in dataset.memo(("modelled_explanation",), lambda: modelled_explanation(dataset)):
        st.markdown(paragraph)


def draw_coverage_ledger(dataset: Dataset) -> None:
    """Per indicator and area type: which months are recorded, estimated and modelled; the official total."""
    st.subheader("Coverage ledger", anchor="coverage")
    st.caption(
        "For every indicator and area type, the months of each kind, and for how many of the areas when only "
        "some of them have it."
    )
    ledger = coverage_ledger(dataset)
    st.dataframe(ledger, hide_index=True, width="stretch", key="coverage-ledger")
    table_download(ledger, "coverage ledger", label="Download the coverage ledger (CSV)", key="coverage-csv")
    for sentence in reference_totals(dataset):
        st.info(escape(sentence), icon=":material/balance:")


def draw_catalogue(dataset: Dataset) -> None:
    st.header("Indicator catalogue", anchor="catalogue")
    query = st.text_input(
        "Search the indicators",
        key="catalogue_search",
        bind="query-params",
        placeholder="for example: burglary, survey, modelled, safeguarding",
    )
    table = search_catalogue(catalogue_table(dataset), query)
    total = len(dataset.catalogue.indicators)
    st.caption(f"{len(table)} of {total} indicators" + (f" match '{escape(query)}'" if query.strip() else ""))
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "Definition": st.column_config.TextColumn(width="large"),
            "Status": st.column_config.TextColumn(width="medium"),
        },
    )
    table_download(table, "indicator catalogue", label="Download the catalogue (CSV)", key="catalogue-csv")
    if query.strip() and 0 < len(table) <= DETAIL_CARDS:
        for record in table.to_dict("records"):
            with st.expander(escape(record["Indicator"]), expanded=True):
                st.markdown("  \n".join(f"**{name}:** {escape(str(value))}" for name, value in record.items()))


def draw_report(report: Report, name: str = "upload") -> None:
    """The validation report: headline, every problem, and what applying would do."""
    if report.errors:
        st.error(escape(report.headline()), icon=":material/error:")
    elif report.ok:
        st.success(escape(report.headline()), icon=":material/task_alt:")
    else:
        st.info(escape(report.headline()))
    if report.problems:
        problems = report.problem_table()
        st.dataframe(problems, hide_index=True, width="stretch")
        table_download(problems, "problems found", label="Download the problems (CSV)", key=f"{name}-problems-csv")
    for heading, items in report.outcome():
        st.markdown(f"**{heading}**")
        st.markdown("\n".join(f"- {escape(item)}" for item in items))
    for name, frame in report.previews.items():
        with st.expander(f"Preview: {escape(name)}"):
            st.dataframe(frame, hide_index=True, width="stretch")


def _reporting_to(bar: DeltaGenerator) -> Progress:
    """A progress callback that moves the given bar and shows the step's words."""

    def progress(fraction: float, text: str) -> None:
        bar.progress(fraction, text=escape(text))

    return progress


def _fingerprint(uploads: list[gate.Upload], *extra: object) -> str:
    digest = hashlib.sha1()
    for upload in uploads:
        digest.update(upload.name.encode())
        digest.update(hashlib.sha1(upload.data).digest())
    digest.update(json.dumps(extra, default=str, sort_keys=True).encode())
    return digest.hexdigest()


def _forget_reports() -> None:
    """Reports describe changes against the data they were checked with; after a change they are out of date."""
    for key in (REPORT_KEY, REPORT_FINGERPRINT, FETCH_REPORT_KEY, LAYERS_KEY):
        st.session_state.pop(key, None)


def _follow_new_months(paths: DatasetPaths) -> None:
    """Move the shared period filter to the latest months of the data now in use, unless a link chose it.

    Runs in a button callback, before the filters are drawn: the only time a bound widget may be set.
    """
    if "period" in st.query_params:
        return
    dataset = get_dataset_or_none()
    if dataset is not None and dataset.paths == paths:
        period = latest_period(dataset)
        st.session_state["period"] = (period.start, period.end)


def _apply(paths: DatasetPaths, report_key: str) -> None:
    """Button callback: apply the checked files, keeping the version they replace."""
    report: Report | None = st.session_state.get(report_key)
    if report is None or not report.ok or report.changes is None:
        return
    try:
        apply_report(paths, report)
    except store.StaleChanges:
        st.session_state[ERROR_KEY] = STALE
        _forget_reports()
        return
    except DataError as exc:
        st.session_state[ERROR_KEY] = "Nothing was applied: " + "; ".join(str(p) for p in exc.problems)
        return
    st.session_state[MESSAGE_KEY] = (
        f"Applied: {report.changes.description}. The previous version is kept; restore it under 'Earlier versions'."
    )
    _forget_reports()
    st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1
    st.session_state.pop(NEW_ENTRIES_KEY, None)
    _follow_new_months(paths)


def _restore(paths: DatasetPaths) -> None:
    """Button callback: put back the chosen kept version."""
    try:
        restored = store.restore(paths, st.session_state.get("restore_version"))
    except DataError as exc:
        st.session_state[ERROR_KEY] = "Nothing was restored: " + "; ".join(str(p) for p in exc.problems)
        return
    st.session_state[MESSAGE_KEY] = f"Restored {restored.label()}. The version it replaced is kept in turn."
    _forget_reports()
    _follow_new_months(paths)


def draw_upload(dataset: Dataset) -> None:
    st.header("Load your own data", anchor="load")
    st.markdown(
        "police.uk street-level crime (monthly CSVs or the bulk zip download); indicator tables in CSV, Excel or "
        "Parquet, one row per area and month or one column per month, keyed by any area code or exact area name; "
        "boundary files (GeoJSON, GeoPackage or a zipped Shapefile, in any coordinate system); a new definition of "
        "the priority neighbourhoods (a list of LSOAs, or polygons). Files are checked first; nothing is applied "
        "while there are problems."
    )
    st.caption(upload_limits())
    kind = st.selectbox("What are the files?", list(KINDS), format_func=KINDS.__getitem__, key="upload_kind") or "auto"
    files = st.file_uploader(
        "Files to check",
        type=list(ACCEPTED_SUFFIXES),
        accept_multiple_files=True,
        key=f"upload_files_{st.session_state.get(ROUND_KEY, 0)}",
        max_upload_size=gate.MAX_UPLOAD_BYTES // 1024**2,
    )
    default_indicator = st.text_input(
        "Indicator for tables without an 'indicator' column (optional)",
        key="upload_indicator",
        placeholder="for example: feel_safe",
    ).strip()
    if not files:
        st.session_state.pop(REPORT_KEY, None)
        st.session_state.pop(REPORT_FINGERPRINT, None)
        return
    uploads = [gate.Upload(f.name, f.getvalue()) for f in files]
    entries = st.session_state.get(NEW_ENTRIES_KEY, {})
    options = BoundaryOptions(dict(st.session_state.get(LAYERS_KEY, {})), bool(st.session_state.get(REPAIR_KEY)))
    fingerprint = _fingerprint(uploads, kind, default_indicator, entries, dataset.version, options)
    if st.session_state.get(REPORT_FINGERPRINT) != fingerprint or REPORT_KEY not in st.session_state:
        bar = st.progress(0.0, text="Checking the files…")
        checked = validate(
            uploads,
            dataset,
            kind=kind,
            new_entries=list(entries.values()),
            default_indicator=default_indicator or None,
            progress=_reporting_to(bar),
            boundary_options=options,
        )
        bar.empty()
        st.session_state[REPORT_KEY] = checked
        st.session_state[REPORT_FINGERPRINT] = fingerprint
    report: Report = st.session_state[REPORT_KEY]
    st.subheader("Validation report")
    _draw_boundary_choices(report)
    draw_report(report)
    for indicator_id in report.missing_indicators[:5]:
        _draw_new_indicator_form(dataset, indicator_id)
    st.button(
        "Apply",
        key="apply_upload",
        type="primary",
        disabled=not report.ok,
        icon=":material/upload:",
        on_click=_apply,
        args=(dataset.paths, REPORT_KEY),
    )


def _choose_layer(name: str, key: str) -> None:
    """Selectbox callback: remember the layer chosen for one file (the files are then checked again)."""
    layers = dict(st.session_state.get(LAYERS_KEY, {}))
    layers[name] = st.session_state[key]
    st.session_state[LAYERS_KEY] = layers


def _draw_boundary_choices(report: Report) -> None:
    """Ask which layer to load from a file of several, and offer to repair invalid shapes."""
    chosen = st.session_state.get(LAYERS_KEY, {})
    for number, (name, layers) in enumerate(sorted(report.layers.items())):
        key = f"upload_layer_{number}"
        st.selectbox(
            f"{escape(name)} holds {len(layers)} layers: which one should be loaded?",
            layers,
            index=layers.index(chosen[name]) if chosen.get(name) in layers else None,
            key=key,
            placeholder="Choose a layer",
            on_change=_choose_layer,
            args=(name, key),
        )
    if report.invalid_shapes or st.session_state.get(REPAIR_KEY):
        count = sum(report.invalid_shapes.values())
        st.checkbox(
            "Repair the shapes that are not valid" + (f" ({count:,} of them)" if count else ""),
            key=REPAIR_KEY,
            help="A bowtie or a spike is redrawn as the valid polygons it encloses; each repair is listed in the "
            "report. Leave this off to correct the shapes yourself.",
        )


def _draw_new_indicator_form(dataset: Dataset, indicator_id: str) -> None:
    catalogue = dataset.catalogue
    with st.form(key=f"new_indicator_{indicator_id}"):
        st.markdown(f"**Catalogue entry for the new indicator {escape(indicator_id)}**")
        st.text_input("Name shown on screen", key=f"new_label_{indicator_id}")
        st.text_area("What is counted or measured", key=f"new_definition_{indicator_id}")
        st.selectbox("Unit", UNITS, key=f"new_unit_{indicator_id}")
        st.selectbox("Polarity", POLARITIES, key=f"new_polarity_{indicator_id}")
        st.multiselect(
            "Priorities",
            [p.id for p in catalogue.priorities],
            format_func=lambda p: catalogue.priority(p).label,
            key=f"new_priorities_{indicator_id}",
        )
        st.multiselect(
            "Focus themes",
            [t.id for t in catalogue.themes],
            format_func=lambda t: catalogue.theme(t).short,
            key=f"new_themes_{indicator_id}",
        )
        st.text_input("Source", key=f"new_source_{indicator_id}")
        st.text_input("Source web address (optional)", key=f"new_url_{indicator_id}")
        st.selectbox(
            "Finest level the numbers exist at",
            list(catalogue.level_ids),
            format_func=lambda lv: catalogue.level(lv).label,
            key=f"new_native_{indicator_id}",
        )
        st.checkbox("Sensitive (show counts 1-4 as '<5' for small areas)", key=f"new_sensitive_{indicator_id}")
        st.form_submit_button("Add to the catalogue and check again", on_click=_save_entry, args=(indicator_id,))


def _save_entry(indicator_id: str) -> None:
    """Form callback: keep the new indicator's catalogue entry; the files are then checked again with it."""
    fields = ("label", "definition", "unit", "polarity", "priorities", "themes", "source", "url", "native", "sensitive")
    values = {name: st.session_state.get(f"new_{name}_{indicator_id}") for name in fields}
    entries = dict(st.session_state.get(NEW_ENTRIES_KEY, {}))
    entries[indicator_id] = {
        "id": indicator_id,
        "label": values["label"] or "",
        "definition": values["definition"] or "",
        "unit": values["unit"],
        "polarity": values["polarity"],
        "priorities": values["priorities"] or [],
        "themes": values["themes"] or [],
        "source": values["source"] or "",
        "source_url": values["url"] or "",
        "native_geography": values["native"],
        "sensitive": bool(values["sensitive"]),
    }
    st.session_state[NEW_ENTRIES_KEY] = entries


def draw_fetch(dataset: Dataset) -> None:
    st.header("Fetch from police.uk", anchor="fetch")
    suggested = next_police_uk_month(dataset)
    st.markdown(
        "Downloads street-level crime for Leeds from the public police.uk API, month by month, keeping within its "
        "rate limit; a fetch that stops part way resumes where it stopped. The months are checked like an upload "
        "before you apply them."
    )
    left, right = st.columns(2)
    st.session_state.setdefault("fetch_from", suggested)
    st.session_state.setdefault("fetch_to", suggested)
    start = left.text_input("From (YYYY-MM)", key="fetch_from")
    end = right.text_input("To (YYYY-MM)", key="fetch_to")
    st.button(
        "Fetch from police.uk", key="fetch_button", icon=":material/cloud_download:", on_click=_ask, args=("fetch",)
    )
    if _asked("fetch"):
        bar = st.progress(0.0, text="Fetching…")
        try:
            months = police_uk_api.months_between(start, end)
            client = police_uk_api.Client(base_url=police_uk_api.api_url())
            uploads, lines = police_uk_api.fetch_police_uk(
                months,
                dataset.boundaries(dataset.catalogue.levels.city),
                police_uk_api.default_cache(dataset.paths),
                client,
                _reporting_to(bar),
            )
        except DataError as exc:
            bar.empty()
            st.error("The fetch stopped: " + escape("; ".join(str(p) for p in exc.problems)))
            return
        bar.empty()
        fetched = validate(uploads, dataset, kind="police_uk") if uploads else Report(files=[])
        fetched.notes = lines + fetched.notes
        st.session_state[FETCH_REPORT_KEY] = fetched
    report: Report | None = st.session_state.get(FETCH_REPORT_KEY)
    if report is not None:
        draw_report(report, "fetch")
        st.button(
            "Apply the fetched months",
            key="apply_fetch",
            type="primary",
            disabled=not report.ok,
            on_click=_apply,
            args=(dataset.paths, FETCH_REPORT_KEY),
        )


def draw_versions(paths: DatasetPaths) -> None:
    st.header("Earlier versions", anchor="versions")
    versions = store.list_versions(paths)
    if not versions:
        st.caption("No earlier versions yet: every apply keeps the version it replaces, so it can be put back.")
        return
    labels = {v.id: v.label() for v in versions}
    st.selectbox("Version to put back", list(labels), format_func=labels.__getitem__, key="restore_version")
    st.button("Restore this version", key="restore_button", icon=":material/history:", on_click=_restore, args=(paths,))
