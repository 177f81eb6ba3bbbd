"""Which question to ask next, and which principle is weakest.

Pure functions over rows the selectors fetched: no repeats until every question
of the principle has been asked, then the one asked longest ago.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

STATUS_ORDER = {"gap": 0, "thin": 1, "covered": 2}


def pick_question[T](questions: Sequence[T], last_asked: Mapping[int, dt.datetime]) -> T | None:
    """A question never asked yet (bank order), else the one asked longest ago."""
    if not questions:
        return None
    fresh = [q for q in questions if q.pk not in last_asked]
    if fresh:
        return fresh[0]
    return min(questions, key=lambda q: (last_asked[q.pk], q.pk))


def weakest_principle(
    rows: Sequence[object], last_practised: Mapping[int, dt.datetime]
) -> object | None:
    """Gaps first, then thin principles, then the least recently practised one."""
    if not rows:
        return None
    never = dt.datetime.min.replace(tzinfo=dt.UTC)

    def weakness(row) -> tuple:
        principle = row.principle
        return (
            STATUS_ORDER.get(row.status, 3),
            last_practised.get(principle.pk, never),
            getattr(principle, "pk", 0),
        )

    return min(rows, key=weakness).principle


def least_recently_practised[T](
    principles: Sequence[T], last_practised: Mapping[int, dt.datetime]
) -> T | None:
    """Of the chosen principles, one never practised (in the given order), else the one
    practised longest ago."""
    if not principles:
        return None
    return min(principles, key=lambda p: (p.pk in last_practised, last_practised.get(p.pk)))
