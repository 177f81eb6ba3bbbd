"""Writing, editing, archiving and deleting stories through the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from principles.models import Principle
from stories.forms import StoryForm
from stories.models import PART_MAX, TITLE_MAX, Story, Weight
from stories.services import story_set_principles
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


def story_payload(**overrides) -> dict[str, str]:
    data = {
        "title": "Halved the fraud review queue",
        "situation": "Analysts at a payments company reviewed 900 flagged orders a day by hand.",
        "task": "I was asked to cut the manual review load without letting more fraud through.",
        "action": "I rebuilt the rules as a gradient-boosted model and ran it in shadow mode.",
        "result": "The queue fell from 900 to 420 orders a day; fraud losses stayed flat.",
        "reflection": "Shadow mode earned the analysts' trust faster than any slide.",
        "happened_on": "2024-03",
        "organisation": "Example Payments",
        "role": "Data scientist",
        "tags": "fraud, ml",
    }
    data.update(overrides)
    return data


def test_create_story_with_principles_and_tags(client_for, user, amazon):
    dive_deep = Principle.objects.get(principle_set=amazon, slug="dive-deep")
    results = Principle.objects.get(principle_set=amazon, slug="deliver-results")
    payload = story_payload()
    payload[StoryForm.principle_field_name(dive_deep.pk)] = "primary"
    payload[StoryForm.principle_field_name(results.pk)] = "secondary"
    response = client_for(user).post(reverse("stories:create"), payload)
    story = Story.objects.get(owner=user)
    assert response.status_code == 302
    assert response.url == reverse("stories:detail", args=[story.pk])
    assert story.title == "Halved the fraud review queue"
    assert story.happened_on.isoformat() == "2024-03-01"
    assert sorted(story.tags.names()) == ["fraud", "ml"]
    assert dict(story.mappings.values_list("principle__slug", "weight")) == {
        "dive-deep": Weight.PRIMARY,
        "deliver-results": Weight.SECONDARY,
    }


def test_new_story_link_pretags_the_principle(client_for, user, amazon):
    frugality = Principle.objects.get(principle_set=amazon, slug="frugality")
    body = client_for(user).get(reverse("stories:create"), {"principle": frugality.pk})
    field = body.context["form"][StoryForm.principle_field_name(frugality.pk)]
    assert field.value() == "primary"


@pytest.mark.parametrize("missing", ["title", "situation", "task", "action", "result"])
def test_empty_required_field_is_an_error_and_saves_nothing(client_for, user, missing):
    response = client_for(user).post(reverse("stories:create"), story_payload(**{missing: "  "}))
    assert response.status_code == 200
    assert missing in response.context["form"].errors
    assert not Story.objects.exists()


@pytest.mark.parametrize(("field", "limit"), [("title", TITLE_MAX), ("action", PART_MAX)])
def test_oversized_field_is_explained_and_keeps_the_text(client_for, user, field, limit):
    typed = ("I measured it. " * (limit // 15 + 10)).strip()
    response = client_for(user).post(reverse("stories:create"), story_payload(**{field: typed}))
    assert response.status_code == 200
    assert not Story.objects.exists()
    body = response.content.decode()
    assert f"Keep this under {limit:,} characters; it has {len(typed)}" in body
    assert typed in body  # the user's text comes back in the field


def test_oversized_edit_changes_nothing(client_for, story):
    before = story.content()
    response = client_for(story.owner).post(
        reverse("stories:edit", args=[story.pk]), story_payload(result="x" * (PART_MAX + 1))
    )
    assert response.status_code == 200
    story.refresh_from_db()
    assert story.content() == before
    assert not story.revisions.exists()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("2023-07", "2023-07-01"), ("07/2023", "2023-07-01"), ("", None)],
)
def test_month_field_accepts_common_forms(client_for, user, typed, expected):
    client_for(user).post(reverse("stories:create"), story_payload(happened_on=typed))
    happened = Story.objects.get().happened_on
    assert (happened.isoformat() if happened else None) == expected


@pytest.mark.parametrize("typed", ["2023-13", "last spring", "2999-01"])
def test_month_field_rejects_nonsense(client_for, user, typed):
    response = client_for(user).post(reverse("stories:create"), story_payload(happened_on=typed))
    assert "happened_on" in response.context["form"].errors
    assert not Story.objects.exists()


def test_edit_page_shows_the_story_its_tags_and_mappings(client_for, story, amazon):
    dive = Principle.objects.get(principle_set=amazon, slug="dive-deep")
    story.tags.set(["ml", "incident"])
    story_set_principles(story=story, mappings={dive.pk: "secondary"})
    response = client_for(story.owner).get(reverse("stories:edit", args=[story.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["title"].value() == story.title
    assert form[StoryForm.principle_field_name(dive.pk)].value() == "secondary"
    body = response.content.decode()
    assert 'value="incident, ml"' in body or 'value="ml, incident"' in body


def test_edit_keeps_previous_text_as_revision(client_for, story):
    old_result = story.result
    client_for(story.owner).post(
        reverse("stories:edit", args=[story.pk]),
        story_payload(title=story.title, result="Failures fell to zero for 3 months."),
    )
    story.refresh_from_db()
    assert story.result == "Failures fell to zero for 3 months."
    revision = story.revisions.get()
    assert revision.content["result"] == old_result


def test_detail_reads_like_a_cue_card(client_for, story):
    body = client_for(story.owner).get(reverse("stories:detail", args=[story.pk])).content
    text = body.decode()
    for part in ("Situation", "Task", "Action", "Result", "Reflection"):
        assert f"<h2>{part}</h2>" in text  # under the h1 title: no skipped level
    assert story.action in text


def test_story_text_is_escaped(client_for, user):
    story = StoryFactory(owner=user, title="<script>alert(1)</script>")
    text = client_for(user).get(reverse("stories:detail", args=[story.pk])).content.decode()
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_archive_hides_and_unarchive_brings_back(client_for, story):
    client = client_for(story.owner)
    client.post(reverse("stories:archive", args=[story.pk]))
    story.refresh_from_db()
    assert story.is_archived
    active = client.get(reverse("stories:list")).context["page"].object_list
    archived = client.get(reverse("stories:list"), {"archived": "on"}).context["page"].object_list
    assert story not in active
    assert list(archived) == [story]
    client.post(reverse("stories:archive", args=[story.pk]), {"unarchive": "1"})
    story.refresh_from_db()
    assert not story.is_archived


def test_delete_asks_first_then_deletes(client_for, story):
    client = client_for(story.owner)
    confirm = client.get(reverse("stories:delete", args=[story.pk]))
    assert confirm.status_code == 200
    assert Story.objects.filter(pk=story.pk).exists()
    assert b"Delete for good" in confirm.content
    response = client.post(reverse("stories:delete", args=[story.pk]))
    assert response.url == reverse("stories:list")
    assert not Story.objects.filter(pk=story.pk).exists()


def test_revision_compare_and_restore(client_for, story):
    client = client_for(story.owner)
    original = story.content()
    client.post(
        reverse("stories:edit", args=[story.pk]),
        story_payload(title="A new title", action="I rewrote the loader in a weekend."),
    )
    story.refresh_from_db()
    revision = story.revisions.get()
    diff = client.get(reverse("stories:revision", args=[story.pk, revision.pk])).content.decode()
    assert "<del>" in diff and "<ins>" in diff
    assert "weekend." in diff

    client.post(reverse("stories:revision_restore", args=[story.pk, revision.pk]))
    story.refresh_from_db()
    assert story.content() == original
    assert story.revisions.count() == 2
    assert story.revisions.first().content["title"] == "A new title"
