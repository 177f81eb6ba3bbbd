"""Follow-up jobs: ask the coach about a story or an answer, on a worker when there is one.

The FollowUpJob row is the truth: pending -> running -> done | failed. Writes are
idempotent, so a redelivered or duplicated message never duplicates questions:
the final write locks the row and gives up if another delivery already finished.

A turn job (``turn_of`` set, ``turn_job_start``) runs the same way: it asks the AI
coach for the verdict on one answered follow-up and the thread's next probe, and its
final write (or its failure: then the offline coach's turn) goes into that thread.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import re
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from coach import thread_turns
from coach.backends import followups, turn
from coach.base import CoachResult, PrincipleInput, StoryInput, TurnResult
from coach.llm import LLMError, configured_settings
from coach.models import CoachBackend, FollowUp, FollowUpJob, JobStatus, Rating
from principles.models import Principle
from stories.models import Story
from stories.star import split_answer

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnswerSubject:
    """An answer given to a question, for a job that is not on a story: the job keeps
    all of it, and never asks the caller again."""

    question: str
    text: str
    avoid: tuple[str, ...] = ()  # questions already asked elsewhere, not to repeat


class CoachUnavailable(Exception):
    """The AI coach is not configured on this server."""


class RateLimited(Exception):
    """The user asked the AI coach too often in the last hour."""


class TransientCoachError(Exception):
    """The LLM call failed in a way worth retrying (timeout, connection, 429, 5xx);
    ``retry_after``: the seconds the server asked us to wait, when it said."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def llm_configured() -> bool:
    """True when an OpenAI-compatible server and model are configured."""
    return configured_settings() is not None


def backoff_seconds(retries: int) -> float:
    """Exponential backoff with full jitter, capped (the countdown before retry N+1)."""
    ceiling = min(settings.LLM_RETRY_BACKOFF_MAX, settings.LLM_RETRY_BACKOFF * 2**retries)
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not security


def retry_countdown(retries: int, retry_after: float | None = None) -> float:
    """Seconds before retry N+1: what the server asked (Retry-After), capped by the
    retry policy's LLM_RETRY_BACKOFF_MAX, or else the jittered backoff."""
    if retry_after is not None:
        return min(retry_after, settings.LLM_RETRY_BACKOFF_MAX)
    return backoff_seconds(retries)


def as_sentence(text: str) -> str:
    """A reason as the job page shows it: a capital first letter and a full stop
    (the LLM module's reasons are lower-case phrases)."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def llm_jobs_last_hour(*, user: User) -> int:
    """How many AI-coach jobs the user started in the last hour."""
    since = timezone.now() - dt.timedelta(hours=1)
    return FollowUpJob.objects.filter(
        owner=user, requested_backend=CoachBackend.LLM, created_at__gte=since
    ).count()


def followup_job_start(
    *,
    user: User,
    story: Story | None = None,
    answer: AnswerSubject | None = None,
    principle: Principle | None,
    backend: str,
) -> FollowUpJob:
    """Create the job (on a story, or on an answer to a question); the rules coach
    answers at once, the AI coach is queued."""
    if (story is None) == (answer is None):
        raise ValueError("A follow-up job is on a story or on an answer, not both.")
    backend = CoachBackend(backend)
    if backend == CoachBackend.LLM and not llm_configured():
        raise CoachUnavailable("The AI coach is not configured on this server.")
    with transaction.atomic():
        if backend == CoachBackend.LLM:
            _take_llm_quota(user)
        job = FollowUpJob.objects.create(
            owner=user,
            story=story,
            answer_question=answer.question if answer else "",
            answer_text=answer.text if answer else "",
            avoid_questions=list(answer.avoid) if answer else [],
            principle=principle,
            requested_backend=backend,
            # Optimistic: cleared again if the broker cannot take the message.
            enqueued_at=timezone.now() if backend == CoachBackend.LLM else None,
        )
    if backend == CoachBackend.RULES:
        followup_job_run(job_id=job.pk)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: followup_job_enqueue(job_id=job.pk))
    return job


def _take_llm_quota(user: User) -> None:
    """Refuse (RateLimited) when the user has had as many AI-coach jobs in the last hour
    as allowed. The user's row stays locked until the caller's transaction ends, so the
    count and the new job are one step: simultaneous asks cannot all pass one count."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if llm_jobs_last_hour(user=user) >= settings.LLM_JOBS_PER_HOUR:
        raise RateLimited(
            f"You have asked the AI coach {settings.LLM_JOBS_PER_HOUR} times in the "
            "last hour, the most allowed. The offline coach is always available."
        )


