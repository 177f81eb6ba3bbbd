"""Sizes said the way people say them."""

from __future__ import annotations

import math


def megabytes(size: int) -> str:
    """A byte count for people, rounded up to a tenth: "5 MB", "6.2 MB"."""
    tenths = math.ceil(size * 10 / (1024 * 1024))
    return f"{tenths / 10:.1f}".removesuffix(".0") + " MB"
