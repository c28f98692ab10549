"""Map page benchmark: bytes of map data per rerun, and the rerun after changing the indicator.

Run from the project root:  python bench/bench_map.py

Figures printed:
* bytes of map data (the deck's JSON and its tooltip) the Map page sends per rerun at ward and LSOA
  level, against a baseline built the plain way (pydeck's own indented JSON, coordinates as stored,
  every summary column as a property): the ratio says how much slimming saves;
* the rerun after changing the indicator at LSOA level (AppTest, median of 10), both the first time
  each indicator is shown and when it is shown again, against the same rerun on the Overview page.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pydeck as pdk  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from saferleeds.analysis.aggregate import latest_period, summarise  # noqa: E402
from saferleeds.core.dataset import Dataset, load_dataset  # noqa: E402
from saferleeds.core.paths import dataset_paths  # noqa: E402
from saferleeds.present.maps.deck import TOOLTIP, initial_view  # noqa: E402

WARD_LIMIT = 200 * 1024
LSOA_LIMIT = int(1.2 * 1024 * 1024)
RERUN_LIMIT = 0.400
REPEATS = 10
INDICATORS = (
    "asb",
    "burglary",
    "robbery",
    "vehicle_crime",
    "criminal_damage_arson",
    "drugs",
    "public_order",
    "shoplifting",
    "other_theft",
    "bicycle_theft",
    "theft_person",
)
LSOA = "Small area (LSOA)"


def app(page: str | None, query: dict[str, str]) -> AppTest:
    test = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():
        test.query_params[key] = value
    test.run()
    if page:
        test.switch_page(page).run()
    if test.exception:
        raise SystemExit(f"the app failed: {[e.value for e in test.exception]}")
    return test


def map_bytes(test: AppTest) -> int:
    chart = test.get("deck_gl_json_chart")[0].proto
    return len(chart.json.encode()) + len(chart.tooltip.encode())


def plain_bytes(dataset: Dataset, level: str) -> int:
    """The same map built the plain way: pydeck's indented JSON, stored coordinates, every column."""
    period = latest_period(dataset)
    table = summarise(dataset, "total_crime", level, period, "count")
    shapes = json.loads(dataset.boundaries(level).to_json())
    rows = table.set_index("code")
    for feature in shapes["features"]:
        row = rows.loc[feature["properties"]["code"]]
        feature["properties"].update({k: (None if v != v else v) for k, v in row.astype(object).items()})
        feature["properties"]["fill"] = [200, 60, 40, 235]
    layer = pdk.Layer("GeoJsonLayer", data=shapes, id="areas", pickable=True, get_fill_color="properties.fill")
    deck = pdk.Deck(layers=[layer], initial_view_state=initial_view(dataset), tooltip=TOOLTIP)
    return len(deck.to_json().encode()) + len(json.dumps(TOOLTIP).encode())


def timed_rerun(test: AppTest, indicator: str) -> float:
    test.selectbox(key="indicator").set_value(indicator)
    start = time.perf_counter()
    test.run()
    elapsed = time.perf_counter() - start
    if test.exception:
        raise SystemExit(f"the app failed: {[e.value for e in test.exception]}")
    return elapsed


def reruns(page: str | None, query: dict[str, str]) -> tuple[float, float]:
    """Median seconds of the rerun after changing the indicator: first showing, then showing again."""
    test = app(page, query)
    first = [timed_rerun(test, indicator) for indicator in INDICATORS[:REPEATS]]
    again = [timed_rerun(test, INDICATORS[i % 2]) for i in range(REPEATS)]
    return statistics.median(first), statistics.median(again)


def main() -> None:
    dataset = load_dataset(dataset_paths(ROOT))
    print("Map data sent per rerun (deck JSON + tooltip)")
    for level, label, limit in (("ward", "Ward", WARD_LIMIT), ("lsoa", LSOA, LSOA_LIMIT)):
        test = app("pages/map.py", {"level": label})
        sent = map_bytes(test)
        plain = plain_bytes(dataset, level)
        print(
            f"  {level:5} {sent / 1024:8.1f} KB (limit {limit / 1024:.0f} KB)   plain way {plain / 1024:8.1f} KB   "
            f"ratio {sent / plain:.2f}   {'ok' if sent <= limit else 'OVER'}"
        )
    lsoa_all = app(
        "pages/map.py",
        {"level": LSOA, "map_hotspots": "true", "map_outlines": "Priority neighbourhoods"},
    )
    print(f"  lsoa with hot spots and outlines {map_bytes(lsoa_all) / 1024:8.1f} KB")

    print(f"Rerun after changing the indicator, median of {REPEATS} (AppTest)")
    map_first, map_again = reruns("pages/map.py", {"level": LSOA})
    overview_first, overview_again = reruns(None, {"level": LSOA})
    for name, shown, base in (("first showing", map_first, overview_first), ("shown again", map_again, overview_again)):
        verdict = "ok" if shown <= RERUN_LIMIT else "OVER"
        print(
            f"  map, LSOA level, {name:13} {shown * 1000:6.0f} ms (limit {RERUN_LIMIT * 1000:.0f} ms, {verdict})   "
            f"overview page {base * 1000:6.0f} ms   ratio {shown / base:.2f}"
        )


if __name__ == "__main__":
    main()