def turn_job_start(*, user: User, followup: FollowUp) -> FollowUpJob:
    """Queue the AI coach's turn on an answered follow-up: a job like any other (it
    counts towards the hourly limit) that writes the verdict and the thread's next probe
    into the follow-up's own job. Call it inside the transaction that keeps the answer;
    raises CoachUnavailable or RateLimited."""
    if not llm_configured():
        raise CoachUnavailable("The AI coach is not configured on this server.")
    _take_llm_quota(user)
    job = FollowUpJob.objects.create(
        owner=user,
        turn_of=followup,  # the story (or answer) and principle are the thread's job's
        requested_backend=CoachBackend.LLM,
        enqueued_at=timezone.now(),
    )
    transaction.on_commit(lambda: followup_job_enqueue(job_id=job.pk))
    return job


def followup_job_enqueue(*, job_id: int) -> bool:
    """Hand the job to a worker; with no broker configured, run it here and now.

    A broker that cannot be reached leaves the job pending (the sweeper tries
    again later) and never holds the request for long.
    """
    if not settings.CELERY_BROKER_URL:
        _run_in_process(job_id)
        return True
    try:
        _publish(job_id)
    except Exception as exc:
        log.warning("Could not enqueue follow-up job %s: %s", job_id, exc)
        FollowUpJob.objects.filter(pk=job_id, status=JobStatus.PENDING).update(
            enqueued_at=None,
            enqueue_error="The job runner could not be reached; it will be retried.",
        )
        return False
    return True


def publish_bound() -> float:
    """The longest a broker that takes no message can hold a request: a free pooled
    connection, connecting, then the reply, each bounded by CELERY_PUBLISH_TIMEOUT."""
    return 3 * settings.CELERY_PUBLISH_TIMEOUT


def _publish(job_id: int) -> None:
    """Send the job's message through a pooled producer, with the request path's own
    short socket timeouts and no retry (a frozen broker must not hold the ask)."""
    from kombu import pools
    from kombu.connection import Connection

    from coach.tasks import run_followup_job

    step = settings.CELERY_PUBLISH_TIMEOUT
    connection = Connection(  # type: ignore[no-untyped-call]  # kombu is not annotated
        settings.CELERY_BROKER_URL,
        transport_options={
            **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            "socket_connect_timeout": step,
            "socket_timeout": step,
            "max_retries": 0,
        },
        connect_timeout=step,
    )
    with pools.producers[connection].acquire(block=True, timeout=step) as producer:
        run_followup_job.apply_async(args=[job_id], producer=producer, retry=False)


def _run_in_process(job_id: int) -> None:
    """No broker: run once in this process; a transient failure ends the job readably."""
    try:
        followup_job_run(job_id=job_id)
    except TransientCoachError as exc:
        followup_job_fail(job_id=job_id, error=f"{exc}. Try again in a moment.")


def principle_input(principle: Principle | None) -> PrincipleInput | None:
    """A principle as the coach reads it (plain data, no model object)."""
    if principle is None:
        return None
    return PrincipleInput(
        name=principle.name,
        description=principle.description,
        signals=tuple(principle.signals),
        probes=tuple(principle.probes),
        keywords=tuple(principle.keywords),
    )


def _inputs(job: FollowUpJob) -> tuple[StoryInput, PrincipleInput | None, list[str]]:
    """What the coach is asked about, and the questions it must not repeat."""
    principle = principle_input(job.principle)
    story = job.story
    if story is None:
        return _subject(job), principle, list(job.avoid_questions)
    asked = list(FollowUp.objects.filter(story=story).values_list("question", flat=True))
    return _subject(job), principle, asked


def _subject(job: FollowUpJob) -> StoryInput:
    """The story the job is on, or the answer it is on, as the coach reads it."""
    story = job.story
    if story is None:
        return answer_as_story(job.answer_question, job.answer_text)
    return StoryInput(
        title=story.title,
        situation=story.situation,
        task=story.task,
        action=story.action,
        result=story.result,
        reflection=story.reflection,
        when=story.happened_on,
    )


def answer_as_story(question: str, answer: str) -> StoryInput:
    """A practice answer, split into STAR parts by the checker's splitter, as the coach
    reads it (the split alone: the coach needs no score)."""
    parts = split_answer(answer).parts
    return StoryInput(
        title=question,
        situation=parts.get("situation", ""),
        task=parts.get("task", ""),
        action=parts.get("action", ""),
        result=parts.get("result", ""),
        reflection=parts.get("reflection", ""),
    )


def lease_owner(node: str | None = None, pid: int | None = None) -> str:
    """Who holds a job's lease: a worker node (the host by default) and a process id."""
    return f"{node or socket.gethostname()}:{pid or os.getpid()}"


#: A retry's message may arrive a little before the time the job set for it.
_EARLY_DELIVERY = dt.timedelta(seconds=1)


