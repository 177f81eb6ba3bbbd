"""The interview loop planner: the best story for every (interviewer, principle), none twice.

Pure Python over plain data, so it can be tested and reused without Django. The
problem is an assignment problem: rows are the (slot, principle) cells, columns the
stories; SciPy's ``linear_sum_assignment`` maximises the total fit. One "no story"
column per cell lets a cell stay empty when no story may serve it, and a story that
cannot serve a principle (its key is missing from ``fits``) is never placed there.

Backups come from a second call that leaves out the primaries (``plan_backups``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

#: A (slot index, principle key) cell, as pins name it.
Cell = tuple[int, str]
Plan = list[list[str | None]]


class PlanError(ValueError):
    """The loop or the pins cannot be planned as given (the message says why)."""


def _check(
    slots: Sequence[Sequence[str]],
    fits: Mapping[str, Mapping[str, float]],
    pins: Mapping[Cell, str],
) -> None:
    for index, principles in enumerate(slots):
        if len(set(principles)) != len(principles):
            raise PlanError(f"Interviewer {index + 1} lists a principle twice.")
    for story, row in fits.items():
        for key, fit in row.items():
            if not (math.isfinite(fit) and fit >= 0):
                raise PlanError(f"Story {story!r} needs a finite fit of 0 or more for {key!r}.")
    seen: dict[str, Cell] = {}
    for (index, key), story in pins.items():
        if not 0 <= index < len(slots) or key not in slots[index]:
            raise PlanError(f"Interviewer {index + 1} does not probe {key!r}: nothing to pin.")
        if key not in fits.get(story, {}):
            raise PlanError(f"Story {story!r} cannot serve {key!r}.")
        if story in seen:
            raise PlanError(f"Story {story!r} is pinned twice.")
        seen[story] = (index, key)


def plan_loop(
    slots: Sequence[Sequence[str]],
    fits: Mapping[str, Mapping[str, float]],
    *,
    pins: Mapping[Cell, str] | None = None,
) -> Plan:
    """For each slot and each of its principles in order, the story id to tell, or None.

    ``slots`` lists each interviewer's principle keys; ``fits`` maps a story id to
    ``{principle key: fit >= 0}`` (a missing key: the story cannot serve it); ``pins``
    fixes ``(slot index, principle key) -> story id``. No story id appears twice and the
    total fit is the largest possible around the pins. Raises ``PlanError`` on a
    principle listed twice by one slot, a negative fit, or a pin that cannot hold.
    """
    pins = dict(pins or {})
    _check(slots, fits, pins)
    plan: Plan = [[pins.get((index, key)) for key in keys] for index, keys in enumerate(slots)]
    open_cells = [
        (index, position, key)
        for index, keys in enumerate(slots)
        for position, key in enumerate(keys)
        if (index, key) not in pins
    ]
    pinned = set(pins.values())
    stories = [story for story in fits if story not in pinned]
    if not open_cells or not stories:
        return plan
    n_cells, n_stories = len(open_cells), len(stories)
    # Stories first, then one "no story" column per cell (worth 0 to any cell).
    gain = np.full((n_cells, n_stories + n_cells), -np.inf)
    gain[:, n_stories:] = 0.0
    rows_of: dict[str, list[int]] = {}
    for row, (_, _, key) in enumerate(open_cells):
        rows_of.setdefault(key, []).append(row)
    for column, story in enumerate(stories):
        for key, fit in fits[story].items():  # a story serves a few principles
            for row in rows_of.get(key, ()):
                gain[row, column] = fit
    rows, columns = linear_sum_assignment(gain, maximize=True)
    for row, column in zip(rows, columns, strict=True):
        if column < n_stories:
            index, position, _ = open_cells[row]
            plan[index][position] = stories[column]
    return plan


def plan_backups(
    slots: Sequence[Sequence[str]],
    fits: Mapping[str, Mapping[str, float]],
    primaries: Plan,
) -> Plan:
    """A second-best story for every cell: the plan over the stories not told as primaries."""
    told = {story for row in primaries for story in row if story is not None}
    return plan_loop(slots, {story: row for story, row in fits.items() if story not in told})


def total_fit(
    slots: Sequence[Sequence[str]], fits: Mapping[str, Mapping[str, float]], plan: Plan
) -> float:
    """The plan's total fit (an empty cell adds nothing)."""
    return sum(
        fits[story][key]
        for keys, row in zip(slots, plan, strict=True)
        for key, story in zip(keys, row, strict=True)
        if story is not None
    )
