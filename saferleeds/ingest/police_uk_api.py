"""Downloading street-level crime for Leeds from the public police.uk API.

For each month the API is asked for every crime inside Leeds by polygon
(``POST /crimes-street/all-crime`` with ``poly`` and ``date``). The API refuses an area holding
more than 10,000 crimes with a 503, so such a polygon is split into four and each part asked
for in turn. Requests keep within the API's published limit (15 requests a second, bursts of
up to 30), and transient failures (429, other 5xx, time-outs, dropped connections) are retried
with exponential back-off. Every answered polygon is kept in a cache folder, so a fetch that
stopped part way resumes where it stopped.

The crimes become police.uk-format CSV text (one file per month, placed by coordinates), read by
the same code as a downloaded CSV, so the counts are made exactly as for a download.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import os
import random
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import Polygon, box

from saferleeds.core.boundaries import BRITISH_NATIONAL_GRID, LON_LAT
from saferleeds.core.errors import DataError, Problem
from saferleeds.core.paths import DatasetPaths
from saferleeds.core.periods import implausible_month
from saferleeds.core.text import quoted
from saferleeds.core.values import write_atomic
from saferleeds.ingest.gate import Upload
from saferleeds.ingest.police_uk_files import KNOWN_COLUMNS

API_URL = "https://data.police.uk/api"
CACHE_FOLDER = "fetch-cache"
API_VARIABLE = "SAFERLEEDS_POLICE_UK_API"
CRIMES_PATH = "/crimes-street/all-crime"
RATE_PER_SECOND = 15.0
BURST = 30
MAX_ATTEMPTS = 6
# Leeds has about 8,000 crimes a month: one split is usually enough, and 4**3 parts allow 640,000.
# Past this depth a 503 is taken as the API being unavailable, not as too many crimes.
MAX_SPLIT_DEPTH = 3
TIMEOUT_SECONDS = 60.0
RETRY_STATUSES = (429, 500, 502, 504)
TOO_MANY_CRIMES = 503
SOURCE_LABEL = "police.uk API"
USER_AGENT = "SaferLeedsInsight/1.0 (community safety dashboard)"
CATEGORY_NAMES = {
    "anti-social-behaviour": "Anti-social behaviour",
    "bicycle-theft": "Bicycle theft",
    "burglary": "Burglary",
    "criminal-damage-arson": "Criminal damage and arson",
    "drugs": "Drugs",
    "other-theft": "Other theft",
    "possession-of-weapons": "Possession of weapons",
    "public-order": "Public order",
    "robbery": "Robbery",
    "shoplifting": "Shoplifting",
    "theft-from-the-person": "Theft from the person",
    "vehicle-crime": "Vehicle crime",
    "violent-crime": "Violence and sexual offences",
    "other-crime": "Other crime",
}
CSV_HEADER = KNOWN_COLUMNS  # the API answer is written as a police.uk download and read by the same code
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
Progress = Callable[[float, str], None]


class TooManyCrimes(Exception):
    """The API refused a polygon because it holds more than 10,000 crimes (HTTP 503)."""


class RateLimiter:
    """A token bucket: at most ``burst`` requests at once, refilled at ``rate`` a second."""

    def __init__(
        self,
        rate: float = RATE_PER_SECOND,
        burst: int = BURST,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.rate, self.burst, self.clock, self.sleep = rate, burst, clock, sleep
        self.tokens = float(burst)
        self.updated = clock()

    def acquire(self) -> None:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            wait = (1 - self.tokens) / self.rate
            self.sleep(wait)
            self.tokens = min(self.burst, self.tokens + (self.clock() - self.updated) * self.rate)
            self.updated = self.clock()
            self.tokens = max(self.tokens, 1.0)
        self.tokens -= 1


@dataclass
class Client:
    """Talks to the API: rate-limited, retrying transient failures with back-off."""

    base_url: str = API_URL
    limiter: RateLimiter = field(default_factory=RateLimiter)
    sleep: Callable[[float], None] = time.sleep
    timeout: float = TIMEOUT_SECONDS
    max_attempts: int = MAX_ATTEMPTS
    backoff: float = 1.0
    log: Callable[[str], None] = lambda text: None
    requests: int = 0
    retries: int = 0

    def crimes(self, polygon: str, month: str) -> list[dict]:
        """Every crime in the polygon in the month; raises TooManyCrimes for the API's 503."""
        body = urllib.parse.urlencode({"poly": polygon, "date": month}).encode()
        url = self.base_url.rstrip("/") + CRIMES_PATH
        for attempt in range(1, self.max_attempts + 1):
            self.limiter.acquire()
            self.requests += 1
            request = urllib.request.Request(
                url,
                data=body,
                headers={"User-Agent": USER_AGENT, "Content-Type": "application/x-www-form-urlencoded"},
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return json.loads(response.read().decode("utf-8"))
            except urllib.error.HTTPError as exc:
                if exc.code == TOO_MANY_CRIMES:
                    raise TooManyCrimes() from exc
                if exc.code == 404:
                    raise DataError(
                        Problem(
                            SOURCE_LABEL,
                            f"police.uk has no street-level crime for {month} (a month is published about two "
                            "months after it ends)",
                        )
                    ) from exc
                if exc.code not in RETRY_STATUSES or attempt == self.max_attempts:
                    raise DataError(
                        Problem(SOURCE_LABEL, f"the police.uk API answered {exc.code} ({exc.reason}) for {month}")
                    ) from exc
                asked = self._retry_after(exc)
                wait = asked if asked is not None else self._backoff(attempt)
                self.log(f"police.uk answered {exc.code}; trying again in {wait:.1f} s")
            except (TimeoutError, urllib.error.URLError, ConnectionError, http.client.HTTPException) as exc:
                if attempt == self.max_attempts:
                    raise DataError(
                        Problem(SOURCE_LABEL, f"the police.uk API could not be reached ({exc}); try again later")
                    ) from exc
                wait = self._backoff(attempt)
                self.log(f"police.uk did not answer ({exc}); trying again in {wait:.1f} s")
            except json.JSONDecodeError as exc:
                raise DataError(
                    Problem(SOURCE_LABEL, f"the police.uk API sent an answer that is not JSON for {month}")
                ) from exc
            self.retries += 1
            self.sleep(wait)
        raise DataError(Problem(SOURCE_LABEL, "the police.uk API did not answer"))  # unreachable

    def _backoff(self, attempt: int) -> float:
        return self.backoff * (2 ** (attempt - 1)) * (1 + random.random() / 4)

    @staticmethod
    def _retry_after(exc: urllib.error.HTTPError) -> float | None:
        value = exc.headers.get("Retry-After") if exc.headers else None
        try:
            return min(float(value), 120.0) if value else None
        except ValueError:
            return None


def api_url() -> str:
    """The API address: ``$SAFERLEEDS_POLICE_UK_API`` if set (a local copy or a test server), else police.uk."""
    return os.environ.get(API_VARIABLE) or API_URL


def default_cache(paths: DatasetPaths) -> Path:
    return paths.data / CACHE_FOLDER


def months_between(start: str, end: str) -> list[str]:
    """'2025-01', '2025-03' -> ['2025-01', '2025-02', '2025-03']; bad input raises DataError."""
    for name, text in (("--from", start), ("--to", end)):
        found = MONTH_PATTERN.match(str(text).strip())
        if not found or not 1 <= int(found.group(2)) <= 12:
            raise DataError(Problem(name, f"{quoted(text)} is not a month; write it as YYYY-MM, e.g. 2025-03"))
        implausible = implausible_month(pd.Timestamp(f"{found.group(1)}-{found.group(2)}-01"))
        if implausible is not None:
            raise DataError(Problem(name, implausible))
    first, last = pd.Period(start, "M"), pd.Period(end, "M")
    if last < first:
        raise DataError(Problem("--to", f"{end} is before {start}"))
    return [str(p) for p in pd.period_range(first, last, freq="M")]


def leeds_polygons(city: gpd.GeoDataFrame, margin_m: float = 100.0, tolerance_m: float = 100.0) -> list[Polygon]:
    """Leeds as a few simple polygons in lon/lat, a little larger than the district so no edge crime is lost."""
    projected = city.to_crs(BRITISH_NATIONAL_GRID).geometry.union_all()
    grown = projected.buffer(margin_m).simplify(tolerance_m)
    shapes = gpd.GeoSeries(list(getattr(grown, "geoms", [grown])), crs=BRITISH_NATIONAL_GRID).to_crs(LON_LAT)
    return [Polygon(shape.exterior) for shape in shapes]


def split_polygon(polygon: Polygon) -> list[Polygon]:
    """Four parts of a polygon, cut at the middle of its bounding box."""
    x0, y0, x1, y1 = polygon.bounds
    xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
    parts = []
    for quarter in (box(x0, y0, xm, ym), box(xm, y0, x1, ym), box(x0, ym, xm, y1), box(xm, ym, x1, y1)):
        piece = polygon.intersection(quarter)
        for part in getattr(piece, "geoms", [piece]):
            if isinstance(part, Polygon) and not part.is_empty and part.area > 0:
                parts.append(Polygon(part.exterior))
    return parts


def poly_parameter(polygon: Polygon) -> str:
    """The API's ``poly``: lat,lng pairs joined by colons (the ring closes itself)."""
    coordinates = list(shapely.get_coordinates(polygon.exterior))[:-1]
    return ":".join(f"{lat:.5f},{lon:.5f}" for lon, lat in coordinates)


@dataclass
class MonthFetch:
    month: str
    crimes: list[dict]
    requests: int
    pieces: int
    splits: int
    from_cache: int


def _piece_path(folder: Path, key: str) -> Path:
    return folder / f"piece-{key}.json"


def fetch_month(
    client: Client,
    month: str,
    polygons: list[Polygon],
    cache: Path,
    progress: Callable[[int, int], None] | None = None,
) -> MonthFetch:
    """Every crime in Leeds in one month, resuming from pieces already in ``cache``."""
    folder = cache / month
    folder.mkdir(parents=True, exist_ok=True)
    queue: list[tuple[str, Polygon, int]] = [(str(i), p, 0) for i, p in enumerate(polygons)]
    crimes: dict[str, dict] = {}
    done = splits = cached = 0
    requests_before = client.requests
    while queue:
        key, polygon, depth = queue.pop(0)
        path = _piece_path(folder, key)
        split_marker = folder / f"piece-{key}.split"
        if split_marker.exists():
            queue.extend((f"{key}.{i}", part, depth + 1) for i, part in enumerate(split_polygon(polygon)))
            continue
        if path.exists():
            found = json.loads(path.read_text(encoding="utf-8"))
            cached += 1
        else:
            try:
                found = client.crimes(poly_parameter(polygon), month)
            except TooManyCrimes as exc:
                if depth >= MAX_SPLIT_DEPTH:
                    raise DataError(
                        Problem(
                            SOURCE_LABEL,
                            f"the police.uk API keeps answering 503 for {month}, even for small areas; it may be "
                            "unavailable. Try again later: the fetch resumes where it stopped",
                        )
                    ) from exc
                write_atomic(split_marker, lambda tmp: Path(tmp).write_text("", encoding="utf-8"))
                queue.extend((f"{key}.{i}", part, depth + 1) for i, part in enumerate(split_polygon(polygon)))
                splits += 1
                continue
            text = json.dumps(found)
            write_atomic(path, lambda tmp, text=text: Path(tmp).write_text(text, encoding="utf-8"))
        for crime in found:
            crimes[str(crime.get("persistent_id") or crime.get("id"))] = crime
        done += 1
        if progress:
            progress(done, done + len(queue))
    return MonthFetch(month, list(crimes.values()), client.requests - requests_before, done, splits, cached)


def crimes_to_csv(crimes: list[dict], month: str) -> bytes:
    """API crimes as a police.uk street CSV (placed by coordinates, as the API gives no LSOA)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for crime in sorted(crimes, key=lambda c: str(c.get("id", ""))):
        location = crime.get("location") or {}
        street = (location.get("street") or {}).get("name", "")
        category = str(crime.get("category", ""))
        outcome = (crime.get("outcome_status") or {}).get("category", "")
        crime_id = crime.get("persistent_id") or ""
        writer.writerow(
            (
                crime_id,
                crime.get("month") or month,
                SOURCE_LABEL,
                SOURCE_LABEL,
                location.get("longitude") or "",
                location.get("latitude") or "",
                street,
                "",
                "",
                CATEGORY_NAMES.get(category, category),
                outcome,
                crime.get("context") or "",
            )
        )
    return out.getvalue().encode("utf-8")


def fetch_police_uk(
    months: list[str],
    city: gpd.GeoDataFrame,
    cache: Path,
    client: Client | None = None,
    progress: Progress | None = None,
) -> tuple[list[Upload], list[str]]:
    """Fetch the months; return one police.uk-format CSV per month and lines describing the fetch."""
    client = client or Client()
    polygons = leeds_polygons(city)
    uploads, lines = [], []
    for number, month in enumerate(months):

        def within(done: int, known: int, number: int = number, month: str = month) -> None:
            if progress:
                progress((number + done / max(known, 1)) / len(months), f"{month}: {done} of {known} areas")

        result = fetch_month(client, month, polygons, cache, within)
        if not result.crimes:
            lines.append(f"{month}: police.uk has no crimes for Leeds (not yet published?); nothing to load")
            continue
        uploads.append(Upload(f"police-uk-api-{month}-street.csv", crimes_to_csv(result.crimes, month)))
        lines.append(
            f"{month}: {len(result.crimes):,} crimes from {result.pieces} areas "
            f"({result.requests} requests, {result.splits} areas split for holding over 10,000 crimes, "
            f"{result.from_cache} areas already fetched)"
        )
    if progress:
        progress(1.0, "fetched")
    return uploads, lines
