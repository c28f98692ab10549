"""The library never imports Streamlit, except its small UI bridge; pages stay thin."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from saferleeds.core.paths import PROJECT_ROOT
from saferleeds.ui.registry import PAGES as REGISTRY

LIBRARY = PROJECT_ROOT / "saferleeds"
BRIDGE = LIBRARY / "ui"
PAGES_FOLDER = PROJECT_ROOT / "pages"
STREAMLIT_FREE = sorted(p for p in LIBRARY.rglob("*.py") if BRIDGE not in p.parents)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", STREAMLIT_FREE, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_library_module_does_not_import_streamlit(path: Path):
    offending = {m for m in imported_modules(path) if m == "streamlit" or m.startswith(("streamlit.", "saferleeds.ui"))}
    assert not offending, f"{path.name} imports {sorted(offending)}; only saferleeds/ui may"


def test_the_check_sees_an_import_when_there_is_one(tmp_path: Path):
    sample = tmp_path / "sample.py"
    sample.write_text("import pandas\nfrom streamlit.testing import v1\n")
    assert "streamlit.testing" in imported_modules(sample)


@pytest.mark.parametrize("path", sorted(PAGES_FOLDER.glob("*.py")), ids=lambda p: p.name)
def test_pages_are_thin_and_hold_no_data_logic(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = [n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)]
    assert not functions, f"{path.name} defines {functions}; put them in saferleeds/"
    banned = {"pandas", "geopandas", "numpy", "pyarrow"}
    assert not banned & imported_modules(path), f"{path.name} manipulates data directly"


def test_app_is_a_router_over_the_one_page_registry():
    source = (PROJECT_ROOT / "app.py").read_text(encoding="utf-8")
    assert "st.navigation" in source and "run_page(" in source and "for p in PAGES" in source
    assert "pages/" not in source, "app.py lists pages itself; they belong in saferleeds/ui/registry.py"
    pages = {p.name for p in PAGES_FOLDER.glob("*.py")}
    listed = {Path(entry.file).name for entry in REGISTRY}
    assert listed == pages, f"the registry lists {sorted(listed)} but pages/ holds {sorted(pages)}"
    assert sum(entry.default for entry in REGISTRY) == 1 and len({e.slug for e in REGISTRY}) == len(REGISTRY)
