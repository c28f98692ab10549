"""A local fake of the police.uk API for tests: served on 127.0.0.1 only, nothing leaves the machine."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
from shapely.geometry import Point, Polygon

from saferleeds.ingest import police_uk_api

CATEGORIES = list(police_uk_api.CATEGORY_NAMES)


def fake_crimes(dataset, month: str, count: int = 160, seed: int = 7) -> list[dict]:
    """Crimes at LSOA representative points (so each lies in a known LSOA), as the API returns them."""
    rng = np.random.default_rng(seed)
    lsoa = dataset.lsoa_boundaries()
    chosen = rng.choice(len(lsoa), size=count)
    points = lsoa.geometry.representative_point().to_numpy()
    crimes = []
    for number, index in enumerate(chosen):
        point = points[index]
        crimes.append(
            {
                "category": CATEGORIES[number % len(CATEGORIES)],
                "location_type": "Force",
                "location": {
                    "latitude": f"{point.y:.6f}",
                    "longitude": f"{point.x:.6f}",
                    "street": {"id": number, "name": "On or near a street"},
                },
                "context": "",
                "outcome_status": None,
                "persistent_id": f"{month}-{number:05d}" if number % 5 else "",
                "id": 100000 + number,
                "location_subtype": "",
                "month": month,
                "_lsoa": lsoa["code"].iloc[index],
            }
        )
    return crimes


class FakePoliceApi:
    """Answers like the police.uk API: crimes in a polygon, 503 past the crime limit, 429 past the rate limit."""

    def __init__(self, crimes: dict[str, list[dict]], limit: int = 60):
        self.crimes = crimes
        self.limit = limit
        self.requests: list[tuple[str, int]] = []
        self.plan: list[int] = []  # statuses to answer before serving normally (429, 500, ...)
        self.fail_after: int | None = None  # answer 500 to every request after this many
        self.lock = threading.Lock()

    def answer(self, body: str) -> tuple[int, bytes]:
        form = urllib.parse.parse_qs(body)
        month = form["date"][0]
        pairs = [tuple(map(float, pair.split(","))) for pair in form["poly"][0].split(":")]
        polygon = Polygon([(lng, lat) for lat, lng in pairs])
        with self.lock:
            self.requests.append((month, len(pairs)))
            if self.plan:
                return self.plan.pop(0), b"{}"
            if self.fail_after is not None and len(self.requests) > self.fail_after:
                return 500, b"{}"
        inside = [
            {k: v for k, v in crime.items() if not k.startswith("_")}
            for crime in self.crimes.get(month, [])
            if polygon.covers(Point(float(crime["location"]["longitude"]), float(crime["location"]["latitude"])))
        ]
        if len(inside) > self.limit:
            return 503, b""
        return 200, json.dumps(inside).encode()


@contextmanager
def serving(state: FakePoliceApi) -> Iterator[str]:
    """Serve the fake on a free loopback port; yield its API address."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            if self.path != "/api/crimes-street/all-crime":
                self.send_error(404)
                return
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            status, payload = state.answer(body)
            self.send_response(status)
            if status == 429:
                self.send_header("Retry-After", "0")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api"
    finally:
        server.shutdown()
        server.server_close()
