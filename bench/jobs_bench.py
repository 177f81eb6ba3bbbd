"""Benchmark the follow-up job pipeline against a trivial page, in one run.

Run from the repository root (Redis on 127.0.0.1:6379 needed):  python bench/jobs_bench.py

1. "Ask me follow-ups" with the AI coach while the fake LLM takes 3 s to answer,
   as a ratio to a trivial logged-in page (target: at most 2x; the request only
   enqueues, it never waits for the LLM).
2. Jobs completed per second by 2 worker processes over 50 jobs with an instant
   fake LLM.
Always exits 0.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from _django import bench_client, interleaved_medians, test_database

ROUNDS = 30
JOBS = 50
TARGET_RATIO = 2.0
BROKER = "redis://127.0.0.1:6379/11"


@contextmanager
def fake_llm_process(delay: float):
    """The fake LLM in a process of its own, so serving it costs the web process nothing."""
    proc = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "tests.fakes.fake_openai", "--delay", str(delay)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield proc.stdout.readline().strip()
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> int:
    import redis

    redis.Redis.from_url(BROKER).flushdb()
    logs = Path(tempfile.mkdtemp())
    with test_database():
        from django.conf import settings
        from django.urls import reverse

        from coach.jobs import followup_job_enqueue
        from coach.models import FollowUpJob, JobStatus
        from principles.models import Principle
        from tests.accounts.factories import UserFactory
        from tests.coach.jobs.processes import WorkerProcess, wait_until
        from tests.stories.factories import StoryFactory

        user = UserFactory()
        story = StoryFactory(owner=user)
        principle = Principle.objects.get(slug="dive-deep", principle_set__slug="amazon")
        settings.LLM_MODEL, settings.LLM_API_KEY = "fake-model", "sk-bench"
        settings.CELERY_BROKER_URL, settings.LLM_JOBS_PER_HOUR = BROKER, 10_000

        with fake_llm_process(delay=3) as slow_url:
            settings.LLM_BASE_URL = slow_url
            worker = WorkerProcess(broker_url=BROKER, llm_url=slow_url, log_path=logs / "a.log")
            worker.start(pool="prefork", concurrency=2)
            try:
                client = bench_client(user)
                ask_url = reverse("coach:followup_start", args=[story.pk])
                trivial_url = reverse("password_change_done")

                def ask() -> None:
                    response = client.post(ask_url, {"principle": principle.pk, "backend": "llm"})
                    assert response.status_code == 302, response.status_code

                def trivial() -> None:
                    assert client.get(trivial_url).status_code == 200

                medians = interleaved_medians({"ask": ask, "trivial": trivial}, rounds=ROUNDS)
            finally:
                worker.stop()
        redis.Redis.from_url(BROKER).flushdb()

        with fake_llm_process(delay=0) as fast_url:
            worker = WorkerProcess(broker_url=BROKER, llm_url=fast_url, log_path=logs / "b.log")
            worker.start(pool="prefork", concurrency=2)
            try:
                ids = [
                    FollowUpJob.objects.create(
                        owner=user, story=story, principle=principle, requested_backend="llm"
                    ).pk
                    for _ in range(JOBS)
                ]
                start = time.perf_counter()
                for job_id in ids:
                    followup_job_enqueue(job_id=job_id)
                wait_until(
                    lambda: (
                        FollowUpJob.objects.filter(pk__in=ids, status=JobStatus.DONE).count()
                        == JOBS
                    ),
                    timeout=300,
                    interval=0.05,
                )
                elapsed = time.perf_counter() - start
            finally:
                worker.stop()
    ratio = medians["ask"] / medians["trivial"]
    verdict = "PASS" if ratio <= TARGET_RATIO else "MISS"
    print(f"follow-up jobs ({ROUNDS} rounds; fake LLM answers in 3 s, in its own process)")
    print(f"  trivial logged-in page       {medians['trivial'] * 1000:8.2f} ms (median)")
    print(f"  ask me follow-ups (AI coach) {medians['ask'] * 1000:8.2f} ms (median)")
    print(
        f"  ratio ask / trivial          {ratio:8.2f}x  (target <= {TARGET_RATIO:.0f}x) {verdict}"
    )
    print(f"throughput: {JOBS} jobs, 2 worker processes, instant fake LLM")
    print(f"  {elapsed:.2f} s in all, {JOBS / elapsed:.1f} jobs/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
