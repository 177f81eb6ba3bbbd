"""The story page lists the threads that have not held up yet, in plain words, and
reads them in one query however many follow-ups the story has."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coach.models import Verdict
from coach.open_threads import open_threads
from coach.thread_turns import answer_followup, overrule_verdict
from tests.coach.factories import FollowUpFactory, FollowUpJobFactory

pytestmark = pytest.mark.django_db

CHURN = "What happened to churn after the fix?"
NO_NUMBER = "It went down quite a lot after that, the customers were much happier."
WITH_NUMBER = "Churn fell from 3.4% to 2.3% a month over the next quarter."


def _first(story, question=CHURN, position=1):
    job = FollowUpJobFactory(story=story, status="done")
    return FollowUpFactory(job=job, question=question, position=position)


def test_an_answer_without_its_number_leaves_the_thread_open(story):
    first = _first(story)
    probe = answer_followup(followup=first, answer=NO_NUMBER, rating="shaky")
    assert probe is not None
    # Open on what is missing, named by the first question, linked to the waiting probe.
    [waiting] = open_threads(story)
    assert (waiting.what, waiting.question, waiting.followup_id) == (
        "No number yet", CHURN, probe.pk)  # fmt: skip
    assert (waiting.verdict, waiting.style) == (Verdict.PARTLY, "warning")
    # The number still does not come: still open, now at the pressed probe.
    pressed = answer_followup(
        followup=probe, answer="Honestly I don't remember, it was a while ago.", rating="shaky"
    )
    [still] = open_threads(story)
    assert (still.what, still.question) == ("No number yet", CHURN)
    assert still.followup_id == (pressed or probe).pk
    # The number comes at last: the thread held up.
    answer_followup(followup=pressed or probe, answer=WITH_NUMBER, rating="nailed")
    assert open_threads(story) == []


def test_a_thread_that_held_up_or_was_overruled_is_not_listed(story):
    first = _first(story)
    answer_followup(followup=first, answer=WITH_NUMBER, rating="nailed")
    deeper = first.probes.get()
    answer_followup(
        followup=deeper,
        answer="Because a holdout would have cost a month, I compared it with last year.",
        rating="nailed",
    )
    assert all(t.question != CHURN for t in open_threads(story))
    other = _first(story, question="Who pushed back on the plan, and how?", position=9)
    probe = answer_followup(followup=other, answer="It was fine in the end.", rating="shaky")
    assert probe is not None
    assert [t.followup_id for t in open_threads(story)] == [probe.pk]
    overrule_verdict(followup=other, verdict=Verdict.ANSWERED)
    assert open_threads(story) == []


def test_unanswered_first_questions_are_not_threads(story):
    _first(story)
    assert open_threads(story) == []


def test_the_story_page_says_what_is_still_open(client_for, user, story):
    first = _first(story)
    probe = answer_followup(followup=first, answer=NO_NUMBER, rating="shaky")
    answer_followup(followup=probe, answer="Not sure, maybe a bit.", rating="shaky")
    body = client_for(user).get(reverse("stories:detail", args=[story.pk])).content.decode()
    assert "Still open" in body
    assert f"No number yet</a> for: {CHURN}" in body
    assert f"#followup-{probe.probes.get().pk}" in body


def test_the_open_threads_take_the_same_queries_however_many(client_for, user, story):
    client = client_for(user)
    answer_followup(followup=_first(story), answer=NO_NUMBER, rating="shaky")
    url = reverse("stories:detail", args=[story.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(12):
        answer_followup(followup=_first(story, question=f"{CHURN} ({n})"), answer=NO_NUMBER,
                        rating="shaky")  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert body.count("No number yet</a>") == 5  # the newest five, no more
