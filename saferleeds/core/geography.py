"""Areas of Leeds at every level, how codes of every vintage are recognised, and how levels nest.

Every area is built from LSOAs (2021), the smallest unit open data is published for. The levels, what
each nests in and where each level's areas are listed come from the catalogue (``[[levels]]``): a level's
areas file names its areas and gives each LSOA its area (by a column of ``geo/lsoa_lookup.csv``, or by an
``lsoa_code`` column of its own, as the editable ``data/priority_neighbourhoods.csv`` does). Declared
nesting is checked against the data when the geography is read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from saferleeds.core.errors import DataError, Problem, file_label
from saferleeds.core.paths import DatasetPaths
from saferleeds.core.vocabulary import Level, Levels, Population

CITY_CODE = "E08000035"
CITY_NAME = "Leeds"
LSOA_CODE_PATTERN = re.compile(r"^[EW]01\d{6}$")
LSOA_LOOKUP = "geo/lsoa_lookup.csv"
LSOA11_LOOKUP = "geo/lsoa11_lookup.csv"
NUMERIC_LSOA_COLUMNS = (
    "imd_rank",
    "imd_decile",
    "imd_score",
    "crime_rank",
    "crime_decile",
    "imd_rank_2019",
    "imd_decile_2019",
    "population_2015",
)
GROUP_RESIDENTS_PREFIX = "residents_"  # residents of one ethnic group (Census 2021), per LSOA


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

    levels: Levels
    lsoa: pd.DataFrame  # index: LSOA 2021 code; lsoa_name, population, and <level>_code for every other level
    areas: pd.DataFrame  # one row per area at every level except LSOA: level, code, name, slug, population
    aliases: dict[str, tuple[str, str]]  # any recognised code (upper case) -> (level, canonical code)
    lsoa11_best_fit: pd.Series  # LSOA 2011 code -> LSOA 2021 code
    names: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # name -> [(level, code)]
    listed_levels: frozenset[str] = frozenset()  # levels whose areas file lists their LSOAs (shapes follow it)
    # Lookups made once and reused: pages ask for names and level lists many times a run.
    _by_level: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False, compare=False)
    _name_of: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    other_names: dict[str, list[str]] = field(default_factory=dict)  # code -> other names ('Leeds 001')
    _derived: dict = field(default_factory=dict, repr=False, compare=False)

    def code_column(self, level: str) -> str:
        return self.levels.get(level).code_column

    def level_areas(self, level: str) -> pd.DataFrame:
        """Areas of one level with code, name, slug and population, in name order."""
        if level not in self._by_level:
            self._by_level[level] = self._level_areas(level)
        return self._by_level[level].copy(deep=False)  # the caller's own frame; the data is shared until changed

    def _level_areas(self, level: str) -> pd.DataFrame:
        if level == self.levels.finest:
            frame = self.lsoa.reset_index()[["lsoa_code", "lsoa_name", "population"]]
            frame = frame.rename(columns={"lsoa_code": "code", "lsoa_name": "name"})
            frame.insert(0, "level", level)
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
            # Made whole, then added in one step: another thread asking meanwhile never sees half of it.
            self._name_of.update({code: str(name) for code, name in pairs})
        return self._name_of.get(code, str(code))

    def slug(self, code: str) -> str:
        match = self.areas.loc[self.areas["code"] == code, "slug"]
        return str(match.iloc[0]) if len(match) else str(code).lower()

    def population(self, level: str, base: Population | None = None) -> pd.Series:
        """People by area code for one level: residents, or ``base`` (another population of the catalogue).

        A population held by one level's areas (the workday population of MSOAs) exists for those areas
        and for every area made only of whole areas of that level; other areas get NaN.
        """
        if base is None or (not base.level and base.column == "population"):
            return self._derive(("residents", level), lambda: self._residents(level))
        return self._derive(("population", level, base.column, base.level), lambda: self._population(level, base))

    def _residents(self, level: str) -> pd.Series:
        return self.level_areas(level).set_index("code")["population"].astype(float)

    def _population(self, level: str, base: Population) -> pd.Series:
        codes = self.level_areas(level)["code"]
        if not base.level:
            by_lsoa = pd.to_numeric(self.lsoa[base.column], errors="coerce")
            if level == self.levels.finest:
                return by_lsoa.reindex(codes).astype(float).set_axis(codes.to_numpy())
            return by_lsoa.groupby(self.lsoa[self.code_column(level)]).sum().reindex(codes).astype(float)
        held = self.areas[self.areas["level"] == base.level].set_index("code")
        figures = pd.to_numeric(held.get(base.column, pd.Series(dtype=float)), errors="coerce")
        parents = self.whole_parents(base.level, level)
        summed = figures.reindex(parents.index).groupby(parents.to_numpy()).sum(min_count=1)
        return summed.reindex(codes.to_numpy()).astype(float)

    def whole_parents(self, source: str, target: str) -> pd.Series:
        """Code of each ``source`` area lying wholly inside a ``target`` area that is made only of whole
        ``source`` areas -> that target's code. Declared nesting gives every source area; otherwise only
        the target areas exactly built from source areas appear (a ward cutting through an MSOA does not)."""
        return self._derive(("whole_parents", source, target), lambda: self._whole_parents(source, target))

    def _whole_parents(self, source: str, target: str) -> pd.Series:
        if self.levels.nests(source, target):
            return self.parent_map(source, target)
        if target == self.levels.finest:
            return pd.Series(dtype="str")
        pairs = self.lsoa[[self.code_column(source), self.code_column(target)]].astype("object")
        pairs.columns = ["source", "target"]
        pairs = pairs.where(pairs.notna() & (pairs != ""), None)
        inside = pairs.dropna(subset=["source"])
        spread = inside.groupby("source")["target"].agg(["nunique", "count", "size", "first"])
        whole = spread[(spread["nunique"] == 1) & (spread["count"] == spread["size"])]["first"]
        built = pairs.dropna(subset=["target"])
        exact = (built["source"].map(whole) == built["target"]).groupby(built["target"]).all()
        return whole[whole.isin(exact.index[exact.to_numpy()])].astype(str)

    def _derive(self, key: tuple, compute):
        if key not in self._derived:
            self._derived[key] = compute()
        return self._derived[key]

    def parent_map(self, from_level: str, to_level: str) -> pd.Series:
        """Code of each ``from_level`` area -> code of the ``to_level`` area it nests in.

        Only the nesting the catalogue declares is offered; areas outside every target area (LSOAs not
        in a priority neighbourhood) are left out.
        """
        if to_level == from_level:
            codes = self.level_areas(from_level)["code"]
            return pd.Series(codes.values, index=codes.values)
        if not self.levels.nests(from_level, to_level):
            raise ValueError(f"{from_level} areas do not nest in {to_level} areas")
        target = self.code_column(to_level)
        if from_level == self.levels.finest:
            return self.lsoa[target].dropna()
        pairs = self.lsoa[[self.code_column(from_level), target]].dropna().drop_duplicates()
        return pairs.set_index(self.code_column(from_level))[target]

    def members(self, code: str, member_level: str) -> list[str]:
        """Codes of the ``member_level`` areas inside an area (for example the wards of a committee)."""
        found = self.recognise(code)
        if not found:
            return []
        level, canonical = found
        if member_level == level:
            return [canonical]
        if member_level == self.levels.finest:
            return list(self.lsoa.index[self.lsoa[self.code_column(level)] == canonical])
        if self.levels.nests(member_level, level):
            mapping = self.parent_map(member_level, level)
            return sorted(mapping.index[mapping == canonical], key=self.name)
        return []

    def residents_by_lsoa(self, code: str) -> dict[str, float]:
        """Residents of each LSOA inside an area (worked out once per area)."""

        def build() -> dict[str, float]:
            population = self.lsoa["population"]
            members = self.members(code, self.levels.finest)
            return dict(zip(members, population.loc[members].to_numpy(dtype=float).tolist(), strict=True))

        return self._derive(("residents_by_lsoa", code), build)

    def touching(self, code: str, level: str) -> list[str]:
        """Codes of ``level`` areas sharing at least one LSOA with the area, largest share first."""
        lsoas = self.lsoa.loc[self.members(code, self.levels.finest)]
        shares = lsoas.groupby(self.code_column(level))["population"].sum().sort_values(ascending=False)
        return [str(c) for c in shares.index]


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError as exc:
        raise DataError(Problem(file_label(path), "this lookup file is missing")) from exc
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise DataError(Problem(file_label(path), f"this lookup file cannot be read: {exc}")) from exc


def read_memberships(path: Path, level: Level, lsoa_codes: set[str], lsoa11_best_fit: pd.Series) -> pd.DataFrame:
    """Read an areas file that lists its LSOAs (one row per area and LSOA), such as the editable
    priority-neighbourhood definition. LSOA codes may be 2011 or 2021 codes; 2011 codes map to their
    best-fit 2021 LSOA. Columns returned: ``<level>_code``, ``<level>_name``, ``lsoa_code``."""
    raw = _read_csv(path)
    label = file_label(path)
    code_column, name_column = level.code_column, level.name_column
    missing = [c for c in (code_column, name_column, "lsoa_code") if c not in raw.columns]
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
            problems.append(Problem(label, f"'{code[:80]}' is not a Leeds LSOA code", number, "lsoa_code"))
            continue
        if not record[code_column].strip() or not record[name_column].strip():
            problems.append(Problem(label, f"{level.noun} code and name are required", number, code_column))
            continue
        rows.append((record[code_column].strip(), record[name_column].strip(), canonical))
    if problems:
        raise DataError(problems)
    frame = pd.DataFrame(rows, columns=[code_column, name_column, "lsoa_code"])
    duplicated = frame[frame.duplicated("lsoa_code", keep=False)]
    if len(duplicated):
        code = duplicated["lsoa_code"].iloc[0]
        raise DataError(Problem(label, f"LSOA {code} is in more than one {level.noun}", column="lsoa_code"))
    return frame


def _unique_slugs(areas: pd.DataFrame, levels: Levels) -> pd.Series:
    """A slug per area; where two areas share a name, the level first in the menu keeps the plain slug
    (the ward Kirkstall is 'kirkstall', the MSOA 'kirkstall-msoa')."""
    seen: set[str] = set()
    slugs: dict[int, str] = {}
    order = areas["level"].map(lambda lv: levels.get(lv).menu_order).sort_values(kind="stable")
    for index in order.index:
        level, name = areas.at[index, "level"], areas.at[index, "name"]
        slug = slugify(name)
        if slug in seen:
            slug = f"{slug}-{level}"
        seen.add(slug)
        slugs[index] = slug
    return pd.Series(slugs).reindex(areas.index)


@dataclass
class _LevelAreas:
    """One level's areas as read: names (with any older codes), and the LSOAs' codes of this level."""

    names: pd.DataFrame  # code, name, older_* columns of older codes, other_* columns of other names, figures
    lsoa_codes: pd.Series  # LSOA code -> area code (LSOAs outside every area are absent)
    listed: bool = False  # the areas file lists the LSOAs itself


def _level_areas(paths: DatasetPaths, level: Level, lsoa: pd.DataFrame, lsoa11: pd.Series) -> _LevelAreas:
    path = paths.root / level.areas_file
    table = _read_csv(path)
    label = file_label(path)
    unique = level.code_column in table.columns and table[level.code_column].is_unique
    if "lsoa_code" in table.columns:
        members = read_memberships(path, level, set(lsoa.index), lsoa11)
        table = members.drop_duplicates(level.code_column)
        codes = members.set_index("lsoa_code")[level.code_column]
        listed = True
    else:
        missing = [c for c in (level.code_column, level.name_column) if c not in table.columns]
        if missing:
            raise DataError(Problem(label, f"missing column(s): {', '.join(missing)}", row=1))
        if level.code_column not in lsoa.columns:
            raise DataError(
                Problem(
                    file_label(paths.root / LSOA_LOOKUP),
                    f"no '{level.code_column}' column, so the {level.plural} cannot be built from LSOAs",
                    row=1,
                )
            )
        table = table.drop_duplicates(level.code_column)
        codes = lsoa[level.code_column].replace("", pd.NA).dropna()
        unknown = sorted(set(codes) - set(table[level.code_column]))
        if unknown:
            raise DataError(Problem(label, f"{level.noun} {unknown[0][:80]} is used by LSOAs but not listed here"))
        listed = False
    older = [c for c in table.columns if c.startswith(f"{level.code_column}_")]
    other = [c for c in table.columns if c.startswith(f"{level.name_column}_")]
    figures = [] if listed or not unique else _figure_columns(table, {level.code_column, level.name_column})
    names = table[[level.code_column, level.name_column, *older, *other, *figures]].rename(
        columns={level.code_column: "code", level.name_column: "name"}
    )
    names.columns = [f"older_{c}" if c in older else f"other_{c}" if c in other else c for c in names.columns]
    for column in figures:
        names[column] = pd.to_numeric(names[column])
    return _LevelAreas(names.reset_index(drop=True), codes, listed)


def _figure_columns(table: pd.DataFrame, skip: set[str]) -> list[str]:
    """Columns of numbers in a one-row-per-area file (such as an MSOA's workday population)."""
    chosen = []
    for column in table.columns:
        if column in skip or column.endswith(("_code", "_name")) or "_code_" in column or "_name_" in column:
            continue
        filled = table[column][table[column].str.strip() != ""]
        if len(filled) and pd.to_numeric(filled, errors="coerce").notna().all():
            chosen.append(column)
    return chosen


def _check_nesting(levels: Levels, lsoa: pd.DataFrame, catalogue_label: str) -> None:
    """Every nesting the catalogue declares must hold in the data: each area lies in one coarser area."""
    for level in levels:
        if level.id == levels.finest:
            continue
        for coarser in level.nests_in:
            pairs = lsoa[[level.code_column, levels.get(coarser).code_column]].dropna()
            spread = pairs.groupby(level.code_column)[levels.get(coarser).code_column].nunique()
            split = spread[spread > 1]
            if len(split):
                raise DataError(
                    Problem(
                        catalogue_label,
                        f"{level.plural} are declared to nest in {levels.get(coarser).plural}, but "
                        f"{split.index[0]} lies in {int(split.iloc[0])} of them",
                        column="nests_in",
                    )
                )


def _read_lsoas(paths: DatasetPaths) -> tuple[pd.DataFrame, pd.Series]:
    lsoa = _read_csv(paths.root / LSOA_LOOKUP).set_index("lsoa_code")
    lsoa["population"] = pd.to_numeric(lsoa["population"]).astype(float)
    for column in lsoa.columns:
        if column in NUMERIC_LSOA_COLUMNS or column.startswith(GROUP_RESIDENTS_PREFIX):
            lsoa[column] = pd.to_numeric(lsoa[column])
    lsoa11 = _read_csv(paths.root / LSOA11_LOOKUP).set_index("lsoa11_code")["lsoa21_code"]
    return lsoa, lsoa11


def _aliases(lsoa: pd.DataFrame, lsoa11: pd.Series, read: dict[str, _LevelAreas], areas: pd.DataFrame, finest: str):
    aliases: dict[str, tuple[str, str]] = {code.upper(): (finest, code) for code in lsoa.index}
    for code11, code21 in lsoa11.items():
        aliases.setdefault(str(code11).upper(), (finest, code21))
    for level_id, found in read.items():
        for column in (c for c in found.names.columns if c.startswith("older_")):
            for canonical, other in zip(found.names["code"], found.names[column], strict=True):
                if other:
                    aliases[str(other).upper()] = (level_id, canonical)
    for level, code in zip(areas["level"], areas["code"], strict=True):
        aliases.setdefault(str(code).upper(), (level, code))
    return aliases


def _names(
    areas: pd.DataFrame, lsoa: pd.DataFrame, other_names: dict[str, list[str]], finest: str
) -> dict[str, list[tuple[str, str]]]:
    names: dict[str, list[tuple[str, str]]] = {}
    for level, code, name in zip(areas["level"], areas["code"], areas["name"], strict=True):
        for each in (name, *other_names.get(code, [])):
            entry = names.setdefault(normalise_name(each), [])
            if (level, code) not in entry:
                entry.append((level, code))
    for code, lsoa_name in lsoa["lsoa_name"].items():
        names.setdefault(normalise_name(lsoa_name), []).append((finest, str(code)))
    return names


def _other_names(read: dict[str, _LevelAreas]) -> dict[str, list[str]]:
    """Code -> the other names its areas file gives it (the ONS 'Leeds 001' beside 'Wetherby West')."""
    other: dict[str, list[str]] = {}
    for found in read.values():
        for column in (c for c in found.names.columns if c.startswith("other_")):
            for code, name in zip(found.names["code"], found.names[column], strict=True):
                if isinstance(name, str) and name.strip():
                    other.setdefault(str(code), []).append(name.strip())
    return other


def _plain(names: pd.DataFrame) -> pd.DataFrame:
    """An areas file's code, name and figures, without its older codes and other names."""
    return names[[c for c in names.columns if not c.startswith(("older_", "other_"))]]


def load_geography(paths: DatasetPaths, levels: Levels, catalogue_label: str = "catalogue.toml") -> Geography:
    """Read the area lookups of a dataset folder for the catalogue's levels; raises DataError naming a
    missing or bad file, or a declared nesting the data does not keep."""
    lsoa, lsoa11 = _read_lsoas(paths)
    read: dict[str, _LevelAreas] = {}
    for level in levels:
        if level.areas_file:
            read[level.id] = _level_areas(paths, level, lsoa, lsoa11)
            lsoa[level.code_column] = lsoa.index.map(read[level.id].lsoa_codes)
    lsoa[levels.get(levels.city).code_column] = CITY_CODE
    _check_nesting(levels, lsoa, catalogue_label)
    frames = [_plain(found.names).assign(level=level_id) for level_id, found in read.items()]
    frames.append(pd.DataFrame({"code": [CITY_CODE], "name": [CITY_NAME], "level": [levels.city]}))
    areas = pd.concat(frames, ignore_index=True)
    areas = areas[["level", "code", "name", *[c for c in areas.columns if c not in ("level", "code", "name")]]]
    areas["order"] = areas["level"].map(levels.rank)
    areas = areas.sort_values(["order", "name"], kind="stable").drop(columns="order").reset_index(drop=True)
    populations = pd.concat(
        [lsoa.groupby(levels.get(lv).code_column)["population"].sum() for lv in (*read, levels.city)]
    )
    areas["population"] = areas["code"].map(populations).astype(float)
    areas["slug"] = _unique_slugs(areas, levels)
    other_names = _other_names(read)
    return Geography(
        levels=levels,
        lsoa=lsoa,
        areas=areas,
        aliases=_aliases(lsoa, lsoa11, read, areas, levels.finest),
        lsoa11_best_fit=lsoa11,
        names=_names(areas, lsoa, other_names, levels.finest),
        other_names=other_names,
        listed_levels=frozenset(level_id for level_id, found in read.items() if found.listed),
    )
