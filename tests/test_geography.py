"""Areas at every level: codes of every vintage, nesting, populations, the editable neighbourhood file."""

from __future__ import annotations

import pandas as pd
import pytest

from saferleeds.core.catalogue import load_catalogue
from saferleeds.core.errors import DataError
from saferleeds.core.geography import CITY_CODE, load_geography, normalise_name, slugify
from saferleeds.core.paths import PROJECT_ROOT, DatasetPaths

WARDS = pd.read_csv(PROJECT_ROOT / "geo" / "wards.csv", dtype=str)
LEEDS_RESIDENTS_2021 = 812_017  # Census 2021, the sum of the LSOAs
LEEDS_POPULATION_MID_2015 = 771_857
LEEDS_WORKDAY_2021 = 833_000
LEVEL_COUNTS = [
    ("lsoa", 488),
    ("msoa", 107),
    ("ward", 33),
    ("committee", 10),
    ("constituency", 8),
    ("neighbourhood", 6),
    ("city", 1),
]


@pytest.fixture(scope="module")
def geography(dataset):
    return dataset.geography


# ----------------------------------------------------------------------------- codes of every vintage


@pytest.mark.parametrize("vintage", ["ward_code_2018", "ward_code_2019", "ward_code_2025"])
def test_every_ward_code_of_every_vintage_is_recognised(geography, vintage):
    for canonical, code in zip(WARDS["ward_code"], WARDS[vintage], strict=True):
        assert geography.recognise(code) == ("ward", canonical)
        assert geography.recognise(code.lower()) == ("ward", canonical)


def test_the_open_data_ward_codes_map_to_one_canonical_ward_each(geography, shared_data):
    source = pd.read_csv(shared_data / "leeds_wards.csv", dtype=str)
    assert len(source) == 33
    for row in source.to_dict("records"):
        found = {geography.recognise(row[f"ward_code_{year}"]) for year in (2018, 2019, 2025)}
        assert len(found) == 1, row
        level, code = found.pop()
        assert level == "ward"
        assert geography.name(code) == row["ward_name"]


def test_recoded_wards_exist_in_the_lookup():
    recoded = WARDS[
        (WARDS["ward_code_2018"] != WARDS["ward_code_2025"]) | (WARDS["ward_code_2019"] != WARDS["ward_code_2025"])
    ]
    assert len(recoded) == 6
    assert (WARDS["ward_code"] == WARDS["ward_code_2025"]).all()


def test_lsoa_2011_codes_map_to_2021(geography, shared_data):
    lookup = pd.read_csv(shared_data / "leeds_lsoa11_to_ward19.csv", dtype=str)
    assert len(lookup) == 482
    for code11 in lookup["LSOA11CD"]:
        level, code21 = geography.recognise(code11)
        assert level == "lsoa"
        assert code21 in geography.lsoa.index
        if code11 in geography.lsoa.index:
            assert code21 == code11


@pytest.mark.parametrize(
    ("code11", "code21"),
    [("E01011490", "E01035048"), ("E01033018", "E01035054"), ("E01033019", "E01035054"), ("E01011264", "E01011264")],
)
def test_retired_lsoa_2011_codes_map_to_their_best_fit(geography, code11, code21):
    assert geography.lsoa11_best_fit[code11] == code21
    assert geography.recognise(code11) == ("lsoa", code21)


# ----------------------------------------------------------------------------- levels and nesting


@pytest.mark.parametrize(("level", "count"), LEVEL_COUNTS)
def test_number_of_areas_at_each_level(geography, level, count):
    assert len(geography.level_areas(level)) == count


def test_every_lsoa_is_in_exactly_one_ward_committee_and_constituency(geography):
    lsoa = geography.lsoa
    assert lsoa.index.is_unique
    for column, level in (
        ("msoa_code", "msoa"),
        ("ward_code", "ward"),
        ("committee_code", "committee"),
        ("constituency_code", "constituency"),
    ):
        assert lsoa[column].notna().all()
        assert set(lsoa[column]) == set(geography.level_areas(level)["code"])


def test_each_committee_is_whole_wards(geography):
    committee_of_lsoa = geography.lsoa.groupby("ward_code")["committee_code"].nunique()
    assert (committee_of_lsoa == 1).all()
    for committee in geography.level_areas("committee")["code"]:
        wards = geography.members(committee, "ward")
        from_wards = sorted(code for ward in wards for code in geography.members(ward, "lsoa"))
        assert from_wards == sorted(geography.members(committee, "lsoa"))


