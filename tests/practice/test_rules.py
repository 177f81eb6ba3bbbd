"""The review rule (Leitner boxes) and the question picker."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from practice import scheduling
from practice.picker import pick_question, weakest_principle


def test_nailed_moves_up_and_waits_longer_shaky_goes_back_to_box_one():
    today = dt.date(2026, 11, 27)
    box = None
    waits = []
    for _ in range(6):
        box = scheduling.next_box(box, was_nailed=True)
        waits.append((scheduling.due_on(box, today) - today).days)
    assert waits == [2, 4, 8, 16, 16, 16]
    assert scheduling.next_box(5, was_nailed=False) == 1
    assert scheduling.due_on(1, today) == today + dt.timedelta(days=1)


def test_a_round_is_nailed_only_when_rated_high_with_no_shaky_followup():
    assert scheduling.nailed(4, shaky_followups=0)
    assert scheduling.nailed(5, shaky_followups=0)
    assert not scheduling.nailed(5, shaky_followups=1)
    assert not scheduling.nailed(3, shaky_followups=0)


@dataclass(frozen=True)
class Q:
    pk: int


def test_picker_never_repeats_until_the_bank_is_exhausted():
    questions = [Q(1), Q(2), Q(3)]
    asked: dict[int, dt.datetime] = {}
    clock = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    picks = []
    for i in range(7):
        question = pick_question(questions, asked)
        picks.append(question.pk)
        asked[question.pk] = clock + dt.timedelta(hours=i)
    assert picks[:3] == [1, 2, 3]  # every question once before any repeats
    assert picks[3:6] == [1, 2, 3]  # then the one asked longest ago
    assert pick_question([], {}) is None


@dataclass(frozen=True)
class Row:
    principle: Q
    status: str


def test_weakest_principle_is_a_gap_then_thin_then_least_recently_practised():
    old = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    new = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    rows = [Row(Q(1), "covered"), Row(Q(2), "thin"), Row(Q(3), "gap"), Row(Q(4), "gap")]
    assert weakest_principle(rows, {3: new, 4: old}).pk == 4
    assert weakest_principle(rows[:2], {}).pk == 2
    covered = [Row(Q(1), "covered"), Row(Q(2), "covered")]
    assert weakest_principle(covered, {1: new, 2: old}).pk == 2
    assert weakest_principle([], {}) is None
