"""The shared vocabularies read from the catalogue: the disclosure rule, levels and statuses."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from saferleeds.core.catalogue import load_catalogue
from saferleeds.core.paths import PROJECT_ROOT, dataset_paths

CATALOGUE = load_catalogue(dataset_paths(PROJECT_ROOT).catalogue)
RULE = CATALOGUE.disclosure


# ----------------------------------------------------------------------------- disclosure control


@pytest.mark.parametrize(
    ("count", "suppressed"),
    [(0, False), (1, True), (2, True), (3, True), (4, True), (5, False), (6, False), (math.nan, False)],
)
def test_counts_one_to_four_are_suppressed(count, suppressed):
    assert bool(RULE.hides(pd.Series([count]))[0]) is suppressed


@pytest.mark.parametrize(
    ("sensitive", "level", "needed"),
    [
        (True, "lsoa", True),
        (True, "neighbourhood", True),
        (True, "ward", False),
        (True, "committee", False),
        (True, "city", False),
        (False, "lsoa", False),
        (False, "neighbourhood", False),
    ],
)
def test_disclosure_control_applies_to_sensitive_indicators_at_small_levels(sensitive, level, needed):
    assert RULE.applies(sensitive, level) is needed


def test_suppressed_text():
    assert RULE.shown_as == "<5"


# ----------------------------------------------------------------------------- levels and statuses


@pytest.mark.parametrize(
    ("finer", "coarser", "nests"),
    [
        ("lsoa", "ward", True),
        ("lsoa", "neighbourhood", True),
        ("ward", "committee", True),
        ("ward", "city", True),
        ("committee", "ward", False),
        ("ward", "constituency", False),
        ("neighbourhood", "ward", False),
        ("constituency", "constituency", True),
    ],
)
def test_levels_nest_as_the_catalogue_declares(finer, coarser, nests):
    assert CATALOGUE.levels.nests(finer, coarser) is nests


@pytest.mark.parametrize(
    ("statuses", "weakest"),
    [
        (["recorded"], "recorded"),
        (["recorded", "provisional"], "provisional"),
        (["modelled", "recorded"], "modelled"),
        ([], "recorded"),
    ],
)
def test_a_figure_is_as_weak_as_its_weakest_part(statuses, weakest):
    assert CATALOGUE.statuses.weakest(statuses) == weakest
