"""A missing or damaged file in the data folder: a clear message where it matters, the rest still works."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from saferleeds.core.paths import DatasetPaths
from tests.conftest import ALL_PAGES, DATA_PAGES, page_text, run_app


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


@pytest.mark.parametrize(("name", "damage", "file_name", "affected"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("page", ALL_PAGES)
def test_damage_is_reported_on_the_pages_that_need_the_file_and_nowhere_else(
    home, name, damage, file_name, affected, page
):
    damage(home)
    before = snapshot(home)
    app = run_app(page, query={"area": "Armley"})
    text = page_text(app)
    if page in affected:
        assert file_name in text, f"{page} does not name {file_name}"
        assert "Nothing has been changed or overwritten" in text
    else:
        assert not app.error, f"{page} shows an error: {[e.value for e in app.error]}"
        assert app.main.markdown or app.main.title
    assert snapshot(home) == before, "a file in the data folder changed"
