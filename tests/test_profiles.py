"""Area profiles: which area is shown, its wards and neighbours, key figures and locator shapes."""

from __future__ import annotations

import pandas as pd
import pytest

from saferleeds.analysis import profiles
from saferleeds.analysis.aggregate import latest_period
from saferleeds.analysis.area_summary import summarise
from saferleeds.core.geography import CITY_CODE
from saferleeds.present.charts import views

pytestmark = pytest.mark.xdist_group("profiles")  # one worker: see tests/README.md

ARMLEY = "E05011385"
INNER_EAST = "CC-INNER-EAST"
LEEDS_CENTRAL = "E14000777"
NEW_WORTLEY = "PN-NEW-WORTLEY"


def test_a_small_area_shows_the_local_area_it_is_in_and_no_area_shows_leeds(dataset):
    geography = dataset.geography
    lsoa = geography.members(ARMLEY, "lsoa")[0]
    level, code, note = profiles.profile_area(geography, lsoa)
    assert (level, code) == ("msoa", geography.lsoa.at[lsoa, "msoa_code"]) and geography.name(lsoa) in note
    assert "local areas (MSOAs) and larger areas" in note
    assert profiles.profile_area(geography, None) == ("city", CITY_CODE, "")
    assert profiles.profile_area(geography, "nowhere") is None
    assert profiles.profile_area(geography, "inner-east")[:2] == ("committee", INNER_EAST)


def test_every_ward_committee_area_constituency_neighbourhood_and_msoa_has_a_profile(dataset):
    options = profiles.profile_options(dataset.geography)
    assert len(options) == 33 + 10 + 8 + 6 + 107
    assert profiles.profile_area(dataset.geography, "harehills-north")[0] == "msoa"
    labels = {lv.id: lv.label for lv in dataset.catalogue.levels}
    assert profiles.option_label(dataset.geography, labels, INNER_EAST) == "Inner East (community committee area)"


def test_overlap_shares(dataset):
    geography = dataset.geography
    assert profiles.overlap_share(geography, ARMLEY, "CC-INNER-WEST") == 1.0
    assert profiles.overlap_share(geography, NEW_WORTLEY, ARMLEY) == 1.0
    share = profiles.overlap_share(geography, INNER_EAST, LEEDS_CENTRAL)
    assert 0 < share < 1


def test_a_ward_links_to_its_committee_area_constituency_and_neighbourhoods(dataset):
    links = profiles.related_areas(dataset, "ward", ARMLEY)
    by_kind = {(link.level_label, link.name): link.relation for link in links}
    assert by_kind[("Community committee area", "Inner West")] == "all of Armley is in it"
    assert by_kind[("Parliamentary constituency", "Leeds West")] == "all of Armley is in it"
    assert by_kind[("Priority neighbourhood", "New Wortley")] == "all of it is in Armley"
    assert all(link.slug and " " not in link.slug for link in links)


def test_members_of_areas_made_of_wards(dataset):
    geography = dataset.geography
    inner_east = profiles.member_codes(geography, "committee", INNER_EAST)
    assert [geography.name(c) for c in inner_east] == [
        "Burmantofts & Richmond Hill",
        "Gipton & Harehills",
        "Killingbeck & Seacroft",
    ]
    assert len(profiles.member_codes(geography, "city", CITY_CODE)) == 10
    assert profiles.member_codes(geography, "ward", ARMLEY) == []
    central = profiles.member_codes(geography, "constituency", LEEDS_CENTRAL)
    assert "E05012647" in central  # Beeston & Holbeck


@pytest.mark.parametrize(
    ("code", "level", "members", "related"),
    [
        (ARMLEY, "ward", 0, 3 + 3),  # its committee, seat and neighbourhood, and the 3 MSOAs it touches
        (INNER_EAST, "committee", 3, 5 + 12),
        pytest.param(LEEDS_CENTRAL, "constituency", 8, 7 + 22, marks=pytest.mark.slow),  # a sweep beyond two kinds
        pytest.param(NEW_WORTLEY, "neighbourhood", 0, 3 + 1, marks=pytest.mark.slow),
        pytest.param("E02002393", "msoa", 0, 7, marks=pytest.mark.slow),  # Lincoln Green & St James
    ],
)
def test_profiles_of_each_kind_of_area(dataset, code, level, members, related):
    profile = profiles.build_profile(dataset, code, latest_period(dataset), "count", "total_crime")
    assert profile.level == level and profile.code == code
    assert len(profile.member_links) == members and len(profile.members) == members
    assert len(profile.related) == related
    assert profile.summary.headline.startswith(f"{profile.name}, ")
    assert profile.key_figures and all(f.words() for f in profile.key_figures)
    assert set(profile.trend["area"]) == {profile.name, "Leeds"}
    assert len(profile.increases) <= 3 and len(profile.decreases) <= 3


