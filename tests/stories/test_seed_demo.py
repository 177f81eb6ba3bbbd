"""`manage.py seed_demo` creates a populated demo account."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from stories.models import Story, StoryPrinciple

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_stories_mapped_to_principles(amazon):
    call_command("seed_demo")
    user = authenticate(RequestFactory().post("/"), username="demo", password="storybank-demo")
    assert user is not None
    stories = Story.objects.filter(owner=user)
    assert 6 <= stories.count() <= 10
    for story in stories:
        assert story.mappings.filter(weight="primary").count() == 1
        assert len(story.action.split()) > len(story.situation.split()) // 2
    covered = set(
        StoryPrinciple.objects.filter(story__owner=user).values_list("principle__slug", flat=True)
    )
    assert len(covered) >= 10


def test_seed_demo_refuses_to_duplicate_and_resets_on_request(amazon):
    call_command("seed_demo")
    count = Story.objects.count()
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_demo")
    call_command("seed_demo", reset=True)
    assert Story.objects.count() == count
