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
