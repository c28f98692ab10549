"""Areas of Leeds at every level, how codes of every vintage are recognised, and how levels nest.

Every area is built from LSOAs (2021), the smallest unit open data is published for:

* ward: ONS best fit (codes of the 2018, 2019 and 2025 vintages all map to one canonical code);
* community committee area: groups of whole wards;
* parliamentary constituency (2010-24 seats): LSOA best fit, the seat its representative point lies in;
* priority neighbourhood: groups of LSOAs from the editable ``data/priority_neighbourhoods.csv``;
* city: all of Leeds.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from saferleeds.core.errors import DataError, Problem, file_label
from saferleeds.core.paths import DatasetPaths

LEVELS = ("lsoa", "neighbourhood", "ward", "committee", "constituency", "city")
AREA_LEVELS = ("ward", "committee", "constituency", "neighbourhood")
CITY_CODE = "E08000035"
CITY_NAME = "Leeds"

# Which coarser levels each level's areas nest in exactly.
NESTS_IN: dict[str, tuple[str, ...]] = {
    "lsoa": ("neighbourhood", "ward", "committee", "constituency", "city"),
    "ward": ("committee", "city"),
    "committee": ("city",),
    "constituency": ("city",),
    "neighbourhood": (),
    "city": (),
}
LSOA_COLUMN = {
    "ward": "ward_code",
    "committee": "committee_code",
    "constituency": "constituency_code",
    "neighbourhood": "neighbourhood_code",
    "city": "city_code",
}
LSOA_CODE_PATTERN = re.compile(r"^[EW]01\d{6}$")


def slugify(text: str) -> str:
    """A readable URL fragment: 'Burmantofts & Richmond Hill' -> 'burmantofts-richmond-hill'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def normalise_name(text: str) -> str:
    """Loose key for matching area names typed by people ('and' and '&' are the same)."""
    text = text.lower().replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@dataclass
class Geography:
    """Lookups for every level; boundaries are read separately (see ``saferleeds.core.boundaries``)."""

    lsoa: pd.DataFrame  # index: LSOA 2021 code
    areas: pd.DataFrame  # one row per area at every level except LSOA: level, code, name, slug, population
    aliases: dict[str, tuple[str, str]]  # any recognised code (upper case) -> (level, canonical code)
    lsoa11_best_fit: pd.Series  # LSOA 2011 code -> LSOA 2021 code
    wards: pd.DataFrame  # index: canonical ward code
    names: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # name -> [(level, code)]
    # Lookups made once and reused: pages ask for names and level lists many times a run.
    _by_level: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False, compare=False)
    _name_of: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def level_areas(self, level: str) -> pd.DataFrame:
        """Areas of one level with code, name, slug and population, in name order."""
        if level not in self._by_level:
            self._by_level[level] = self._level_areas(level)
        return self._by_level[level].copy(deep=False)  # the caller's own frame; the data is shared until changed

    def _level_areas(self, level: str) -> pd.DataFrame:
        if level == "lsoa":
            frame = self.lsoa.reset_index()[["lsoa_code", "lsoa_name", "population"]]
            frame = frame.rename(columns={"lsoa_code": "code", "lsoa_name": "name"})
            frame.insert(0, "level", "lsoa")
            frame["slug"] = frame["code"].str.lower()
            return frame.sort_values("name", kind="stable").reset_index(drop=True)
        return self.areas[self.areas["level"] == level].reset_index(drop=True)

    def recognise(self, code: str) -> tuple[str, str] | None:
        """(level, canonical code) for any recognised code or slug, or None."""
        key = str(code).strip().upper()
        if key in self.aliases:
            return self.aliases[key]
        slug = str(code).strip().lower()
        match = self.areas[self.areas["slug"] == slug]
        if len(match):
            row = match.iloc[0]
            return row["level"], row["code"]
        return None

    def recognise_name(self, name: str, level: str | None = None) -> tuple[str, str] | None:
        """(level, code) of the area with this exact name (case and '&'/'and' aside).

        A name shared by two levels (Pudsey is a ward and a constituency) needs ``level``.
        """
        matches = self.names.get(normalise_name(str(name)), [])
        if level is not None:
            matches = [m for m in matches if m[0] == level]
        return matches[0] if len(matches) == 1 else None

    def level_of(self, code: str) -> str | None:
        found = self.recognise(code)
        return found[0] if found else None

    def name(self, code: str) -> str:
        if not self._name_of:
            first_of_each = self.areas.drop_duplicates("code")
            pairs = [*zip(first_of_each["code"], first_of_each["name"], strict=True)]
            pairs += zip(self.lsoa.index, self.lsoa["lsoa_name"], strict=True)  # an LSOA's own name comes first
            self._name_of.update((code, str(name)) for code, name in pairs)
        return self._name_of.get(code, str(code))

    def slug(self, code: str) -> str:
        match = self.areas.loc[self.areas["code"] == code, "slug"]
        return str(match.iloc[0]) if len(match) else str(code).lower()

    def population(self, level: str) -> pd.Series:
        """Residents (mid-2015) by area code for one level."""
        frame = self.level_areas(level)
        return frame.set_index("code")["population"].astype(float)

    def parent_map(self, from_level: str, to_level: str) -> pd.Series:
        """Code of each ``from_level`` area -> code of the ``to_level`` area it nests in.

        Only exact nesting is offered (see NESTS_IN); areas outside every target area (LSOAs not in
        a priority neighbourhood) are left out.
        """
        if to_level == from_level:
            codes = self.level_areas(from_level)["code"]
            return pd.Series(codes.values, index=codes.values)
        if to_level not in NESTS_IN.get(from_level, ()):
            raise ValueError(f"{from_level} areas do not nest in {to_level} areas")
        if from_level == "lsoa":
            return self.lsoa[LSOA_COLUMN[to_level]].dropna()
        if from_level == "ward":
            column = "committee_code" if to_level == "committee" else "city_code"
            return self.wards[column]
        codes = self.level_areas(from_level)["code"]
        return pd.Series(CITY_CODE, index=codes.values)

    def members(self, code: str, member_level: str) -> list[str]:
        """Codes of the ``member_level`` areas inside an area (for example the wards of a committee)."""
        found = self.recognise(code)
        if not found:
            return []
        level, canonical = found
        if member_level == level:
            return [canonical]
        if member_level == "lsoa":
            if level == "city":
                return list(self.lsoa.index)
            return list(self.lsoa.index[self.lsoa[LSOA_COLUMN[level]] == canonical])
        if level in NESTS_IN.get(member_level, ()):
            mapping = self.parent_map(member_level, level)
            return sorted(mapping.index[mapping == canonical], key=self.name)
        return []

    def touching(self, code: str, level: str) -> list[str]:
        """Codes of ``level`` areas sharing at least one LSOA with the area, largest share first."""
        lsoas = self.lsoa.loc[self.members(code, "lsoa")]
        column = LSOA_COLUMN[level]
        shares = lsoas.groupby(column)["population"].sum().sort_values(ascending=False)
        return [str(c) for c in shares.index]


