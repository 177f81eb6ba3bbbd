"""What the loop planner reads of practice: shaky follow-ups per story and last practice."""

from __future__ import annotations

import pytest

from coach.jobs import followup_job_start
from coach.models import Rating
from planning.practice_state import practice_state
from practice.services import round_ask_followups
from tests.practice.factories import PracticeRoundFactory
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


def test_shaky_follow_ups_on_the_story_and_in_rounds_reach_the_planner(user, other_user):
    story, calm = StoryFactory(owner=user), StoryFactory(owner=user)
    job = followup_job_start(user=user, story=story, principle=None, backend="rules")
    on_page = job.followups.order_by("position").first()
    on_page.rating = Rating.SHAKY
    on_page.save(update_fields=["rating"])
    practice_round = PracticeRoundFactory(user=user, story=story)
    round_job = round_ask_followups(practice_round=practice_round, backend="rules")
    in_round = round_job.followups.order_by("position").last()
    in_round.rating = Rating.SHAKY
    in_round.save(update_fields=["rating"])
    nailed = round_job.followups.order_by("position").first()
    nailed.rating = Rating.NAILED
    nailed.save(update_fields=["rating"])
    theirs = StoryFactory(owner=other_user)
    other_job = followup_job_start(user=other_user, story=theirs, principle=None, backend="rules")
    other_job.followups.update(rating=Rating.SHAKY)

    state = practice_state(user=user)
    assert set(state.shaky) == {story.pk}
    assert set(state.shaky[story.pk]) == {on_page.question, in_round.question}
    assert state.shaky_count(story.pk) == 2 and state.shaky_count(calm.pk) == 0
    assert state.last_practised[story.pk] == practice_round.created_at
    assert calm.pk not in state.last_practised


def test_a_shaky_story_ranks_lower_and_its_shaky_follow_ups_are_on_the_one_pager(
    client_for, user, amazon
):
    from django.urls import reverse

    from planning.services import loop_create, slot_add
    from principles.models import Principle
    from stories.services import story_set_principles

    dive = Principle.objects.get(principle_set=amazon, slug="dive-deep")
    steady = StoryFactory(owner=user, title="Steady story")
    wobbly = StoryFactory(owner=user, title="Wobbly story")
    for story in (steady, wobbly):  # same text, same score: only practice tells them apart
        story_set_principles(story=story, mappings={dive.pk: "primary"})
    loop = loop_create(user=user, name="One", date=None, principle_set=amazon)
    slot_add(loop=loop, label="Peer", principles=[dive])
    url = reverse("loops:sheet", args=[loop.pk])
    client = client_for(user)

    def cell():
        return client.get(url).context["sheets"][0].cells[0]

    job = followup_job_start(user=user, story=steady, principle=dive, backend="rules")
    first = job.followups.order_by("position").first()
    first.rating = Rating.SHAKY
    first.save(update_fields=["rating"])
    planned = cell()
    assert (planned.story.title, planned.backup) == ("Wobbly story", "Steady story")
    assert planned.story.shaky == []

    other = followup_job_start(user=user, story=wobbly, principle=dive, backend="rules")
    assert other.followups.update(rating=Rating.SHAKY) >= 2  # more shaky than Steady's one
    planned = cell()
    assert (planned.story.title, planned.backup) == ("Steady story", "Wobbly story")
    assert planned.story.shaky == [first.question]
