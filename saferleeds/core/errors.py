"""Errors that carry the file, row and column a user needs to fix their input."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as precisely as possible."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    severity: str = "error"  # "error" stops the load; "warning" is reported and the load goes on

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class DataError(ValueError):
    """Raised when an input cannot be loaded; ``problems`` lists every located problem."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("; ".join(str(p) for p in self.problems[:5]) + self._more())

    def _more(self) -> str:
        extra = len(self.problems) - 5
        return f" (and {extra} more problems)" if extra > 0 else ""


def file_label(path: str | Path) -> str:
    """The name a user recognises for a file: its base name, or the member path inside a zip."""
    text = str(path)
    if "!" in text:
        archive, member = text.split("!", 1)
        return f"{Path(archive).name}!{member}"
    return Path(text).name
