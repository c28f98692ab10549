"""Small helpers for writing plain English."""

from __future__ import annotations


def sentence_case(text: str) -> str:
    """Capitalise the first letter only ('significantly above the Leeds average' keeps 'Leeds')."""
    return text[:1].upper() + text[1:] if text else text


def join_words(items: list[str], conjunction: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


QUOTED_LENGTH = 80


def shortened(value: object, limit: int = QUOTED_LENGTH) -> str:
    """A value from a file cut to ``limit`` characters, so a 5 MB cell never becomes a 5 MB message."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quoted(value: object, limit: int = QUOTED_LENGTH) -> str:
    """A value from a file, cut to ``limit`` characters and quoted for a message."""
    return f"'{shortened(value, limit)}'"
