"""Recognising the areas named in uploaded files, by code of any vintage or by exact name.

When a code or name is not recognised, the closest known codes and names are offered so the
person can see what they probably meant.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from saferleeds.core.geography import Geography, normalise_name
from saferleeds.core.text import quoted

LONGEST_SUGGESTED = 80  # longer text is not a mistyped code or name: nothing close is looked for


@dataclass
class AreaMatcher:
    """Resolves codes and names to (level, canonical code), with suggestions for the unknown."""

    geography: Geography
    _codes: list[str] = field(init=False)
    _names: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self._codes = sorted(self.geography.aliases)
        names = {normalise_name(n): n for n in self.geography.areas["name"]}
        names.update({normalise_name(n): n for n in self.geography.lsoa["lsoa_name"]})
        self._names = names

    def by_code(self, text: str) -> tuple[str, str] | None:
        found = self.geography.aliases.get(str(text).strip().upper())
        return found

    def by_name(self, text: str, level: str | None = None) -> tuple[str, str] | list[tuple[str, str]] | None:
        """The area with this exact name; a list when the name is shared by several levels."""
        matches = self.geography.names.get(normalise_name(str(text)), [])
        if level is not None:
            matches = [m for m in matches if m[0] == level]
        if len(matches) == 1:
            return matches[0]
        return matches or None

    def describe(self, level: str, code: str) -> str:
        return f"{self.geography.name(code)} ({self.geography.levels.get(level).noun} {code})"

    def closest(self, text: str, limit: int = 3) -> list[str]:
        """The closest known areas to an unrecognised code or name, described in words."""
        text = str(text).strip()
        suggestions: list[str] = []
        if len(text) > LONGEST_SUGGESTED:
            return suggestions
        for code in difflib.get_close_matches(text.upper(), self._codes, n=limit, cutoff=0.6):
            level, canonical = self.geography.aliases[code]
            suggestions.append(
                self.describe(level, canonical) if code == canonical else f"{code} ({self.describe(level, canonical)})"
            )
        for key in difflib.get_close_matches(normalise_name(text), list(self._names), n=limit, cutoff=0.6):
            for level, canonical in self.geography.names.get(key, []):
                suggestions.append(self.describe(level, canonical))
        return list(dict.fromkeys(suggestions))[:limit]

    def unknown_message(self, text: str, what: str = "area code") -> str:
        shown = text if str(text).strip() else "(empty)"
        closest = self.closest(text)
        hint = f"; closest known: {'; '.join(closest)}" if closest else ""
        return f"{quoted(shown)} is not a known Leeds {what}{hint}"