def test_priority_neighbourhoods(geography):
    areas = geography.level_areas("neighbourhood")
    members = geography.lsoa["neighbourhood_code"].dropna()
    assert len(members) == 12
    new_wortley = geography.recognise_name("New Wortley")
    assert new_wortley is not None and new_wortley[0] == "neighbourhood"
    armley = geography.recognise_name("Armley", level="ward")[1]
    assert set(geography.members(new_wortley[1], "lsoa")) <= set(geography.members(armley, "lsoa"))
    # One neighbourhood per ward it falls in, named by ward (New Wortley by name).
    for code in areas["code"]:
        wards = geography.lsoa.loc[geography.members(code, "lsoa"), "ward_code"].unique()
        assert len(wards) == 1
    assert sorted(areas["name"]) == [
        "Beeston & Holbeck priority neighbourhood",
        "Burmantofts & Richmond Hill priority neighbourhood",
        "Gipton & Harehills priority neighbourhood",
        "Hunslet & Riverside priority neighbourhood",
        "Killingbeck & Seacroft priority neighbourhood",
        "New Wortley",
    ]
    assert (geography.lsoa.loc[members.index, "imd_rank_2019"] <= 328).all()  # IMD 2019 defines them


@pytest.mark.parametrize("level", ["lsoa", "msoa", "ward", "committee", "constituency", "city"])
def test_populations_add_up_to_leeds(geography, level):
    assert geography.population(level).sum() == pytest.approx(LEEDS_RESIDENTS_2021, abs=0.5)
    assert geography.lsoa["population_2015"].sum() == pytest.approx(LEEDS_POPULATION_MID_2015, abs=0.5)


def test_the_workday_population_exists_only_where_areas_are_made_of_whole_msoas(geography, dataset):
    workday = dataset.catalogue.rates.population("workday_rate")
    assert geography.population("msoa", workday).sum() == LEEDS_WORKDAY_2021
    assert geography.population("city", workday).iloc[0] == LEEDS_WORKDAY_2021
    wards = geography.population("ward", workday)
    assert wards.notna().sum() == 9 and len(wards) == 33
    assert geography.population("lsoa", workday).isna().all()
    centre = geography.recognise_name("Leeds City Centre")
    assert centre is not None and centre[0] == "msoa"
    assert geography.population("msoa", workday)[centre[1]] > 4 * geography.population("msoa")[centre[1]]


def test_every_lsoa_is_in_the_msoa_its_name_starts_with(geography):
    lsoa = geography.lsoa
    msoa_names = lsoa["msoa_code"].map(lambda code: geography.other_names[code][0])
    assert (lsoa["lsoa_name"].str[:-1] == msoa_names).all()
    per_msoa = lsoa.groupby("msoa_code").size()
    assert per_msoa.between(3, 9).all() and len(per_msoa) == 107


def test_88_msoas_lie_in_one_ward_and_9_wards_are_made_of_whole_msoas(geography):
    spread = geography.lsoa.groupby("msoa_code")["ward_code"].nunique()
    assert (spread == 1).sum() == 88 and (spread > 1).sum() == 19
    whole = geography.whole_parents("msoa", "ward")
    assert whole.nunique() == 9 and len(whole) == 29
    for msoa, ward in whole.items():
        assert set(geography.lsoa.loc[geography.lsoa["msoa_code"] == msoa, "ward_code"]) == {ward}
    assert (
        geography.whole_parents("msoa", "city").nunique() == 1 and len(geography.whole_parents("msoa", "city")) == 107
    )
    assert geography.whole_parents("msoa", "lsoa").empty
    with pytest.raises(ValueError, match="do not nest"):
        geography.parent_map("msoa", "ward")


def test_city(geography):
    assert geography.recognise(CITY_CODE) == ("city", CITY_CODE)
    assert geography.name(CITY_CODE) == "Leeds"
    assert len(geography.members(CITY_CODE, "lsoa")) == 488


def test_parent_maps_only_offer_exact_nesting(geography):
    assert geography.parent_map("ward", "committee").notna().all()
    with pytest.raises(ValueError, match="do not nest"):
        geography.parent_map("ward", "constituency")


def test_slugs_are_unique(geography):
    slugs = geography.areas["slug"]
    assert slugs.is_unique
    assert slugs.str.fullmatch(r"[a-z0-9-]+").all()
    assert geography.recognise("burmantofts-richmond-hill") == geography.recognise_name("Burmantofts & Richmond Hill")


