"""The AI coach in practice rounds: follow-ups through the job pipeline."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coach.models import FollowUpJob, JobStatus
from practice.models import PracticeRound, RoundStatus
from practice.selectors import round_followups
from practice.services import round_start
from principles.models import Principle
from tests.fakes import fake_openai as fk

pytestmark = pytest.mark.django_db

ANSWER = (
    "Our churn model lost recall before launch. I owned the fix. I bisected the pipeline, "
    "found a timezone bug and fixed it in a day. Recall came back to 0.81."
)
QUESTIONS = [
    {"question": "How did you know the timezone bug was the whole story?", "part": "action",
     "reason": "Root cause or symptom?"},
    {"question": "What was recall before the drop, and how was it measured?", "part": "result",
     "reason": "The result needs a baseline."},
]  # fmt: skip


@pytest.fixture
def started_round(user, amazon):
    dive = Principle.objects.get(principle_set=amazon, slug="dive-deep")
    return round_start(user=user, principle=dive, question=None, target_seconds=120)


def answer(client, practice_round, coach="llm"):
    return client.post(
        reverse("practice:answer", args=[practice_round.pk]),
        {"answer": ANSWER, "seconds_taken": "80", "coach": coach},
    )


def test_ai_coach_asks_the_round_followups(
    client_for, user, started_round, llm, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = ""  # in-process: the job runs on commit
    llm.script(fk.good(QUESTIONS))
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        answer(client, started_round)
    job = started_round.followup_jobs.get()
    assert (job.status, job.backend_used, job.owner) == (JobStatus.DONE, "llm", user)
    assert [f.question for f in round_followups(practice_round=started_round)] == [
        q["question"] for q in QUESTIONS
    ]
    body = llm.requests[0].body
    assert "timezone bug" in str(body) and llm.calls == 1
    page = client.get(reverse("practice:round", args=[started_round.pk])).content.decode()
    assert "How did you know the timezone bug" in page


def test_while_the_ai_coach_works_the_page_polls_then_refreshes(
    client_for, user, started_round, llm, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens: stays queued
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = answer(client, started_round)
    assert response.status_code == 302
    assert FollowUpJob.objects.get().status == JobStatus.PENDING
    url = reverse("practice:round", args=[started_round.pk])
    page = client.get(url).content.decode()
    assert "coach-progress" in page and "cannot be reached" in page
    partial = client.get(url, {"part": "coach"}, HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in partial.content.decode()
    FollowUpJob.objects.update(status=JobStatus.DONE)
    done = client.get(url, {"part": "coach"}, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"


def test_a_failed_ai_coach_offers_the_offline_coach(
    client_for, user, started_round, llm, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = ""
    llm.script(fk.status(401, "bad key"))
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        answer(client, started_round)
    page = client.get(reverse("practice:round", args=[started_round.pk])).content.decode()
    assert "Ask the offline coach instead" in page and "refused this app&#x27;s key" in page
    assert "LLM_API_KEY" not in page  # a setting name is for whoever runs the server
    client.post(reverse("practice:rules", args=[started_round.pk]))
    assert len(round_followups(practice_round=started_round)) >= 3
    started_round.refresh_from_db()
    assert started_round.status == RoundStatus.FOLLOWUPS


def test_rate_limited_ai_coach_falls_back_at_once(client_for, user, started_round, llm, settings):
    settings.LLM_JOBS_PER_HOUR = 0
    response = answer(client_for(user), started_round)
    assert response.status_code == 302
    assert list(FollowUpJob.objects.values_list("requested_backend", "status")) == [
        ("rules", JobStatus.DONE)
    ]  # no AI-coach job was made; the offline coach's answered at once
    assert len(round_followups(practice_round=PracticeRound.objects.get())) >= 3


TURN = {
    "verdict": "partly",
    "missing": ["number"],
    "evidence": "",
    "probe": {"question": "How many hours a week did the drift cost the team, roughly?",
              "kind": "number", "reason": "the cost has no figure"},
}  # fmt: skip


def answer_first_followup(client, practice_round, text="It cost us a lot of time."):
    from practice.selectors import round_followups

    first = round_followups(practice_round=practice_round)[0]
    client.post(
        reverse("practice:followup", args=[practice_round.pk, first.pk]),
        {"answer": text, "rating": "shaky"},
    )
    return first


def test_the_ai_coach_s_probe_is_the_next_question_of_the_round(
    client_for, user, started_round, llm, settings, django_capture_on_commit_callbacks
):
    import json

    settings.CELERY_BROKER_URL = ""
    llm.script(fk.good(QUESTIONS), fk.answer(json.dumps(TURN)))
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        answer(client, started_round)
    with django_capture_on_commit_callbacks(execute=True):
        first = answer_first_followup(client, started_round)
    page = client.get(reverse("practice:round", args=[started_round.pk])).content.decode()
    current = page.split('class="fs-5 fw-semibold followup-question">')[1].split("<")[0]
    assert current == TURN["probe"]["question"]  # before the job's second question
    assert "Judged by the AI coach" in page
    assert FollowUpJob.objects.get(turn_of=first).backend_used == "llm"


def test_while_the_ai_coach_reads_an_answer_the_round_waits_then_refreshes(
    client_for, user, started_round, llm, settings, django_capture_on_commit_callbacks
):
    import json

    from coach import jobs

    settings.CELERY_BROKER_URL = ""
    llm.script(fk.good(QUESTIONS), fk.answer(json.dumps(TURN)))
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        answer(client, started_round)
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens: the turn waits
    with django_capture_on_commit_callbacks(execute=True):
        first = answer_first_followup(client, started_round)
    url = reverse("practice:round", args=[started_round.pk])
    page = client.get(url).content.decode()
    assert "The AI coach is reading your answer" in page and "current-followup" not in page
    assert "It cost us a lot of time." in page  # the answer is kept, with its quick read
    partial = client.get(url, {"part": "coach"}, HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in partial.content.decode()
    jobs.followup_job_run(job_id=FollowUpJob.objects.get(turn_of=first).pk)
    done = client.get(url, {"part": "coach"}, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    assert TURN["probe"]["question"] in client.get(url).content.decode()


def test_at_the_hourly_limit_the_round_s_turn_is_the_offline_coach_s(
    client_for, user, started_round, llm, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = ""
    llm.script(fk.good(QUESTIONS))
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        answer(client, started_round)
    settings.LLM_JOBS_PER_HOUR = 1
    first = answer_first_followup(client, started_round)
    page = client.get(reverse("practice:round", args=[started_round.pk])).content.decode()
    assert "in the last hour" in page and "The offline coach judged this answer" in page
    assert not FollowUpJob.objects.filter(turn_of=first).exists() and llm.calls == 1
    first.refresh_from_db()
    assert first.verdict and first.probes.count() == 1


def test_the_round_need_not_wait_for_the_ai_coach(
    client_for, user, started_round, llm, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = ""
    llm.script(fk.good(QUESTIONS))
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        answer(client, started_round)
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens: the turn waits
    with django_capture_on_commit_callbacks(execute=True):
        first = answer_first_followup(client, started_round)
    url = reverse("practice:round", args=[started_round.pk])
    assert "Don't wait" in client.get(url).content.decode()
    client.post(reverse("practice:followup_offline", args=[started_round.pk, first.pk]))
    page = client.get(url).content.decode()
    [probe] = first.probes.all()
    current = page.split('class="fs-5 fw-semibold followup-question">')[1].split("<")[0]
    assert current == probe.question and "current-followup" in page
    assert "Judged by the offline coach, in the AI coach's place." in page
