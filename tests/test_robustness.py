"""A missing or damaged file in the data folder: a clear message where it matters, the rest still works.

Each kind of damage is done once, to one private copy of the default, and every page is run on it: the
pages only read the folder (each test checks that no file changed), so they can share it. The pages
that do not need the damaged file are a sweep over every page, marked slow.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from saferleeds.core.paths import HOME_VARIABLE, DatasetPaths
from tests.conftest import ALL_PAGES, DATA_PAGES, copy_default, page_text, run_app

pytestmark = pytest.mark.xdist_group("private-homes")  # see tests/README.md


def truncate_values(home: DatasetPaths) -> Path:
    home.values.write_bytes(home.values.read_bytes()[:2000])
    return home.values


def remove_ward_boundaries(home: DatasetPaths) -> Path:
    path = home.boundary("ward")
    path.unlink()
    return path


def break_a_catalogue_entry(home: DatasetPaths) -> Path:
    text = home.catalogue.read_text(encoding="utf-8")
    home.catalogue.write_text(text.replace('unit = "count"', 'unit = "bananas"', 1), encoding="utf-8")
    return home.catalogue


CASES: list[tuple[str, Callable[[DatasetPaths], Path], str, list[str]]] = [
    ("truncated values", truncate_values, "values.parquet", [*DATA_PAGES, "pages/data.py"]),
    ("missing ward boundaries", remove_ward_boundaries, "ward.geojson", ["pages/map.py", "pages/profiles.py"]),
    (
        "catalogue entry that no longer parses",
        break_a_catalogue_entry,
        "catalogue.toml",
        [*DATA_PAGES, "pages/data.py"],
    ),
]


def snapshot(home: DatasetPaths) -> dict[str, bytes]:
    return {str(p.relative_to(home.root)): p.read_bytes() for p in sorted(home.root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def damaged_homes(tmp_path_factory) -> Callable[[str], DatasetPaths]:
    """A private copy of the default for each kind of damage, made on first use and then shared."""
    homes: dict[str, DatasetPaths] = {}

    def home_for(name: str) -> DatasetPaths:
        if name not in homes:
            damage = next(case[1] for case in CASES if case[0] == name)
            homes[name] = copy_default(tmp_path_factory.mktemp("damaged"))
            damage(homes[name])
        return homes[name]

    return home_for


def run_on_damaged(damaged_homes, monkeypatch: pytest.MonkeyPatch, name: str, page: str):
    home = damaged_homes(name)
    monkeypatch.setenv(HOME_VARIABLE, str(home.root))
    before = snapshot(home)
    app = run_app(page, query={"area": "Armley"})
    assert snapshot(home) == before, "a file in the data folder changed"
    return app


AFFECTED = [(name, file_name, page) for name, _, file_name, affected in CASES for page in affected]
UNAFFECTED = [(name, page) for name, _, _, affected in CASES for page in ALL_PAGES if page not in affected]


@pytest.mark.parametrize(("name", "file_name", "page"), AFFECTED)
def test_damage_is_reported_on_the_pages_that_need_the_file(damaged_homes, monkeypatch, name, file_name, page):
    text = page_text(run_on_damaged(damaged_homes, monkeypatch, name, page))
    assert file_name in text, f"{page} does not name {file_name}"
    assert "Nothing has been changed or overwritten" in text


@pytest.mark.slow  # every other page, run on each kind of damage
@pytest.mark.parametrize(("name", "page"), UNAFFECTED)
def test_pages_that_do_not_need_the_damaged_file_still_work(damaged_homes, monkeypatch, name, page):
    app = run_on_damaged(damaged_homes, monkeypatch, name, page)
    assert not app.error, f"{page} shows an error: {[e.value for e in app.error]}"
    assert app.main.markdown or app.main.title
