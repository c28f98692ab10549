"""Shared measuring tools for the page benchmarks: timed AppTest reruns and bytes sent per rerun."""

from __future__ import annotations

import logging
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest, local_script_runner

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

logging.getLogger("streamlit").setLevel(logging.ERROR)
for _name in list(logging.root.manager.loggerDict):
    if _name.startswith("streamlit"):
        logging.getLogger(_name).setLevel(logging.ERROR)

_sent: list[int] = []
_parse = local_script_runner.parse_tree_from_messages


def _recording_parse(messages):
    _sent.append(sum(message.ByteSize() for message in messages))
    return _parse(messages)


local_script_runner.parse_tree_from_messages = _recording_parse


def bytes_of_last_run() -> int:
    """Bytes of every message the last run sent towards the browser (before any compression)."""
    return _sent[-1] if _sent else 0


def app(query: dict | None = None, script: Path | None = None) -> AppTest:
    test = AppTest.from_file(str(script or PROJECT_ROOT / "app.py"), default_timeout=120)
    for key, value in (query or {}).items():
        test.query_params[key] = value
    return test


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def median_rerun(test: AppTest, change: Callable[[AppTest, int], object], repeats: int = 10) -> tuple[float, int]:
    """Median seconds of ``repeats`` reruns, each made by ``change(test, i)``; and the last rerun's bytes."""
    times = []
    for i in range(repeats):
        times.append(timed(lambda i=i: change(test, i).run()))
        if test.exception:
            raise RuntimeError(f"the page failed: {[e.value for e in test.exception]}")
    return statistics.median(times), bytes_of_last_run()


def baseline_script(tmp_dir: Path) -> Path:
    """The smallest Streamlit app with one widget: what any rerun costs under AppTest."""
    script = tmp_dir / "baseline_app.py"
    script.write_text(
        "import streamlit as st\nchoice = st.selectbox('Choice', ['a', 'b'], key='choice')\nst.write(choice)\n"
    )
    return script


def baseline_rerun(tmp_dir: Path, repeats: int = 10) -> float:
    test = app(script=baseline_script(tmp_dir))
    test.run()
    seconds, _ = median_rerun(test, lambda t, i: t.selectbox(key="choice").select("ab"[i % 2]), repeats)
    return seconds


def kb(size: int) -> str:
    return f"{size / 1024:,.0f} KB"
