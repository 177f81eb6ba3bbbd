"""Practice rounds through the pages: start, answer, follow-ups, wrap-up, history."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coach.models import FollowUp
from practice.models import PracticeRound, ReviewItem, RoundStatus
from practice.selectors import round_followups
from practice.services import (
    round_ask_followups,
    round_finish,
    round_start,
    round_submit_answer,
)
from principles.models import Principle
from stories.services import story_set_principles
from stories.star.bands import band_for
from tests.coach.factories import FollowUpFactory, FollowUpJobFactory
from tests.practice.factories import PracticeRoundFactory
from tests.principles.factories import QuestionFactory
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db

ANSWER = (
    "Our weekly forecast for fresh produce was off by 18%. I owned the rebuild. "
    "I added three years of sales data, I backtested every change and I shipped it in 4 weeks. "
    "Forecast error fell from 18% to 9% and waste dropped 12%. I learned to fix the baseline first."
)


@pytest.fixture
def dive(amazon):
    return Principle.objects.get(principle_set=amazon, slug="dive-deep")


def test_a_whole_round(client_for, user, dive):
    story = StoryFactory(owner=user, title="Rebuilt the produce forecast")
    story_set_principles(story=story, mappings={dive.pk: "primary"})
    client = client_for(user)
    response = client.post(reverse("practice:start"), {"mode": "principle", "principle": dive.pk})
    practice_round = PracticeRound.objects.get(user=user)
    assert response.url == reverse("practice:round", args=[practice_round.pk])
    assert practice_round.question.principle == dive
    page = client.get(response.url).content.decode()
    assert practice_round.question_text.replace("'", "&#x27;") in page
    assert "Rebuilt the produce forecast" in page  # the best-matching story to choose

    client.post(
        reverse("practice:answer", args=[practice_round.pk]),
        {"answer": ANSWER, "seconds_taken": "95", "story": story.pk},
    )
    practice_round.refresh_from_db()
    assert practice_round.status == RoundStatus.FOLLOWUPS
    assert practice_round.seconds_taken == 95 and practice_round.story == story
    assert practice_round.star_score is not None
    followups = round_followups(practice_round=practice_round)
    assert 3 <= len(followups) <= 5
    page = client.get(reverse("practice:round", args=[practice_round.pk])).content.decode()
    assert "95 s" in page and followups[0].question.replace("'", "&#x27;") in page

    first, second = followups[:2]
    good = (
        "Against last year's naive forecast: over the 12 weeks after launch the mean absolute "
        "error fell from 18% to 9% across all 40 stores, because I scored every store daily."
    )
    client.post(
        reverse("practice:followup", args=[practice_round.pk, first.pk]),
        {"answer": good, "rating": "nailed"},
    )
    client.post(
        reverse("practice:followup", args=[practice_round.pk, second.pk]),
        {"answer": "", "rating": "skipped"},
    )
    first.refresh_from_db()
    assert (first.rating, first.answer, first.verdict) == ("nailed", good, "answered")
    probe = first.probes.get()  # the thread goes one level deeper on a complete answer
    assert probe.level == 2 and probe.kind == "deeper"
    assert not second.probes.exists()  # a skipped question draws no probe
    page = client.get(reverse("practice:round", args=[practice_round.pk])).content.decode()
    assert probe.question in page  # the probe on the first answer comes next
    assert "Asked because of your answer" in page
    assert 'data-verdict="answered"' in page

    client.post(
        reverse("practice:finish", args=[practice_round.pk]), {"self_rating": "5", "notes": "ok"}
    )
    practice_round.refresh_from_db()
    assert practice_round.status == RoundStatus.DONE and practice_round.self_rating == 5
    item = ReviewItem.objects.get(user=user, story=story, principle=dive)
    assert item.box == 2
    home = client.get(reverse("practice:home")).content.decode()
    assert "Rebuilt the produce forecast" in home and "box 2" in home
    history = client.get(reverse("practice:history"), {"principle": dive.pk}).content.decode()
    assert "Against last year" in history


def test_weakest_first_picks_a_gap_and_no_question_repeats(client_for, user, amazon):
    client = client_for(user)
    for _ in range(3):
        client.post(reverse("practice:start"), {"mode": "weakest"})
    rounds = list(PracticeRound.objects.filter(user=user).order_by("pk"))
    # No stories: every principle is a gap; the least recently practised comes next.
    assert len({r.principle_id for r in rounds}) == 3
    assert len({r.question_id for r in rounds}) == 3


def test_the_same_principle_cycles_through_its_questions(client_for, user, dive):
    client = client_for(user)
    count = dive.questions.count()
    for _ in range(count + 1):
        client.post(reverse("practice:start"), {"mode": "principle", "principle": dive.pk})
    asked = list(PracticeRound.objects.order_by("pk").values_list("question_id", flat=True))
    assert len(set(asked[:count])) == count
    assert asked[count] == asked[0]


def test_empty_or_oversized_answer_keeps_the_text_and_saves_nothing(client_for, user, dive):
    client = client_for(user)
    client.post(reverse("practice:start"), {"mode": "principle", "principle": dive.pk})
    practice_round = PracticeRound.objects.get()
    url = reverse("practice:answer", args=[practice_round.pk])
    response = client.post(url, {"answer": ""})
    assert "Type your answer" in response.content.decode()
    typed = "I did it. " * 600
    response = client.post(url, {"answer": typed})
    assert "under 5,000 characters" in response.content.decode()
    assert typed.strip() in response.content.decode()
    practice_round.refresh_from_db()
    assert practice_round.status == RoundStatus.ANSWERING and not practice_round.answer


def test_shaky_sends_the_pair_back_to_box_one(user, dive):
    story = StoryFactory(owner=user)
    for rating, expected in ((5, 2), (5, 3), (2, 1)):
        practice_round = round_start(user=user, principle=dive, question=None, target_seconds=120)
        round_submit_answer(
            practice_round=practice_round, answer=ANSWER, seconds_taken=100, story=story
        )
        round_ask_followups(practice_round=practice_round, backend="rules")
        round_finish(practice_round=practice_round, self_rating=rating, notes="")
        assert ReviewItem.objects.get(story=story, principle=dive).box == expected


def _history_queries(client, user, dive, n: int) -> int:
    story = StoryFactory(owner=user)
    for _ in range(n):
        practice_round = round_start(user=user, principle=dive, question=None, target_seconds=120)
        round_submit_answer(
            practice_round=practice_round, answer=ANSWER, seconds_taken=80, story=story
        )
        round_ask_followups(practice_round=practice_round, backend="rules")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("practice:history"))
    assert len(response.context["rounds"]) == min(n, 50)
    return len(ctx.captured_queries)


def test_history_runs_the_same_number_of_queries_for_3_and_60_rounds(
    client_for, user, other_user, dive
):
    few = _history_queries(client_for(user), user, dive, 3)
    many = _history_queries(client_for(other_user), other_user, dive, 60)
    assert few == many


def test_other_users_rounds_are_404_and_unchanged(client, user, other_user, dive):
    practice_round = round_start(user=user, principle=dive, question=None, target_seconds=120)
    round_submit_answer(practice_round=practice_round, answer=ANSWER, seconds_taken=80, story=None)
    round_ask_followups(practice_round=practice_round, backend="rules")
    followup = round_followups(practice_round=practice_round)[0]
    client.force_login(other_user)
    urls = [
        reverse("practice:round", args=[practice_round.pk]),
        reverse("practice:answer", args=[practice_round.pk]),
        reverse("practice:finish", args=[practice_round.pk]),
        reverse("practice:followup", args=[practice_round.pk, followup.pk]),
    ]
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"self_rating": "5", "rating": "nailed"})
            assert response.status_code == 404, url
    practice_round.refresh_from_db()
    assert practice_round.status == RoundStatus.FOLLOWUPS
    assert not FollowUp.objects.exclude(rating="").exists()
    history = client.get(reverse("practice:history")).content.decode()
    assert practice_round.question_text not in history


def test_several_principles_take_turns_least_recently_practised_first(client_for, user, amazon):
    chosen = list(
        Principle.objects.filter(principle_set=amazon, slug__in=["frugality", "ownership"])
    )
    client = client_for(user)
    for _ in range(4):
        client.post(
            reverse("practice:start"),
            {"mode": "principle", "principle": [p.pk for p in chosen]},
        )
    order = list(PracticeRound.objects.order_by("pk").values_list("principle__slug", flat=True))
    assert order == ["ownership", "frugality", "ownership", "frugality"]


def test_practise_one_bank_question_from_its_page(client_for, user, dive):
    question = dive.questions.last()
    client = client_for(user)
    page = client.get(reverse("questions:detail", args=[question.pk])).content.decode()
    assert "Practise this question" in page
    client.post(reverse("practice:start"), {"mode": "question", "question": question.pk})
    practice_round = PracticeRound.objects.get()
    assert (practice_round.question, practice_round.principle) == (question, dive)
    page = client.get(reverse("practice:round", args=[practice_round.pk])).content.decode()
    assert "A number in the result" not in page  # not answered yet
    client.post(
        reverse("practice:answer", args=[practice_round.pk]),
        {"answer": ANSWER, "seconds_taken": 60},
    )
    page = client.get(reverse("practice:round", args=[practice_round.pk])).content.decode()
    assert "A number in the result: <strong>yes</strong>" in page


@pytest.mark.parametrize(
    ("answer", "heard"),
    [
        (
            "So um we had a flaky nightly job. we sat down as a team and we rewrote the loader "
            "and we added retries. as a result failures went down 90 percent",
            'mostly "we"</strong>: 3 of the actions are the team',
        ),
        (
            "Sure. We were a team of five. I rewrote the loader and I added retries, and "
            "failures fell by 90% in a month.",
            'you are the one acting (2 actions with "I")',
        ),
    ],
)
def test_the_round_says_who_acted_and_its_band(client_for, user, dive, answer, heard):
    client = client_for(user)
    client.post(reverse("practice:start"), {"mode": "principle", "principle": dive.pk})
    practice_round = PracticeRound.objects.get(user=user)
    client.post(
        reverse("practice:answer", args=[practice_round.pk]),
        {"answer": answer, "seconds_taken": "40"},
    )
    practice_round.refresh_from_db()
    page = client.get(reverse("practice:round", args=[practice_round.pk])).content.decode()
    assert heard in page
    band = band_for(practice_round.star_score)
    assert f'<strong class="round-band">{band.label}</strong>' in page
    assert "A number in the result: <strong>yes</strong>" in page


def test_a_round_numbers_its_followups_across_all_its_jobs(client_for, user):
    practice_round = PracticeRoundFactory(user=user)
    first, second = (
        FollowUpJobFactory(
            story=None,
            owner=user,
            answer_question=practice_round.question_text,
            answer_text=practice_round.answer,
            status="done",
        )
        for _ in range(2)
    )
    practice_round.followup_jobs.add(first, second)
    for job, rating in ((first, "nailed"), (first, "shaky"), (second, ""), (second, "")):
        FollowUpFactory(job=job, story=None, rating=rating)
    page = client_for(user).get(reverse("practice:round", args=[practice_round.pk]))
    assert "Follow-up 3 of 4" in page.content.decode()
    assert page.context["current"] == round_followups(practice_round=practice_round)[2]


def test_a_round_never_starts_on_another_users_question(client_for, user, other_user):
    theirs = QuestionFactory(principle__principle_set__owner=other_user)
    mine = QuestionFactory(principle__principle_set__owner=user)
    client = client_for(user)
    refused = client.post(reverse("practice:start"), {"mode": "question", "question": theirs.pk})
    assert refused.status_code == 404
    assert not PracticeRound.objects.exists()
    client.post(reverse("practice:start"), {"mode": "question", "question": mine.pk})
    assert PracticeRound.objects.get().question == mine


def test_the_offline_coach_never_repeats_a_question_asked_on_the_same_story(user, dive):
    story = StoryFactory(owner=user)
    asked: list[set[str]] = []
    for _ in range(2):
        practice_round = round_start(user=user, principle=dive, question=None, target_seconds=120)
        round_submit_answer(
            practice_round=practice_round, answer=ANSWER, seconds_taken=80, story=story
        )
        round_ask_followups(practice_round=practice_round, backend="rules")
        round_ask_followups(practice_round=practice_round, backend="rules")
        questions = [f.question for f in round_followups(practice_round=practice_round)]
        assert len(questions) == len(set(questions)) >= 3  # none twice within the round
        asked.append(set(questions))
    assert asked[0].isdisjoint(asked[1])  # nor across rounds on the story
