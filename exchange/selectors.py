"""Reads for export, import and the cheat sheet: only the user's own rows, fixed queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Lower

from principles.models import Principle, PrincipleSet, Question
from stories.models import Story, StoryPrinciple, StoryRevision


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


def bank_stories(*, user) -> QuerySet[Story]:
    """Every story of the user (archived too), oldest first, with everything exported."""
    return (
        Story.objects.owned_by(user)
        .order_by("created_at", "id")
        .prefetch_related(
            _mappings(),
            "tags",
            Prefetch("revisions", queryset=StoryRevision.objects.order_by("created_at", "id")),
        )
    )


def active_stories(*, user) -> QuerySet[Story]:
    """The user's active stories by title, with mappings, principles and tags prefetched."""
    return (
        Story.objects.owned_by(user)
        .active()
        .order_by(Lower("title"), "id")
        .prefetch_related(_mappings(), "tags")
    )


def story_titles(*, user) -> list[str]:
    """Titles of all the user's stories (for duplicate checks on import)."""
    return list(Story.objects.owned_by(user).values_list("title", flat=True))


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
