"""Practise the loop: a round per interviewer with the planned story's principle and a
question not asked yet; finished rounds feed the review schedule."""

from __future__ import annotations

import pytest
from django.urls import reverse

from planning.services import loop_create_from_template
from practice.models import MockLoop, PracticeRound, ReviewItem
from practice.services import round_finish, round_start
from principles.models import Principle, Question
from stories.services import story_set_principles
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def loop(user, amazon):
    loop = loop_create_from_template(user=user, template_key="data-scientist", name="DS loop")
    for slot in loop.slots.exclude(unknown=True):
        for principle in slot.principles.all():
            story = StoryFactory(owner=user, title=f"{principle.name} story")
            story_set_principles(story=story, mappings={principle.pk: "primary"})
    return loop


def test_rehearsing_a_loop_opens_a_round_per_interviewer(client_for, user, amazon, loop):
    dive = Principle.objects.get(principle_set=amazon, slug="dive-deep")
    asked = Question.objects.filter(principle=dive).order_by("position").first()
    round_start(user=user, principle=dive, question=asked, target_seconds=120)
    response = client_for(user).post(reverse("practice:mock_loop_start", args=[loop.pk]))
    mock = MockLoop.objects.get(user=user)
    assert response.status_code == 302
    assert response["Location"] == reverse("practice:mock_loop", args=[mock.pk])
    rounds = list(mock.rounds.order_by("mock_position"))
    slots = list(loop.slots.order_by("order"))
    assert [r.mock_interviewer for r in rounds] == [s.label for s in slots]
    for practice_round, slot in zip(rounds, slots, strict=True):
        if not slot.unknown:
            assert practice_round.principle in set(slot.principles.all())
            assert practice_round.story.title == f"{practice_round.principle.name} story"
        assert practice_round.question.principle == practice_round.principle
    questions = [r.question_id for r in rounds]
    assert len(set(questions)) == len(questions)
    assert asked.pk not in questions  # not yet used comes first
    page = client_for(user).get(reverse("practice:mock_loop", args=[mock.pk])).content.decode()
    assert "Start with Phone screen" in page and "ML depth" in page


def test_a_finished_mock_round_moves_the_planned_pair_in_the_schedule(client_for, user, loop):
    client_for(user).post(reverse("practice:mock_loop_start", args=[loop.pk]))
    first = PracticeRound.objects.get(mock_position=0)
    first.status = "followups"
    first.save(update_fields=["status"])
    round_finish(practice_round=first, self_rating=5, notes="")
    item = ReviewItem.objects.get(user=user)
    assert (item.story, item.principle, item.box) == (first.story, first.principle, 2)
    page = client_for(user).get(reverse("practice:round", args=[first.pk])).content.decode()
    assert "Next interviewer: ML depth" in page


def test_another_user_cannot_rehearse_or_see_a_mock_loop(client_for, user, other_user, loop):
    client_for(user).post(reverse("practice:mock_loop_start", args=[loop.pk]))
    mock = MockLoop.objects.get()
    client = client_for(other_user)
    assert client.post(reverse("practice:mock_loop_start", args=[loop.pk])).status_code == 404
    assert client.get(reverse("practice:mock_loop", args=[mock.pk])).status_code == 404
    assert MockLoop.objects.count() == 1


def test_an_empty_loop_cannot_be_rehearsed(client_for, user, amazon):
    from planning.services import loop_create

    empty = loop_create(user=user, name="Empty", date=None, principle_set=amazon)
    response = client_for(user).post(
        reverse("practice:mock_loop_start", args=[empty.pk]), follow=True
    )
    assert "The loop has no interviewer with a principle to practise." in response.content.decode()
    assert not MockLoop.objects.exists()
