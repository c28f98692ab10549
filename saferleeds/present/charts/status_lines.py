"""Lines and bars drawn by how their numbers were made: solid where recorded, dashed where estimated or modelled
(each status's dash and fill from the catalogue)."""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from saferleeds.core.vocabulary import Statuses
from saferleeds.present.charts.common import LEGEND


def status_segments(
    frame: pd.DataFrame, group: str, vocabulary: Statuses, status: str = "status", order: str = "period"
) -> pd.DataFrame:
    """Split each group's line where its status changes, so each piece can be dashed or solid.

    Adds ``segment`` (one id per unbroken run of one status) and ``bridge``: a copy of the point
    where two pieces meet, put in the weaker piece (in the catalogue's order of trust) so the line
    stays continuous and the joining stretch is drawn as the weaker status. Bridge rows carry no
    tooltip and no point.
    """
    frame = frame.sort_values([group, order], kind="stable").reset_index(drop=True)
    groups, statuses = frame[group].to_numpy(), frame[status].to_numpy()
    first_of_group = np.r_[True, groups[1:] != groups[:-1]]
    starts = first_of_group | np.r_[True, statuses[1:] != statuses[:-1]]
    frame["segment"] = np.cumsum(starts)
    frame["bridge"] = False
    joins = np.flatnonzero(starts & ~first_of_group)
    if len(joins):
        rank = frame[status].map(vocabulary.rank).to_numpy(dtype=float)
        later_is_weaker = rank[joins] > rank[joins - 1]
        # The later piece is weaker: it starts from the earlier point; else the earlier runs on to the later.
        copied = np.where(later_is_weaker, joins - 1, joins)
        joined = np.where(later_is_weaker, joins, joins - 1)
        extra = frame.iloc[copied].reset_index(drop=True)
        for column in ("segment", status):
            extra[column] = frame[column].iloc[joined].reset_index(drop=True)
        frame = pd.concat([frame, extra.assign(bridge=True)], ignore_index=True)
    frame["Data"] = frame[status].map(vocabulary.label)
    return frame


def _present(statuses: pd.Series, vocabulary: Statuses) -> list[str]:
    return [s for s in vocabulary.ids if s in set(statuses)] or [vocabulary.strongest]


def status_dash_scale(statuses: pd.Series, vocabulary: Statuses) -> alt.Scale:
    """The catalogue's dash for each status present, named by its label."""
    present = _present(statuses, vocabulary)
    return alt.Scale(domain=[vocabulary.label(s) for s in present], range=[vocabulary.dash(s) for s in present])


def dashed_by_status(
    segments: pd.DataFrame,
    statuses: pd.Series,
    x: alt.X,
    y: alt.Y,
    vocabulary: Statuses,
    *,
    colour: alt.Color | None = None,
    width: float = 2,
    keyed: bool = True,
    **mark: Any,
) -> alt.Chart:
    """Lines broken where the status changes: solid where recorded, dashed where estimated or modelled."""
    legend = alt.Legend(**LEGEND) if keyed else None
    dash = alt.StrokeDash("Data:N", title="Data", scale=status_dash_scale(statuses, vocabulary), legend=legend)
    encoding = {"x": x, "y": y, "strokeDash": dash, "detail": alt.Detail("segment:N")}
    if colour is not None:
        encoding["color"] = colour
    return alt.Chart(segments).mark_line(strokeWidth=width, **mark).encode(**encoding)


def status_fill_scale(statuses: pd.Series, vocabulary: Statuses) -> alt.Scale:
    """Bars: the catalogue's fill for each status (solid blue where recorded, paler as trust falls)."""
    present = _present(statuses, vocabulary)
    return alt.Scale(domain=[vocabulary.label(s) for s in present], range=[vocabulary.get(s).fill for s in present])
