"""Reading what a rendered picture shows: how much of it each colour covers, and how far two renders differ."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image


def pixels(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGB"))


def rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def colour_counts(png: bytes, colours: list[str]) -> dict[str, int]:
    """How many pixels are exactly each of ``colours`` (the fills of a map's classes)."""
    image = pixels(png).reshape(-1, 3)
    packed = (image[:, 0].astype(np.int64) << 16) | (image[:, 1].astype(np.int64) << 8) | image[:, 2]
    values, counts = np.unique(packed, return_counts=True)
    found = dict(zip(values.tolist(), counts.tolist(), strict=True))
    return {c: found.get((rgb(c)[0] << 16) | (rgb(c)[1] << 8) | rgb(c)[2], 0) for c in colours}


def shares(counts: dict[str, int]) -> dict[str, float]:
    total = sum(counts.values())
    return {colour: count / total if total else 0.0 for colour, count in counts.items()}


def difference(first: bytes, second: bytes, block: int = 4, threshold: int = 48) -> float:
    """The share of the picture that differs, compared in ``block``-pixel squares (so anti-aliasing,
    a font's hinting or a one-pixel shift do not count): 0 for the same picture, 1 for nothing alike.
    Pictures of different sizes differ wholly."""
    a, b = pixels(first).astype(float), pixels(second).astype(float)
    if a.shape != b.shape:
        return 1.0
    height, width = (a.shape[0] // block) * block, (a.shape[1] // block) * block

    def coarse(image: np.ndarray) -> np.ndarray:
        return image[:height, :width].reshape(height // block, block, width // block, block, 3).mean(axis=(1, 3))

    return float((np.abs(coarse(a) - coarse(b)).max(axis=2) > threshold).mean())