def _read_csv(path: Path, **kwargs) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, **kwargs)
    except FileNotFoundError as exc:
        raise DataError(Problem(file_label(path), "this lookup file is missing")) from exc
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise DataError(Problem(file_label(path), f"this lookup file cannot be read: {exc}")) from exc


def read_neighbourhoods(path: Path, lsoa_codes: set[str], lsoa11_best_fit: pd.Series) -> pd.DataFrame:
    """Read the editable priority-neighbourhood definition: one row per (neighbourhood, LSOA).

    LSOA codes may be 2011 or 2021 codes; 2011 codes map to their best-fit 2021 LSOA.
    """
    raw = _read_csv(path)
    label = file_label(path)
    required = ["neighbourhood_code", "neighbourhood_name", "lsoa_code"]
    missing = [c for c in required if c not in raw.columns]
    if missing:
        raise DataError(Problem(label, f"missing column(s): {', '.join(missing)}", row=1))
    problems = []
    rows = []
    for number, record in enumerate(raw.to_dict("records"), start=2):
        code = record["lsoa_code"].strip().upper()
        if code in lsoa_codes:
            canonical = code
        elif code in lsoa11_best_fit.index:
            canonical = lsoa11_best_fit[code]
        else:
            problems.append(Problem(label, f"'{code}' is not a Leeds LSOA code", number, "lsoa_code"))
            continue
        if not record["neighbourhood_code"].strip() or not record["neighbourhood_name"].strip():
            problems.append(Problem(label, "neighbourhood code and name are required", number, "neighbourhood_code"))
            continue
        rows.append((record["neighbourhood_code"].strip(), record["neighbourhood_name"].strip(), canonical))
    if problems:
        raise DataError(problems)
    frame = pd.DataFrame(rows, columns=["neighbourhood_code", "neighbourhood_name", "lsoa_code"])
    duplicated = frame[frame.duplicated("lsoa_code", keep=False)]
    if len(duplicated):
        code = duplicated["lsoa_code"].iloc[0]
        raise DataError(Problem(label, f"LSOA {code} is in more than one priority neighbourhood", column="lsoa_code"))
    return frame


