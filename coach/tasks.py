"""Celery tasks: thin wrappers that take ids and call the job services."""

from __future__ import annotations

import logging
import os

from billiard.einfo import ExceptionWithTraceback
from billiard.exceptions import WorkerLostError
from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.worker.request import Request
from django.conf import settings
from django.db import connection

from coach import jobs

log = logging.getLogger(__name__)


class FollowUpJobRequest(Request):
    """A job's message as the worker's main process holds it.

    When the pool process running the job dies (SIGKILL, out of memory), Celery
    requeues the message at once (acks_late, reject_on_worker_lost) and sends no
    signal first; here the dead process's lease is given back before that, so the
    redelivery, on any worker, finds the job pending and runs it.
    """

    def on_failure(self, exc_info, send_failed_event=True, return_ok=False):  # type: ignore[no-untyped-def]
        exc = exc_info.exception
        if isinstance(exc, ExceptionWithTraceback):
            exc = exc.exc
        if isinstance(exc, WorkerLostError) and self.worker_pid:
            self._release_lease()
        return super().on_failure(exc_info, send_failed_event, return_ok)

    def _release_lease(self) -> None:
        job_id = self.kwargs.get("job_id", self.args[0] if self.args else None)
        if job_id is None:
            return
        try:
            jobs.followup_job_release(
                job_id=job_id, owner=jobs.lease_owner(self.hostname, self.worker_pid)
            )
        except Exception:  # the requeue must go on; the sweeper recovers the job later
            log.exception("Could not give back the lease of follow-up job %s", job_id)
        finally:
            connection.close()  # the main process keeps no database connection open


@shared_task(
    bind=True,
    name="coach.tasks.run_followup_job",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=settings.LLM_MAX_RETRIES,
    Request=FollowUpJobRequest,
)
def run_followup_job(self, job_id: int) -> None:
    """Run a follow-up job; retry only transient LLM errors, with capped jittered backoff."""
    owner = jobs.lease_owner(self.request.hostname, os.getpid())
    try:
        jobs.followup_job_run(job_id=job_id, owner=owner)
    except jobs.TransientCoachError as exc:
        # The budget is the job's: a message the sweeper sent again starts at retries=0.
        attempts = jobs.attempts_made(job_id)
        if attempts >= jobs.attempt_budget():
            jobs.followup_job_fail(job_id=job_id, error=jobs.gave_up(attempts, str(exc)))
            return
        countdown = jobs.retry_countdown(attempts - 1, exc.retry_after)
        jobs.followup_job_retry_later(
            job_id=job_id, owner=owner, error=str(exc), countdown=countdown
        )
        raise self.retry(countdown=countdown, exc=exc) from exc
    except SoftTimeLimitExceeded:
        jobs.followup_job_fail(
            job_id=job_id,
            error=f"The coach took longer than {settings.CELERY_TASK_SOFT_TIME_LIMIT} s and "
            "was stopped. Try again, or use the offline coach.",
        )


@shared_task(name="coach.tasks.sweep_followup_jobs")
def sweep_followup_jobs() -> dict[str, int]:
    """Celery beat: re-enqueue pending jobs and recover jobs whose worker died."""
    return jobs.followup_jobs_sweep()