def attempt_budget() -> int:
    """How many attempts (calls to the LLM) one job may make: the first and its retries.
    Counted on the job, not on a Celery message: a message the sweeper sends again, or
    one delivered twice, starts its own count at zero."""
    return 1 + settings.LLM_MAX_RETRIES


_TRY_LATER = re.compile(r"[;,.]?\s*try again later\.?$", re.IGNORECASE)


def gave_up(attempts: int, why: str) -> str:
    """The reason a job failed once its attempts are spent (said once: "(429); try again
    later" loses its own "try again later")."""
    why = _TRY_LATER.sub("", why.strip()).rstrip(".")
    return f"{why}. Gave up after {attempts} attempts; try again later, or use the offline coach."


def _fail_if_spent(job_id: int) -> None:
    """A late or repeated message for a job that has used all its attempts ends it."""
    spent = (
        FollowUpJob.objects.filter(
            pk=job_id, status=JobStatus.PENDING, attempts__gte=attempt_budget()
        )
        .values_list("attempts", "error")
        .first()
    )
    if spent is not None:
        attempts, error = spent
        followup_job_fail(job_id=job_id, error=gave_up(attempts, error.rstrip(".") or "No answer"))


def _claim(job_id: int, owner: str) -> FollowUpJob | None:
    """Take the job for this attempt; None when someone else holds it, it is finished,
    its retry is not due yet, or it has used all its attempts (then it fails).

    One conditional UPDATE: the job is free when it is pending and due, or running
    under a lease that has expired (a hard time limit after it was taken; no attempt
    lasts longer), and has attempts left. A pool process that dies has its lease given
    back by its worker (``followup_job_release``), so Celery's prompt redelivery finds
    the job pending; the attempt it was making still counts.
    """
    now = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + _EARLY_DELIVERY)
    pending = Q(status=JobStatus.PENDING) & due
    free = pending | Q(status=JobStatus.RUNNING, lease_expires_at__lt=now)
    taken = FollowUpJob.objects.filter(free, pk=job_id, attempts__lt=attempt_budget()).update(
        status=JobStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        next_attempt_at=None,
        lease_owner=owner[:255],
        lease_expires_at=now + dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT),
    )
    if not taken:
        _fail_if_spent(job_id)
        return None
    return FollowUpJob.objects.select_related(
        "story", "principle", "turn_of__job__story", "turn_of__job__principle"
    ).get(pk=job_id)


def attempts_made(job_id: int) -> int:
    """How many attempts the job has made so far (each claim is one)."""
    return FollowUpJob.objects.filter(pk=job_id).values_list("attempts", flat=True).first() or 0


def followup_job_release(*, job_id: int, owner: str) -> bool:
    """Give back a lease whose process died mid-attempt: the job is pending again, as
    its message goes back on the queue (True when this owner still held it)."""
    return bool(
        FollowUpJob.objects.filter(pk=job_id, status=JobStatus.RUNNING, lease_owner=owner).update(
            status=JobStatus.PENDING,
            lease_owner="",
            lease_expires_at=None,
            enqueued_at=timezone.now(),
        )
    )


def _ask(job: FollowUpJob) -> tuple[CoachResult | TurnResult, str]:
    """Ask the job's coach; returns the result and, after a fallback, why."""
    llm = job.requested_backend == CoachBackend.LLM
    llm_settings = configured_settings() if llm else None
    try:
        if job.turn_of is not None:
            # This story (or answer), its principle and this one thread: nothing else.
            thread_job = job.turn_of.job
            return turn(
                _subject(thread_job),
                principle_input(thread_job.principle),
                thread_turns.thread_input(job.turn_of),
                backend=job.requested_backend,
                llm_settings=llm_settings,
            )
        story, principle, asked = _inputs(job)
        return followups(
            story, principle, backend=job.requested_backend, asked=asked, llm_settings=llm_settings
        )
    except LLMError as error:
        if error.hint:
            log.warning("AI coach call for job %s failed: %s (%s)", job.pk, error, error.hint)
        if error.transient:
            raise TransientCoachError(str(error), retry_after=error.retry_after) from error
        raise


def followup_job_run(*, job_id: int, owner: str | None = None) -> None:
    """Run one attempt of the job as ``owner`` (this process by default). Raises
    TransientCoachError when a retry may help."""
    job = _claim(job_id, owner or lease_owner())
    if job is None:
        return
    try:
        result, fallback_reason = _ask(job)
    except LLMError as error:  # not transient: 400, 401, 404
        followup_job_fail(job_id=job_id, error=str(error))
        return
    _finish(job_id, result, fallback_reason)


