"""Drafts that survive: autosave on the server, restore or discard, a background
request from a signed-out browser told so, and a new story saved once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from stories.models import PART_MAX, Story, StoryDraft
from tests.accounts.factories import UserFactory
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def typed(**fields: str) -> dict[str, str]:
    return {
        "title": "Cut the nightly batch",
        "situation": "The nightly batch ran for nine hours.",
        "task": "I had to bring it under two.",
        "action": "I profiled it and rewrote the join.",
        "result": "It runs in 80 minutes now.",
        **fields,
    }


def test_typing_keeps_a_draft_and_replaces_it(user, client_for):
    client = client_for(user)
    url = reverse("stories:draft_save")
    client.post(url, {**typed(), "draft_story": ""}, **HTMX)
    response = client.post(url, {**typed(title="Cut the batch to 80 minutes")}, **HTMX)
    assert response.status_code == 200
    assert b"Draft kept at" in response.content
    draft = StoryDraft.objects.get(owner=user)
    assert draft.story is None
    assert draft.data["title"] == "Cut the batch to 80 minutes"
    assert not Story.objects.exists()


def test_a_draft_keeps_text_over_the_limit_and_ignores_unknown_fields(user, client_for):
    long_action = "I measured it. " * (PART_MAX // 10)
    client_for(user).post(
        reverse("stories:draft_save"), {**typed(action=long_action), "owner": "7"}, **HTMX
    )
    data = StoryDraft.objects.get(owner=user).data
    assert data["action"] == long_action
    assert "owner" not in data


def test_no_draft_for_another_users_story(user, client_for):
    theirs = StoryFactory(owner=UserFactory())
    response = client_for(user).post(
        reverse("stories:draft_save"), {**typed(), "draft_story": str(theirs.pk)}, **HTMX
    )
    assert response.status_code == 404
    assert not StoryDraft.objects.exists()


def test_the_form_offers_a_draft_that_differs_and_restores_it(user, client_for):
    story = StoryFactory(owner=user, title="Old title")
    client = client_for(user)
    client.post(
        reverse("stories:draft_save"),
        {**typed(title="A better title"), "draft_story": str(story.pk)},
        **HTMX,
    )
    edit = reverse("stories:edit", args=[story.pk])
    page = client.get(edit).content.decode()
    assert "You have unsaved changes to this story" in page
    restored = client.get(edit, {"draft": "restore"}).content.decode()
    assert 'value="A better title"' in restored
    assert "You have unsaved changes" not in restored  # the form shows the draft now


def test_a_draft_that_says_nothing_new_is_not_offered(user, client_for):
    story = StoryFactory(owner=user)
    client = client_for(user)
    page = client.get(reverse("stories:edit", args=[story.pk]))
    same = {name: value for name, value in page.context["form"].shown().items()}
    client.post(reverse("stories:draft_save"), {**same, "draft_story": str(story.pk)}, **HTMX)
    assert StoryDraft.objects.filter(story=story).exists()
    assert (
        b"You have unsaved changes"
        not in client.get(reverse("stories:edit", args=[story.pk])).content
    )


def test_saving_the_story_forgets_its_draft(user, client_for):
    client = client_for(user)
    client.post(reverse("stories:draft_save"), typed(), **HTMX)
    response = client.post(reverse("stories:create"), {**typed(), "form_key": "k1"})
    assert response.status_code == 302
    assert not StoryDraft.objects.exists()


def test_discarding_a_draft(user, client_for):
    story = StoryFactory(owner=user)
    client = client_for(user)
    client.post(reverse("stories:draft_save"), {**typed(), "draft_story": str(story.pk)}, **HTMX)
    response = client.post(reverse("stories:draft_discard"), {"draft_story": str(story.pk)})
    assert response.headers["Location"] == reverse("stories:edit", args=[story.pk])
    assert not StoryDraft.objects.exists()


def test_the_same_new_story_form_sent_twice_saves_once(user, client_for):
    client = client_for(user)
    first = client.post(reverse("stories:create"), {**typed(), "form_key": "abc123"})
    again = client.post(reverse("stories:create"), {**typed(), "form_key": "abc123"})
    story = Story.objects.get()
    assert first.headers["Location"] == again.headers["Location"]
    assert again.headers["Location"] == reverse("stories:detail", args=[story.pk])
    other = client.post(reverse("stories:create"), {**typed(), "form_key": "def456"})
    assert other.status_code == 302
    assert Story.objects.count() == 2


def test_a_signed_out_background_request_is_told_not_given_the_login_page(client):
    response = client.post(reverse("stories:check"), typed(), **HTMX)
    assert response.status_code == 401
    body = response.content.decode()
    assert "You were signed out" in body
    assert "Everything you typed is kept" in body
    assert 'name="password"' not in body
    # An ordinary request still goes to the login page.
    page = client.post(reverse("stories:create"), typed())
    assert page.status_code == 302
    assert page.headers["Location"].startswith(reverse("login"))


def test_session_status_says_whether_signed_in(client, user):
    url = reverse("session_status")
    assert client.get(url).json()["signed_in"] is False
    client.force_login(user)
    state = client.get(url).json()
    assert state["signed_in"] is True
    assert state["user"] == user.pk  # the page saves again only for the same account
    assert len(state["csrf_token"]) >= 32
