"""The AI coach's turn in a thread, as a job: the answer is kept at once, a turn job
asks the LLM for the verdict and the next probe, and writes them once; an unusable or
failed answer leaves the offline coach's verdict and probe, with the reason."""

from __future__ import annotations

import json
import time

import pytest
from django.urls import reverse

from coach import jobs, thread_turns, threads
from coach.models import FollowUp, FollowUpJob, JobStatus, Verdict
from principles.models import Principle
from tests.coach.factories import FollowUpFactory, FollowUpJobFactory
from tests.coach.jobs.processes import wait_until
from tests.fakes import fake_openai as fk
from tests.stories.factories import StoryFactory

QUESTION = "What happened to churn after the fix?"
ANSWER = "It went down quite a lot after that, the customers were much happier."
PROBE = {
    "question": "By how much did churn fall, and over what period did you measure it?",
    "kind": "number",
    "reason": "the drop has no figure",
}


def turn_reply(verdict="partly", missing=("number",), evidence="quite a lot", probe=PROBE):
    """The fake model's answer to a turn: exactly the JSON the prompt asks for."""
    body = {"verdict": verdict, "missing": list(missing), "evidence": evidence, "probe": probe}
    return fk.answer(json.dumps(body))


def finished_turn(followup: FollowUp) -> FollowUpJob | None:
    job = FollowUpJob.objects.filter(turn_of=followup).first()
    return job if job and job.finished else None


@pytest.fixture
def dive(db):
    return Principle.objects.get(slug="dive-deep", principle_set__slug="amazon")


@pytest.fixture
def thread(user, dive):
    """The first question of a thread the AI coach asked on one of the user's stories."""
    story = StoryFactory(owner=user, title="Fixed the churn model", result="Churn fell.")
    job = FollowUpJobFactory(story=story, principle=dive, status=JobStatus.DONE, backend_used="llm")
    return FollowUpFactory(job=job, question=QUESTION, part="result")


def answer(client, followup, text=ANSWER, rating="shaky", htmx=True):
    url = reverse("coach:followup_answer", args=[followup.story_id, followup.job_id, followup.pk])
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(url, {"answer": text, "rating": rating}, **headers)
    assert response.status_code in (200, 302), response.content[:500]
    return response


def turn_url(followup):
    return reverse("coach:followup_turn", args=[followup.story_id, followup.job_id, followup.pk])


def rules_outcome(followup: FollowUp):
    """What the offline coach alone makes of the follow-up's answer, as it stands."""
    return threads.rules_turn(thread_turns.thread_input(FollowUp.objects.get(pk=followup.pk)))


# --- through a real worker and the fake LLM ---------------------------------------------

worker_test = pytest.mark.django_db(transaction=True)


@worker_test
def test_the_ai_coach_takes_the_turn_through_a_worker(
    client_for, user, builtin_principles, llm, worker
):
    llm.script(turn_reply())
    dive = Principle.objects.get(slug="dive-deep", principle_set__slug="amazon")
    story = StoryFactory(owner=user)
    first = FollowUpFactory(
        job=FollowUpJobFactory(story=story, principle=dive, status=JobStatus.DONE),
        question=QUESTION,
    )
    client = client_for(user)
    page = answer(client, first).content.decode()
    # The answer is kept at once, with its quick read; the verdict and probe are coming.
    assert "The AI coach is reading your answer" in page and turn_url(first) in page
    assert FollowUp.objects.get(pk=first.pk).answer == ANSWER

    turn_job = wait_until(lambda: finished_turn(first), timeout=30)
    assert (turn_job.status, turn_job.backend_used, turn_job.owner) == ("done", "llm", user)
    assert turn_job.fallback_reason == "" and llm.calls == 1
    first.refresh_from_db()
    assert (first.verdict, first.verdict_missing) == (Verdict.PARTLY, ["number"])
    assert first.verdict_evidence == "quite a lot"
    [probe] = FollowUp.objects.filter(parent=first)
    assert (probe.job_id, probe.level, probe.kind) == (first.job_id, 2, "number")
    assert probe.question == PROBE["question"]
    assert probe.reason == "Asked because of your answer: the drop has no figure"
    request = llm.requests[0].body
    assert request["response_format"]["json_schema"]["name"] == "thread_turn"

    done = client.get(turn_url(first), HTTP_HX_REQUEST="true").content.decode()
    assert PROBE["question"] in done and 'hx-swap-oob="true"' in done
    assert "Judged by the AI coach (fake-model)" in done
    assert "turn-progress" not in done
    job_page = client.get(reverse("coach:followup_job", args=[story.pk, first.job_id]))
    assert PROBE["question"] in job_page.content.decode()


