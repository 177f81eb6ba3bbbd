"""A user sees and changes only their own stories: anyone else's answers 404.

The URL list is generated from the stories URLconf, so a new story URL is covered
without touching this file.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, reverse

from stories import urls as story_urls
from stories.models import Story, StoryRevision
from stories.services import story_update
from tests.factories import StoryFactory

METHODS = ["get", "post", "put", "patch", "delete"]


def _story_routes() -> list[URLPattern]:
    return [p for p in story_urls.urlpatterns if "pk" in p.pattern.converters]


def _url_for(pattern: URLPattern, story: Story, revision: StoryRevision) -> str:
    kwargs = {"pk": story.pk}
    if "revision_pk" in pattern.pattern.converters:
        kwargs["revision_pk"] = revision.pk
    return reverse(f"stories:{pattern.name}", kwargs=kwargs)


def _snapshot(story: Story) -> tuple:
    story.refresh_from_db()
    return (
        story.content(),
        story.archived_at,
        story.revisions.count(),
        sorted(story.mappings.values_list("principle_id", "weight")),
        sorted(story.tags.names()),
    )


def test_every_story_url_is_covered():
    names = {p.name for p in _story_routes()}
    assert {"detail", "edit", "delete", "archive", "revision", "revision_restore"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("route", _story_routes(), ids=lambda p: p.name)
def test_other_users_story_is_404_and_unchanged(client_for, user, other_user, route, method):
    story = StoryFactory(owner=user)
    story.tags.set(["ml"])
    story_update(story=story, fields={"title": "Renamed once"})
    revision = story.revisions.get()
    before = _snapshot(story)
    payload = {
        "title": "hijacked",
        "situation": "x",
        "task": "x",
        "action": "x",
        "result": "x",
        "unarchive": "1",
    }
    client = client_for(other_user)
    response = getattr(client, method)(_url_for(route, story, revision), payload)
    assert response.status_code == 404
    assert _snapshot(story) == before
    assert Story.objects.filter(pk=story.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("route", _story_routes(), ids=lambda p: p.name)
def test_anonymous_visitor_is_sent_to_login(client, story, route):
    story_update(story=story, fields={"title": "Renamed once"})
    url = _url_for(route, story, story.revisions.get())
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_lists_never_include_another_users_stories(client_for, user, other_user):
    mine = StoryFactory(owner=user, title="Mine: cut the query time")
    theirs = StoryFactory(owner=other_user, title="Theirs: secret migration")
    theirs.tags.set(["secret-tag"])
    client = client_for(user)
    for params in ({}, {"q": "secret"}, {"q": "migration"}, {"archived": "on"}, {"sort": "title"}):
        body = client.get(reverse("stories:list"), params).content.decode()
        assert theirs.title not in body
        assert "secret-tag" not in body
    assert mine.title in client.get(reverse("stories:list")).content.decode()
