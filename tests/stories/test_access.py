"""A user sees and changes only their own stories: anyone else's answers 404.

The URL list is generated from the stories URLconf, so a new story URL is covered
without touching this file.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, reverse

from stories import urls as story_urls
from stories.jobs import followup_job_start
from stories.models import FollowUp, FollowUpJob, Story
from stories.services import story_update
from tests.factories import StoryFactory

METHODS = ["get", "post", "put", "patch", "delete"]


def _story_routes() -> list[URLPattern]:
    return [p for p in story_urls.urlpatterns if "pk" in p.pattern.converters]


def _objects_of(story: Story) -> dict[str, int]:
    """Every id a story URL can take, for one story of the owner's (made on first use)."""
    if not story.revisions.exists():
        story_update(story=story, fields={"title": f"{story.title} (edited)"})
    job = story.followup_jobs.first() or followup_job_start(
        user=story.owner, story=story, principle=None, backend="rules"
    )
    return {
        "pk": story.pk,
        "revision_pk": story.revisions.first().pk,
        "job_pk": job.pk,
        "followup_pk": job.followups.first().pk,
    }


def _url_for(pattern: URLPattern, story: Story, ids: dict[str, int]) -> str:
    kwargs = {name: ids[name] for name in pattern.pattern.converters}
    return reverse(f"stories:{pattern.name}", kwargs=kwargs)


def _snapshot(story: Story) -> tuple:
    story.refresh_from_db()
    return (
        story.content(),
        story.archived_at,
        story.revisions.count(),
        sorted(story.mappings.values_list("principle_id", "weight")),
        sorted(story.tags.names()),
        sorted(FollowUpJob.objects.filter(story=story).values_list("pk", "status")),
        sorted(FollowUp.objects.filter(story=story).values_list("pk", "answer", "rating")),
    )


def test_every_story_url_is_covered():
    names = {p.name for p in _story_routes()}
    assert {
        "detail",
        "edit",
        "delete",
        "archive",
        "revision",
        "revision_restore",
        "followup_start",
        "followup_job",
        "followup_answer",
    } <= names


@pytest.mark.django_db
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("route", _story_routes(), ids=lambda p: p.name)
def test_other_users_story_is_404_and_unchanged(client_for, user, other_user, route, method):
    story = StoryFactory(owner=user)
    story.tags.set(["ml"])
    ids = _objects_of(story)
    before = _snapshot(story)
    payload = {
        "title": "hijacked",
        "situation": "x",
        "task": "x",
        "action": "x",
        "result": "x",
        "unarchive": "1",
        "answer": "hijacked",
        "rating": "nailed",
        "backend": "rules",
    }
    client = client_for(other_user)
    response = getattr(client, method)(_url_for(route, story, ids), payload)
    assert response.status_code == 404
    assert _snapshot(story) == before
    assert Story.objects.filter(pk=story.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("route", _story_routes(), ids=lambda p: p.name)
def test_anonymous_visitor_is_sent_to_login(client, story, route):
    url = _url_for(route, story, _objects_of(story))
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