@worker_test
def test_a_redelivered_turn_writes_one_probe(client_for, user, builtin_principles, llm, worker):
    llm.script(fk.slow(1, then=turn_reply()), turn_reply())
    first = FollowUpFactory(
        job=FollowUpJobFactory(story=StoryFactory(owner=user), status=JobStatus.DONE),
        question=QUESTION,
    )
    answer(client_for(user), first)
    turn_job = FollowUpJob.objects.get(turn_of=first)
    jobs._publish(turn_job.pk)  # the same turn, delivered twice while it runs
    wait_until(lambda: finished_turn(first), timeout=30)
    jobs._publish(turn_job.pk)  # and once more after it finished
    time.sleep(1.5)  # let the extra deliveries run to their end
    assert FollowUp.objects.filter(parent=first).count() == 1
    assert FollowUp.objects.filter(job=first.job).count() == 2
    assert llm.calls == 1 and FollowUpJob.objects.get(pk=turn_job.pk).attempts == 1


@worker_test
def test_a_turn_that_keeps_failing_leaves_the_offline_coach_s_turn(
    client_for, user, builtin_principles, llm, worker
):
    llm.script(*[fk.status(500, "boom")] * 5)
    first = FollowUpFactory(
        job=FollowUpJobFactory(story=StoryFactory(owner=user), status=JobStatus.DONE),
        question=QUESTION,
    )
    client = client_for(user)
    answer(client, first)
    turn_job = wait_until(lambda: finished_turn(first), timeout=30)
    assert turn_job.status == JobStatus.FAILED and "Gave up after 3 attempts" in turn_job.error
    assert llm.calls == 3
    verdict, probe = rules_outcome(first)
    first.refresh_from_db()
    assert first.verdict == verdict.verdict == Verdict.PARTLY
    assert probe is not None
    assert FollowUp.objects.get(parent=first).question == probe.question
    done = client.get(turn_url(first), HTTP_HX_REQUEST="true").content.decode()
    assert "Judged by the offline coach, in the AI coach's place." in done


# --- in-process (no broker): the turn runs when the answer's transaction commits ---------


@pytest.fixture
def in_process(llm, settings):
    settings.CELERY_BROKER_URL = ""
    return llm


