"""Reads for export, import and the cheat sheet: only the user's own rows, fixed queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Lower

from coach.models import FollowUp, FollowUpJob
from planning.models import CoverageTarget, Loop, LoopPin, LoopSlot
from practice.models import MockLoop, PracticeRound, ReviewItem
from principles.models import Principle, PrincipleSet, Question
from stories.models import Story, StoryPrinciple, StoryRevision

from .schema import FINISHED_JOB_STATUSES


def _mappings() -> Prefetch:
    return Prefetch(
        "mappings", queryset=StoryPrinciple.objects.select_related("principle__principle_set")
    )


def custom_sets(*, user) -> QuerySet[PrincipleSet]:
    """The user's own principle sets with principles and questions, in their order."""
    questions = Question.objects.order_by("position", "id")
    principles = Principle.objects.order_by("position", "id").prefetch_related(
        Prefetch("questions", queryset=questions)
    )
    return (
        PrincipleSet.objects.filter(owner=user)
        .order_by("position", "name", "id")
        .prefetch_related(Prefetch("principles", queryset=principles))
    )


def _asks(*, user) -> QuerySet[FollowUpJob]:
    """The user's finished follow-up jobs, oldest first, with their questions."""
    return (
        FollowUpJob.objects.filter(owner=user, status__in=FINISHED_JOB_STATUSES)
        .select_related("principle__principle_set")
        .order_by("created_at", "id")
        .prefetch_related(
            Prefetch("followups", queryset=FollowUp.objects.order_by("position", "id"))
        )
    )


def bank_stories(*, user) -> QuerySet[Story]:
    """Every story of the user (archived too), oldest first, with everything exported:
    mappings, tags, revisions and the follow-up questions asked about it."""
    return (
        Story.objects.owned_by(user)
        .order_by("created_at", "id")
        .prefetch_related(
            _mappings(),
            "tags",
            Prefetch("revisions", queryset=StoryRevision.objects.order_by("created_at", "id")),
            Prefetch("followup_jobs", queryset=_asks(user=user)),
        )
    )


def bank_rounds(*, user) -> QuerySet[PracticeRound]:
    """The user's practice rounds, oldest first, with the follow-ups asked in each."""
    return (
        PracticeRound.objects.filter(user=user)
        .select_related("principle__principle_set")
        .order_by("created_at", "id")
        .prefetch_related(Prefetch("followup_jobs", queryset=_asks(user=user)))
    )


def bank_mock_loops(*, user) -> QuerySet[MockLoop]:
    """The user's loop rehearsals, oldest first."""
    return MockLoop.objects.filter(user=user).order_by("created_at", "id")


def bank_review_items(*, user) -> QuerySet[ReviewItem]:
    """The user's review schedule, soonest due first."""
    return (
        ReviewItem.objects.filter(user=user)
        .select_related("principle__principle_set")
        .order_by("due_on", "box", "id")
    )


def bank_coverage_target(*, user) -> CoverageTarget | None:
    """The user's saved coverage target with its chosen principles, if there is one."""
    principles = Principle.objects.order_by("position", "id")
    return (
        CoverageTarget.objects.filter(user=user)
        .select_related("principle_set")
        .prefetch_related(Prefetch("principles", queryset=principles))
        .first()
    )


def bank_loops(*, user) -> QuerySet[Loop]:
    """The user's interview loops, oldest first, with interviewers, principles and pins."""
    pins = LoopPin.objects.select_related("principle").order_by(
        "principle__position", "principle__slug", "id"
    )
    slots = LoopSlot.objects.order_by("order", "id").prefetch_related(
        Prefetch("principles", queryset=Principle.objects.order_by("position", "id")),
        Prefetch("pins", queryset=pins),
    )
    return (
        Loop.objects.filter(owner=user)
        .select_related("principle_set")
        .order_by("created_at", "id")
        .prefetch_related(Prefetch("slots", queryset=slots))
    )


