"""Custom principle sets, their principles and questions."""

from __future__ import annotations

import factory

from principles.models import Principle, PrincipleSet, Question
from tests.accounts.factories import UserFactory


class PrincipleSetFactory(factory.django.DjangoModelFactory):
    """A user's own set (another company's values)."""

    class Meta:
        model = PrincipleSet

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Values of company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")
    description = "The values this company hires for."
    position = factory.Sequence(lambda n: n)


class PrincipleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Principle

    principle_set = factory.SubFactory(PrincipleSetFactory)
    name = factory.Sequence(lambda n: f"Value {n}")
    slug = factory.Sequence(lambda n: f"value-{n}")
    position = factory.Sequence(lambda n: n + 1)
    description = "Acts on evidence and says what changed."
    keywords = factory.LazyFunction(lambda: ["evidence", "measured"])


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    principle = factory.SubFactory(PrincipleFactory)
    text = factory.Sequence(lambda n: f"Tell me about a time you changed your mind ({n}).")
    position = factory.Sequence(lambda n: n + 1)
    source = "mine"
