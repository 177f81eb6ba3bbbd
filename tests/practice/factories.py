"""Practice rounds at any stage."""

from __future__ import annotations

import factory

from practice.models import PracticeRound, RoundStatus
from tests.accounts.factories import UserFactory


class PracticeRoundFactory(factory.django.DjangoModelFactory):
    """An answered round waiting for follow-ups, unless told otherwise."""

    class Meta:
        model = PracticeRound

    user = factory.SubFactory(UserFactory)
    question_text = "Tell me about a time you dug into the data to find a root cause."
    status = RoundStatus.FOLLOWUPS
    answer = (
        "Our refund rate doubled in a week. I owned the investigation, traced it to one "
        "courier's scans and got the courier to fix them; refunds fell back to 2%."
    )
    seconds_taken = 95
