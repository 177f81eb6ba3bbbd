"""Celery tasks: thin wrappers that take ids and call the job services."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from coach import jobs


@shared_task(
    bind=True,
    name="coach.tasks.run_followup_job",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=settings.LLM_MAX_RETRIES,
)
def run_followup_job(self, job_id: int) -> None:
    """Run a follow-up job; retry only transient LLM errors, with capped jittered backoff."""
    try:
        jobs.followup_job_run(job_id=job_id)
    except jobs.TransientCoachError as exc:
        attempts = self.request.retries + 1
        if self.request.retries >= self.max_retries:
            jobs.followup_job_fail(
                job_id=job_id,
                error=f"{exc}. Gave up after {attempts} attempts; try again later, "
                "or use the offline coach.",
            )
            return
        countdown = jobs.backoff_seconds(self.request.retries)
        jobs.followup_job_retry_later(job_id=job_id, error=str(exc), countdown=countdown)
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
