"""The question matcher ranks my stories for a question, with reasons."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planning.matcher import StoryText, guess_principle, rank_stories
from principles.models import Principle, Question
from principles.services import principle_save, principle_set_create
from stories.services import story_archive, story_set_principles
from tests.stories.factories import StoryFactory


@dataclass(frozen=True)
class P:
    pk: int
    name: str
    keywords: list[str] = field(default_factory=list)


FRUGALITY = P(1, "Frugality", ["cloud bill", "cut costs", "budget"])
DIVE = P(2, "Dive Deep", ["root cause", "query", "anomaly"])

CLOUD = StoryText(1, "Cloud bill", "I cut the cloud bill by 38% with spot instances.", 90)
OUTAGE = StoryText(2, "Outage", "I found the root cause of the anomaly in one query.", 70)
PARTY = StoryText(3, "Team party", "I organised a party for the team.", 95)


def test_primary_beats_secondary_and_reasons_say_why():
    matches = rank_stories(
        "Tell me about a budget you cut.",
        FRUGALITY,
        [CLOUD, OUTAGE],
        {1: "secondary", 2: "primary"},
    )
    assert [m.story.title for m in matches] == ["Outage", "Cloud bill"]
    assert matches[0].reasons[0] == "Mapped to Frugality (primary)"
    assert any(r.startswith("Shows Frugality signals: “cloud bill”") for r in matches[1].reasons)


def test_signals_and_word_overlap_rank_unmapped_stories():
    matches = rank_stories(
        "Tell me about the root cause of an outage.", DIVE, [CLOUD, OUTAGE, PARTY], {}
    )
    assert [m.story.title for m in matches] == ["Outage"]
    assert "Shares words with the question: cause, outage, root" in matches[0].reasons[-2]


def test_score_breaks_ties_and_irrelevant_stories_are_left_out():
    twin = StoryText(4, "Cloud bill again", CLOUD.text, 50)
    matches = rank_stories("cloud bill", FRUGALITY, [twin, CLOUD, PARTY], {})
    assert [m.story.title for m in matches] == ["Cloud bill", "Cloud bill again"]


def test_guess_principle_for_a_typed_question():
    assert guess_principle("Tell me about a time you cut costs", [FRUGALITY, DIVE]) is FRUGALITY
    assert guess_principle("How did you find the root cause?", [FRUGALITY, DIVE]) is DIVE
    assert guess_principle("What is your favourite colour?", [FRUGALITY, DIVE]) is None


pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_question_page_answers_with_top_three(client_for, user, amazon):
    question = Question.objects.get(
        text="Tell me about a time you used data to solve a complex customer issue."
    )
    customer = question.principle
    stories = [StoryFactory(owner=user, title=f"Story {i}") for i in range(5)]
    story_set_principles(story=stories[0], mappings={customer.pk: "secondary"})
    story_set_principles(story=stories[1], mappings={customer.pk: "primary"})
    archived = StoryFactory(owner=user, title="Archived one")
    story_set_principles(story=archived, mappings={customer.pk: "primary"})
    story_archive(story=archived)
    response = client_for(user).get(reverse("questions:detail", args=[question.pk]))
    matches = response.context["matches"]
    assert [m.story.title for m in matches][:2] == ["Story 1", "Story 0"]
    assert len(matches) <= 3
    assert "Archived one" not in response.content.decode()
    assert "Answer with" in response.content.decode()


@pytestmark_db
def test_question_page_query_count_is_fixed(client_for, user, amazon):
    question = Question.objects.filter(principle__principle_set=amazon).first()
    client = client_for(user)
    counts = []
    for n in (3, 30):
        for _ in range(n):
            story = StoryFactory(owner=user)
            story_set_principles(story=story, mappings={question.principle_id: "primary"})
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("questions:detail", args=[question.pk]))
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


@pytestmark_db
def test_typed_question_guesses_the_principle(client_for, user, amazon):
    frugality = Principle.objects.get(principle_set=amazon, slug="frugality")
    story = StoryFactory(owner=user, title="Halved the GPU budget")
    story_set_principles(story=story, mappings={frugality.pk: "primary"})
    response = client_for(user).get(
        reverse("questions:match"), {"q": "Tell me about a time you cut costs"}
    )
    assert response.context["principle"] == frugality
    assert [m.story.title for m in response.context["matches"]] == ["Halved the GPU budget"]


@pytestmark_db
def test_questions_of_another_users_set_are_404_and_stories_stay_private(
    client_for, user, other_user, amazon
):
    secret_set = principle_set_create(owner=other_user, name="Their values")
    secret = principle_save(principle_set=secret_set, name="Grit", questions=["Secret Q?"])
    question = secret.questions.get()
    client = client_for(user)
    assert client.get(reverse("questions:detail", args=[question.pk])).status_code == 404
    StoryFactory(owner=other_user, title="Their cost story", result="Cut costs by 40%.")
    response = client.get(reverse("questions:match"), {"q": "cut costs"})
    assert response.context["matches"] == []
