"""The seeded generator of modelled values for the embedded default dataset: only where no open data exists.

Everything it makes is marked ``status = modelled`` and described in ``data/README.md``:

* police.uk crime types and anti-social behaviour, April 2016 to July 2022 (the real history starts in
  August 2022). Each type's expected monthly count is its real daily rate over the 36 real months (the
  level and the mix), scaled by a city trend, a drift in its share, its real seasonality (measured in the
  36 months) and the number of days in the month; spread over LSOAs by their share of the type in the real
  months; drawn from a Poisson distribution with a little month-to-month noise. Calendar 2017 is drawn so
  that recorded crime (all types but anti-social behaviour) totals exactly 95,011, and April-December 2016
  so that April-December 2017 is exactly 11.7% higher, matching the city facts.
* the five indicators that are not open data (hate incidents, domestic abuse, feel safe, satisfaction,
  re-offending), April 2016 to July 2025, from the assumptions below
  (``REPORTED_ASSUMPTIONS``, ``SURVEY_ASSUMPTIONS``, ``REOFFENDING_ASSUMPTION``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from saferleeds.core.vocabulary import MODELLED

SEED = 2018
FIRST_MONTH = pd.Timestamp("2016-04-01")
MODELLED_SOURCE = "Modelled by the Safer Leeds Insight generator (see data/README.md)"
RECORDED_CRIME_2017 = 95_011
GROWTH_2017_ON_2016 = 0.117
MONTH_NOISE = 0.04
NATIONAL_LSOAS_2021 = 33_755  # LSOAs (2021) in England, ranked by IoD 2025
SEASON_SHRINK = 50.0  # a type with this many crimes a month takes half its seasonality from all crime
ASB = "asb"

# Daily-rate index of recorded crime relative to the real 36 months' average (= 1), at mid-year anchors.
# 2016 and 2017 are solved so that the expected totals meet the city facts; the series joins the real level
# of the first real year in July 2022.
CRIME_TREND_ANCHORS = {
    "2018-07-01": 0.97,
    "2019-07-01": 1.00,
    "2020-07-01": 0.91,
    "2021-07-01": 0.99,
}
# Assumed decline in police-recorded anti-social behaviour, relative to the real 36 months' level (= 1).
ASB_TREND_ANCHORS = {
    "2016-07-01": 4.0,
    "2017-07-01": 3.6,
    "2018-07-01": 3.0,
    "2019-07-01": 2.6,
    "2020-07-01": 2.9,
    "2021-07-01": 1.6,
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
# A crime type's share in April 2016 relative to its real share, moving linearly to 1 by July 2022.
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
# Seasonality of the reports that are not open data, January to December (normalised to a mean of 1).
REPORTED_SEASONALITY = {
    "domestic_abuse": [1.06, 0.94, 0.97, 0.98, 1.00, 1.04, 1.05, 1.02, 0.97, 0.98, 0.97, 1.08],
    "hate_incidents": [0.92, 0.92, 1.00, 1.00, 1.04, 1.08, 1.10, 1.04, 1.00, 1.00, 0.96, 0.94],
}


@dataclass(frozen=True)
class ReportedAssumption:
    """City monthly counts at the start and end of the series (linear between), for reports that are not
    open data; spread over LSOAs like the named real crime type."""

    start: float
    end: float
    spread_like: str
    spike: dict[str, float]


@dataclass(frozen=True)
class SurveyAssumption:
    respondents_per_ward_month: float
    base: float  # share agreeing in the least deprived ward
    deprivation_effect: float  # fall in the share from least to most deprived ward
    drift: float  # change in the share from April 2016 to July 2025


@dataclass(frozen=True)
class ReoffendingAssumption:
    """Proven re-offending: monthly cohort size and proportion re-offending (start, end)."""

    cohort: float
    start: float
    end: float


REPORTED_ASSUMPTIONS = {
    "hate_incidents": ReportedAssumption(150.0, 230.0, "public_order", {"2016-07": 1.4, "2017-06": 1.2}),
    "domestic_abuse": ReportedAssumption(1100.0, 1480.0, "violence_sexual", {}),
}
SURVEY_ASSUMPTIONS = {
    "feel_safe": SurveyAssumption(30, 0.92, 0.16, -0.02),
    "satisfaction_confidence": SurveyAssumption(30, 0.82, 0.14, -0.03),
}
REOFFENDING_ASSUMPTION = ReoffendingAssumption(cohort=330.0, start=0.29, end=0.255)


@dataclass(frozen=True)
class RealHistory:
    """What the generator is calibrated to: the real months' city counts and where they fell."""

    city: pd.DataFrame  # index: month (the real months, in order); one column per crime type and ASB
    lsoa: pd.DataFrame  # index: LSOA; one column per crime type and ASB: counts over the real months

    @property
    def months(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.city.index)

    def daily_rate(self) -> pd.Series:
        """Each type's average count per day over the real months."""
        return self.city.sum() / self.months.days_in_month.to_numpy().sum()

    def first_year_level(self, column: str | None = None) -> float:
        """The first 12 real months' daily rate, relative to the whole real average (crime, or one type)."""
        days = self.months.days_in_month.to_numpy()
        counts = self.city[column] if column else self.city.drop(columns=ASB, errors="ignore").sum(axis=1)
        return float((counts.iloc[:12].sum() / days[:12].sum()) / (counts.sum() / days.sum()))

    def seasonality(self, column: str, fallback: np.ndarray | None = None) -> np.ndarray:
        """The type's daily rate in each calendar month over its year's average (January first), averaged
        over the real years and, for rare types, shrunk towards the ``fallback`` shape; mean 1."""
        counts = self.city[column] if column else self.city.drop(columns=ASB, errors="ignore").sum(axis=1)
        daily = counts.to_numpy() / self.months.days_in_month.to_numpy()
        years = len(daily) // 12
        ratio = np.zeros(12)
        for year in range(years):
            block = daily[year * 12 : (year + 1) * 12]
            ratio[self.months.month.to_numpy()[year * 12 : (year + 1) * 12] - 1] += block / block.mean()
        shape = ratio / years
        if fallback is not None:
            weight = counts.mean() / (counts.mean() + SEASON_SHRINK)
            shape = weight * shape + (1 - weight) * fallback
        return shape / shape.mean()


