"""Score bands: what a score means, in words a candidate can act on.

A score falls in one band; the checker keeps a story out of the top band while it
has no measured outcome, and in the bottom band while a Result or an Action is
missing or the answer is hypothetical (the caps in ``thresholds.py``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Band:
    """A named score range: ``low`` is the lowest score in it."""

    key: str
    label: str
    low: int
    advice: str
    style: str  # Bootstrap colour name
    short: str = ""  # for narrow places (a list row); the label when empty

    def to_dict(self) -> dict[str, str | int]:
        """JSON-ready dict."""
        return {"key": self.key, "label": self.label, "low": self.low, "advice": self.advice}


READY = Band(
    "ready",
    "Ready",
    85,
    "Interview-ready: a clear goal, your own actions and a measured outcome.",
    "success",
)
SOLID = Band(
    "solid",
    "Solid, fix the flags",
    65,
    "A real story with gaps an interviewer will probe: fix the flagged points.",
    "warning",
    "Solid",
)
NEEDS_WORK = Band(
    "needs_work",
    "Needs work",
    0,
    "Not yet a STAR story: add what is missing before you rely on it.",
    "danger",
)
#: Best first.
BANDS = (READY, SOLID, NEEDS_WORK)
BANDS_BY_KEY = {band.key: band for band in BANDS}


def band_for(score: int) -> Band:
    """The band a 0-100 score falls in."""
    for band in BANDS:
        if score >= band.low:
            return band
    return NEEDS_WORK
