"""Story services: revisions on every text change, restore, mappings."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from principles.models import Principle
from stories import services
from stories.models import PART_MAX, Story, StoryPrinciple
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


def test_each_text_edit_makes_one_revision(story):
    texts = [story.result, "Second result with 2 numbers: 10%.", "Third: 3x faster."]
    for text in texts[1:]:
        services.story_update(story=story, fields={"result": text})
    assert [r.content["result"] for r in story.revisions.all()] == texts[:2][::-1]


def test_saving_unchanged_text_makes_no_revision(story):
    services.story_update(story=story, fields=story.content())
    services.story_update(story=story, fields={"organisation": "Acme"})
    assert story.revisions.count() == 0
    story.refresh_from_db()
    assert story.organisation == "Acme"


def test_restore_brings_back_the_old_text(story):
    original = story.content()
    services.story_update(story=story, fields={"title": "Edited", "action": "New action."})
    revision = story.revisions.get()
    services.story_restore_revision(story=story, revision=revision)
    story.refresh_from_db()
    assert story.content() == original
    assert story.revisions.first().content["action"] == "New action."


def test_restore_refuses_another_storys_revision(story):
    other = StoryFactory(owner=story.owner)
    services.story_update(story=other, fields={"title": "Changed"})
    with pytest.raises(ValueError, match="another story"):
        services.story_restore_revision(story=story, revision=other.revisions.get())


def test_oversized_text_is_refused_by_the_service_too(story):
    with pytest.raises(ValidationError):
        services.story_update(story=story, fields={"action": "x" * (PART_MAX + 1)})
    story.refresh_from_db()
    assert len(story.action) < PART_MAX
    assert story.revisions.count() == 0


def test_unknown_field_is_refused(story):
    with pytest.raises(ValueError, match="owner"):
        services.story_update(story=story, fields={"owner": None})


def test_set_principles_adds_changes_and_removes(story, amazon):
    a, b, c = Principle.objects.filter(principle_set=amazon)[:3]
    services.story_set_principles(story=story, mappings={a.pk: "primary", b.pk: "secondary"})
    services.story_set_principles(story=story, mappings={b.pk: "primary", c.pk: "secondary"})
    assert dict(story.mappings.values_list("principle_id", "weight")) == {
        b.pk: "primary",
        c.pk: "secondary",
    }
    assert StoryPrinciple.objects.count() == 2


def test_archive_and_unarchive_are_idempotent(story):
    services.story_archive(story=story)
    first = story.archived_at
    services.story_archive(story=story)
    assert story.archived_at == first
    assert not Story.objects.active().filter(pk=story.pk).exists()
    services.story_unarchive(story=story)
    assert Story.objects.active().filter(pk=story.pk).exists()
