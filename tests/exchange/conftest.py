"""Banks to export and files to import."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from taggit.models import TaggedItem

from coach.jobs import followup_answer_save, followup_job_start
from coach.models import FollowUp, FollowUpJob, JobStatus
from planning.models import CoverageTarget, Loop, LoopPin, LoopSlot
from planning.services import (
    coverage_target_set,
    loop_create,
    loop_create_from_template,
    loop_mark_done,
    pin_set,
    slot_add,
)
from practice import selectors as practice_selectors
from practice.models import MockLoop, PracticeRound, ReviewItem
from practice.services import (
    mock_loop_start,
    review_item_record,
    round_ask_followups,
    round_finish,
    round_start,
    round_submit_answer,
)
from principles.models import Principle, PrincipleSet, Question
from principles.services import principle_save, principle_set_create
from stories.models import Story, StoryPrinciple, StoryRevision
from stories.services import story_archive, story_set_principles, story_update
from tests.stories.factories import StoryFactory


def bank_doc(*stories: dict, sets: list[dict] | None = None, **top) -> dict:
    """A version 1 bank holding the given stories (and custom sets)."""
    return {
        "format": "storybank-bank",
        "version": 1,
        "principle_sets": sets or [],
        "stories": list(stories),
        **top,
    }


def bank_v2_doc(*stories: dict, sets: list[dict] | None = None, **sections) -> dict:
    """A version 2 bank, written by hand: every section present, empty unless given."""
    return {
        "format": "storybank-bank",
        "version": 2,
        "principle_sets": sets or [],
        "stories": list(stories),
        "practice_rounds": [],
        "mock_loops": [],
        "review_items": [],
        "coverage_target": None,
        "loops": [],
        **sections,
    }


def story_doc(title: str = "Cut build times", **fields) -> dict:
    """A valid story for an import file; keyword arguments override or add fields."""
    return {
        "title": title,
        "situation": "Our CI took 40 minutes and engineers batched their changes.",
        "task": "I owned getting feedback under ten minutes this quarter.",
        "action": "I profiled the pipeline, cached dependencies and split the slow suite.",
        "result": "Builds fell from 40 to 9 minutes and merges per day doubled.",
        **fields,
    }


def acme_doc(slug: str = "acme", principles: tuple[str, ...] = ("grit",)) -> dict:
    """A custom principle set for an import file."""
    return {
        "name": "Acme Values",
        "slug": slug,
        "description": "What Acme hires for.",
        "principles": [
            {
                "name": p.title(),
                "slug": p,
                "description": f"{p} described",
                "signals": ["Keeps going"],
                "keywords": ["persisted"],
                "probes": ["What kept you going?"],
                "questions": ["Tell me about a setback."],
            }
            for p in principles
        ],
    }


def dumps(doc: dict) -> str:
    return json.dumps(doc, indent=2)


def db_state() -> dict[str, int]:
    """Row counts of everything an import could write."""
    return {
        model.__name__: model.objects.count()
        for model in (
            Story,
            StoryRevision,
            StoryPrinciple,
            PrincipleSet,
            Principle,
            Question,
            TaggedItem,
            PracticeRound,
            PracticeRound.followup_jobs.through,
            MockLoop,
            ReviewItem,
            FollowUpJob,
            FollowUp,
            CoverageTarget,
            CoverageTarget.principles.through,
            Loop,
            LoopSlot,
            LoopSlot.principles.through,
            LoopPin,
        )
    }


@pytest.fixture
def rich_bank(user, amazon):
    """A user with a custom set, mapped and tagged stories, revisions and an archived story."""
    acme = principle_set_create(owner=user, name="Acme Values", description="Acme's values.")
    grit = principle_save(
        principle_set=acme,
        name="Grit",
        description="Keeps going.",
        signals=["Finishes hard things"],
        keywords=["Persisted", "kept going"],
        questions=["Tell me about a setback.", "When did you almost give up?"],
    )
    grit.probes = ["What kept you going?"]
    grit.save(update_fields=["probes"])
    principle_save(principle_set=acme, name="Candour")
    dive = Principle.objects.get(principle_set=amazon, slug="dive-deep")
    ownership = Principle.objects.get(principle_set=amazon, slug="ownership")

    first = StoryFactory(
        owner=user,
        title="Rebuilt the nightly pipeline",
        happened_on=dt.date(2024, 3, 1),
        organisation="Acme Corp",
        role="Data engineer",
    )
    first.tags.set(["pipelines", "Reliability"])
    story_set_principles(
        story=first, mappings={dive.pk: "primary", grit.pk: "secondary", ownership.pk: "primary"}
    )
    story_update(story=first, fields={"title": "Rebuilt the nightly sales pipeline"})
    story_update(story=first, fields={"reflection": "Measure first, then fix."})

    second = StoryFactory(owner=user, title="Won back a churned customer")
    story_archive(story=second)
    second.refresh_from_db()
    assert second.archived_at <= timezone.now()
    return user


ANSWER = (
    "Refunds doubled in a week. I owned the investigation: I split refunds by courier, "
    "found one courier's scanner dropping events and got their firmware fixed. Refunds "
    "fell from 4% back to 2% within ten days, and I added an alert on the split."
)


@pytest.fixture
def full_bank(rich_bank, amazon):
    """``rich_bank`` in full use: practice rounds at every stage with answered and rated
    follow-ups, a loop rehearsal, follow-ups on a story (one ask failed), the review
    schedule, a coverage target on the custom set and two loops with pins."""
    user = rich_bank
    first = user.stories.get(title="Rebuilt the nightly sales pipeline")
    second = user.stories.get(title="Won back a churned customer")
    third = StoryFactory(owner=user, title="Shipped the pricing page")
    dive = Principle.objects.get(principle_set=amazon, slug="dive-deep")
    ownership = Principle.objects.get(principle_set=amazon, slug="ownership")
    story_set_principles(story=third, mappings={ownership.pk: "primary"})
    acme = PrincipleSet.objects.get(owner=user, slug="acme-values")
    grit = acme.principles.get(slug="grit")
    candour = acme.principles.get(slug="candour")

    # A finished round from the question bank: answered, follow-ups answered and rated.
    question = Question.objects.filter(principle=dive).order_by("position").first()
    done = round_start(user=user, principle=dive, question=question, target_seconds=150)
    round_submit_answer(practice_round=done, answer=ANSWER, seconds_taken=131, story=first)
    round_ask_followups(practice_round=done, backend="rules")
    asked = list(FollowUp.objects.filter(job__practice_rounds=done).order_by("position"))
    assert len(asked) >= 2
    followup_answer_save(followup=asked[0], answer="The baseline was 2%.", rating="nailed")
    followup_answer_save(followup=asked[1], answer="I am not sure.", rating="shaky")
    round_finish(practice_round=done, self_rating=4, notes="Lead with the number.")
    # A round on a typed question, waiting at its follow-ups; one still being answered.
    waiting = round_start(user=user, principle=grit, question=None, target_seconds=120)
    round_submit_answer(practice_round=waiting, answer=ANSWER, seconds_taken=80, story=None)
    round_start(user=user, principle=None, question=None, target_seconds=90)

    # Follow-ups asked about a story: one answered, and an ask that failed.
    job = followup_job_start(user=user, story=first, principle=grit, backend="rules")
    on_story = job.followups.order_by("position").first()
    followup_answer_save(followup=on_story, answer="I kept going because...", rating="skipped")
    FollowUpJob.objects.create(
        owner=user,
        story=second,
        principle=None,
        requested_backend="llm",
        status=JobStatus.FAILED,
        error="The AI coach did not answer in time.",
        attempts=3,
        finished_at=timezone.now(),
    )

    # The review schedule beyond the finished round: a custom principle, moved twice.
    review_item_record(user=user, story_id=second.pk, principle_id=grit.pk, was_nailed=True)
    review_item_record(user=user, story_id=second.pk, principle_id=grit.pk, was_nailed=True)
    coverage_target_set(user=user, principle_set=acme, principles=[grit, candour])

    # Two loops: the template one with a pin, rehearsed and marked done; one on Acme.
    loop = loop_create_from_template(
        user=user, template_key="data-scientist", name="DS loop", date=dt.date(2025, 6, 3)
    )
    phone = loop.slots.get(label="Phone screen")
    pin_set(slot=phone, principle=dive, story=first)
    behavioral = loop.slots.get(label="Behavioral")
    pin_set(slot=behavioral, principle=ownership, story=third)
    steps = practice_selectors.mock_loop_steps(user=user, loop=loop, today=timezone.localdate())
    mock_loop_start(user=user, loop=loop, steps=steps, target_seconds=120)
    loop_mark_done(loop=loop, done=True)
    mine = loop_create(user=user, name="Acme onsite", date=None, principle_set=acme)
    values = slot_add(loop=mine, label="Values round", principles=[grit, candour])
    slot_add(loop=mine, label="Hiring manager", unknown=True, unknown_count=3)
    pin_set(slot=values, principle=candour, story=third)
    return user