def month_range(first: pd.Timestamp, last: pd.Timestamp) -> pd.DatetimeIndex:
    return pd.date_range(first, last, freq="MS")


def _years_since_start(months: pd.DatetimeIndex) -> np.ndarray:
    return ((months - FIRST_MONTH).days.to_numpy() + 14) / 365.25


def _interpolate(anchors: dict[str, float], months: pd.DatetimeIndex) -> np.ndarray:
    anchor_times = pd.to_datetime(list(anchors)).astype("int64").to_numpy()
    mid_month = (months + pd.Timedelta(days=14)).astype("int64").to_numpy()
    return np.interp(mid_month, anchor_times, np.array(list(anchors.values())))


def _shape(shape: list[float] | np.ndarray, months: pd.DatetimeIndex) -> np.ndarray:
    values = np.asarray(shape, dtype=float)
    return (values / values.mean())[months.month.to_numpy() - 1]


def _shock(factors: dict[str, float], months: pd.DatetimeIndex) -> np.ndarray:
    return np.array([factors.get(m.strftime("%Y-%m"), 1.0) for m in months])


def _drift(start: float, months: pd.DatetimeIndex, join: pd.Timestamp) -> np.ndarray:
    span = (join - FIRST_MONTH).days
    position = np.clip((months - FIRST_MONTH).days.to_numpy() / span, 0, 1)
    return start + (1.0 - start) * position


