"""How a number was made: the status vocabulary every value carries, in the order of trust.

``recorded`` is published data; ``provisional`` is published but may be revised; ``modelled`` is made by the
documented generator where no open data exists. A figure built from several is as weak as its weakest part.
"""

from __future__ import annotations

import pandas as pd

STATUS_ORDER = ("recorded", "provisional", "modelled")
STATUS_LABELS = {"recorded": "Recorded", "provisional": "Provisional", "modelled": "Modelled (estimate)"}
STATUS_DASH = {"recorded": [1, 0], "provisional": [4, 2], "modelled": [3, 3]}


def status_of(statuses: pd.Series) -> str:
    """The weakest status among rows: modelled beats provisional beats recorded."""
    present = set(statuses.dropna().astype(str))
    for status in reversed(STATUS_ORDER):
        if status in present:
            return status
    return "recorded"
