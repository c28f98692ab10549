"""Board packs built once per test session and shared by the export tests (drawing one takes seconds)."""

from __future__ import annotations

import pandas as pd

from saferleeds.core.dataset import Dataset
from saferleeds.core.periods import Period
from saferleeds.present.export.board_pack import BoardPack, PackRequest, assemble, default_indicators, write

PERIOD = Period(pd.Timestamp("2024-08-01"), pd.Timestamp("2025-07-01"))  # the default: the 12 months to the latest
ARMLEY = "E05011385"
KEY_INDICATORS = [  # the nine key indicators of the plan on a page, in the catalogue's order
    "hate_incidents",
    "domestic_abuse",
    "violence_sexual",
    "drugs",
    "reoffending",
    "feel_safe",
    "satisfaction_confidence",
    "total_crime",
    "asb",
]
_packs: dict[tuple, BoardPack] = {}
_files: dict[tuple, bytes] = {}


def pack_for(
    dataset: Dataset,
    area: str | None = ARMLEY,
    indicators: tuple[str, ...] | None = None,
    period: Period = PERIOD,
    charts: bool = True,
) -> BoardPack:
    indicators = indicators or tuple(default_indicators(dataset))
    key = (id(dataset), dataset.version, area, indicators, period, charts)
    if key not in _packs:
        _packs[key] = assemble(dataset, PackRequest(area, period, indicators), charts=charts)
    return _packs[key]


def file_for(dataset: Dataset, fmt: str, **choices) -> bytes:
    pack = pack_for(dataset, **choices, charts=fmt in ("pptx", "pdf"))
    key = (id(pack), fmt)
    if key not in _files:
        _files[key] = write(pack, fmt)
    return _files[key]
