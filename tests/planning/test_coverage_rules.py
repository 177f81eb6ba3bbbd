"""Coverage rules: gap / thin / covered, single point of failure, stretched stories."""

from __future__ import annotations

from dataclasses import dataclass

from planning.coverage import COVERED, COVERED_SCORE, GAP, THIN, build_grid
from stories.services import next_weight
from stories.star.bands import READY


@dataclass(frozen=True)
class P:
    pk: int
    name: str


PRINCIPLES = [P(1, "Ownership"), P(2, "Dive Deep"), P(3, "Frugality"), P(4, "Think Big")]


def test_status_rules():
    stories = [(10, "A", 85), (11, "B", 55), (12, "C", 65), (13, "D", None)]
    mappings = [
        (10, 1, "primary"),
        (11, 1, "secondary"),  # two stories, one Ready (85+): covered
        (11, 2, "primary"),  # one story: thin and a single point of failure
        (11, 3, "primary"),
        (12, 3, "secondary"),  # two stories, best 65: thin
    ]
    grid = build_grid(PRINCIPLES, stories, mappings)
    rows = {r.principle.name: r for r in grid.rows}
    assert rows["Ownership"].status == COVERED and not rows["Ownership"].single_point
    assert rows["Dive Deep"].status == THIN and rows["Dive Deep"].single_point
    assert rows["Frugality"].status == THIN and rows["Frugality"].best == 65
    assert rows["Think Big"].status == GAP and rows["Think Big"].best is None
    assert grid.counts == {COVERED: 1, THIN: 2, GAP: 1}
    assert grid.advice == "1 of 4 covered, 2 thin, 1 gap: write a Think Big story"
    assert grid.next_row is rows["Think Big"]


def test_covered_needs_a_ready_story_and_says_why_not():
    # Two stories that both lack a measured outcome top out at 84 (Solid): not covered.
    stories = [(10, "A", 84), (11, "B", 80), (12, "C", 85)]
    mappings = [(10, 1, "primary"), (11, 1, "secondary"), (12, 2, "primary"), (11, 2, "primary")]
    rows = {r.principle.name: r for r in build_grid(PRINCIPLES, stories, mappings).rows}
    assert rows["Ownership"].status == THIN
    assert rows["Ownership"].reason == (
        "No story is Ready yet: the best scores 84 (Solid, fix the flags); "
        "covered needs one at 85 or more."
    )
    assert rows["Dive Deep"].status == COVERED
    assert READY.low == COVERED_SCORE


def test_a_story_claiming_more_than_four_principles_is_stretched():
    principles = [P(i, f"P{i}") for i in range(1, 7)]
    mappings = [(10, i, "secondary") for i in range(1, 6)] + [(11, 1, "primary")]
    grid = build_grid(principles, [(10, "Everything", 90), (11, "Focused", 90)], mappings)
    columns = {c.title: c for c in grid.columns}
    assert columns["Everything"].claims == 5 and columns["Everything"].stretched
    assert columns["Focused"].claims == 1 and not columns["Focused"].stretched


def test_mappings_outside_the_target_do_not_count():
    grid = build_grid(PRINCIPLES[:1], [(10, "A", 90)], [(10, 1, "primary"), (10, 2, "primary")])
    assert grid.columns[0].claims == 1
    assert len(grid.rows) == 1


def test_advice_when_no_gap_points_at_the_weakest_thin_principle():
    stories = [(10, "A", 90), (11, "B", 90), (12, "C", 40)]
    mappings = [(10, 1, "primary"), (11, 1, "primary"), (12, 2, "primary")]
    grid = build_grid(PRINCIPLES[:2], stories, mappings)
    assert grid.advice == "1 of 2 covered, 1 thin, 0 gaps: add a second Dive Deep story"
    full = build_grid(PRINCIPLES[:1], stories, mappings)
    assert full.next_row is None
    assert full.advice.endswith("every principle is covered. Practise them.")


def test_cycle_order():
    assert [next_weight(None), next_weight("primary"), next_weight("secondary")] == [
        "primary",
        "secondary",
        None,
    ]
