"""The seeded generator of modelled values for the embedded default dataset.

Only one month of police.uk data (February 2025) ships as recorded data. Everything else in the
default dataset is modelled, is marked ``status = modelled`` and is described in ``data/README.md``:

* police.uk crime types, April 2016 to January 2025: each type's expected monthly count is its real
  February 2025 count scaled by a city trend, a per-type drift, a per-type seasonality and the
  number of days in the month; spread over LSOAs by their real February 2025 share, smoothed
  towards their ward's share (so an LSOA with no crime in one month is not fixed at zero); drawn
  from a Poisson distribution with a little month-to-month noise. Calendar 2017 is drawn so that
  recorded crime (all types but anti-social behaviour) totals exactly 95,011, and April-December
  2016 so that April-December 2017 is exactly 11.7% higher, matching the city facts.
* indicators that are not open data (hate incidents, domestic abuse, feel safe, satisfaction,
  re-offending), April 2016 to February 2025, from the assumptions in ``ASSUMPTIONS`` below.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

SEED = 2018
FIRST_MONTH = pd.Timestamp("2016-04-01")
MODELLED_SOURCE = "Modelled by the Safer Leeds Insight generator (see data/README.md)"
RECORDED_CRIME_2017 = 95_011
GROWTH_2017_ON_2016 = 0.117
MONTH_NOISE = 0.04

# Daily-rate index of recorded crime relative to February 2025 (= 1), at mid-year anchors.
# 2016 and 2017 are solved so that the expected totals meet the city facts.
CRIME_TREND_ANCHORS = {
    "2018-07-01": 0.99,
    "2019-07-01": 1.01,
    "2020-07-01": 0.92,
    "2021-07-01": 0.97,
    "2022-07-01": 1.03,
    "2023-07-01": 1.02,
    "2024-07-01": 1.00,
    "2025-02-15": 1.00,
}
# Assumed decline in police-recorded anti-social behaviour, relative to February 2025 (= 1).
ASB_TREND_ANCHORS = {
    "2016-07-01": 4.5,
    "2017-07-01": 4.0,
    "2018-07-01": 3.4,
    "2019-07-01": 2.9,
    "2020-07-01": 3.2,
    "2021-07-01": 2.4,
    "2022-07-01": 1.7,
    "2023-07-01": 1.3,
    "2024-07-01": 1.1,
    "2025-02-15": 1.0,
}
# The pandemic: lockdown months lowered most crime and raised anti-social behaviour reports.
COVID_CRIME = {
    "2020-04": 0.76,
    "2020-05": 0.84,
    "2020-06": 0.93,
    "2020-11": 0.90,
    "2021-01": 0.86,
    "2021-02": 0.88,
}
COVID_ASB = {"2020-04": 1.9, "2020-05": 1.7, "2020-06": 1.3, "2020-11": 1.3, "2021-01": 1.4, "2021-02": 1.3}
# A crime type's share in April 2016 relative to February 2025, moving linearly to 1.
TYPE_DRIFT = {
    "violence_sexual": 0.75,
    "shoplifting": 0.70,
    "burglary": 1.80,
    "vehicle_crime": 1.30,
    "criminal_damage_arson": 1.25,
    "other_theft": 1.20,
    "public_order": 0.60,
    "bicycle_theft": 1.20,
    "drugs": 1.10,
    "possession_weapons": 0.70,
    "robbery": 1.00,
    "theft_person": 1.00,
    "other_crime": 0.90,
}
# Seasonality of the daily rate, January to December (normalised to a mean of 1 when used).
SEASONALITY = {
    "default": [0.95, 0.96, 1.00, 0.99, 1.03, 1.04, 1.06, 1.03, 1.01, 1.02, 0.98, 0.93],
    "violence_sexual": [0.94, 0.95, 1.00, 0.99, 1.05, 1.06, 1.07, 1.03, 1.00, 1.00, 0.97, 0.94],
    "burglary": [1.05, 0.95, 0.93, 0.90, 0.90, 0.90, 0.93, 0.97, 1.02, 1.12, 1.15, 1.18],
    "asb": [0.80, 0.80, 0.92, 1.05, 1.15, 1.18, 1.25, 1.15, 1.00, 1.05, 0.95, 0.70],
    "bicycle_theft": [0.60, 0.60, 0.80, 1.00, 1.25, 1.35, 1.40, 1.35, 1.20, 1.00, 0.80, 0.65],
    "shoplifting": [0.97, 0.95, 1.00, 0.98, 1.00, 0.98, 1.00, 1.00, 0.98, 1.02, 1.05, 1.07],
    "criminal_damage_arson": [0.95, 0.93, 1.00, 1.00, 1.05, 1.02, 1.03, 1.00, 0.98, 1.08, 1.02, 0.94],
    "domestic_abuse": [1.06, 0.94, 0.97, 0.98, 1.00, 1.04, 1.05, 1.02, 0.97, 0.98, 0.97, 1.08],
    "hate_incidents": [0.92, 0.92, 1.00, 1.00, 1.04, 1.08, 1.10, 1.04, 1.00, 1.00, 0.96, 0.94],
}


@dataclass(frozen=True)
class SurveyAssumption:
    respondents_per_ward_month: float
    base: float  # share agreeing in the least deprived ward
    deprivation_effect: float  # fall in the share from least to most deprived ward
    drift: float  # change in the share from April 2016 to February 2025


ASSUMPTIONS = {
    # City monthly counts at the start and end of the series (linear between), for reports that
    # are not open data; spread over LSOAs like the named real crime type.
    "hate_incidents": {
        "start": 150.0,
        "end": 230.0,
        "spread_like": "public_order",
        "spike": {"2016-07": 1.4, "2017-06": 1.2},
    },
    "domestic_abuse": {"start": 1100.0, "end": 1480.0, "spread_like": "violence_sexual", "spike": {}},
    "feel_safe": SurveyAssumption(30, 0.92, 0.16, -0.02),
    "satisfaction_confidence": SurveyAssumption(30, 0.82, 0.14, -0.03),
    # Proven re-offending: monthly cohort size and proportion re-offending (start, end).
    "reoffending": {"cohort": 330.0, "start": 0.29, "end": 0.255},
}


def month_range(first: pd.Timestamp, last: pd.Timestamp) -> pd.DatetimeIndex:
    return pd.date_range(first, last, freq="MS")


def _years_since_start(months: pd.DatetimeIndex) -> np.ndarray:
    return ((months - FIRST_MONTH).days.to_numpy() + 14) / 365.25


def _interpolate(anchors: dict[str, float], months: pd.DatetimeIndex) -> np.ndarray:
    anchor_times = pd.to_datetime(list(anchors)).astype("int64").to_numpy()
    mid_month = (months + pd.Timedelta(days=14)).astype("int64").to_numpy()
    return np.interp(mid_month, anchor_times, np.array(list(anchors.values())))


def _seasonality(key: str, months: pd.DatetimeIndex) -> np.ndarray:
    shape = np.array(SEASONALITY.get(key, SEASONALITY["default"]))
    shape = shape / shape.mean()
    return shape[months.month.to_numpy() - 1]


def _shock(factors: dict[str, float], months: pd.DatetimeIndex) -> np.ndarray:
    return np.array([factors.get(m.strftime("%Y-%m"), 1.0) for m in months])


def _drift(start: float, months: pd.DatetimeIndex, last: pd.Timestamp) -> np.ndarray:
    span = (last - FIRST_MONTH).days
    position = np.clip((months - FIRST_MONTH).days.to_numpy() / span, 0, 1)
    return start + (1.0 - start) * position


def spatial_shares(real: pd.DataFrame, lsoa: pd.DataFrame) -> pd.DataFrame:
    """Each LSOA's share of each type: half its own real count, half its ward's, by population.

    ``real`` is indexed by LSOA with one column per indicator (the real month's counts).
    """
    population = lsoa["population"]
    ward_totals = real.groupby(lsoa["ward_code"]).sum()
    ward_population = population.groupby(lsoa["ward_code"]).sum()
    prior = ward_totals.loc[lsoa["ward_code"]].set_axis(lsoa.index)
    prior = prior.mul(population / lsoa["ward_code"].map(ward_population), axis=0)
    blended = real + prior
    floor = np.outer(population / population.sum() * 0.01, blended.sum().to_numpy())
    blended = blended + floor
    return blended / blended.sum()


def _expected_type(
    indicator: str,
    real_total: float,
    months: pd.DatetimeIndex,
    crime_index: np.ndarray,
    real_month: pd.Timestamp,
) -> np.ndarray:
    """Expected city count per month for one crime type, matching the real month's count."""
    days = months.days_in_month.to_numpy()
    if indicator == "asb":
        index = _interpolate(ASB_TREND_ANCHORS, months) * _shock(COVID_ASB, months)
    else:
        index = crime_index * _drift(TYPE_DRIFT.get(indicator, 1.0), months, real_month)
    rate = index * _seasonality(indicator, months) * days
    at_real = months.get_loc(real_month)
    return rate * real_total / rate[at_real]


def _crime_index(months: pd.DatetimeIndex, level_2016: float, level_2017: float) -> np.ndarray:
    anchors = {"2016-07-01": level_2016, "2017-07-01": level_2017, **CRIME_TREND_ANCHORS}
    return _interpolate(anchors, months) * _shock(COVID_CRIME, months)


def _calendar_mask(months: pd.DatetimeIndex, year: int, first_month: int = 1) -> np.ndarray:
    return (months.year == year) & (months.month >= first_month)


def _solve_crime_index(
    real_totals: dict[str, float], months: pd.DatetimeIndex, real_month: pd.Timestamp
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Find the 2016 and 2017 anchors that make the expected totals meet the city facts."""
    level_2016, level_2017 = 0.8, 0.9
    in_2017 = _calendar_mask(months, 2017)
    apr_dec_2016 = _calendar_mask(months, 2016, 4)
    apr_dec_2017 = _calendar_mask(months, 2017, 4)
    for _ in range(60):
        index = _crime_index(months, level_2016, level_2017)
        expected = {t: _expected_type(t, n, months, index, real_month) for t, n in real_totals.items()}
        total = sum(expected.values())
        level_2017 *= (RECORDED_CRIME_2017 / total[in_2017].sum()) ** 0.8
        wanted_2016 = total[apr_dec_2017].sum() / (1 + GROWTH_2017_ON_2016)
        level_2016 *= (wanted_2016 / total[apr_dec_2016].sum()) ** 0.8
    index = _crime_index(months, level_2016, level_2017)
    return index, {t: _expected_type(t, n, months, index, real_month) for t, n in real_totals.items()}


def _draw_fixed_total(rng: np.random.Generator, expected: np.ndarray, total: int) -> np.ndarray:
    flat = expected.ravel()
    return rng.multinomial(total, flat / flat.sum()).reshape(expected.shape)


def model_police_history(
    real: pd.DataFrame, lsoa: pd.DataFrame, real_month: pd.Timestamp, rng: np.random.Generator
) -> pd.DataFrame:
    """Modelled monthly counts per LSOA for every police.uk indicator before the real month.

    ``real`` is indexed by LSOA with one column per police.uk crime-type indicator (not the
    total, which is derived by summing).
    """
    months = month_range(FIRST_MONTH, real_month)
    history = months[:-1]
    shares = spatial_shares(real, lsoa)
    crime_types = [c for c in real.columns if c != "asb"]
    _, expected_city = _solve_crime_index({t: float(real[t].sum()) for t in crime_types}, months, real_month)
    expected_city["asb"] = _expected_type("asb", float(real["asb"].sum()), months, np.ones(len(months)), real_month)
    indicators = list(real.columns)
    noise = rng.lognormal(0.0, MONTH_NOISE, size=(len(indicators), len(history)))
    # expected[indicator, month, lsoa]
    expected = np.stack(
        [np.outer(expected_city[ind][:-1] * noise[i], shares[ind].to_numpy()) for i, ind in enumerate(indicators)]
    )
    counts = rng.poisson(expected).astype(float)
    crime_rows = np.array([ind != "asb" for ind in indicators])
    for mask, total in _fixed_totals(history, counts, crime_rows):
        block = expected[crime_rows][:, mask, :]
        fixed = counts[crime_rows]
        fixed[:, mask, :] = _draw_fixed_total(rng, block, total)
        counts[crime_rows] = fixed
    return _long(counts, indicators, history, lsoa.index)


def _fixed_totals(history: pd.DatetimeIndex, counts: np.ndarray, crime_rows: np.ndarray):
    """Yield (month mask, exact total) for calendar 2017, then April-December 2016."""
    yield _calendar_mask(history, 2017), RECORDED_CRIME_2017
    in_apr_dec_2017 = _calendar_mask(history, 2017, 4)
    apr_dec_2017_total = int(counts[crime_rows][:, in_apr_dec_2017, :].sum())
    yield _calendar_mask(history, 2016, 4), round(apr_dec_2017_total / (1 + GROWTH_2017_ON_2016))


def _long(counts: np.ndarray, indicators: list[str], months: pd.DatetimeIndex, codes: pd.Index) -> pd.DataFrame:
    n_ind, n_month, n_area = counts.shape
    return pd.DataFrame(
        {
            "indicator": np.repeat(indicators, n_month * n_area),
            "period": np.tile(np.repeat(months.to_numpy(), n_area), n_ind),
            "area_code": np.tile(codes.to_numpy(), n_ind * n_month),
            "value": counts.ravel(),
            "denominator": np.nan,
        }
    )


def model_reported_counts(
    real: pd.DataFrame, lsoa: pd.DataFrame, last_month: pd.Timestamp, rng: np.random.Generator
) -> pd.DataFrame:
    """Hate incidents and domestic abuse reports per LSOA, April 2016 to the last month."""
    months = month_range(FIRST_MONTH, last_month)
    shares = spatial_shares(real, lsoa)
    frames = []
    for indicator in ("hate_incidents", "domestic_abuse"):
        spec = ASSUMPTIONS[indicator]
        level = np.interp(_years_since_start(months), [0, _years_since_start(months)[-1]], [spec["start"], spec["end"]])
        city = level * _seasonality(indicator, months) * _shock(spec["spike"], months)
        expected = np.outer(city, shares[spec["spread_like"]].to_numpy())[None, :, :]
        frames.append(_long(rng.poisson(expected).astype(float), [indicator], months, lsoa.index))
    return pd.concat(frames, ignore_index=True)


def ward_deprivation(lsoa: pd.DataFrame, national_lsoas: int = 32_844) -> pd.Series:
    """Population-weighted deprivation of each ward, 0 (least) to 1 (most), from IMD 2019 ranks."""
    score = 1 - lsoa["imd_rank"] / national_lsoas
    weighted = (score * lsoa["population"]).groupby(lsoa["ward_code"]).sum()
    raw = weighted / lsoa.groupby("ward_code")["population"].sum()
    return (raw - raw.min()) / (raw.max() - raw.min())


def model_surveys(lsoa: pd.DataFrame, last_month: pd.Timestamp, rng: np.random.Generator) -> pd.DataFrame:
    """Feel safe and satisfaction survey results per ward: agreeing respondents over respondents."""
    months = month_range(FIRST_MONTH, last_month)
    deprivation = ward_deprivation(lsoa).sort_index()
    position = np.linspace(0, 1, len(months))
    frames = []
    for indicator in ("feel_safe", "satisfaction_confidence"):
        spec: SurveyAssumption = ASSUMPTIONS[indicator]
        share = spec.base - spec.deprivation_effect * deprivation.to_numpy()[None, :] + spec.drift * position[:, None]
        respondents = rng.poisson(spec.respondents_per_ward_month, size=share.shape).clip(min=5)
        agreeing = rng.binomial(respondents, np.clip(share, 0.01, 0.99))
        frame = _long(agreeing[None].astype(float), [indicator], months, deprivation.index)
        frame["denominator"] = respondents.ravel().astype(float)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def model_reoffending(city_code: str, last_month: pd.Timestamp, rng: np.random.Generator) -> pd.DataFrame:
    months = month_range(FIRST_MONTH, last_month)
    spec = ASSUMPTIONS["reoffending"]
    share = np.linspace(spec["start"], spec["end"], len(months))
    cohort = rng.poisson(spec["cohort"], size=len(months))
    reoffenders = rng.binomial(cohort, share)
    return pd.DataFrame(
        {
            "indicator": "reoffending",
            "period": months,
            "area_code": city_code,
            "value": reoffenders.astype(float),
            "denominator": cohort.astype(float),
        }
    )


def model_default(
    real: pd.DataFrame, lsoa: pd.DataFrame, real_month: pd.Timestamp, city_code: str, seed: int = SEED
) -> pd.DataFrame:
    """Every modelled row of the default dataset, in the values-table shape."""
    rng = np.random.default_rng(seed)
    police = model_police_history(real, lsoa, real_month, rng)
    frames = [
        police,
        _totals(police),
        model_reported_counts(real, lsoa, real_month, rng),
        model_surveys(lsoa, real_month, rng),
        model_reoffending(city_code, real_month, rng),
    ]
    modelled = pd.concat(frames, ignore_index=True)
    modelled["status"] = "modelled"
    modelled["source"] = MODELLED_SOURCE
    return modelled


def _totals(police: pd.DataFrame) -> pd.DataFrame:
    crimes = police[police["indicator"] != "asb"]
    total = crimes.groupby(["period", "area_code"], sort=True)["value"].sum().reset_index()
    total["indicator"] = "total_crime"
    total["denominator"] = np.nan
    return total
