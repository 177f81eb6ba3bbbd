"""Writes for stories: every change to a story goes through these functions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from principles.models import Principle
from stories import scoring
from stories.models import (
    CONTENT_FIELDS,
    Story,
    StoryDraft,
    StoryPrinciple,
    StoryRevision,
    Weight,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: Story fields a form or an import may set directly.
EDITABLE_FIELDS = (*CONTENT_FIELDS, "happened_on", "organisation", "role")


#: The order a mapping cycles through when its grid cell is clicked.
_CYCLE = {None: "primary", "primary": "secondary", "secondary": None}


def next_weight(current: str | None) -> str | None:
    """none -> primary -> secondary -> none."""
    return _CYCLE.get(current)


def _apply_fields(
    story: Story, fields: Mapping[str, object], *, baseline: Story | None = None
) -> list[str]:
    """Copy editable fields onto the story; return the names that differ from ``baseline``.

    ``baseline`` is the row as stored (the in-memory story may already carry
    the new values, e.g. after a ModelForm cleaned it).
    """
    baseline = baseline or story
    changed = []
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"{name!r} is not an editable story field")
        if getattr(baseline, name) != value:
            changed.append(name)
        setattr(story, name, value)
    return changed


def story_set_tags(*, story: Story, tags: Iterable[str]) -> None:
    """Give the story these tags, in this order (shown as typed)."""
    wanted = list(dict.fromkeys(tags))
    if list(story.tags.names()) != wanted:
        story.tags.set(wanted, clear=True)  # re-added in order: they list by when added


def story_set_principles(*, story: Story, mappings: Mapping[int, str]) -> None:
    """Replace the story's principle mappings with ``{principle_id: weight}``."""
    wanted = {pid: Weight(weight) for pid, weight in mappings.items() if weight}
    existing = {m.principle_id: m for m in story.mappings.all()}
    stale = [m.pk for pid, m in existing.items() if pid not in wanted]
    if stale:
        StoryPrinciple.objects.filter(pk__in=stale).delete()
    for pid, weight in wanted.items():
        current = existing.get(pid)
        if current is None:
            StoryPrinciple.objects.create(story=story, principle_id=pid, weight=weight)
        elif current.weight != weight:
            current.weight = weight
            current.save(update_fields=["weight"])


@transaction.atomic
def story_create(
    *,
    owner: User,
    fields: Mapping[str, object],
    tags: Iterable[str] = (),
    mappings: Mapping[int, str] | None = None,
) -> Story:
    """Create a story with its tags and principle mappings."""
    story = Story(owner=owner)
    _apply_fields(story, fields)
    story.full_clean(exclude=["owner"])
    scoring.apply_score(story)
    story.save()
    story_set_tags(story=story, tags=tags)
    if mappings:
        story_set_principles(story=story, mappings=mappings)
    return story


@transaction.atomic
def story_update(
    *,
    story: Story,
    fields: Mapping[str, object],
    tags: Iterable[str] | None = None,
    mappings: Mapping[int, str] | None = None,
) -> Story:
    """Update a story; when its text changes, keep the previous text as a revision."""
    stored = Story.objects.select_for_update().get(pk=story.pk)
    changed = _apply_fields(story, fields, baseline=stored)
    if changed:
        story.full_clean(exclude=["owner"])
        if any(name in CONTENT_FIELDS for name in changed):
            StoryRevision.objects.create(story=story, content=stored.content())
        if any(name in scoring.CHECKED_FIELDS for name in changed):
            scoring.apply_score(story)
            changed += scoring.SCORE_FIELDS
        story.save(update_fields=[*changed, "updated_at"])
    if tags is not None:
        story_set_tags(story=story, tags=tags)
    if mappings is not None:
        story_set_principles(story=story, mappings=mappings)
    return story


@transaction.atomic
def story_cycle_principle(*, story: Story, principle: Principle) -> str | None:
    """Move one mapping along none -> primary -> secondary -> none; return the new weight."""
    current = (
        StoryPrinciple.objects.select_for_update().filter(story=story, principle=principle).first()
    )
    weight = next_weight(current.weight if current else None)
    if weight is None:
        if current is not None:
            current.delete()
    elif current is None:
        StoryPrinciple.objects.create(story=story, principle=principle, weight=weight)
    else:
        current.weight = weight
        current.save(update_fields=["weight"])
    return weight


def story_restore_revision(*, story: Story, revision: StoryRevision) -> Story:
    """Bring back a revision's text; the text it replaces becomes a revision itself."""
    if revision.story_id != story.pk:
        raise ValueError("The revision belongs to another story.")
    restored = {name: revision.content.get(name, "") for name in CONTENT_FIELDS}
    return story_update(story=story, fields=restored)


def story_archive(*, story: Story) -> Story:
    """Hide a story from lists without deleting it."""
    if story.archived_at is None:
        story.archived_at = timezone.now()
        story.save(update_fields=["archived_at"])
    return story


def story_unarchive(*, story: Story) -> Story:
    """Bring an archived story back to the lists."""
    if story.archived_at is not None:
        story.archived_at = None
        story.save(update_fields=["archived_at"])
    return story


def stories_rescore(*, stories: Iterable[Story], batch_size: int = 200) -> int:
    """Re-run the checker on stories and store the verdicts; returns how many changed.

    Only the score fields are written: ``updated_at`` stays, since the story
    itself did not change.
    """
    batch: list[Story] = []
    updated = 0
    for story in stories:
        before = (story.star_score, story.star_flags, story.star_quantified, story.star_version)
        scoring.apply_score(story)
        after = (story.star_score, story.star_flags, story.star_quantified, story.star_version)
        if after != before:
            batch.append(story)
        if len(batch) >= batch_size:
            updated += Story.objects.bulk_update(batch, scoring.SCORE_FIELDS)
            batch = []
    if batch:
        updated += Story.objects.bulk_update(batch, scoring.SCORE_FIELDS)
    return updated


def story_delete(*, story: Story) -> None:
    """Delete a story with its mappings and revisions."""
    story.delete()


def principle_ids_by_slug(*, set_slug: str) -> dict[str, int]:
    """Map principle slugs to ids for a built-in set (used by seeding and imports)."""
    return dict(
        Principle.objects.filter(
            principle_set__slug=set_slug, principle_set__owner__isnull=True
        ).values_list("slug", "id")
    )


def draft_save(*, owner: User, story: Story | None, data: Mapping[str, str]) -> StoryDraft:
    """Keep what the user typed into a story's form (or the new-story form), replacing
    the draft kept before."""
    if story is not None and story.owner_id != owner.pk:
        raise ValueError("A draft belongs to the story's owner.")
    draft, _ = StoryDraft.objects.update_or_create(
        owner=owner, story=story, defaults={"data": dict(data)}
    )
    return draft


def draft_discard(*, owner: User, story: Story | None) -> None:
    """Forget the user's draft of the story (or of the new story): it was saved or
    thrown away."""
    StoryDraft.objects.filter(owner=owner, story=story).delete()
