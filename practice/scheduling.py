"""The review rule: Leitner boxes over (story, principle) pairs.

A nailed round moves the pair up one box and waits longer before it is due
again; a shaky round sends it back to box 1, due tomorrow. The intervals are
named here and shown on the page.
"""

from __future__ import annotations

import datetime as dt

#: Days to wait before a pair in each box (1..5) is due again.
BOX_INTERVAL_DAYS = {1: 1, 2: 2, 3: 4, 4: 8, 5: 16}
TOP_BOX = max(BOX_INTERVAL_DAYS)
#: A round rated at least this (1..5) counts as nailed.
NAILED_FROM_RATING = 4


def nailed(self_rating: int, shaky_followups: int) -> bool:
    """A round is nailed when rated 4 or 5 with no shaky follow-up."""
    return self_rating >= NAILED_FROM_RATING and shaky_followups == 0


def next_box(box: int | None, was_nailed: bool) -> int:
    """Up one box when nailed (capped at the top), back to box 1 when shaky.

    A pair seen for the first time starts in box 1, so nailing it puts it in box 2.
    """
    if not was_nailed:
        return 1
    return min(TOP_BOX, (box or 1) + 1)


def due_on(box: int, today: dt.date) -> dt.date:
    """When a pair in ``box`` is due again."""
    return today + dt.timedelta(days=BOX_INTERVAL_DAYS[box])
