"""A loop's plan as the page shows it: unknown interviewers spread, pins, backups, and the
clashes and gaps said plainly (plain data, no database)."""

from __future__ import annotations

import datetime as dt

from planning.loop_fit import FitStory, loop_fits
from planning.loop_templates import TEMPLATES, likely_order, spread_unknown
from planning.loops import PrincipleInfo, SlotRow, build_plan
from planning.practice_state import PracticeState

TODAY = dt.date(2026, 12, 1)
DIVE = PrincipleInfo(1, "Dive Deep", "dive-deep", ("root cause", "dug into"), 0)
FRUGAL = PrincipleInfo(2, "Frugality", "frugality", ("cut costs", "cheaper"), 1)
OWN = PrincipleInfo(3, "Ownership", "ownership", ("end to end",), 2)


def story(pk: int, weights=None, *, score=80) -> FitStory:
    return FitStory(
        pk, f"Story {pk}", "We shipped it.", score, dt.date(2026, 6, 1), weights or {}, {}
    )


# --- unknown interviewers ----------------------------------------------------------


def test_unknown_slots_take_the_likely_principles_no_one_probes_yet():
    likely = ["a", "b", "c", "d"]
    resolved = spread_unknown([["a"], None, ["c"], None], [1, 2, 1, 1], likely)
    assert resolved == [["a"], ["b", "d"], ["c"], ["a"]]


def test_likely_order_follows_the_set_then_the_question_bank():
    rows = [("x", 1), ("ownership", 9), ("y", 3), ("customer-obsession", 0)]
    ordered = likely_order(
        rows, set_slug="amazon", slug_of=lambda r: r[0], questions_of=lambda r: r[1]
    )
    assert [r[0] for r in ordered] == ["customer-obsession", "ownership", "y", "x"]


def test_templates_are_six_interviewers_with_one_left_open():
    for template in TEMPLATES:
        assert len(template.slots) == 6
        assert [s.principles is None for s in template.slots].count(True) == 1
        known = [p for s in template.slots for p in s.principles or ()]
        assert len(known) == len(set(known)), template.key


# --- the plan's notes ----------------------------------------------------------------


def plan_of(slots, bank, pins=None, principles=(DIVE, FRUGAL, OWN)):
    stories = {s.pk: s for s in bank}
    fits = loop_fits(bank, list(principles), practice=PracticeState(), today=TODAY)
    return build_plan(slots, list(principles), stories, fits, pins or {})


def test_two_interviewers_on_a_principle_with_one_story_is_a_clash_said_plainly():
    bank = [
        FitStory(1, "Found the leak", "x", 90, TODAY, {1: "primary"}, {}),
        FitStory(2, "Traced false alarms", "x", 80, TODAY, {1: "secondary"}, {}),
    ]
    plan = plan_of([SlotRow(10, "Phone screen", 0, (1,)), SlotRow(11, "Bar raiser", 1, (1,))], bank)
    assert plan.planned == 2
    texts = [n.text for n in plan.notes]
    assert (
        "Dive Deep is probed by 2 interviewers and you have one story for it: write one more, "
        "or use 'Traced false alarms' (secondary)." in texts
    )
    clash = next(n for n in plan.notes if n.kind == "clash")
    assert (clash.principle_pk, clash.story_pk) == (1, 2)


def test_a_gap_names_the_best_stretch_or_asks_for_a_story():
    bank = [FitStory(1, "Cheaper hosting", "I cut costs by moving hosts.", 80, TODAY, {}, {})]
    plan = plan_of([SlotRow(10, "Hiring manager", 0, (2, 3))], bank)
    texts = [n.text for n in plan.notes]
    assert "No story for Ownership yet: write one." in texts
    assert (
        "No story for Frugality: your best stretch is 'Cheaper hosting'. "
        "Map it if it fits, or write one." in texts
    )
    assert plan.slots[0].cells[0].primary.title == "Cheaper hosting"
    assert plan.slots[0].cells[1].primary is None


def test_a_pin_holds_and_one_that_no_longer_can_is_dropped_with_a_note():
    bank = [
        story(1, {1: "primary", 3: "primary"}, score=95),
        story(2, {1: "primary", 3: "secondary"}),
    ]
    slots = [SlotRow(10, "A", 0, (1,)), SlotRow(11, "B", 1, (3,))]
    assert plan_of(slots, bank).slots[0].cells[0].primary.pk in {1, 2}
    pinned = plan_of(slots, bank, pins={(11, 3): 2})
    assert [c.primary.pk for c in pinned.cells] == [1, 2]
    assert pinned.cells[1].pinned
    stale = plan_of(slots, bank, pins={(10, 1): 2, (11, 3): 2})
    assert [n.kind for n in stale.notes].count("pin") == 1


def test_a_story_that_is_the_only_one_for_two_principles_is_flagged():
    bank = [story(1, {1: "primary", 2: "primary"})]
    plan = plan_of([SlotRow(10, "A", 0, (1, 2))], bank)
    leaned = [n for n in plan.notes if n.kind == "leaned"]
    assert leaned and leaned[0].story_pk == 1
    assert "is your only story for Dive Deep and Frugality" in leaned[0].text


def test_backups_are_the_next_best_stories_not_told_as_primaries():
    bank = [story(1, {1: "primary"}, score=95), story(2, {1: "primary"}, score=70)]
    cell = plan_of([SlotRow(10, "A", 0, (1,))], bank).cells[0]
    assert (cell.primary.pk, cell.backup.pk) == (1, 2)
    assert [c.pk for c in cell.choices] == [1, 2]