def _finish(job_id: int, result: CoachResult | TurnResult, fallback_reason: str) -> None:
    """Write the questions (or the turn) and close the job, once, in one transaction."""
    with transaction.atomic():
        job = FollowUpJob.objects.select_for_update().get(pk=job_id)
        if job.finished:
            return  # another delivery of the same message got here first
        if isinstance(result, TurnResult):
            if job.turn_of_id is None:
                raise ValueError("a turn's result belongs to a turn job")
            thread_turns.write_turn(followup_id=job.turn_of_id, result=result)
        else:
            _write_followups(job, result)
        job.status = JobStatus.DONE
        job.backend_used = result.backend
        job.model = result.model or ""
        job.prompt_tokens = result.prompt_tokens
        job.completion_tokens = result.completion_tokens
        job.latency_ms = result.latency_ms
        job.fallback_reason = fallback_reason[:500]
        job.error = ""
        job.finished_at = timezone.now()
        job.lease_owner, job.lease_expires_at = "", None
        job.save()


def _write_followups(job: FollowUpJob, result: CoachResult) -> None:
    """Store the questions under the job (and its story, when it is on one)."""
    FollowUp.objects.bulk_create(
        FollowUp(
            job=job,
            story_id=job.story_id,
            position=position,
            question=item.question,
            part=item.part,
            reason=item.reason,
        )
        for position, item in enumerate(result.followups, start=1)
    )


def followup_job_fail(*, job_id: int, error: str) -> None:
    """Close the job as failed with a readable reason (unless it already finished); a
    failed turn is the offline coach's, so the candidate can always go on."""
    with transaction.atomic():
        job = FollowUpJob.objects.select_for_update().get(pk=job_id)
        if job.finished:
            return
        if job.turn_of_id is not None:
            thread_turns.rules_turn_write(followup_id=job.turn_of_id)
        job.status = JobStatus.FAILED
        job.error = as_sentence(error)[:500]
        job.finished_at = timezone.now()
        job.lease_owner, job.lease_expires_at = "", None
        job.save(
            update_fields=["status", "error", "finished_at", "lease_owner", "lease_expires_at"]
        )


def followup_job_retry_later(*, job_id: int, owner: str, error: str, countdown: float) -> None:
    """Record a transient failure; the job waits, pending, for its next attempt (unless
    ``owner`` lost the lease meanwhile: then the job is another attempt's)."""
    FollowUpJob.objects.filter(pk=job_id, status=JobStatus.RUNNING, lease_owner=owner).update(
        status=JobStatus.PENDING,
        lease_owner="",
        lease_expires_at=None,
        error=as_sentence(error)[:500],  # the page counts down to next_attempt_at
        next_attempt_at=timezone.now() + dt.timedelta(seconds=countdown),
    )


def followup_jobs_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Re-enqueue jobs left pending (the broker was down) and jobs whose worker died."""
    now = now or timezone.now()
    stuck = now - dt.timedelta(seconds=settings.JOB_STUCK_AFTER)
    # One consistent pass: both lists are read before anything changes, and a job is
    # queued once even when it is both waiting and dead (a crashed worker's job keeps
    # its old enqueued_at, so once revived it would also match "waiting").
    waiting = list(
        FollowUpJob.objects.filter(status=JobStatus.PENDING)
        .filter(
            Q(enqueued_at__isnull=True, created_at__lt=now - dt.timedelta(seconds=2))
            | Q(enqueued_at__lt=stuck, next_attempt_at__isnull=True)
            | Q(next_attempt_at__lt=stuck)
        )
        .values_list("pk", flat=True)
    )
    # Dead: running under a lease that ran out a while ago (its worker died with it).
    dead = FollowUpJob.objects.filter(status=JobStatus.RUNNING, lease_expires_at__lt=stuck)
    revived = list(dead.values_list("pk", flat=True))
    dead.filter(pk__in=revived).update(
        status=JobStatus.PENDING, lease_owner="", lease_expires_at=None
    )
    counts = {"requeued": 0, "recovered": len(revived), "unreachable": 0}
    for job_id in dict.fromkeys([*waiting, *revived]):
        if followup_job_enqueue(job_id=job_id):
            FollowUpJob.objects.filter(pk=job_id, status=JobStatus.PENDING).update(
                enqueued_at=timezone.now(), enqueue_error=""
            )
            counts["requeued"] += 1
        else:
            counts["unreachable"] += 1
            break  # the broker is down: the next sweep tries again
    return counts


def followup_answer_save(*, followup: FollowUp, answer: str, rating: str) -> FollowUp:
    """Keep the candidate's answer or notes and how it went."""
    followup.answer = answer
    followup.rating = Rating(rating) if rating else ""
    followup.answered_at = timezone.now()
    followup.full_clean(exclude=["job", "story"])
    followup.save(update_fields=["answer", "rating", "answered_at"])
    return followup