@pytest.mark.parametrize(
    ("name", "level", "expected_level"),
    [
        ("Pudsey", None, None),  # a ward and a constituency: ambiguous without a level
        ("Pudsey", "ward", "ward"),
        ("Pudsey", "constituency", "constituency"),
        ("pudsey", "ward", "ward"),
        ("Burmantofts and Richmond Hill", None, "ward"),
        ("Inner East", None, "committee"),
        ("Leeds Central", None, "constituency"),
        ("Leeds", None, "city"),
        ("Leeds 011A", None, "lsoa"),
        ("Harehills North", None, "msoa"),  # the House of Commons Library name
        ("Leeds 001", None, "msoa"),  # the ONS name beside it
        ("woodhouse and little london", None, "msoa"),
        ("Kirkstall", None, None),  # a ward and an MSOA
        ("Kirkstall", "msoa", "msoa"),
        ("Nowhere", None, None),
    ],
)
def test_name_recognition(geography, name, level, expected_level):
    found = geography.recognise_name(name, level=level)
    assert (found[0] if found else None) == expected_level


def test_msoas_are_known_by_code_and_both_names_and_wards_keep_their_plain_links(geography):
    harehills = geography.recognise("harehills-north")
    assert harehills is not None and harehills[0] == "msoa"
    assert geography.recognise(harehills[1]) == harehills == geography.recognise(harehills[1].lower())
    assert geography.name(harehills[1]) == "Harehills North"
    assert geography.recognise("kirkstall")[0] == "ward" and geography.recognise("kirkstall-msoa")[0] == "msoa"
    assert geography.recognise_name("Leeds 001") == geography.recognise_name("Wetherby West")


def test_pudsey_ward_and_constituency_are_different_areas(geography):
    ward = geography.recognise_name("Pudsey", level="ward")[1]
    seat = geography.recognise_name("Pudsey", level="constituency")[1]
    assert ward != seat
    assert geography.slug(ward) != geography.slug(seat)


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Burmantofts & Richmond Hill", "burmantofts-richmond-hill"), ("Headingley & Hyde Park", "headingley-hyde-park")],
)
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_normalise_name_treats_and_and_ampersand_alike():
    assert normalise_name("Gipton & Harehills") == normalise_name("gipton and harehills")


# ----------------------------------------------------------------------------- the editable neighbourhood file


def test_editing_the_neighbourhood_file_changes_the_areas(home: DatasetPaths):
    home.neighbourhoods.write_text(
        "neighbourhood_code,neighbourhood_name,lsoa_code\n"
        "PN-TEST,Test Estate,E01011264\n"
        "PN-TEST,Test Estate,E01011490\n"  # a 2011 code: mapped to its 2021 best fit
        "PN-OTHER,Other Estate,E01011265\n",
        encoding="utf-8",
    )
    geography = load_geography(home, load_catalogue(home.catalogue).levels)
    areas = geography.level_areas("neighbourhood")
    assert sorted(areas["name"]) == ["Other Estate", "Test Estate"]
    assert sorted(geography.members("PN-TEST", "lsoa")) == ["E01011264", "E01035048"]
    expected = geography.lsoa.loc[["E01011264", "E01035048"], "population"].sum()
    assert geography.population("neighbourhood")["PN-TEST"] == expected


BAD_NEIGHBOURHOOD_FILES = [
    (
        "unknown LSOA",
        "neighbourhood_code,neighbourhood_name,lsoa_code\nPN-A,A,E01011264\nPN-A,A,E01099999\n",
        3,
        "lsoa_code",
        "'E01099999' is not a Leeds LSOA code",
    ),
    (
        "missing name",
        "neighbourhood_code,neighbourhood_name,lsoa_code\nPN-A,A,E01011264\nPN-A,,E01011265\n",
        3,
        "neighbourhood_code",
        "code and name are required",
    ),
    (
        "missing column",
        "neighbourhood_code,name,lsoa_code\nPN-A,A,E01011264\n",
        1,
        None,
        "missing column(s): neighbourhood_name",
    ),
    (
        "LSOA in two neighbourhoods",
        "neighbourhood_code,neighbourhood_name,lsoa_code\nPN-A,A,E01011264\nPN-B,B,E01011264\n",
        None,
        "lsoa_code",
        "in more than one priority neighbourhood",
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "row", "column", "words"), BAD_NEIGHBOURHOOD_FILES, ids=[b[0] for b in BAD_NEIGHBOURHOOD_FILES]
)
def test_a_bad_neighbourhood_file_names_file_row_and_column(home: DatasetPaths, name, text, row, column, words):
    home.neighbourhoods.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_geography(home, load_catalogue(home.catalogue).levels)
    problem = caught.value.problems[0]
    assert problem.file == "priority_neighbourhoods.csv"
    assert (problem.row, problem.column) == (row, column)
    assert words in problem.message
    if row is not None:
        assert f"priority_neighbourhoods.csv, row {row}" in str(caught.value)