INVALID = [
    (fk.garbage(), "not valid JSON"),
    (turn_reply(verdict="brilliant"), "verdict is not one of"),
    (turn_reply(missing=["vibes"]), '"missing" has a word'),
    (turn_reply(probe={**PROBE, "kind": "gossip"}), "kind is not one of"),
    (turn_reply(probe={**PROBE, "question": "Tell me the number."}), "question mark"),
    (turn_reply(probe={**PROBE, "question": "<b>How much</b> did it fall?"}), "contains HTML"),
    (turn_reply(probe={**PROBE, "question": QUESTION}), "repeats a question of this thread"),
    (turn_reply(probe={**PROBE, "reason": "see https://evil.example/x"}), "contains a URL"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("reply", "says"), INVALID, ids=[s for _, s in INVALID])
def test_an_unusable_turn_is_the_offline_coach_s_with_the_reason(
    client_for, user, thread, in_process, django_capture_on_commit_callbacks, reply, says
):
    in_process.script(reply)
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        answer(client, thread)
    turn_job = FollowUpJob.objects.get(turn_of=thread)
    assert (turn_job.status, turn_job.backend_used) == (JobStatus.DONE, "rules")
    assert says in turn_job.fallback_reason
    assert "offline coach judged this answer instead" in turn_job.fallback_reason
    for model_text in ("brilliant", "vibes", "gossip", "evil.example", "<b>"):
        assert model_text not in turn_job.fallback_reason
    assert turn_job.model == "fake-model" and turn_job.prompt_tokens == 120
    verdict, probe = rules_outcome(thread)
    thread.refresh_from_db()
    assert thread.verdict == verdict.verdict
    assert probe is not None
    assert FollowUp.objects.get(parent=thread).question == probe.question
    done = client.get(turn_url(thread), HTTP_HX_REQUEST="true").content.decode()
    assert "Judged by the offline coach" in done and says.split('"')[-1][:12] in done


@pytest.mark.django_db
def test_a_probe_for_what_the_thread_answered_is_refused(
    client_for, user, thread, in_process, django_capture_on_commit_callbacks
):
    thread.answer = "Churn fell from 3.4% to 2.3%."
    thread.kind, thread.verdict = "number", Verdict.ANSWERED
    thread.save()
    second = FollowUpFactory(
        job=thread.job, parent=thread, level=2, kind="deeper",
        question="Why that approach, and not the obvious alternative?",
    )  # fmt: skip
    in_process.script(turn_reply(probe={**PROBE, "kind": "number"}))
    with django_capture_on_commit_callbacks(execute=True):
        answer(client_for(user), second, "Because a holdout would have cost a month.")
    turn_job = FollowUpJob.objects.get(turn_of=second)
    assert turn_job.backend_used == "rules"
    assert "already answered" in turn_job.fallback_reason
    assert not FollowUp.objects.filter(parent=second, kind="number").exists()


@pytest.mark.django_db
def test_a_misquote_is_dropped_and_the_verdict_stands(
    client_for, user, thread, in_process, django_capture_on_commit_callbacks
):
    in_process.script(turn_reply(verdict="dodged", evidence="we doubled revenue"))
    with django_capture_on_commit_callbacks(execute=True):
        answer(client_for(user), thread)
    thread.refresh_from_db()
    assert FollowUpJob.objects.get(turn_of=thread).backend_used == "llm"
    assert (thread.verdict, thread.verdict_evidence) == (Verdict.DODGED, "")


@pytest.mark.django_db
def test_evidence_is_the_candidate_s_own_words(
    client_for, user, thread, in_process, django_capture_on_commit_callbacks
):
    in_process.script(turn_reply(evidence="“QUITE   a lot”"))
    with django_capture_on_commit_callbacks(execute=True):
        answer(client_for(user), thread)
    thread.refresh_from_db()
    assert thread.verdict_evidence == "quite a lot"


@pytest.mark.django_db
def test_a_refused_key_fails_the_turn_readably_and_the_candidate_goes_on(
    client_for, user, thread, in_process, django_capture_on_commit_callbacks
):
    in_process.script(fk.status(401, "bad key"))
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        answer(client, thread)
    turn_job = FollowUpJob.objects.get(turn_of=thread)
    assert turn_job.status == JobStatus.FAILED and "refused this app's key" in turn_job.error
    thread.refresh_from_db()
    assert thread.verdict == Verdict.PARTLY and FollowUp.objects.filter(parent=thread).exists()
    page = client.get(reverse("coach:followup_job", args=[thread.story_id, thread.job_id]))
    text = page.content.decode()
    assert "in the AI coach's place. The LLM server refused" in text
    assert "LLM_API_KEY" not in text


@pytest.mark.django_db
def test_the_last_level_asks_no_probe_even_if_the_model_offers_one(
    client_for, user, thread, in_process, settings, django_capture_on_commit_callbacks
):
    settings.FOLLOWUP_THREAD_LEVELS = 1
    in_process.script(turn_reply())
    with django_capture_on_commit_callbacks(execute=True):
        answer(client_for(user), thread)
    assert "last level" in str(in_process.requests[0].body["messages"][1]["content"])
    thread.refresh_from_db()
    assert thread.verdict == Verdict.PARTLY
    assert not FollowUp.objects.filter(parent=thread).exists()


@pytest.mark.django_db
def test_answering_again_asks_the_ai_coach_nothing_more(
    client_for, user, thread, in_process, django_capture_on_commit_callbacks
):
    in_process.script(turn_reply())
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        answer(client, thread)
    with django_capture_on_commit_callbacks(execute=True):
        answer(client, thread, ANSWER + " Really.")
    assert in_process.calls == 1 and FollowUpJob.objects.filter(turn_of=thread).count() == 1
    assert FollowUp.objects.get(pk=thread.pk).answer == ANSWER + " Really."
    assert FollowUp.objects.filter(parent=thread).count() == 1


@pytest.mark.django_db
def test_finishing_a_turn_twice_writes_one_probe(user, thread, in_process):
    thread_turns.keep_answer(followup=thread, answer=ANSWER, rating="shaky")
    turn_job = FollowUpJobFactory(story=None, owner=user, turn_of=thread, status=JobStatus.RUNNING)
    result, _ = jobs._ask(FollowUpJob.objects.get(pk=turn_job.pk))
    jobs._finish(turn_job.pk, result, "")
    jobs._finish(turn_job.pk, result, "")  # a duplicate delivery that got as far
    thread_turns.write_turn(followup_id=thread.pk, result=result)  # and a direct write
    assert FollowUp.objects.filter(parent=thread).count() == 1
    assert in_process.calls == 1


@pytest.mark.django_db
def test_the_database_holds_one_probe_per_answer(thread):
    from django.db import IntegrityError, transaction

    FollowUpFactory(job=thread.job, parent=thread, level=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpFactory(job=thread.job, parent=thread, level=2)


@pytest.mark.django_db
def test_while_the_worker_is_away_the_page_shows_progress_and_polls(
    client_for, user, thread, llm, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens: stays queued
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        answer(client, thread, htmx=False)
    turn_job = FollowUpJob.objects.get(turn_of=thread)
    assert turn_job.status == JobStatus.PENDING and turn_job.enqueue_error
    page = client.get(reverse("coach:followup_job", args=[thread.story_id, thread.job_id]))
    text = page.content.decode()
    assert "The AI coach is reading your answer" in text and turn_url(thread) in text
    assert "cannot be reached right now" in text
    poll = client.get(turn_url(thread), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in poll and "reading your answer" in poll
    thread.refresh_from_db()
    assert thread.verdict == "" and not FollowUp.objects.filter(parent=thread).exists()
    again = answer(client, thread, ANSWER + " Really.").content.decode()
    assert "Saved." in again and "turn-progress" not in again  # its poller is on the page
    shown = FollowUpJob.objects.get(turn_of=thread).progress_key
    assert shown == "pending:0:1" and f"shown={shown.replace(':', '%3A')}" in text
    assert client.get(turn_url(thread), {"shown": shown}, HTTP_HX_REQUEST="true").status_code == 204


@pytest.mark.django_db
def test_the_candidate_need_not_wait_for_the_ai_coach(
    client_for, user, thread, llm, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens: stays queued
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        page = answer(client, thread).content.decode()
    assert "Don't wait: the offline coach judges it now" in page
    url = reverse("coach:followup_turn_offline", args=[thread.story_id, thread.job_id, thread.pk])
    done = client.post(url, HTTP_HX_REQUEST="true")
    assert done["HX-Retarget"] == f"#turn-{thread.pk}"
    turn_job = FollowUpJob.objects.get(turn_of=thread)
    assert turn_job.status == JobStatus.FAILED and "without waiting" in turn_job.error
    [probe] = FollowUp.objects.filter(parent=thread)
    assert probe.question in done.content.decode()
    assert "Judged by the offline coach, in the AI coach's place." in done.content.decode()
    settings.CELERY_BROKER_URL = ""
    jobs.followup_job_run(job_id=turn_job.pk)  # the message arrives after all: nothing more
    assert llm.calls == 0 and FollowUp.objects.filter(parent=thread).count() == 1


# --- the hourly limit -------------------------------------------------------------------


@pytest.mark.django_db
def test_at_the_hourly_limit_the_offline_coach_judges_at_once_and_says_why(
    client_for, user, thread, in_process, settings
):
    settings.LLM_JOBS_PER_HOUR = 1  # the thread's own job is the one this hour
    page = answer(client_for(user), thread).content.decode()
    assert "1 times in the last hour" in page and "The offline coach judged this answer" in page
    assert not FollowUpJob.objects.filter(turn_of=thread).exists() and in_process.calls == 0
    thread.refresh_from_db()
    assert thread.verdict == Verdict.PARTLY
    assert FollowUp.objects.filter(parent=thread).count() == 1


@pytest.mark.django_db
def test_turn_jobs_count_towards_the_hourly_limit(
    client_for, user, thread, in_process, settings, django_capture_on_commit_callbacks
):
    settings.LLM_JOBS_PER_HOUR = 2
    in_process.script(turn_reply())
    with django_capture_on_commit_callbacks(execute=True):
        answer(client_for(user), thread)
    assert jobs.llm_jobs_last_hour(user=user) == 2
    with pytest.raises(jobs.RateLimited):
        jobs.followup_job_start(user=user, story=thread.story, principle=None, backend="llm")


@pytest.mark.django_db
def test_a_thread_of_the_offline_coach_stays_its_own(client_for, user, thread, in_process):
    FollowUpJob.objects.filter(pk=thread.job_id).update(requested_backend="rules")
    answer(client_for(user), thread)
    assert in_process.calls == 0 and not FollowUpJob.objects.filter(turn_of=thread).exists()
    assert FollowUp.objects.filter(parent=thread).count() == 1
