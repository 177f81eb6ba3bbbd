"""What a job tells the user, and when it tries again (issue #13's smaller defects).

The AI coach runs in-process (no broker) against a local fake OpenAI-compatible
server, through the real ``openai`` client, the job service and the job page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from celery.signals import task_retry
from django.urls import reverse
from django.utils import timezone

from coach import jobs
from coach.models import FollowUpJob, JobStatus
from coach.tasks import run_followup_job
from tests.coach.factories import FollowUpJobFactory
from tests.fakes import fake_openai as fk
from tests.stories.factories import StoryFactory


@pytest.fixture(scope="module")
def fake_server() -> Iterator[fk.FakeOpenAI]:
    with fk.FakeOpenAI() as server:
        yield server


@pytest.fixture
def llm(fake_server, settings) -> fk.FakeOpenAI:
    """The AI coach pointed at the fake; no broker, so a job runs in the request."""
    fake_server.reset()
    settings.LLM_BASE_URL = fake_server.base_url
    settings.LLM_MODEL = "fake-model"
    settings.LLM_API_KEY = "sk-test-not-a-real-key"
    settings.LLM_TIMEOUT = 2.0
    settings.CELERY_BROKER_URL = ""
    return fake_server


def ask(client, story, django_capture_on_commit_callbacks) -> tuple[FollowUpJob, str]:
    """Ask the AI coach through the page; the job and the page it leads to."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("coach:followup_start", args=[story.pk]), {"principle": "", "backend": "llm"}
        )
    job = FollowUpJob.objects.get(story=story)
    page = client.get(response["Location"])
    return job, page.content.decode()


def job_page(client, job: FollowUpJob) -> str:
    return client.get(reverse("coach:followup_job", args=[job.story_id, job.pk])).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reply", "says"),
    [
        (fk.status(400, "bad parameter"),
         "The LLM server refused the request (400): bad parameter."),
        (fk.status(500, "boom"),
         "The LLM server had a temporary error (500). Try again in a moment."),
    ],
    ids=["400", "500"],
)  # fmt: skip
def test_a_failure_reads_as_a_sentence(
    client, user, llm, reply, says, django_capture_on_commit_callbacks
):
    """The reason after "The coach could not answer." starts with a capital letter."""
    llm.script(reply)
    client.force_login(user)
    job, page = ask(client, StoryFactory(owner=user), django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED
    assert f"<strong>The coach could not answer.</strong> {says}</p>" in page


@pytest.mark.django_db
def test_a_retry_says_when_the_next_attempt_is_due_and_counts_down(client, user):
    """The wait is shown from the job's next attempt time, so each poll shows less."""
    job = FollowUpJobFactory(
        story=StoryFactory(owner=user), status=JobStatus.RUNNING, lease_owner="w@host:1"
    )
    jobs.followup_job_retry_later(
        job_id=job.pk, owner="w@host:1", error="the LLM server had a temporary error (500)",
        countdown=20,
    )  # fmt: skip
    client.force_login(user)
    waiting = r"The LLM server had a temporary error \(500\)\. Next attempt in (\d+) s\."
    first = re.search(waiting, job_page(client, job))
    assert first and 19 <= int(first.group(1)) <= 20
    FollowUpJob.objects.filter(pk=job.pk).update(
        next_attempt_at=timezone.now() + dt.timedelta(seconds=5.5)
    )
    later = re.search(waiting, job_page(client, job))
    assert later and 5 <= int(later.group(1)) <= 6
    FollowUpJob.objects.filter(pk=job.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert "(500). Next attempt any moment now." in job_page(client, job)


@pytest.mark.django_db
def test_tokens_are_shown_only_for_the_ai_coachs_own_answer(
    client, user, llm, django_capture_on_commit_callbacks
):
    """A fallback is the offline coach's answer: the LLM's token count is not shown
    under its name (the job still records it)."""
    llm.script(fk.garbage(), fk.good(prompt_tokens=120, completion_tokens=80))
    client.force_login(user)
    fallback, page = ask(client, StoryFactory(owner=user), django_capture_on_commit_callbacks)
    assert fallback.backend_used == "rules" and fallback.prompt_tokens == 120
    assert "Asked by the <strong>offline coach</strong>" in page
    assert "tokens" not in page
    own, page = ask(client, StoryFactory(owner=user), django_capture_on_commit_callbacks)
    assert own.backend_used == "llm"
    assert "Asked by the <strong>AI coach</strong> (fake-model)" in page
    assert ", 200 tokens." in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reply", "countdown"),
    [
        (fk.status(503, "busy", headers={"retry-after": "7"}), 7.0),
        (fk.status(429, "slow down", headers={"retry-after": "2.5"}), 2.5),
        (fk.status(503, "busy", headers={"retry-after": "600"}), 30.0),  # the policy's cap
    ],
    ids=["503", "429", "capped"],
)
def test_retry_after_is_the_next_retrys_delay(user, llm, settings, monkeypatch, reply, countdown):
    """The task waits what the server asked, capped by LLM_RETRY_BACKOFF_MAX, instead of
    its own jittered backoff (1-2 s for the first retry here)."""
    settings.LLM_RETRY_BACKOFF, settings.LLM_RETRY_BACKOFF_MAX = 2.0, 30.0
    # Eager: the retry runs at once, before its time; let it count as due.
    monkeypatch.setattr(jobs, "_EARLY_DELIVERY", dt.timedelta(seconds=countdown + 1))
    llm.script(reply, fk.good())
    job = FollowUpJobFactory(story=StoryFactory(owner=user))
    delays: list[float] = []

    def record(reason, **kwargs) -> None:
        delays.append(reason.when)

    task_retry.connect(record, weak=False)
    try:
        run_followup_job.apply(args=[job.pk])  # eager: the retry runs at once, here
    finally:
        task_retry.disconnect(record)
    job.refresh_from_db()
    assert delays == [countdown]
    assert (job.status, job.attempts, llm.calls) == (JobStatus.DONE, 2, 2)


def test_giving_up_says_try_again_later_once():
    said = jobs.gave_up(4, "The LLM server is rate limiting requests (429); try again later")
    assert said.lower().count("try again later") == 1
    assert said.startswith("The LLM server is rate limiting requests (429). Gave up after 4")
