"""The pure loop planner: examples, refusals, and properties against a brute-force optimum."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planning.loop_plan import PlanError, plan_backups, plan_loop, total_fit

DIVE, OWN, FRUGAL = "dive-deep", "ownership", "frugality"


def test_two_interviewers_on_one_principle_get_different_stories():
    slots = [[DIVE], [DIVE]]
    fits = {"a": {DIVE: 5.0}, "b": {DIVE: 3.0}}
    plan = plan_loop(slots, fits)
    assert sorted(s for row in plan for s in row) == ["a", "b"]


def test_the_best_total_beats_greedy_choice():
    # Greedy would give "a" to the first cell (6 > 5), leaving 0 for the second.
    slots = [[DIVE, OWN]]
    fits = {"a": {DIVE: 6.0, OWN: 5.0}, "b": {DIVE: 4.0}}
    assert plan_loop(slots, fits) == [["b", "a"]]


def test_a_cell_no_story_can_serve_stays_empty():
    slots = [[DIVE, FRUGAL]]
    fits = {"a": {DIVE: 1.0}, "b": {DIVE: 0.5}}
    plan = plan_loop(slots, fits)
    assert plan[0][1] is None
    assert plan[0][0] == "a"


def test_one_story_for_two_cells_serves_only_one():
    plan = plan_loop([[DIVE], [OWN]], {"a": {DIVE: 2.0, OWN: 3.0}})
    assert plan == [[None], ["a"]]


def test_pins_hold_and_the_rest_resolves_around_them():
    slots = [[DIVE], [OWN]]
    fits = {"a": {DIVE: 5.0, OWN: 5.0}, "b": {DIVE: 1.0, OWN: 4.0}}
    assert plan_loop(slots, fits) == [["a"], ["b"]]
    assert plan_loop(slots, fits, pins={(1, OWN): "a"}) == [["b"], ["a"]]


def test_backups_never_repeat_a_primary():
    slots = [[DIVE], [DIVE, OWN]]
    fits = {"a": {DIVE: 5.0}, "b": {DIVE: 4.0, OWN: 1.0}, "c": {OWN: 2.0}, "d": {DIVE: 1.0}}
    primaries = plan_loop(slots, fits)
    backups = plan_backups(slots, fits, primaries)
    told = {s for row in primaries for s in row}
    assert told == {"a", "b", "c"}
    assert backups == [["d"], [None, None]]


def test_empty_loop_and_empty_bank():
    assert plan_loop([], {"a": {DIVE: 1.0}}) == []
    assert plan_loop([[DIVE], []], {}) == [[None], []]


@pytest.mark.parametrize(
    ("slots", "fits", "pins", "message"),
    [
        ([[DIVE, DIVE]], {}, {}, "lists a principle twice"),
        ([[DIVE]], {"a": {DIVE: -1.0}}, {}, "finite fit of 0 or more"),
        ([[DIVE]], {"a": {DIVE: float("nan")}}, {}, "finite fit of 0 or more"),
        ([[DIVE]], {"a": {DIVE: float("inf")}}, {}, "finite fit of 0 or more"),
        ([[DIVE]], {"a": {DIVE: 1.0}}, {(0, OWN): "a"}, "does not probe"),
        ([[DIVE]], {"a": {DIVE: 1.0}}, {(3, DIVE): "a"}, "does not probe"),
        ([[DIVE, OWN]], {"a": {DIVE: 1.0}}, {(0, OWN): "a"}, "cannot serve"),
        ([[DIVE], [DIVE]], {"a": {DIVE: 1.0}}, {(0, DIVE): "a", (1, DIVE): "a"}, "twice"),
    ],
)
def test_bad_input_is_refused_with_a_reason(slots, fits, pins, message):
    with pytest.raises(PlanError, match=message):
        plan_loop(slots, fits, pins=pins)


# --- properties against brute force -------------------------------------------------

KEYS = ["p0", "p1", "p2", "p3"]


def _fills(
    cells: Sequence[tuple[int, str]], fits: Mapping[str, Mapping[str, float]], used: frozenset
) -> Iterator[tuple[float, list[str | None]]]:
    """Every way to fill the cells with distinct stories that can serve them (or none)."""
    if not cells:
        yield 0.0, []
        return
    (_, key), rest = cells[0], cells[1:]
    for total, tail in _fills(rest, fits, used):
        yield total, [None, *tail]
    for story, row in fits.items():
        if story not in used and key in row:
            for total, tail in _fills(rest, fits, used | {story}):
                yield total + row[key], [story, *tail]


def brute_force_best(slots, fits, pins) -> float:
    cells = [(i, k) for i, keys in enumerate(slots) for k in keys if (i, k) not in pins]
    base = sum(fits[story][key] for (_, key), story in pins.items())
    free = {s: row for s, row in fits.items() if s not in set(pins.values())}
    return base + max(total for total, _ in _fills(cells, free, frozenset()))


@st.composite
def loops(draw):
    n_slots = draw(st.integers(1, 3))
    slots = [draw(st.lists(st.sampled_from(KEYS), max_size=2, unique=True)) for _ in range(n_slots)]
    n_stories = draw(st.integers(0, 5))
    fit = st.one_of(st.integers(0, 5).map(float), st.floats(0, 10, allow_nan=False))
    fits = {
        f"s{i}": draw(st.dictionaries(st.sampled_from(KEYS), fit, max_size=4))
        for i in range(n_stories)
    }
    # Pins: a few (cell, story) pairs that can hold, each story and cell at most once.
    cells = [(i, k) for i, keys in enumerate(slots) for k in keys]
    candidates = [(c, s) for c in cells for s, row in fits.items() if c[1] in row]
    chosen = draw(st.lists(st.sampled_from(candidates), max_size=2)) if candidates else []
    pins: dict[tuple[int, str], str] = {}
    for cell, story in chosen:
        if cell not in pins and story not in pins.values():
            pins[cell] = story
    return slots, fits, pins


def _told(plan) -> list[str]:
    return [story for row in plan for story in row if story is not None]


@settings(max_examples=300, deadline=None)
@given(loops())
def test_plan_is_optimal_never_repeats_and_honours_pins(loop):
    slots, fits, pins = loop
    plan = plan_loop(slots, fits, pins=pins)
    assert [len(row) for row in plan] == [len(keys) for keys in slots]
    told = _told(plan)
    assert len(told) == len(set(told)), "a story is told twice"
    for (index, key), story in pins.items():
        assert plan[index][slots[index].index(key)] == story
    for keys, row in zip(slots, plan, strict=True):
        for key, story in zip(keys, row, strict=True):
            assert story is None or key in fits[story], "a story serves what it cannot"
    assert total_fit(slots, fits, plan) == pytest.approx(brute_force_best(slots, fits, pins))


@settings(max_examples=150, deadline=None)
@given(loops())
def test_backups_are_optimal_over_the_stories_left(loop):
    slots, fits, _ = loop
    primaries = plan_loop(slots, fits)
    backups = plan_backups(slots, fits, primaries)
    assert not set(_told(backups)) & set(_told(primaries))
    left = {s: row for s, row in fits.items() if s not in set(_told(primaries))}
    assert total_fit(slots, fits, backups) == pytest.approx(brute_force_best(slots, left, {}))
