"""The AI coach against a real llama.cpp server: page -> service -> Redis -> Celery
worker -> xllamacpp serving SmolLM2-135M-Instruct -> validated rows.

Nothing is faked between the app and the model: the real ``openai`` client asks for
the schema-constrained answer (``response_format`` of type ``json_schema``), and
llama.cpp constrains its sampling to that schema. A 135M model may still write
questions the schema in code refuses, or loop until ``max_tokens`` cuts it off: the
test accepts either honest outcome, says which one happened, and checks each fully.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from unittest import mock

import pytest
from django.urls import reverse
from django.utils.html import escape

from coach import rules
from coach.base import FOLLOWUPS_PER_ASK, StoryInput
from coach.jobs import principle_input
from coach.models import FollowUpJob, JobStatus
from coach.schema import MAX_ITEMS, parse_followups
from principles.models import Principle
from tests.coach.jobs.llama_server import MODEL_ALIAS, LlamaServer, MissingPiece
from tests.coach.jobs.processes import JOB_ENV, WorkerProcess, free_port, wait_until
from tests.stories.factories import StoryFactory

#: The worker's settings for a small model on two shared CPU cores. One attempt: a
#: real model that timed out once is not retried (the test would only take longer).
#: 400 tokens hold four questions with their reasons (~60 tokens each) and bound the
#: time a looping model can take.
LLAMA_ENV = {
    "LLM_MODEL": MODEL_ALIAS,
    "LLM_API_KEY": "",
    "LLM_TIMEOUT": "120",
    "LLM_MAX_TOKENS": "400",
    "LLM_MAX_RETRIES": "0",
    "CELERY_TASK_SOFT_TIME_LIMIT": "130",
    "CELERY_TASK_TIME_LIMIT": "140",
    "CELERY_VISIBILITY_TIMEOUT": "200",
    "JOB_STUCK_AFTER": "160",
}
#: How the job records a rejected answer (coach.backends.followups).
FALLBACK = re.compile(
    r"\AThe AI coach's answer was unusable \((?P<reason>.+)\); "
    r"the offline coach answered instead\.\Z"
)
#: Reasons about the answer's content (coach.llm, coach.schema). "Not a chat
#: completion" and "no choices" are not among them: those would be a server the
#: client cannot read, which this test is here to catch.
CONTENT_REASONS = re.compile(
    r"\A(?:the answer was cut off \(finish_reason=length\)"
    r"|the answer was not valid JSON|the answer was empty|the model refused"
    r"|the answer is not a JSON object|the answer has no \"followups\" list"
    r"|\"followups\" is (?:not a list|empty)"
    r"|the answer is longer than \d+ characters"
    r"|the model only repeated questions already asked"
    r"|item \d+(?::| is not an object).*)\Z"
)

STORY = {
    "title": "Rebuilt the nightly pipeline",
    "situation": "Our nightly sales pipeline failed twice a week and analysts lost mornings.",
    "task": "I owned making the pipeline reliable before the quarterly planning cycle.",
    "action": "I traced every failure in the last 60 runs, found that 80% came from one "
    "flaky upstream export, added retries with idempotent loads and wrote an alert.",
    "result": "Failures fell from 8 a month to 1, and analysts got back about 6 hours a week.",
    "reflection": "I learned to measure the failure modes before fixing the loudest one.",
}


def finished(job_id: int) -> FollowUpJob | None:
    job = FollowUpJob.objects.get(pk=job_id)
    return job if job.finished else None


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory) -> Iterator[LlamaServer]:
    """xllamacpp serving the bundled SmolLM2 on a free port of 127.0.0.1."""
    server = LlamaServer(
        port=free_port(), log_path=tmp_path_factory.mktemp("llama") / "llama-server.log"
    )
    try:
        server.start()
    except MissingPiece as exc:  # a broken dev setup fails the run: never a skip
        pytest.fail(
            f"The llama.cpp test needs xllamacpp and the SmolLM2 model: {exc}", pytrace=False
        )
    yield server
    server.stop()


@pytest.fixture
def llama_worker(llama_server, private_redis, settings, tmp_path) -> Iterator[WorkerProcess]:
    """A Celery worker on a Redis of this test's own, with the app pointed at llama.cpp."""
    settings.LLM_BASE_URL = llama_server.base_url
    settings.LLM_MODEL = MODEL_ALIAS
    settings.LLM_API_KEY = ""
    settings.CELERY_BROKER_URL = private_redis["url"]
    proc = WorkerProcess(
        broker_url=private_redis["url"],
        llm_url=llama_server.base_url,
        log_path=tmp_path / "worker.log",
    )
    with mock.patch.dict(JOB_ENV, LLAMA_ENV):
        proc.start()
    yield proc
    proc.stop()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_follow_ups_from_a_real_llama_cpp_server(
    client, user, builtin_principles, llama_server, llama_worker
):
    dive = Principle.objects.get(slug="dive-deep", principle_set__slug="amazon")
    story = StoryFactory(owner=user, **STORY)
    client.force_login(user)
    response = client.post(
        reverse("coach:followup_start", args=[story.pk]), {"principle": dive.pk, "backend": "llm"}
    )
    assert response.status_code == 302, response.content[:500]
    job = FollowUpJob.objects.get(story=story)

    timeout = float(LLAMA_ENV["CELERY_TASK_TIME_LIMIT"]) + 20
    job = wait_until(lambda: finished(job.pk), timeout=timeout)
    assert job.status == JobStatus.DONE, (
        f"the job {job.status}: {job.error}\n--- llama.cpp server:\n{llama_server.log_tail()}"
        f"\n--- worker:\n{llama_worker.log_path.read_text()[-3000:]}"
    )
    # The model itself answered, whatever became of its answer: its name (the server's
    # alias, from the response), its token counts and the time it took are recorded.
    assert job.model == MODEL_ALIAS
    assert job.prompt_tokens and job.prompt_tokens > 100
    assert job.completion_tokens and job.completion_tokens > 0
    assert job.latency_ms and job.latency_ms > 0

    items = list(job.followups.order_by("position"))
    questions = [item.question for item in items]
    offline = rules.rules_followups(
        StoryInput(**STORY), principle_input(dive), FOLLOWUPS_PER_ASK
    ).followups
    page = client.get(reverse("coach:followup_job", args=[story.pk, job.pk])).content.decode()

    if job.backend_used == "llm":
        outcome = f"accepted: {len(items)} question(s) from the model"
        assert job.fallback_reason == ""
        assert 1 <= len(items) <= FOLLOWUPS_PER_ASK
        # What was stored passes the schema's checks again, and is not the offline coach's.
        stored = [{"question": i.question, "part": i.part, "reason": i.reason} for i in items]
        raw = json.dumps({"followups": stored})
        assert [f.question for f in parse_followups(raw, MAX_ITEMS)] == questions
        assert not set(questions) & {f.question for f in offline}
        assert "AI coach" in page and f"({MODEL_ALIAS})" in page
    else:
        assert job.backend_used == "rules"
        match = FALLBACK.match(job.fallback_reason)
        assert match, f"not a rejection the coach states: {job.fallback_reason!r}"
        reason = match["reason"]
        assert CONTENT_REASONS.match(reason), f"not a reason about the answer: {reason!r}"
        outcome = f"rejected ({reason}); the offline coach answered"
        assert questions == [f.question for f in offline]
        assert "offline coach" in page and escape(job.fallback_reason) in page
    assert all(escape(q) in page for q in questions)
    cost = f"{job.prompt_tokens} prompt + {job.completion_tokens} completion tokens"
    print(f"\nllama.cpp ({MODEL_ALIAS}): {outcome}; {cost} in {job.latency_ms} ms")
