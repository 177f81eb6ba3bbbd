"""Reads for stories: each page's data in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404
from taggit.models import Tag

from principles.models import Principle
from principles.selectors import principles_visible_to
from stories.models import CONTENT_FIELDS, Story, StoryDraft, StoryPrinciple, StoryRevision

SORTS = {
    "updated": ("-updated_at", "-id"),
    "title": (Lower("title"), "id"),
    "score": (F("star_score").desc(nulls_last=True), "-updated_at", "-id"),
    "weakest": (F("star_score").asc(nulls_last=True), "-updated_at", "-id"),
}


@dataclass(frozen=True)
class StoryFilters:
    """What the story list is narrowed to and ordered by."""

    q: str = ""
    principle_id: int | None = None
    tag: str = ""
    sort: str = "updated"
    archived: bool = False


def _mappings_prefetch() -> Prefetch:
    return Prefetch(
        "mappings",
        queryset=StoryPrinciple.objects.select_related("principle__principle_set"),
    )


def story_list(*, user, filters: StoryFilters) -> QuerySet[Story]:
    """The user's stories matching the filters, with mappings and tags prefetched."""
    stories = Story.objects.owned_by(user)
    stories = stories.filter(archived_at__isnull=False) if filters.archived else stories.active()
    for word in filters.q.split():
        match = Q()
        for field in CONTENT_FIELDS:  # search looks at everything the story says
            match |= Q(**{f"{field}__icontains": word})
        stories = stories.filter(match)
    if filters.principle_id:
        stories = stories.filter(mappings__principle_id=filters.principle_id)
    if filters.tag:
        stories = stories.filter(tags__name__iexact=filters.tag)
    return (
        stories.distinct()
        .order_by(*SORTS.get(filters.sort, SORTS["updated"]))
        .prefetch_related(_mappings_prefetch(), "tags")
    )


def story_get(*, user, pk: int) -> Story:
    """One of the user's stories, or 404 (another user's story does not exist for them)."""
    return get_object_or_404(
        Story.objects.owned_by(user).prefetch_related(_mappings_prefetch(), "tags"), pk=pk
    )


def story_is_owned(*, user, pk: int) -> bool:
    """Does the user have a story with this id?"""
    return Story.objects.owned_by(user).filter(pk=pk).exists()


def story_revisions(*, story: Story) -> QuerySet[StoryRevision]:
    """The story's revisions, newest first."""
    return story.revisions.all()


def revision_get(*, story: Story, pk: int) -> StoryRevision:
    """A revision of this story, or 404."""
    return get_object_or_404(StoryRevision, story=story, pk=pk)


def user_tags(*, user) -> QuerySet[Tag]:
    """Tags used on the user's own stories (never another user's)."""
    return Tag.objects.filter(story__owner=user).distinct().order_by("name")


def user_principles(*, user) -> QuerySet[Principle]:
    """Principles of the sets the user can see, grouped by set, in order."""
    return (
        principles_visible_to(user=user)
        .select_related("principle_set")
        .order_by(
            "principle_set__owner_id", "principle_set__position", "principle_set_id", "position"
        )
    )


def draft_get(*, user, story: Story | None) -> StoryDraft | None:
    """The user's unsaved draft of the story (of the new story for None), if any."""
    return StoryDraft.objects.filter(owner=user, story=story).first()
