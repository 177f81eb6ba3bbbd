"""The data migration seeds the Amazon Leadership Principles and their questions."""

from __future__ import annotations

import pytest
from django.apps import apps as django_apps

from principles.models import Principle, PrincipleSet, Question
from principles.seeding import load_set_data, seed_builtin_set

DS_QUESTIONS = {
    "Tell me about a time you used data to solve a complex customer issue.": "customer-obsession",
    (
        "Describe a situation where you had to push back on a stakeholder's request because "
        "the data did not support their hypothesis."
    ): "have-backbone-disagree-and-commit",
    (
        "Walk me through a project that failed. What did you learn, and what would you do "
        "differently?"
    ): "learn-and-be-curious",
}

EXPECTED_ORDER = [
    "Customer Obsession",
    "Ownership",
    "Invent and Simplify",
    "Are Right, A Lot",
    "Learn and Be Curious",
    "Hire and Develop the Best",
    "Insist on the Highest Standards",
    "Think Big",
    "Bias for Action",
    "Frugality",
    "Earn Trust",
    "Dive Deep",
    "Have Backbone; Disagree and Commit",
    "Deliver Results",
    "Strive to be Earth's Best Employer",
    "Success and Scale Bring Broad Responsibility",
]


@pytest.mark.django_db
def test_all_sixteen_principles_are_seeded_in_order(amazon):
    names = list(amazon.principles.order_by("position").values_list("name", flat=True))
    assert names == EXPECTED_ORDER
    assert amazon.is_builtin


@pytest.mark.django_db
def test_every_principle_has_description_signals_and_questions(amazon):
    for principle in amazon.principles.prefetch_related("questions"):
        assert len(principle.description) > 40, principle.name
        assert 2 <= len(principle.signals) <= 4, principle.name
        assert len(principle.questions.all()) >= 4, principle.name
        assert principle.keywords, principle.name


@pytest.mark.django_db
def test_data_scientist_loop_questions_sit_under_fitting_principles(amazon):
    for text, slug in DS_QUESTIONS.items():
        question = Question.objects.get(text=text)
        assert question.principle.slug == slug
        assert question.principle.principle_set == amazon
        assert question.source == "Amazon data-scientist loop"


@pytest.mark.django_db
def test_question_texts_are_unique_across_the_bank(amazon):
    texts = list(
        Question.objects.filter(principle__principle_set=amazon).values_list("text", flat=True)
    )
    assert len(texts) == len(set(texts)) >= 16 * 4 + 3


@pytest.mark.django_db
def test_seeding_again_changes_nothing(amazon):
    before = (PrincipleSet.objects.count(), Principle.objects.count(), Question.objects.count())
    seed_builtin_set(django_apps, load_set_data())
    after = (PrincipleSet.objects.count(), Principle.objects.count(), Question.objects.count())
    assert before == after == (1, 16, before[2])
