"""A turn of a follow-up thread, written: the answer judged, the next probe asked one
level deeper, nothing asked twice, the candidate's own verdict kept."""

from __future__ import annotations

import pytest
from django.test import override_settings

from coach.models import FollowUp, Verdict
from coach.thread_turns import answer_followup, overrule_verdict
from tests.coach.factories import FollowUpFactory

pytestmark = pytest.mark.django_db

NO_NUMBER = "It went down quite a lot after that, the customers were much happier."
WITH_NUMBER = "Churn fell from 3.4% to 2.3% a month over the next quarter."


def test_an_answer_with_no_number_is_partly_and_draws_the_number_probe():
    first = FollowUpFactory(question="What happened to churn after the fix?")
    probe = answer_followup(followup=first, answer=NO_NUMBER, rating="shaky")
    first.refresh_from_db()
    assert first.verdict == Verdict.PARTLY
    assert first.verdict_missing == ["number"]
    assert first.kind == "outcome"
    assert probe is not None
    assert (probe.parent, probe.level, probe.kind) == (first, 2, "number")
    assert probe.job_id == first.job_id
    assert probe.question.startswith("What was the number?")
    assert probe.reason == "Asked because of your answer: no number yet"


@override_settings(FOLLOWUP_THREAD_LEVELS=3)
def test_a_thread_goes_three_levels_deep_and_stops():
    first = FollowUpFactory(question="What happened to churn after the fix?")
    second = answer_followup(followup=first, answer=NO_NUMBER, rating="shaky")
    assert second is not None
    third = answer_followup(followup=second, answer=WITH_NUMBER, rating="nailed")
    assert third is not None and third.level == 3 and third.kind == "deeper"
    last = answer_followup(
        followup=third,
        answer="Because a holdout would have cost us a month, I compared it with last year.",
        rating="nailed",
    )
    assert last is None
    assert FollowUp.objects.filter(job_id=first.job_id).count() == 3


def test_answering_again_asks_nothing_new_and_skipping_asks_nothing():
    first = FollowUpFactory(question="What happened to churn after the fix?")
    probe = answer_followup(followup=first, answer=NO_NUMBER, rating="shaky")
    again = answer_followup(followup=first, answer=NO_NUMBER + " Really.", rating="shaky")
    assert again == probe
    assert FollowUp.objects.filter(parent=first).count() == 1
    skipped = FollowUpFactory(job=first.job, position=50, question="Who else worked on it?")
    assert answer_followup(followup=skipped, answer="", rating="skipped") is None
    assert not FollowUp.objects.filter(parent=skipped).exists()


def test_the_candidates_verdict_stands():
    first = FollowUpFactory(question="What happened to churn after the fix?")
    answer_followup(followup=first, answer=NO_NUMBER, rating="shaky")
    overrule_verdict(followup=first, verdict=Verdict.ANSWERED)
    answer_followup(followup=first, answer=NO_NUMBER, rating="shaky")
    first.refresh_from_db()
    assert (first.verdict, first.verdict_by_user) == (Verdict.ANSWERED, True)
