"""The small defects a new user meets in the first ten minutes, each fixed for good."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coach.forms import FollowUpRequestForm
from common.wording import ago, with_article
from principles.models import Principle
from stories.models import Story
from stories.services import story_set_principles
from tests.stories.factories import StoryFactory


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Ownership", "an Ownership"),
        ("Invent and Simplify", "an Invent and Simplify"),
        ("Earn Trust", "an Earn Trust"),
        ("Dive Deep", "a Dive Deep"),
        ("Unified Front", "a Unified Front"),
        ("Hire and Develop the Best", "a Hire and Develop the Best"),
    ],
)
def test_a_or_an_before_a_principle(name, said):
    assert with_article(name) == said


def test_edited_moments_ago_is_just_now():
    now = timezone.now()
    assert ago(now - dt.timedelta(seconds=20), now) == "just now"
    assert (
        ago(now - dt.timedelta(minutes=3, seconds=5), now) == "3\xa0minutes ago"
    )  # Django keeps the number and the unit together
    assert ago(now - dt.timedelta(days=2, hours=5), now) == "2\xa0days ago"


STORY = {
    "situation": "The nightly batch ran for nine hours.",
    "task": "I had to bring it under two.",
    "action": "I profiled it and rewrote the join.",
    "result": "It runs in 80 minutes now.",
}


@pytest.mark.django_db
@pytest.mark.parametrize("title", ["\u200b\u200b\u200b", " \u200d\ufeff ", "\u2060"])
def test_a_title_of_invisible_characters_is_refused(user, client_for, title):
    response = client_for(user).post(reverse("stories:create"), {**STORY, "title": title})
    assert response.status_code == 200
    assert "only invisible characters" in response.content.decode()
    assert not Story.objects.exists()


@pytest.mark.django_db
def test_tags_come_back_in_the_order_typed(user, client_for):
    client = client_for(user)
    client.post(reverse("stories:create"), {**STORY, "title": "Batch", "tags": "ml, incident, a/b"})
    story = Story.objects.get()
    assert list(story.tags.names()) == ["ml", "incident", "a/b"]
    edit = client.get(reverse("stories:edit", args=[story.pk])).content.decode()
    assert 'value="ml, incident, a/b"' in edit
    client.post(
        reverse("stories:edit", args=[story.pk]),
        {**STORY, "title": "Batch", "tags": "zeta, ml"},
    )
    assert list(Story.objects.get().tags.names()) == ["zeta", "ml"]
    detail = client.get(reverse("stories:detail", args=[story.pk])).content.decode()
    assert detail.index("#zeta") < detail.index("#ml")


@pytest.mark.django_db
def test_probe_me_on_starts_at_the_primary_principle(user, builtin_principles):
    dive = Principle.objects.get(slug="dive-deep", principle_set__slug="amazon")
    ownership = Principle.objects.get(slug="ownership", principle_set__slug="amazon")
    story = StoryFactory(owner=user)
    # Ownership comes first in the set's order, but it is only secondary here.
    story_set_principles(story=story, mappings={ownership.pk: "secondary", dive.pk: "primary"})
    form = FollowUpRequestForm(story=story, principles=[ownership, dive])
    assert form.fields["principle"].initial == dive.pk
    labels = [label for _, label in form.fields["principle"].choices]
    assert labels[1:3] == ["Dive Deep (primary)", "Ownership (secondary)"]


@pytest.mark.django_db
def test_the_empty_list_says_make_demo(user, client_for):
    page = client_for(user).get(reverse("stories:list")).content.decode()
    assert "make demo" in page
    assert "python manage.py seed_demo" not in page


def test_the_home_page_promises_what_the_history_does(client):
    page = client.get(reverse("home")).content.decode()
    assert "compare any two" not in page
    assert "compare any earlier version with the current text" in page


def test_the_coverage_advice_says_an_ownership_story():
    from collections import namedtuple

    from planning.coverage import build_grid

    principle = namedtuple("P", "pk name")
    grid = build_grid([principle(1, "Ownership"), principle(2, "Dive Deep")], [], [])
    assert grid.advice.endswith("write an Ownership story")
    assert grid.next_button == "Write an Ownership story"
