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


# ----------------------------------------------------------------------------- sizes and import cycles

LIBRARY_MODULES = sorted(LIBRARY.rglob("*.py"))
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60


def _is_chart_specification(node: ast.FunctionDef) -> bool:
    """Declarative chart specifications (functions that build and return an Altair chart) may run longer."""
    returns = ast.unparse(node.returns) if node.returns is not None else ""
    return "alt." in returns or "Chart" in returns


@pytest.mark.parametrize("path", LIBRARY_MODULES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_modules_and_functions_stay_short(path: Path):
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= MAX_MODULE_LINES, f"{path.name} has {text.count(chr(10))} lines; split it"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
        and not _is_chart_specification(node)
    ]
    assert not long, f"{path.name}: {', '.join(long)}"


def test_the_library_has_no_import_cycles():
    import grimp

    graph = grimp.build_graph("saferleeds", cache_dir=None)
    modules = sorted(graph.modules)
    state: dict[str, int] = {}  # 1 visiting, 2 done
    cycle: list[str] = []

    def visit(module: str, trail: list[str]) -> bool:
        state[module] = 1
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if state.get(imported) == 1:
                cycle.extend([*trail[trail.index(imported) :], imported] if imported in trail else [module, imported])
                return True
            if imported not in state and visit(imported, [*trail, imported]):
                return True
        state[module] = 2
        return False

    for module in modules:
        if module not in state and visit(module, [module]):
            break
    assert not cycle, " -> ".join(cycle)


def test_the_check_finds_a_long_function(tmp_path: Path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES + 1))
    tree = ast.parse(f"def f() -> int:\n{body}\n    return 0\n")
    (node,) = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    assert node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES and not _is_chart_specification(node)