def spatial_shares(counts: pd.DataFrame, population: pd.Series) -> pd.DataFrame:
    """Each LSOA's share of each type: its share of the real months' counts, plus 1% of the type spread by
    population (so an LSOA with none in the real months is not fixed at zero)."""
    floor = np.outer(population / population.sum() * 0.01, counts.sum().to_numpy())
    blended = counts + floor
    return blended / blended.sum()


def _expected_type(
    column: str, real: RealHistory, months: pd.DatetimeIndex, crime_index: np.ndarray, join: pd.Timestamp
) -> np.ndarray:
    """Expected city count per month for one type, at its real level, mix and seasonality."""
    days = months.days_in_month.to_numpy()
    overall = real.seasonality("")
    if column == ASB:
        anchors = {**ASB_TREND_ANCHORS, join.strftime("%Y-%m-15"): real.first_year_level(ASB)}
        index = _interpolate(anchors, months) * _shock(COVID_ASB, months)
    else:
        index = crime_index * _drift(TYPE_DRIFT.get(column, 1.0), months, join)
    return float(real.daily_rate()[column]) * index * _shape(real.seasonality(column, overall), months) * days


def _crime_index(months: pd.DatetimeIndex, level_2016: float, level_2017: float, join_level: float) -> np.ndarray:
    anchors = {"2016-07-01": level_2016, "2017-07-01": level_2017, **CRIME_TREND_ANCHORS}
    anchors[(months[-1] + pd.Timedelta(days=14)).strftime("%Y-%m-%d")] = join_level
    return _interpolate(anchors, months) * _shock(COVID_CRIME, months)


def _calendar_mask(months: pd.DatetimeIndex, year: int, first_month: int = 1) -> np.ndarray:
    return (months.year == year) & (months.month >= first_month)


def _solve(real: RealHistory, months: pd.DatetimeIndex, join: pd.Timestamp) -> dict[str, np.ndarray]:
    """Expected city counts per type, with the 2016 and 2017 anchors that make them meet the city facts."""
    crime_types = [c for c in real.city.columns if c != ASB]
    level_2016, level_2017 = 0.8, 0.9
    in_2017, apr_dec_2016, apr_dec_2017 = (
        _calendar_mask(months, 2017),
        _calendar_mask(months, 2016, 4),
        _calendar_mask(months, 2017, 4),
    )
    for _ in range(60):
        index = _crime_index(months, level_2016, level_2017, real.first_year_level())
        total = sum((_expected_type(t, real, months, index, join) for t in crime_types), np.zeros(len(months)))
        level_2017 *= (RECORDED_CRIME_2017 / total[in_2017].sum()) ** 0.8
        wanted_2016 = total[apr_dec_2017].sum() / (1 + GROWTH_2017_ON_2016)
        level_2016 *= (wanted_2016 / total[apr_dec_2016].sum()) ** 0.8
    index = _crime_index(months, level_2016, level_2017, real.first_year_level())
    expected = {t: _expected_type(t, real, months, index, join) for t in crime_types}
    if ASB in real.city.columns:
        expected[ASB] = _expected_type(ASB, real, months, index, join)
    return expected


def _draw_fixed_total(rng: np.random.Generator, expected: np.ndarray, total: int) -> np.ndarray:
    flat = expected.ravel()
    return rng.multinomial(total, flat / flat.sum()).reshape(expected.shape)