def active_stories(*, user) -> QuerySet[Story]:
    """The user's active stories by title, with mappings, principles and tags prefetched."""
    return (
        Story.objects.owned_by(user)
        .active()
        .order_by(Lower("title"), "id")
        .prefetch_related(_mappings(), "tags")
    )


def story_ids_by_title(*, user) -> dict[str, int]:
    """``{title casefolded: id}`` of the user's stories (the oldest of a repeated title)."""
    rows = Story.objects.owned_by(user).order_by("-created_at", "-id").values_list("title", "id")
    return {title.casefold(): pk for title, pk in rows}


def loop_keys(*, user) -> dict[tuple[str, dt.datetime], int]:
    """``{(name, created at): id}`` of the user's interview loops."""
    rows = Loop.objects.filter(owner=user).values_list("name", "created_at", "id")
    return {(name, at): pk for name, at, pk in rows}


def mock_loop_ids(*, user) -> dict[tuple[str, dt.datetime], int]:
    """``{(name, started at): id}`` of the user's loop rehearsals."""
    rows = MockLoop.objects.filter(user=user).values_list("name", "created_at", "id")
    return {(name, at): pk for name, at, pk in rows}


def round_keys(*, user) -> set[tuple[str, dt.datetime]]:
    """``(question, started at)`` of the user's practice rounds."""
    return set(PracticeRound.objects.filter(user=user).values_list("question_text", "created_at"))


def story_ask_keys(*, user) -> set[tuple[int, dt.datetime]]:
    """``(story id, asked at)`` of the follow-up jobs on the user's stories."""
    return set(
        FollowUpJob.objects.filter(owner=user, story__isnull=False).values_list(
            "story_id", "created_at"
        )
    )


def review_pairs(*, user) -> set[tuple[int, int]]:
    """``(story id, principle id)`` of the user's review schedule."""
    return set(ReviewItem.objects.filter(user=user).values_list("story_id", "principle_id"))


def has_coverage_target(*, user) -> bool:
    """True when the user has saved a coverage target."""
    return CoverageTarget.objects.filter(user=user).exists()


def builtin_set_ids() -> dict[str, int]:
    """``{slug: id}`` of the sets shipped with Storybank."""
    return dict(PrincipleSet.objects.filter(owner__isnull=True).values_list("slug", "id"))


def bank_question_ids(*, principle_ids: set[int], texts: set[str]) -> dict[tuple[int, str], int]:
    """``{(principle id, text): id}`` of the bank questions with these texts."""
    rows = Question.objects.filter(principle_id__in=principle_ids, text__in=texts).values_list(
        "principle_id", "text", "id"
    )
    return {(principle, text): pk for principle, text, pk in rows}


def set_slugs(*, user) -> dict[str, int]:
    """``{slug: id}`` of the user's own principle sets."""
    return dict(PrincipleSet.objects.filter(owner=user).values_list("slug", "id"))


def builtin_set_slugs() -> set[str]:
    """Slugs of the sets shipped with Storybank."""
    return set(PrincipleSet.objects.filter(owner__isnull=True).values_list("slug", flat=True))


def principle_ids(*, user) -> dict[tuple[bool, str, str], int]:
    """``{(builtin, set slug, principle slug): id}`` for every principle the user may map."""
    rows = Principle.objects.filter(principle_set__owner__isnull=True).values_list(
        "principle_set__slug", "slug", "id"
    )
    ids = {(True, s, p): pk for s, p, pk in rows}
    rows = Principle.objects.filter(principle_set__owner=user).values_list(
        "principle_set__slug", "slug", "id"
    )
    ids.update({(False, s, p): pk for s, p, pk in rows})
    return ids


@dataclass(frozen=True)
class BankSummary:
    """Counts shown on the bank page."""

    stories: int
    archived: int
    custom_sets: int


def bank_summary(*, user) -> BankSummary:
    """How much the user's bank holds."""
    stories = Story.objects.owned_by(user)
    return BankSummary(
        stories=stories.count(),
        archived=stories.filter(archived_at__isnull=False).count(),
        custom_sets=PrincipleSet.objects.filter(owner=user).count(),
    )