def test_an_indicator_not_published_for_the_area_falls_back_to_a_key_indicator(dataset):
    profile = profiles.build_profile(dataset, LEEDS_CENTRAL, latest_period(dataset), "count", "feel_safe")
    assert profile.trend_indicator.id == "total_crime"
    assert "not published for parliamentary constituencies" in profile.trend_note


def test_a_constituency_says_how_much_of_each_ward_lies_in_it(dataset):
    profile = profiles.build_profile(dataset, LEEDS_CENTRAL, latest_period(dataset), "count", "total_crime")
    column = "Share of the ward's residents in the constituency"
    shares = profile.members.set_index("Area")[column]
    assert shares["Beeston & Holbeck"] == "100%" and shares["Temple Newsam"] == "16%"


def test_key_figures_in_words(dataset):
    profile = profiles.build_profile(dataset, ARMLEY, latest_period(dataset), "count", "total_crime")
    crime = next(f for f in profile.key_figures if f.indicator.id == "total_crime")
    words = crime.words()
    assert words.startswith(crime.value_text + " (") and "per 1,000" in words and "Leeds" in words
    ward = summarise(dataset, "total_crime", "ward", latest_period(dataset), "rate").set_index("code").loc[ARMLEY]
    assert f"{ward['verdict']} the Leeds average" in words and crime.status in words  # the funnel's verdict
    table = profile.key_table
    assert list(table.columns[:2]) == ["Indicator", "Armley"] and len(table) == len(profile.key_figures)


def test_locator_shapes_mark_a_neighbourhood_too_small_to_see(dataset):
    background, outline, marker = profiles.locator_shapes(dataset, "neighbourhood", NEW_WORTLEY)
    assert len(background) == 107 and len(outline) == 1  # shown among the local areas (MSOAs)
    lon, lat = marker
    assert -1.8 < lon < -1.3 and 53.7 < lat < 53.95
    wards, none, no_marker = profiles.locator_shapes(dataset, "ward", ARMLEY)
    assert len(wards) == 33 and none is None and no_marker is None
    assert {"code", "name", "geometry"} <= set(wards[0])


@pytest.mark.parametrize("level", ["msoa", "ward", "committee", "constituency"])
def test_a_locator_maps_shapes_are_simplified_below_a_pixel_and_shared_by_every_map_of_the_level(dataset, level):
    import shapely
    import shapely.geometry

    codes = list(dataset.geography.level_areas(level)["code"])
    first, other = (profiles.locator_shapes(dataset, level, code)[0] for code in codes[:2])
    assert first is other, "one list of shapes per level"
    boundaries = dataset.boundaries(level).set_index("code")
    assert [f["code"] for f in first] == list(boundaries.index)
    for feature in first:
        drawn = shapely.geometry.shape(feature["geometry"])
        exact = boundaries.geometry[feature["code"]]
        assert drawn.is_valid and not drawn.is_empty
        assert drawn.symmetric_difference(exact).area < 0.05 * exact.area  # the smallest differ most
        assert shapely.hausdorff_distance(drawn, exact) < 2 * profiles.LOCATOR_TOLERANCE  # under a pixel
        assert shapely.get_num_coordinates(drawn) <= shapely.get_num_coordinates(exact)


def test_profile_charts_describe_themselves(dataset):
    profile = profiles.build_profile(dataset, NEW_WORTLEY, latest_period(dataset), "count", "total_crime")
    assert "New Wortley" in views.profile_trend_chart(profile).to_dict()["description"]
    assert "red circle" in views.profile_locator_chart(dataset, profile).to_dict()["description"]
    assert isinstance(profile.trend_window.start, pd.Timestamp)


def test_every_key_indicator_has_a_small_two_year_chart_beside_leeds(dataset):
    profile = profiles.build_profile(dataset, ARMLEY, latest_period(dataset), "count", "total_crime")
    assert set(profile.key_trends) == {f.indicator.id for f in profile.key_figures}
    recent = profile.key_trends["total_crime"]
    assert recent["period"].nunique() == 24 and set(recent["area"]) == {"Armley", "Leeds"}
    assert all(len(pair) <= 2 for pair in profile.key_figure_pairs()) and len(profile.key_figure_pairs()[0]) == 2
    chart = views.profile_key_trend_chart(profile, "total_crime").to_dict()
    assert "Armley and Leeds" in chart["description"]
    assert "Armley (blue) and Leeds (grey)" in profiles.key_trends_key(profile)
