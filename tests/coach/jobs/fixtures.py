"""Real parts for the job tests: Redis, a Celery worker process, a fake LLM server.

A plugin of the whole test suite (``tests/conftest.py``), so the job tests and the
browser tests share one fake server and one worker: fixtures defined twice would start
two workers on one queue, each taking the other's messages.

The worker is a separate process, so it only sees committed rows: tests that use
it run in transactions (``django_db(transaction=True)``) and share the test
database with it (a file on SQLite, a database on PostgreSQL).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis

from tests.coach.jobs.processes import JOB_ENV, REDIS_URL, WorkerProcess, free_port
from tests.fakes.fake_openai import FakeOpenAI


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The tests' Redis database, emptied at the start of the session."""
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()
    client.flushdb()
    return REDIS_URL


@pytest.fixture(scope="session")
def fake_llm() -> Iterator[FakeOpenAI]:
    """A fake OpenAI-compatible server on loopback, scripted per test."""
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def llm(fake_llm: FakeOpenAI, settings, redis_url: str) -> FakeOpenAI:
    """The app pointed at the fake LLM and the tests' Redis; the fake starts each test fresh."""
    fake_llm.reset()
    settings.LLM_BASE_URL = fake_llm.base_url
    settings.LLM_MODEL = JOB_ENV["LLM_MODEL"]
    settings.LLM_API_KEY = JOB_ENV["LLM_API_KEY"]
    settings.LLM_TIMEOUT = float(JOB_ENV["LLM_TIMEOUT"])
    settings.LLM_RETRY_BACKOFF = float(JOB_ENV["LLM_RETRY_BACKOFF"])
    settings.LLM_RETRY_BACKOFF_MAX = float(JOB_ENV["LLM_RETRY_BACKOFF_MAX"])
    settings.JOB_STUCK_AFTER = int(JOB_ENV["JOB_STUCK_AFTER"])
    settings.CELERY_TASK_SOFT_TIME_LIMIT = int(JOB_ENV["CELERY_TASK_SOFT_TIME_LIMIT"])
    settings.CELERY_TASK_TIME_LIMIT = int(JOB_ENV["CELERY_TASK_TIME_LIMIT"])
    settings.CELERY_BROKER_URL = redis_url
    return fake_llm


@pytest.fixture(scope="session")
def worker(django_db_setup, django_db_blocker, redis_url, fake_llm, tmp_path_factory):
    """One Celery worker process for the session (solo pool)."""
    with django_db_blocker.unblock():
        proc = WorkerProcess(
            broker_url=redis_url,
            llm_url=fake_llm.base_url,
            log_path=tmp_path_factory.mktemp("worker") / "worker.log",
        )
        proc.start()
    yield proc
    proc.stop()


@pytest.fixture
def private_redis(tmp_path) -> Iterator[dict]:
    """A Redis server of this test's own, which the test may stop and start again."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed for this test"
    port = free_port()
    cmd = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
           "no", "--dir", str(tmp_path)]  # fmt: skip
    state: dict = {"url": f"redis://127.0.0.1:{port}/0", "proc": None}

    def start() -> None:
        state["proc"] = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("private redis did not start")

    def stop() -> None:
        if state["proc"] and state["proc"].poll() is None:
            state["proc"].terminate()
            state["proc"].wait(10)

    state["start"], state["stop"] = start, stop
    start()
    yield state
    stop()
