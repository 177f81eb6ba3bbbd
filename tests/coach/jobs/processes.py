"""Processes the job tests and benchmarks start: a Celery worker against the test database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
#: The machine's Redis, on a database number of the tests' own.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
#: Small numbers so retries and redeliveries happen within a test's patience.
JOB_ENV = {
    "LLM_MODEL": "fake-model",
    "LLM_API_KEY": "sk-test-not-a-real-key",
    "LLM_TIMEOUT": "2",
    "LLM_MAX_RETRIES": "2",
    "LLM_RETRY_BACKOFF": "0.2",
    "LLM_RETRY_BACKOFF_MAX": "0.4",
    # Nested as in production: client timeout < soft limit < hard limit < visibility.
    "CELERY_TASK_SOFT_TIME_LIMIT": "4",
    "CELERY_TASK_TIME_LIMIT": "6",
    "CELERY_VISIBILITY_TIMEOUT": "8",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "JOB_STUCK_AFTER": "2",
}


def database_url() -> str:
    """The URL of the test database this session created."""
    from django.db import connection

    conf = connection.settings_dict
    if conf["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{conf['NAME']}"
    auth = conf["USER"] + (f":{conf['PASSWORD']}" if conf["PASSWORD"] else "")
    return f"postgres://{auth}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class WorkerProcess:
    """`celery worker` in a subprocess, against the test database and a given broker."""

    def __init__(self, *, broker_url: str, llm_url: str, log_path: Path) -> None:
        self.broker_url, self.llm_url, self.log_path = broker_url, llm_url, log_path
        self.proc: subprocess.Popen | None = None

    def start(self, *, pool: str = "solo", concurrency: int = 1, beat: bool = False) -> None:
        env = {
            **os.environ,
            **JOB_ENV,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "STORYBANK_TEST_WORKER": "1",
            "DATABASE_URL": database_url(),
            "REDIS_URL": self.broker_url,
            "LLM_BASE_URL": self.llm_url,
            "PYTHONUNBUFFERED": "1",
        }
        cmd = [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            f"--pool={pool}", f"--concurrency={concurrency}", "--loglevel=INFO",
            "--without-mingle", "--without-gossip", "--without-heartbeat",
            f"--hostname=test-{os.getpid()}-{time.monotonic_ns()}@localhost",
        ]  # fmt: skip
        if beat:
            cmd += ["--beat", f"--schedule={self.log_path.with_suffix('.beat')}"]
        self.log = self.log_path.open("a")
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.wait_for("ready.")

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log_path.read_text(errors="replace"):
                return
            if self.proc and self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"worker never said {text!r}:\n{self.log_path.read_text()[-3000:]}")

    def pool_processes(self) -> list[int]:
        """The pids of the worker's pool processes (its children, read from /proc)."""
        assert self.proc is not None
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue  # the process ended while we looked
            if int(fields[1]) == self.proc.pid:  # fields[1] is the parent's pid
                found.append(int(stat.parent.name))
        return found

    def kill(self) -> None:
        """SIGKILL the worker and everything it started: no clean shutdown, no acks."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


def wait_until(predicate, timeout: float = 20, interval: float = 0.1):
    """Poll until ``predicate()`` is truthy; return its value or fail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {predicate}")
