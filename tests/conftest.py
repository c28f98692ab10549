"""Shared fixtures: the embedded default dataset, private copies of it, and running the app.

The suite runs on several processes (pytest-xdist, set in pyproject). Within one process the library
tests and the page tests read the very same default dataset the app's cached loader serves, so what
one test works out (summaries, profiles, boundaries) is there for the next.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from _pytest.nodeid import NodeId
from streamlit.testing.v1 import AppTest

from saferleeds.core.dataset import Dataset
from saferleeds.core.paths import HOME_VARIABLE, PROJECT_ROOT, DatasetPaths, dataset_paths, dataset_version
from saferleeds.ui import data as ui_data
from saferleeds.ui.data import WORD_JOINER
from saferleeds.ui.registry import PAGES
from saferleeds.ui.shell import PAGE_FAILED

# Results are worked out when a test asks for them, not by a background thread competing with every test
# (and with every server a test starts, which inherits this); tests/test_preparation.py turns it on.
os.environ.setdefault(ui_data.PREPARE_VARIABLE, "off")

SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
FIXTURES = Path(__file__).parent / "data"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def run_cli(*arguments: str, home: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``python -m saferleeds`` as a user would, on ``home`` (or the embedded default when None)."""
    environment = {k: v for k, v in os.environ.items() if k != HOME_VARIABLE}
    if home is not None:
        environment[HOME_VARIABLE] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "saferleeds", *arguments],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def require(condition: bool, reason: str) -> None:
    """Skip on a developer's machine without it; fail in CI, which must have it."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must provide this: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    require(SHARED_DATA.is_dir(), f"the open data for Leeds is not at {SHARED_DATA}")
    return SHARED_DATA


@pytest.hookimpl(tryfirst=True)  # before the worker reports what it collected
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests share one app server and one Chromium per process: keep them all on one worker.

    ``--dist loadgroup`` finds a test's group as an ``@group`` suffix of its node id. pytest-xdist 3.8
    writes the suffix to ``item._nodeid``, which pytest 9 no longer reads (the id lives in ``item._id``),
    so without this every group would be spread over the workers.
    """
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
    if not config.getoption("loadgroup", default=False):
        return
    for item in items:
        groups = sorted(
            {
                str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                for mark in item.iter_markers("xdist_group")
            }
        )
        if groups and "@" not in item.nodeid:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(groups)}")


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    """The embedded default, shared read-only: the object the app itself is served in this process."""
    paths = dataset_paths(PROJECT_ROOT)
    return ui_data._load(str(paths.root), dataset_version(paths))


def copy_default(target: Path) -> DatasetPaths:
    for folder in ("data", "geo"):
        shutil.copytree(PROJECT_ROOT / folder, target / folder, ignore=shutil.ignore_patterns("versions", ".*.tmp"))
    return dataset_paths(target)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DatasetPaths:
    """A private, writable copy of the embedded default, in use as $SAFERLEEDS_HOME."""
    paths = copy_default(tmp_path / "home")
    monkeypatch.setenv(HOME_VARIABLE, str(paths.root))
    return paths


DATA_PAGES = [p.file for p in PAGES if p.shows_data]  # the pages that show indicator values
ALL_PAGES = [p.file for p in PAGES]


def run_app(page: str | None = None, query: dict[str, str] | None = None, timeout: float = 300) -> AppTest:
    """Run the app with AppTest, optionally with URL query parameters, then switch to ``page``."""
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=timeout)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    app.run()
    if page:
        app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    assert PAGE_FAILED not in [e.value for e in app.error], "the page failed (see the log)"
    return app


def page_text(app: AppTest) -> str:
    """Everything written on the page (markdown, captions, headings, metrics, alerts), joined."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts.extend(str(element.value) for element in getattr(app, kind))
    parts.extend(f"{m.label} {m.value}" for m in app.metric)
    return "\n".join(parts).replace("\\", "")


def download_keys(app: AppTest) -> set[str]:
    """Keys of every download button on the page (chart menus included)."""
    return {button.key for button in app.get("download_button")}


def chart_download_keys(slot: str, numbers: bool = True) -> set[str]:
    """The buttons ``show_chart`` gives the chart in ``slot``: PNG, SVG and, with numbers, CSV."""
    kinds = ("png", "svg", "csv") if numbers else ("png", "svg")
    return {f"{slot}-download-{kind}" for kind in kinds}


# What a running app keeps beside the dataset (never committed, never part of a build): kept versions, the
# police.uk fetch cache, filed disclosure decisions, the apply lock and journal.
RUNTIME_FOLDERS = ("versions", "fetch-cache", "disclosure-cache")


def committed_part(relative: Path) -> bool:
    """Whether a path inside data/ or geo/ is part of the dataset as built and committed."""
    return not any(part in RUNTIME_FOLDERS or part.startswith(".") for part in relative.parts)


MARKDOWN_ESCAPE = re.compile(r"\\([^\w\s])")  # a backslash before punctuation, as escape() writes it


def open_numbers(app: AppTest, key: str) -> pd.DataFrame:
    """Open a "Numbers behind this chart" expander and return the plain table it shows."""
    app.session_state[key] = True
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    (table,) = [t for t in app.table if t.proto.alt.startswith("The numbers of")]
    return as_read(table.value)


def _read(value: object) -> object:
    return MARKDOWN_ESCAPE.sub(r"\1", value.replace(WORD_JOINER, "")) if isinstance(value, str) else value


def as_read(frame: pd.DataFrame) -> pd.DataFrame:
    """A table given to ``st.table`` (which reads Markdown, so its text is escaped) as a person reads it."""
    shown = frame.rename(columns=_read)
    for column in shown.columns:
        shown[column] = shown[column].map(_read)
    return shown


@pytest.fixture(scope="session")
def chromium_path() -> str:
    from tests.browser.harness import CHROMIUM

    require(CHROMIUM.exists(), f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    """One Chromium for the whole worker: Playwright's sync API allows one instance per thread."""
    from playwright.sync_api import sync_playwright

    from tests.browser.harness import CHROMIUM_ARGS

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