def _unique_slugs(areas: pd.DataFrame) -> pd.Series:
    seen: set[str] = set()
    slugs = []
    for level, name in zip(areas["level"], areas["name"], strict=True):
        slug = slugify(name)
        if slug in seen:
            slug = f"{slug}-{level}"
        seen.add(slug)
        slugs.append(slug)
    return pd.Series(slugs, index=areas.index)


def load_geography(paths: DatasetPaths) -> Geography:
    """Read the area lookups of a dataset folder; raises DataError naming a missing or bad file."""
    lsoa = _read_csv(paths.geo / "lsoa_lookup.csv").set_index("lsoa_code")
    lsoa["population"] = pd.to_numeric(lsoa["population"]).astype(float)
    for column in ("imd_rank", "imd_decile", "crime_rank", "crime_decile"):
        lsoa[column] = pd.to_numeric(lsoa[column])
    wards = _read_csv(paths.geo / "wards.csv").set_index("ward_code")
    constituencies = _read_csv(paths.geo / "constituencies.csv")
    lsoa11 = _read_csv(paths.geo / "lsoa11_lookup.csv")
    lsoa11_best_fit = lsoa11.set_index("lsoa11_code")["lsoa21_code"]

    neighbourhoods = read_neighbourhoods(paths.neighbourhoods, set(lsoa.index), lsoa11_best_fit)
    lsoa["committee_code"] = lsoa["ward_code"].map(wards["committee_code"])
    lsoa["neighbourhood_code"] = lsoa.index.map(neighbourhoods.set_index("lsoa_code")["neighbourhood_code"])
    lsoa["city_code"] = CITY_CODE
    wards["city_code"] = CITY_CODE

    def summed(column: str) -> pd.Series:
        return lsoa.groupby(column)["population"].sum()

    committees = wards.drop_duplicates("committee_code")[["committee_code", "committee_name"]]
    pn_names = neighbourhoods.drop_duplicates("neighbourhood_code")
    frames = [
        pd.DataFrame({"level": "ward", "code": wards.index, "name": wards["ward_name"].values}),
        pd.DataFrame(
            {
                "level": "committee",
                "code": committees["committee_code"].values,
                "name": committees["committee_name"].values,
            }
        ),
        pd.DataFrame(
            {
                "level": "constituency",
                "code": constituencies["constituency_code"].values,
                "name": constituencies["constituency_name"].values,
            }
        ),
        pd.DataFrame(
            {
                "level": "neighbourhood",
                "code": pn_names["neighbourhood_code"].values,
                "name": pn_names["neighbourhood_name"].values,
            }
        ),
        pd.DataFrame({"level": ["city"], "code": [CITY_CODE], "name": [CITY_NAME]}),
    ]
    areas = pd.concat(frames, ignore_index=True)
    areas["order"] = areas["level"].map(LEVELS.index)
    areas = areas.sort_values(["order", "name"], kind="stable").drop(columns="order")
    areas = areas.reset_index(drop=True)
    populations = pd.concat([summed(LSOA_COLUMN[lv]) for lv in (*AREA_LEVELS, "city")])
    areas["population"] = areas["code"].map(populations).astype(float)
    areas["slug"] = _unique_slugs(areas)

    aliases: dict[str, tuple[str, str]] = {code.upper(): ("lsoa", code) for code in lsoa.index}
    for code11, code21 in lsoa11_best_fit.items():
        aliases.setdefault(code11.upper(), ("lsoa", code21))
    for canonical, row in wards.iterrows():
        for vintage in ("code_2018", "code_2019", "code_2025"):
            aliases[row[vintage].upper()] = ("ward", canonical)
    for level, code in zip(areas["level"], areas["code"], strict=True):
        aliases.setdefault(code.upper(), (level, code))

    names: dict[str, list[tuple[str, str]]] = {}
    for level, code, name in zip(areas["level"], areas["code"], areas["name"], strict=True):
        names.setdefault(normalise_name(name), []).append((level, code))
    for code, lsoa_name in lsoa["lsoa_name"].items():
        names.setdefault(normalise_name(lsoa_name), []).append(("lsoa", code))
    return Geography(lsoa=lsoa, areas=areas, aliases=aliases, lsoa11_best_fit=lsoa11_best_fit, wards=wards, names=names)
