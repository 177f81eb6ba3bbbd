"""Finding stories: search, filters, sort, pagination, and a fixed query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from principles.models import Principle
from stories.services import story_set_principles
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


def listed(client, **params) -> list[str]:
    response = client.get(reverse("stories:list"), params)
    assert response.status_code == 200
    return [s.title for s in response.context["page"].object_list]


def test_search_matches_title_and_every_part(client_for, user):
    StoryFactory(owner=user, title="Warehouse forecast", result="Stockouts fell by 30%.")
    StoryFactory(owner=user, title="Onboarding revamp", action="I interviewed 14 new hires.")
    StoryFactory(owner=user, title="Unrelated")
    client = client_for(user)
    assert listed(client, q="forecast") == ["Warehouse forecast"]
    assert listed(client, q="STOCKOUTS") == ["Warehouse forecast"]
    assert listed(client, q="interviewed hires") == ["Onboarding revamp"]
    assert listed(client, q="interviewed forecast") == []


def test_filter_by_principle_and_tag(client_for, user, amazon):
    dive = Principle.objects.get(principle_set=amazon, slug="dive-deep")
    a = StoryFactory(owner=user, title="A")
    b = StoryFactory(owner=user, title="B")
    story_set_principles(story=a, mappings={dive.pk: "secondary"})
    b.tags.set(["Incident"])
    client = client_for(user)
    assert listed(client, principle=dive.pk) == ["A"]
    assert listed(client, tag="incident") == ["B"]
    assert listed(client, principle=dive.pk, tag="incident") == []


def test_sort_by_title_and_by_last_edited(client_for, user):
    for title in ("Beta", "alpha", "Gamma"):
        StoryFactory(owner=user, title=title)
    client = client_for(user)
    assert listed(client, sort="title") == ["alpha", "Beta", "Gamma"]
    assert listed(client, sort="updated") == ["Gamma", "alpha", "Beta"]
    assert listed(client, sort="nonsense") == ["Gamma", "alpha", "Beta"]


def test_pagination_keeps_filters(client_for, user):
    StoryFactory.create_batch(25, owner=user, title="Paged story")
    client = client_for(user)
    first = client.get(reverse("stories:list"), {"q": "paged"})
    assert len(first.context["page"].object_list) == 20
    assert "q=paged&amp;page=2" in first.content.decode()
    assert len(listed(client, q="paged", page=2)) == 5
    assert len(listed(client, q="paged", page=99)) == 5  # past the end: the last page


def _count_list_queries(client, user, amazon, n: int) -> int:
    principles = list(Principle.objects.filter(principle_set=amazon)[:4])
    for i in range(n):
        story = StoryFactory(owner=user)
        story.tags.set([f"tag{i % 7}", "shared"])
        story_set_principles(
            story=story,
            mappings={p.pk: "primary" if j == 0 else "secondary" for j, p in enumerate(principles)},
        )
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("stories:list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(n, 20)
    return len(ctx.captured_queries)


def test_story_list_runs_the_same_number_of_queries_for_5_and_50(
    client_for, user, other_user, amazon
):
    few = _count_list_queries(client_for(user), user, amazon, 5)
    many = _count_list_queries(client_for(other_user), other_user, amazon, 50)
    assert few == many
    assert few <= 10
