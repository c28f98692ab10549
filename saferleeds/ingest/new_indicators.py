"""Catalogue entries for new indicators: from a workbook's catalogue sheet or the Data page's form.

An entry is checked like every catalogue entry (``saferleeds.core.catalogue.indicator_problems``)
and written as TOML appended to the catalogue text, every string escaped, so no text a person
types (a control character, a quote, a newline) can make the catalogue unreadable.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from saferleeds.core.catalogue import (
    REQUIRED_INDICATOR_FIELDS,
    Catalogue,
    Indicator,
    indicator_problems,
    parse_catalogue,
)
from saferleeds.core.errors import DataError, Problem
from saferleeds.core.text import quoted
from saferleeds.core.vocabulary import Levels
from saferleeds.ingest.table_files import Table, column_key

LIST_FIELDS = ("priorities", "themes", "geographies")
BOOL_FIELDS = ("key", "sensitive")
RANGE_FIELD = "plausible_range"
ENTRY_FIELDS = (*REQUIRED_INDICATOR_FIELDS, RANGE_FIELD)
LONGEST_FIELD = 2000  # characters in one field of an entry: a definition is a few sentences


def _split_list(text: Any) -> list[str]:
    if isinstance(text, list | tuple):
        return [str(t).strip() for t in text if str(t).strip()]
    return [part.strip() for part in re.split(r"[;,]", str(text)) if part.strip()]


def _boolean(text: Any) -> bool | str:
    if isinstance(text, bool):
        return text
    cleaned = str(text).strip().lower()
    if cleaned in ("", "false", "no", "n", "0"):
        return False
    if cleaned in ("true", "yes", "y", "1"):
        return True
    return str(text)


def _range(text: Any) -> list[float] | str:
    """'0-100', '0; 100' or [0, 100] as two numbers; anything else is kept for the check to refuse."""
    parts = text if isinstance(text, list | tuple) else re.split(r"\s*(?:[;,]|\bto\b|(?<=\d)-)\s*", str(text).strip())
    try:
        numbers = [float(p) for p in parts]
    except (TypeError, ValueError):
        return str(text)
    return numbers if len(numbers) == 2 else str(text)


def entry_from_fields(fields: dict[str, Any], levels: Levels) -> dict[str, Any]:
    """A raw catalogue entry from a form or a catalogue-sheet row, with sensible defaults."""
    entry: dict[str, Any] = {}
    for name, value in fields.items():
        key = column_key(name)
        if key in LIST_FIELDS:
            entry[key] = _split_list(value)
        elif key in BOOL_FIELDS:
            entry[key] = _boolean(value)
        elif key == RANGE_FIELD:
            if str(value).strip():
                entry[key] = _range(value)
        elif key in REQUIRED_INDICATOR_FIELDS:
            entry[key] = str(value).strip()
    entry["id"] = entry.get("id", "").lower()
    entry.setdefault("short_label", entry.get("label", ""))
    entry["short_label"] = entry["short_label"] or entry.get("label", "")
    entry.setdefault("themes", [])
    entry.setdefault("key", False)
    entry.setdefault("sensitive", False)
    if not entry.get("source_url"):
        entry["source_url"] = "not given"
    priorities = entry.get("priorities") or []
    if not entry.get("primary_priority") and priorities:
        entry["primary_priority"] = priorities[0]
    native = entry.get("native_geography", "")
    native = levels.from_word(native) or native.lower()
    entry["native_geography"] = native
    if not entry.get("geographies") and native in levels:
        entry["geographies"] = [native, *levels.nests_in(native)]
    entry["geographies"] = [levels.from_word(g) or g.lower() for g in entry.get("geographies", [])]
    return entry


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and every control character escaped."""
    cleaned = text.encode("utf-8", "replace").decode("utf-8")  # a lone surrogate cannot be written
    escaped = []
    for char in cleaned:
        if char in ('"', "\\"):
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return (
            "[" + ", ".join(_toml_value(v) if isinstance(v, int | float) else toml_string(str(v)) for v in value) + "]"
        )
    return toml_string(str(value))


def entry_toml(entry: dict[str, Any]) -> str:
    lines = ["", "[[indicators]]"]
    lines += [f"{name} = {_toml_value(entry[name])}" for name in ENTRY_FIELDS if name in entry]
    return "\n".join(lines) + "\n"


def _too_long(entry: dict[str, Any], where: str) -> list[str]:
    """Fields too long to be what they say (checked first, so no message echoes a huge field)."""
    found = [
        f"{where}: '{name}' is longer than {LONGEST_FIELD:,} characters"
        for name, value in entry.items()
        if len(str(value)) > LONGEST_FIELD
    ]
    if len(str(entry.get("id", ""))) > 64:
        found.append(f"{where}: the id is longer than 64 characters")
    return found


def _entry_problems(entry: dict[str, Any], catalogue: Catalogue, seen: set[str], where: str) -> list[str]:
    found = _too_long(entry, where)
    if not found:
        priorities = {p.id for p in catalogue.priorities}
        themes = {t.id for t in catalogue.themes}
        found = indicator_problems(entry, priorities, themes, set(catalogue.level_ids), where)
    if entry.get("id") in seen:
        found.append(f"{where} is given twice")
    seen.add(entry.get("id", ""))
    return found


def _parsed(text: str, accepted: list[dict[str, Any]]) -> tuple[dict[str, Indicator], list[str]]:
    try:
        parsed = parse_catalogue(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        return {}, [f"the new catalogue entries cannot be written as TOML ({exc})"]
    except DataError as exc:
        return {}, [p.message for p in exc.problems]
    return {e["id"]: parsed.indicator(e["id"]) for e in accepted}, []


def catalogue_additions(
    entries: list[tuple[dict[str, Any], str, int | None]], catalogue: Catalogue, catalogue_text: str
) -> tuple[str | None, dict[str, Indicator], list[Problem]]:
    """New catalogue text and the new indicators, from raw entries (entry, file label, row).

    Entries for indicators already in the catalogue are left out (the catalogue keeps its entry).
    """
    problems: list[Problem] = []
    accepted: list[dict[str, Any]] = []
    seen: set[str] = set()
    for entry, label, row in entries:
        where = f"indicator {quoted(entry.get('id') or '?', 40)}"
        if catalogue.has_indicator(entry.get("id", "")):
            message = f"{where} is already in the catalogue; its existing entry is kept"
            problems.append(Problem(label, message, row, "id", severity="warning"))
            continue
        found = _entry_problems(entry, catalogue, seen, where)
        problems.extend(Problem(label, message, row) for message in found)
        if not found:
            accepted.append(entry)
    if not accepted or any(p.severity == "error" for p in problems):
        return None, {}, problems
    text = catalogue_text.rstrip("\n") + "\n" + "".join(entry_toml(e) for e in accepted)
    new, failures = _parsed(text, accepted)
    if failures:
        return None, {}, problems + [Problem("new catalogue entries", message) for message in failures]
    return text, new, problems


def catalogue_entries(tables: list[Table], levels: Levels) -> list[tuple[dict[str, Any], str, int | None]]:
    """Raw entries from catalogue sheets: one row per new indicator, one column per field."""
    entries: list[tuple[dict[str, Any], str, int | None]] = []
    for table in tables:
        for index, record in enumerate(table.frame.to_dict("records")):
            if not any(str(v).strip() for v in record.values()):
                continue
            entries.append((entry_from_fields(record, levels), table.label, table.row_number(index)))
    return entries