def model_police_history(
    real: RealHistory, population: pd.Series, rng: np.random.Generator, codes: pd.Index
) -> pd.DataFrame:
    """Modelled monthly counts per LSOA for every police.uk type, from April 2016 to the last month before
    the real history (``population`` spreads 1% of each type; the mid-2015 residents)."""
    join = real.months[0]
    months = month_range(FIRST_MONTH, join - pd.DateOffset(months=1))
    shares = spatial_shares(real.lsoa.reindex(codes).fillna(0.0), population.reindex(codes))
    expected_city = _solve(real, months, join)
    indicators = list(real.city.columns)
    noise = rng.lognormal(0.0, MONTH_NOISE, size=(len(indicators), len(months)))
    # expected[indicator, month, lsoa]
    expected = np.stack(
        [np.outer(expected_city[ind] * noise[i], shares[ind].to_numpy()) for i, ind in enumerate(indicators)]
    )
    counts = rng.poisson(expected).astype(float)
    crime_rows = np.array([ind != ASB for ind in indicators])
    for mask, total in _fixed_totals(months, counts, crime_rows):
        fixed = counts[crime_rows]
        fixed[:, mask, :] = _draw_fixed_total(rng, expected[crime_rows][:, mask, :], total)
        counts[crime_rows] = fixed
    return _long(counts, indicators, months, codes)


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
    real: RealHistory, population: pd.Series, last_month: pd.Timestamp, rng: np.random.Generator, codes: pd.Index
) -> pd.DataFrame:
    """Hate incidents and domestic abuse reports per LSOA, April 2016 to the last month."""
    months = month_range(FIRST_MONTH, last_month)
    shares = spatial_shares(real.lsoa.reindex(codes).fillna(0.0), population.reindex(codes))
    frames = []
    for indicator, spec in REPORTED_ASSUMPTIONS.items():
        level = np.interp(_years_since_start(months), [0, _years_since_start(months)[-1]], [spec.start, spec.end])
        city = level * _shape(REPORTED_SEASONALITY[indicator], months) * _shock(spec.spike, months)
        expected = np.outer(city, shares[spec.spread_like].to_numpy())[None, :, :]
        frames.append(_long(rng.poisson(expected).astype(float), [indicator], months, codes))
    return pd.concat(frames, ignore_index=True)


def ward_deprivation(lsoa: pd.DataFrame, national_lsoas: int = NATIONAL_LSOAS_2021) -> pd.Series:
    """Population-weighted deprivation of each ward, 0 (least) to 1 (most), from IoD 2025 ranks."""
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
    for indicator, spec in SURVEY_ASSUMPTIONS.items():
        share = spec.base - spec.deprivation_effect * deprivation.to_numpy()[None, :] + spec.drift * position[:, None]
        respondents = rng.poisson(spec.respondents_per_ward_month, size=share.shape).clip(min=5)
        agreeing = rng.binomial(respondents, np.clip(share, 0.01, 0.99))
        frame = _long(agreeing[None].astype(float), [indicator], months, deprivation.index)
        frame["denominator"] = respondents.ravel().astype(float)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def model_reoffending(city_code: str, last_month: pd.Timestamp, rng: np.random.Generator) -> pd.DataFrame:
    months = month_range(FIRST_MONTH, last_month)
    spec = REOFFENDING_ASSUMPTION
    share = np.linspace(spec.start, spec.end, len(months))
    cohort = rng.poisson(spec.cohort, size=len(months))
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
    real: RealHistory, lsoa: pd.DataFrame, last_month: pd.Timestamp, city_code: str, seed: int = SEED
) -> pd.DataFrame:
    """Every modelled row of the default dataset, in the values-table shape."""
    rng = np.random.default_rng(seed)
    codes = lsoa.index
    police = model_police_history(real, lsoa["population_2015"], rng, codes)
    frames = [
        police,
        _totals(police),
        model_reported_counts(real, lsoa["population"], last_month, rng, codes),
        model_surveys(lsoa, last_month, rng),
        model_reoffending(city_code, last_month, rng),
    ]
    modelled = pd.concat(frames, ignore_index=True)
    modelled["status"] = MODELLED
    modelled["source"] = MODELLED_SOURCE
    return modelled


def _totals(police: pd.DataFrame) -> pd.DataFrame:
    crimes = police[police["indicator"] != ASB]
    total = crimes.groupby(["period", "area_code"], sort=True)["value"].sum().reset_index()
    total["indicator"] = "total_crime"
    total["denominator"] = np.nan
    return total
