"""Estimated values: an MSOA's recorded count shared among its LSOAs, in whole numbers that add up exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from saferleeds.ingest.estimated import K_ALL, K_TYPE, lsoa_shares, share_out

MSOA_OF = pd.Series(["M1", "M1", "M1", "M2", "M2"], index=["a", "b", "c", "d", "e"])


def test_a_worked_example_hands_out_whole_units_to_those_owed_most():
    shares = pd.Series([0.5, 0.3, 0.2, 0.9, 0.1], index=MSOA_OF.index)
    totals = pd.DataFrame({"m1": [10, 4], "m2": [1, 0], "m3": [1, 1]}, index=["M1", "M2"])
    estimate = share_out(totals, shares, MSOA_OF)
    # Month 1: 5, 3, 2 exactly. Month 2 (running 11): owed 0.5, 0.3, 0.2, so a gets the unit.
    # Month 3 (running 12): owed 6 - 6, 3.6 - 3, 2.4 - 2, so b gets it.
    assert estimate.loc[["a", "b", "c"]].to_numpy().tolist() == [[5, 1, 0], [3, 0, 1], [2, 0, 0]]
    assert estimate.loc[["d", "e"]].to_numpy().tolist() == [[4, 0, 1], [0, 0, 0]]


def test_simulated_estimates_add_up_every_month_and_follow_the_true_shares():
    rng = np.random.default_rng(7)
    truth = pd.Series([0.55, 0.3, 0.15, 0.8, 0.2], index=MSOA_OF.index)
    months = 240
    totals = pd.DataFrame(rng.poisson([[4.0], [2.5]], size=(2, months)), index=["M1", "M2"])
    estimate = share_out(totals, truth, MSOA_OF)
    assert (estimate.to_numpy() == np.round(estimate.to_numpy())).all() and (estimate.to_numpy() >= 0).all()
    pd.testing.assert_frame_equal(estimate.groupby(MSOA_OF).sum().astype(float), totals.astype(float))
    # every running total stays within one of its share of the running total, so the long run is unbiased
    running = estimate.cumsum(axis=1)
    expected = totals.cumsum(axis=1).reindex(MSOA_OF.to_numpy()).set_axis(MSOA_OF.index) * truth.to_numpy()[:, None]
    assert (running - expected).abs().to_numpy().max() < 1.0 + 1e-9


def test_shares_sum_to_one_in_each_msoa_and_shrink_rare_types_towards_all_crime():
    street = pd.DataFrame(
        {"violence": [80.0, 15.0, 5.0, 30.0, 30.0], "bicycles": [0.0, 2.0, 0.0, 0.0, 0.0]}, index=MSOA_OF.index
    )
    residents = pd.Series([1500.0, 1500.0, 1500.0, 1000.0, 3000.0], index=MSOA_OF.index)
    shares = lsoa_shares(street, MSOA_OF, residents)
    assert shares.groupby(MSOA_OF).sum().to_numpy() == pytest.approx(np.ones((2, 2)))
    every = street.sum(axis=1)
    all_crime_b = (every["b"] + K_ALL / 3) / (every[["a", "b", "c"]].sum() + K_ALL)
    assert shares.at["b", "bicycles"] == pytest.approx((2 + K_TYPE * all_crime_b) / (2 + K_TYPE))
    # a common type keeps close to its own pattern; two bicycle thefts do not make b the bicycle capital
    assert shares.at["a", "violence"] == pytest.approx(0.8, abs=0.05)
    assert shares.at["b", "bicycles"] < 0.5
