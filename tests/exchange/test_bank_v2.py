"""Version 2 bank files: practice, follow-ups, the review schedule, the coverage target
and loops go out and come back; version 1 files still import; bad input is refused
whole, every problem listed with its place, and nothing is written."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import exchange
from coach.models import FollowUp, FollowUpJob
from exchange import services
from exchange.services import bank_export, bank_import
from planning.models import CoverageTarget, Loop, LoopPin
from planning.services import coverage_target_set
from practice.models import MockLoop, PracticeRound, ReviewItem
from practice.services import review_item_record
from principles.models import Principle, PrincipleSet, Question
from stories.models import Story
from tests.exchange.conftest import acme_doc, bank_v2_doc, db_state, dumps, story_doc
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db

DIVE = {"set": "amazon", "principle": "dive-deep", "builtin": True}
ANSWER = "Refunds doubled. I split them by courier, found a broken scanner and got it fixed."


def messages(result) -> list[str]:
    return [str(p) for p in result.problems]


def ask_doc(**fields) -> dict:
    """One finished ask of the offline coach with an answered, rated question."""
    return {
        "principle": DIVE,
        "requested_backend": "rules",
        "backend": "rules",
        "status": "done",
        "created_at": "2025-01-08T09:05:00Z",
        "finished_at": "2025-01-08T09:05:01Z",
        "questions": [
            {
                "question": "What was the refund rate before?",
                "part": "result",
                "reason": "A change needs its baseline.",
                "answer": "About 2% for a year.",
                "rating": "shaky",
                "answered_at": "2025-01-08T09:07:00Z",
            }
        ],
        **fields,
    }


def round_doc(**fields) -> dict:
    return {
        "question": "Tell me about a root cause you found.",
        "principle": DIVE,
        "story": "s1",
        "status": "done",
        "target_seconds": 150,
        "answer": ANSWER,
        "seconds_taken": 131,
        "self_rating": 4,
        "notes": "Say the number first.",
        "created_at": "2025-01-08T09:00:00Z",
        "finished_at": "2025-01-08T09:10:00Z",
        "followups": [ask_doc()],
        **fields,
    }


def review_doc(**fields) -> dict:
    return {
        "story": "s1",
        "principle": DIVE,
        "box": 2,
        "due_on": "2025-01-10",
        "last_practised_at": "2025-01-08T09:10:00Z",
        **fields,
    }


def slot_doc(**fields) -> dict:
    return {
        "label": "Bar raiser",
        "principles": ["dive-deep", "ownership"],
        "pins": [{"principle": "dive-deep", "story": "s1"}],
        **fields,
    }


def loop_doc(**fields) -> dict:
    return {
        "ref": "l1",
        "name": "Onsite",
        "date": "2025-02-03",
        "set": "amazon",
        "builtin": True,
        "done_on": None,
        "created_at": "2025-01-05T12:00:00Z",
        "updated_at": "2025-01-06T12:00:00Z",
        "slots": [slot_doc(), {"label": "Hiring manager", "unknown": True, "unknown_count": 3}],
        **fields,
    }


def full_doc() -> dict:
    """A hand-written version 2 file with something in every section."""
    return bank_v2_doc(
        story_doc(ref="s1", followups=[ask_doc(principle=None)]),
        story_doc("Won back a customer", ref="s2"),
        practice_rounds=[
            round_doc(),
            round_doc(
                question="Walk me through a hard call.",
                story=None,
                status="answering",
                answer="",
                seconds_taken=None,
                self_rating=None,
                notes="",
                finished_at=None,
                followups=[],
                mock_loop="m1",
                mock_interviewer="Bar raiser",
                mock_position=0,
            ),
        ],
        mock_loops=[
            {"ref": "m1", "name": "Onsite", "loop": "l1", "created_at": "2025-01-07T08:00:00Z"}
        ],
        review_items=[review_doc()],
        coverage_target={"set": "amazon", "builtin": True, "principles": ["dive-deep"]},
        loops=[loop_doc()],
    )


def test_a_hand_written_version_2_file_imports_every_section(user, amazon):
    result = bank_import(user=user, data=dumps(full_doc()))

    assert result.ok, messages(result)
    assert result.summary() == (
        "Imported 2 stories, skipped 0 already in your bank or repeated in the file (same "
        "title). Also imported 2 practice rounds, 2 follow-up questions, 1 review item, "
        "1 interview loop, 1 loop rehearsal and your coverage target."
    )
    story = Story.objects.get(owner=user, title="Cut build times")
    done = PracticeRound.objects.get(user=user, status="done")
    assert (done.story, done.principle.slug, done.self_rating, done.notes) == (
        story,
        "dive-deep",
        4,
        "Say the number first.",
    )
    assert (done.target_seconds, done.seconds_taken, done.answer) == (150, 131, ANSWER)
    assert done.created_at == dt.datetime(2025, 1, 8, 9, tzinfo=dt.UTC)
    assert done.star_score is not None  # checked again, as answering in the app does
    [job] = done.followup_jobs.all()
    assert (job.story, job.answer_text, job.backend_used) == (None, ANSWER, "rules")
    [asked] = job.followups.all()
    assert (asked.question, asked.answer, asked.rating) == (
        "What was the refund rate before?",
        "About 2% for a year.",
        "shaky",
    )
    on_story = FollowUp.objects.get(story=story)
    assert (on_story.job.owner, on_story.job.principle) == (user, None)
    rehearsed = PracticeRound.objects.get(user=user, status="answering")
    mock = MockLoop.objects.get(user=user)
    assert (rehearsed.mock_loop, rehearsed.mock_interviewer) == (mock, "Bar raiser")
    loop = Loop.objects.get(owner=user)
    assert mock.loop == loop
    assert (loop.name, loop.date, loop.principle_set) == ("Onsite", dt.date(2025, 2, 3), amazon)
    assert loop.created_at == dt.datetime(2025, 1, 5, 12, tzinfo=dt.UTC)
    bar, manager = loop.slots.order_by("order")
    assert sorted(bar.principles.values_list("slug", flat=True)) == ["dive-deep", "ownership"]
    assert (manager.unknown, manager.unknown_count, manager.principles.count()) == (True, 3, 0)
    pin = LoopPin.objects.get(loop=loop)
    assert (pin.slot, pin.principle.slug, pin.story) == (bar, "dive-deep", story)
    item = ReviewItem.objects.get(user=user)
    assert (item.story, item.principle.slug, item.box, item.due_on) == (
        story,
        "dive-deep",
        2,
        dt.date(2025, 1, 10),
    )
    target = CoverageTarget.objects.get(user=user)
    assert (target.principle_set, list(target.principles.values_list("slug", flat=True))) == (
        amazon,
        ["dive-deep"],
    )


V1_FILE = """{
  "format": "storybank-bank",
  "version": 1,
  "exported_at": "2024-06-01T10:00:00Z",
  "principle_sets": [
    {"name": "Team Values", "slug": "team-values", "principles": [
      {"name": "Candour", "slug": "candour", "questions": ["When did you say no?"]}
    ]}
  ],
  "stories": [
    {
      "title": "Moved the team off the legacy queue",
      "situation": "Our job queue lost about one message in a thousand.",
      "task": "I was asked to move every producer to the new queue by March.",
      "action": "I wrote the migration plan, moved 14 producers and ran both queues.",
      "result": "Lost messages went from 1 in 1,000 to none in eight weeks.",
      "tags": ["queues"],
      "principles": [
        {"set": "amazon", "principle": "ownership", "builtin": true, "weight": "primary"},
        {"set": "team-values", "principle": "candour", "builtin": false,
         "weight": "secondary"}
      ],
      "revisions": [
        {"created_at": "2024-05-02T08:00:00Z", "content": {
          "title": "Queue move", "situation": "", "task": "", "action": "", "result": "",
          "reflection": ""}}
      ],
      "created_at": "2024-05-01T08:00:00Z"
    }
  ]
}"""


def test_a_version_1_file_written_by_hand_still_imports(user, amazon):
    result = bank_import(user=user, data=V1_FILE)

    assert result.ok, messages(result)
    assert (result.stories_created, result.sets_created) == (1, 1)
    assert "Also imported" not in result.summary()
    story = Story.objects.get(owner=user)
    assert story.created_at == dt.datetime(2024, 5, 1, 8, tzinfo=dt.UTC)
    assert sorted(story.principles.values_list("slug", flat=True)) == ["candour", "ownership"]
    assert story.revisions.get().content["title"] == "Queue move"
    # Exported again, it is a version 2 file with the same story and empty new sections.
    bank = bank_export(user=user)
    assert bank["version"] == 2
    [exported] = bank["stories"]
    assert (exported["ref"], exported["title"], exported["followups"]) == (
        "s1",
        "Moved the team off the legacy queue",
        [],
    )
    assert bank["practice_rounds"] == bank["review_items"] == bank["loops"] == []
    assert bank["coverage_target"] is None


def test_a_version_1_file_may_not_carry_version_2_sections(user):
    doc = json.loads(V1_FILE) | {"practice_rounds": []}
    doc["stories"][0]["ref"] = "s1"
    assert messages(bank_import(user=user, data=dumps(doc))) == [
        "practice_rounds: unknown field",
        "stories[0].ref: unknown field",
    ]


def test_a_version_2_file_must_carry_every_section(user):
    doc = {"format": "storybank-bank", "version": 2, "stories": []}
    assert messages(bank_import(user=user, data=dumps(doc))) == [
        "principle_sets: required field is missing",
        "practice_rounds: required field is missing",
        "mock_loops: required field is missing",
        "review_items: required field is missing",
        "coverage_target: required field is missing",
        "loops: required field is missing",
    ]


def _change(path: tuple, value) -> object:
    """A change to ``full_doc()``: set the value at ``path`` (a missing last key is added)."""

    def apply(doc: dict) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return apply


def _slot(**fields) -> object:
    return _change(("loops", 0, "slots", 0), slot_doc(**fields))


ROUND = ("practice_rounds", 0)
ASKED = (*ROUND, "followups", 0, "questions", 0)

FAILURES_V2 = {
    "round names a missing story": (
        _change((*ROUND, "story"), "s9"),
        'practice_rounds[0].story: no story in this file has the ref "s9"',
    ),
    "review item names a missing story": (
        _change(("review_items", 0, "story"), "s9"),
        'review_items[0].story: no story in this file has the ref "s9"',
    ),
    "pin names a missing story": (
        _slot(pins=[{"principle": "dive-deep", "story": "nope"}]),
        'loops[0].slots[0].pins[0].story: no story in this file has the ref "nope"',
    ),
    "rehearsal names a missing loop": (
        _change(("mock_loops", 0, "loop"), "l7"),
        'mock_loops[0].loop: no loop in this file has the ref "l7"',
    ),
    "round names a missing rehearsal": (
        _change((*ROUND, "mock_loop"), "m3"),
        'practice_rounds[0].mock_loop: no mock loop in this file has the ref "m3"',
    ),
    "two stories with one ref": (
        _change(("stories", 1, "ref"), "s1"),
        'stories[1].ref: "s1" is also stories[0]',
    ),
    "ref not a slug": (
        _change(("stories", 0, "ref"), "story one"),
        'stories[0].ref: "story one" is not a slug',
    ),
    "the same pair reviewed twice": (
        lambda doc: doc["review_items"].append(review_doc(box=5)),
        "review_items[1]: the same story and principle as review_items[0]",
    ),
    "a pin off the interviewer's principles": (
        _slot(pins=[{"principle": "frugality", "story": "s1"}]),
        'loops[0].slots[0].pins[0].principle: "frugality" is not one of this interviewer',
    ),
    "a story pinned twice in a loop": (
        lambda doc: doc["loops"][0]["slots"][1].update(
            pins=[{"principle": "ownership", "story": "s1"}]
        ),
        'loops[0].slots[1].pins[0].story: "s1" is already pinned in this loop (slots[0].pins[0])',
    ),
    "an unknown interviewer with principles": (
        _slot(unknown=True),
        "loops[0].slots[0].principles: an interviewer whose principles are unknown lists none",
    ),
    "round principle does not exist": (
        _change((*ROUND, "principle"), DIVE | {"principle": "dive-deeper"}),
        'practice_rounds[0].principle: principle "amazon/dive-deeper" does not exist',
    ),
    "ask principle does not exist": (
        _change((*ROUND, "followups", 0, "principle"), DIVE | {"set": "amazing"}),
        'practice_rounds[0].followups[0].principle: principle "amazing/dive-deep" does not',
    ),
    "review principle in no set of mine": (
        _change(("review_items", 0, "principle"), DIVE | {"builtin": False}),
        'review_items[0].principle: principle "amazon/dive-deep" does not exist in this file '
        "or in your own sets",
    ),
    "loop on a set that does not exist": (
        _change(("loops", 0, "set"), "zeta"),
        'loops[0].set: built-in principle set "zeta" does not exist',
    ),
    "loop principle not in its set": (
        _slot(principles=["dive-deep", "grit"], pins=[]),
        'loops[0].slots[0].principles[1]: principle "amazon/grit" does not exist',
    ),
    "target on someone's set": (
        _change(("coverage_target",), {"set": "acme", "builtin": False, "principles": []}),
        'coverage_target.set: principle set "acme" does not exist in this file or in your own',
    ),
    "target principle twice": (
        _change(("coverage_target", "principles"), ["dive-deep", "dive-deep"]),
        'coverage_target.principles[1]: "dive-deep" is also principles[0]',
    ),
    "self-rating out of range": (
        _change((*ROUND, "self_rating"), 6),
        "practice_rounds[0].self_rating: 6 is out of range (use 1 to 5)",
    ),
    "self-rating as text": (
        _change((*ROUND, "self_rating"), "4"),
        "practice_rounds[0].self_rating: expected a whole number, found text",
    ),
    "target time too short": (
        _change((*ROUND, "target_seconds"), 10),
        "practice_rounds[0].target_seconds: 10 is out of range (use 30 to 900)",
    ),
    "time taken over the form's limit": (
        _change((*ROUND, "seconds_taken"), 36_001),
        "practice_rounds[0].seconds_taken: 36001 is out of range (use 0 to 36,000)",
    ),
    "unknown round status": (
        _change((*ROUND, "status"), "paused"),
        'practice_rounds[0].status: unknown status "paused"',
    ),
    "answer too long": (
        _change((*ROUND, "answer"), "a" * 5001),
        "practice_rounds[0].answer: longer than 5,000 characters (it has 5,001)",
    ),
    "question too long": (
        _change((*ROUND, "question"), "q" * 501),
        "practice_rounds[0].question: longer than 500 characters (it has 501)",
    ),
    "interviewer label too long": (
        _change((*ROUND, "mock_interviewer"), "i" * 81),
        "practice_rounds[0].mock_interviewer: longer than 80 characters (it has 81)",
    ),
    "follow-ups on an empty answer": (
        _change((*ROUND, "answer"), "  "),
        "practice_rounds[0].followups: follow-ups are asked about an answer, and answer is empty",
    ),
    "follow-up question too long": (
        _change((*ASKED, "question"), "w" * 301),
        "practice_rounds[0].followups[0].questions[0].question: longer than 300 characters",
    ),
    "follow-up answer too long": (
        _change((*ASKED, "answer"), "w" * 5001),
        "practice_rounds[0].followups[0].questions[0].answer: longer than 5,000 characters",
    ),
    "unknown rating": (
        _change((*ASKED, "rating"), "meh"),
        'practice_rounds[0].followups[0].questions[0].rating: unknown rating "meh" '
        '(use "nailed" or "shaky" or "skipped")',
    ),
    "unknown part": (
        _change((*ASKED, "part"), "ending"),
        'practice_rounds[0].followups[0].questions[0].part: unknown part "ending"',
    ),
    "an ask still queued": (
        _change((*ROUND, "followups", 0, "status"), "pending"),
        'practice_rounds[0].followups[0].status: unknown status "pending" (use "done" or "failed")',
    ),
    "model name too long": (
        _change(("stories", 0, "followups", 0, "model"), "m" * 201),
        "stories[0].followups[0].model: longer than 200 characters",
    ),
    "box out of range": (
        _change(("review_items", 0, "box"), 0),
        "review_items[0].box: 0 is out of range (use 1 to 5)",
    ),
    "bad due date": (
        _change(("review_items", 0, "due_on"), "2025-02-30"),
        'review_items[0].due_on: "2025-02-30" is not a date as "YYYY-MM-DD"',
    ),
    "review item without its time": (
        lambda doc: doc["review_items"][0].pop("last_practised_at"),
        "review_items[0].last_practised_at: required field is missing",
    ),
    "too many interviewers": (
        _change(("loops", 0, "slots"), [slot_doc(pins=[]) for _ in range(9)]),
        "loops[0].slots: more than 8 interviewers (it has 9)",
    ),
    "too many principles for an interviewer": (
        _slot(principles=["dive-deep", "ownership", "frugality", "earn-trust", "bias-for-action"]),
        "loops[0].slots[0].principles: more than 4 principles (it has 5)",
    ),
    "unknown count out of range": (
        _change(("loops", 0, "slots", 1, "unknown_count"), 5),
        "loops[0].slots[1].unknown_count: 5 is out of range (use 1 to 4)",
    ),
    "loop name too long": (
        _change(("loops", 0, "name"), "n" * 121),
        "loops[0].name: longer than 120 characters (it has 121)",
    ),
    "rehearsal without a name": (
        _change(("mock_loops", 0, "name"), " "),
        "mock_loops[0].name: must not be empty",
    ),
    "unknown field in a round": (
        _change((*ROUND, "score"), 90),
        "practice_rounds[0].score: unknown field",
    ),
}


@pytest.mark.parametrize(("change", "expected"), FAILURES_V2.values(), ids=FAILURES_V2.keys())
def test_a_broken_version_2_file_writes_nothing_and_says_where(user, amazon, change, expected):
    StoryFactory(owner=user, title="Already here")
    before = db_state()
    doc = full_doc()
    change(doc)

    result = bank_import(user=user, data=dumps(doc))

    assert not result.ok
    assert any(m.startswith(expected) for m in messages(result)), messages(result)
    assert db_state() == before


def test_the_full_file_the_failures_start_from_is_valid(user, amazon):
    assert bank_import(user=user, data=dumps(full_doc())).ok


def test_a_failure_at_the_last_write_rolls_every_section_back(user, amazon, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError("the target could not be saved")

    monkeypatch.setattr(services, "coverage_target_set", refuse)
    before = db_state()

    result = bank_import(user=user, data=dumps(full_doc()))

    assert messages(result) == ["(file): could not be saved: the target could not be saved"]
    assert db_state() == before


def test_refs_to_a_skipped_story_lead_to_the_story_kept(user, amazon):
    mine = StoryFactory(owner=user, title="Cut build times")
    doc = bank_v2_doc(
        story_doc("cut build times", ref="s1", followups=[ask_doc()]),
        story_doc("CUT BUILD TIMES", ref="s2"),  # a repeat in the file, and mine
        practice_rounds=[round_doc(story="s2")],
        review_items=[review_doc(story="s1")],
        loops=[loop_doc(slots=[slot_doc(pins=[{"principle": "dive-deep", "story": "s2"}])])],
    )

    result = bank_import(user=user, data=dumps(doc), on_duplicate="skip")

    assert result.ok, messages(result)
    assert (result.stories_created, result.stories_skipped) == (0, 2)
    assert Story.objects.filter(owner=user).count() == 1
    assert PracticeRound.objects.get(user=user).story == mine
    assert ReviewItem.objects.get(user=user).story == mine
    assert LoopPin.objects.get(loop__owner=user).story == mine
    assert FollowUpJob.objects.get(owner=user, story__isnull=False).story == mine


def test_refs_to_a_title_repeated_in_the_file_lead_to_the_first(user, amazon):
    doc = bank_v2_doc(
        story_doc("Alpha", ref="a", result="The first telling."),
        story_doc("alpha", ref="b", result="The second telling."),
        practice_rounds=[round_doc(story="b", followups=[])],
        review_items=[review_doc(story="a"), review_doc(story="b")],
    )

    result = bank_import(user=user, data=dumps(doc))

    assert result.ok, messages(result)
    first = Story.objects.get(owner=user)
    assert first.result == "The first telling."
    assert PracticeRound.objects.get(user=user).story == first
    # Both items name the same pair once the repeat is skipped: the first is kept.
    assert ReviewItem.objects.get(user=user).box == 2
    assert result.already_there == 1


def test_skip_keeps_my_review_item_and_my_coverage_target(user, amazon):
    mine = StoryFactory(owner=user, title="Cut build times")
    dive = Principle.objects.get(principle_set=amazon, slug="dive-deep")
    ownership = Principle.objects.get(principle_set=amazon, slug="ownership")
    for _ in range(3):
        review_item_record(user=user, story_id=mine.pk, principle_id=dive.pk, was_nailed=True)
    coverage_target_set(user=user, principle_set=amazon, principles=[ownership])
    doc = bank_v2_doc(
        story_doc(ref="s1"),
        review_items=[review_doc(box=1)],
        coverage_target={"set": "amazon", "builtin": True, "principles": ["dive-deep"]},
    )

    result = bank_import(user=user, data=dumps(doc))

    assert result.ok, messages(result)
    assert ReviewItem.objects.get(user=user).box == 4
    assert list(CoverageTarget.objects.get(user=user).principles.all()) == [ownership]
    assert result.coverage_target == "kept"
    assert result.summary().endswith(
        "Left out 1 already in your account. Kept your own coverage target."
    )


def test_a_target_and_a_loop_on_a_set_from_the_file(user):
    doc = bank_v2_doc(
        story_doc(ref="s1"),
        sets=[acme_doc(principles=("grit", "candour"))],
        coverage_target={"set": "acme", "builtin": False, "principles": ["candour"]},
        loops=[
            loop_doc(
                set="acme",
                builtin=False,
                slots=[slot_doc(principles=["grit"], pins=[{"principle": "grit", "story": "s1"}])],
            )
        ],
    )

    result = bank_import(user=user, data=dumps(doc))

    assert result.ok, messages(result)
    acme = PrincipleSet.objects.get(owner=user, slug="acme")
    target = CoverageTarget.objects.get(user=user)
    assert (target.principle_set, [p.slug for p in target.principles.all()]) == (acme, ["candour"])
    loop = Loop.objects.get(owner=user)
    assert loop.principle_set == acme
    assert LoopPin.objects.get(loop=loop).principle.principle_set == acme


def test_a_round_links_to_its_bank_question_again_or_keeps_only_its_text(user, amazon):
    banked = Question.objects.filter(principle__principle_set=amazon, principle__slug="dive-deep")
    text = banked.order_by("position").first().text
    doc = bank_v2_doc(
        practice_rounds=[
            round_doc(story=None, question=text, from_question_bank=True),
            round_doc(story=None, question="A question no bank has.", from_question_bank=True),
            round_doc(story=None, question=text, from_question_bank=False),
        ]
    )

    result = bank_import(user=user, data=dumps(doc))

    assert result.ok, messages(result)
    linked, unknown, typed = PracticeRound.objects.filter(user=user).order_by("id")
    assert linked.question == banked.get(text=text)
    assert (unknown.question, unknown.question_text) == (None, "A question no bank has.")
    assert (typed.question, typed.question_text) == (None, text)


def _grow(user, amazon, n: int) -> None:
    """Add n stories, each with an ask on it, a practised round, a review item and a loop
    with a pin, and a rehearsal, through the import itself."""
    tag = Story.objects.filter(owner=user).count()
    stories = [story_doc(f"Story {tag + i}", ref=f"s{i}", followups=[ask_doc()]) for i in range(n)]
    doc = bank_v2_doc(
        *stories,
        practice_rounds=[
            round_doc(question=f"Question {tag + i}?", story=f"s{i}", mock_loop=f"m{i}")
            for i in range(n)
        ],
        mock_loops=[{"ref": f"m{i}", "name": f"Rehearsal {i}", "loop": f"l{i}"} for i in range(n)],
        review_items=[review_doc(story=f"s{i}") for i in range(n)],
        coverage_target={"set": "amazon", "builtin": True, "principles": ["dive-deep"]},
        loops=[
            loop_doc(
                ref=f"l{i}",
                name=f"Loop {tag + i}",
                slots=[slot_doc(pins=[{"principle": "dive-deep", "story": f"s{i}"}])],
            )
            for i in range(n)
        ],
    )
    result = bank_import(user=user, data=dumps(doc))
    assert result.ok, messages(result)


def test_export_runs_the_same_queries_for_a_small_and_a_big_bank(client_for, user, amazon):
    _grow(user, amazon, 1)
    with CaptureQueriesContext(connection) as small:
        bank_export(user=user)
    client = client_for(user)
    with CaptureQueriesContext(connection) as small_page:
        assert client.get(reverse("exchange:export_json")).status_code == 200

    _grow(user, amazon, 12)
    with CaptureQueriesContext(connection) as big:
        bank = bank_export(user=user)
    with CaptureQueriesContext(connection) as big_page:
        response = client.get(reverse("exchange:export_json"))

    assert len(bank["stories"]) == len(bank["practice_rounds"]) == len(bank["loops"]) == 13
    assert len(json.loads(response.content)["practice_rounds"]) == 13
    assert len(big) == len(small)
    assert len(big_page) == len(small_page)


def test_the_bank_page_imports_a_version_2_file_and_says_what_came_in(client_for, user, amazon):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("bank.json", dumps(full_doc()).encode(), "application/json")
    response = client_for(user).post(
        reverse("exchange:bank"), {"file": upload, "on_duplicate": "skip"}, follow=True
    )

    page = response.content.decode()
    assert "Also imported 2 practice rounds, 2 follow-up questions" in page
    assert PracticeRound.objects.filter(user=user).count() == 2


def test_export_then_import_through_the_page_keeps_everything(client_for, full_bank, other_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = client_for(full_bank).get(reverse("exchange:export_json")).content
    upload = SimpleUploadedFile("bank.json", text, "application/json")
    client_for(other_user).post(reverse("exchange:bank"), {"file": upload, "on_duplicate": "skip"})

    mine, theirs = json.loads(text), bank_export(user=other_user)
    for bank in (mine, theirs):
        bank.pop("exported_at")
    assert theirs == mine


def test_the_version_2_example_in_schema_md_imports_and_exports_as_written(user, amazon):
    text = (Path(exchange.__file__).parent / "SCHEMA.md").read_text(encoding="utf-8")
    example = text.split("## Example, version 2", 1)[1].split("```json", 1)[1].split("```")[0]

    result = bank_import(user=user, data=example)

    assert result.ok, messages(result)
    assert (result.stories_created, result.rounds_created, result.questions_created) == (1, 1, 2)
    assert (result.loops_created, result.mock_loops_created, result.review_items_created) == (
        1,
        1,
        1,
    )
    assert result.coverage_target == "set"
    written = json.loads(example)
    exported = bank_export(user=user)
    for bank in (written, exported):
        bank.pop("exported_at")
    assert exported == written
