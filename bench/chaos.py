"""Chaos run: users ask the AI coach for follow-ups while Redis and the worker fail.

Run from the repository root (PostgreSQL on 127.0.0.1:5432 as user postgres with trust
auth, ``redis-server`` on the PATH)::

    python bench/chaos.py                          # 20 users, 120 s of chaos
    python bench/chaos.py --users 4 --duration 20  # a quick smoke run

It starts everything of its own: a Redis on a free port (no persistence), a fresh
PostgreSQL database ``storybank_chaos`` (migrated; one account per user, each with the
demo bank of 8 stories), the fake OpenAI-compatible server (tests/fakes, in this
process: valid follow-ups, some slow, some too slow for the client's timeout, some 429
and 500), gunicorn, a Celery worker (prefork pool) and Celery beat (the sweeper).

Each user logs in, then, for ``--duration`` seconds: opens a story, asks "Ask me
follow-ups" with the AI coach (the form's POST, with its CSRF token), opens the job's
page and polls it once a second until the job is done or failed, thinks 1-3 s. Before
each ask the story's title gets a marker (``[chaos-ask-N]``, set in the database), so
every request the fake LLM receives names the job it is for; a story is asked about
again only once its previous job has finished.

Meanwhile, every 5-15 s, one of: Redis restarted (stopped, down 0.5-2 s, started on the
same port, empty), one pool process SIGKILLed, the whole worker SIGKILLed (a new one
started), Redis paused (SIGSTOP) for 3-8 s. A worker or beat that exits by itself is
started again 1 s later, as a service manager would (each such exit is reported). Then
the chaos stops, the jobs get up to ``--settle`` seconds to finish, and the database and
the fake's request log are read:

- lost: a job still pending or running, or failed without a reason;
- doubled: a job with more than one answer's follow-ups (more than the coach asks for,
  positions not 1..n), or failed with follow-ups written;
- over budget: a job whose HTTP calls to the LLM exceed 1 + LLM_MAX_RETRIES (every
  call counts, a call whose process was killed before it could use the answer too);
- slow: a user's request (story page, ask, job page, poll) that took over 2 s.

Exit code 1 if any of those (or a request that failed) is not zero. Every process,
the Redis and the database it started are stopped and dropped at the end, also on an
error or Ctrl-C (``--keep-database`` keeps the database to look into).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import fcntl
import io
import itertools
import json
import os
import random
import re
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
# Generic process helpers of the load test (bench/load_test.py), reused as they are.
from load_test import (  # noqa: E402
    Processes,
    Started,
    answers,
    loopback_env,
    stop,
    terminate_as_interrupt,
    wait_for,
)

from tests.coach.jobs.processes import free_port  # noqa: E402
from tests.fakes.fake_openai import FakeOpenAI, FakeResponse, followup, good, slow, status  # noqa: E402

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
USER_PREFIX = "chaos-user-"
PASSWORD = "storybank-chaos"  # noqa: S105 - the run's throwaway accounts, not a secret
MARKER = re.compile(r"\[chaos-ask-(\d+)\]")
JOB_LOCATION = re.compile(r"^/stories/(\d+)/followups/(\d+)/$")
JOB_STATUS = re.compile(r'id="job-body" data-status="(\w+)"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SELECTED_PRINCIPLE = re.compile(r'<option value="(\d*)" selected>')
SLOW_REQUEST = 2.0
#: Seconds a user keeps polling one job before moving on to another story.
POLL_PATIENCE = 60
#: Short limits, nested as in production, so retries, redeliveries and sweeps all
#: happen within the run: client timeout < soft limit < hard limit < visibility timeout.
JOB_ENV = {
    "LLM_MODEL": "fake-model",
    "LLM_API_KEY": "sk-chaos-fake",
    "LLM_TIMEOUT": "3",
    "LLM_MAX_RETRIES": "3",
    "LLM_RETRY_BACKOFF": "0.5",
    "LLM_RETRY_BACKOFF_MAX": "2",
    # Production keeps 10 s between each limit and the next; a cold pool process (its
    # first call imports the OpenAI client) on a loaded machine needs a few of them.
    "CELERY_TASK_SOFT_TIME_LIMIT": "8",
    "CELERY_TASK_TIME_LIMIT": "11",
    "CELERY_VISIBILITY_TIMEOUT": "20",
    "CELERY_UNACKED_RESTORE_INTERVAL": "2",
    "JOB_SWEEP_INTERVAL": "3",
    "JOB_STUCK_AFTER": "6",
    # Users ask again and again: the hourly cap must not refuse them.
    "LLM_JOBS_PER_HOUR": "1000000",
}
#: What the fake LLM answers, by share of requests: (kind, weight).
LLM_MIX = (
    ("good", 70),
    ("slow", 8),  # a good answer after 1.5-2.5 s, within the client's timeout
    ("too slow", 4),  # 5 s: the client times out first (a transient error)
    ("429", 9),
    ("500", 9),
)
EVENT_KINDS = ("redis restart", "pool process kill", "worker kill", "redis pause")


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=20, help="concurrent users (default 20)")
    parser.add_argument("--duration", type=int, default=120, help="seconds of chaos (default 120)")
    parser.add_argument(
        "--settle", type=int, default=90, help="seconds the jobs get to finish after (default 90)"
    )
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument(
        "--pool", type=int, default=3, help="the Celery worker's pool processes (default 3)"
    )
    parser.add_argument("--seed", type=int, help="random seed (default: a fresh one, printed)")
    parser.add_argument("--database", default="storybank_chaos", help="PostgreSQL database")
    parser.add_argument("--out", type=Path, help="folder for the logs (default: a temp dir)")
    parser.add_argument(
        "--keep-database", action="store_true", help="leave the database behind to look into"
    )
    args = parser.parse_args(argv)
    if args.users < 1 or args.duration < 1 or args.pool < 2 or not 2 <= args.web_workers <= 4:
        parser.error("--users, --duration >= 1; --pool >= 2; --web-workers 2..4")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.database):
        parser.error("--database: lower-case letters, digits and underscores only")
    return args


# --- the fake LLM --------------------------------------------------------------------


@dataclass
class LLMCall:
    """One HTTP request the fake LLM received, and what it answered."""

    arrived: float  # time.time()
    marker: int | None  # the ask whose story the prompt is about
    kind: str
    answered: float = 0.0


class ChaosLLM(FakeOpenAI):
    """The fake OpenAI-compatible server, answering each request from ``LLM_MIX``.

    Every good answer carries four questions no other answer has, so a story asked
    about again never gets only repeats back (the coach would fall back to rules).
    """

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._local = threading.local()
        self._numbers = itertools.count(1)
        self.calls_log: list[LLMCall] = []
        self._log_lock = threading.Lock()
        super().__init__()

    @property
    def default(self) -> FakeResponse:
        """The answer chosen for the request this thread is serving."""
        return getattr(self._local, "response", None) or good()

    @default.setter
    def default(self, _value: FakeResponse) -> None:
        """Every answer is chosen per request; a fixed default is ignored."""

    def _answer(self) -> tuple[str, FakeResponse]:
        kinds, weights = zip(*LLM_MIX, strict=True)
        kind = self._rng.choices(kinds, weights)[0]
        n = next(self._numbers)
        fresh = good(
            [
                followup(f"What did you measure first in review {n}, and why that?", "action"),
                followup(f"Who disagreed with you in review {n}, and how did it end?", "action"),
                followup(f"What number changed after review {n}, and by how much?", "result"),
                followup(f"What would you do differently in review {n} today?", "reflection"),
            ]
        )
        if kind == "slow":
            return kind, slow(self._rng.uniform(1.5, 2.5), then=fresh)
        if kind == "too slow":
            return kind, slow(5.0, then=fresh)
        if kind == "429":
            return kind, status(429, headers={"retry-after": "1"})
        if kind == "500":
            return kind, status(500)
        return kind, slow(self._rng.uniform(0.1, 0.6), then=fresh)

    def _handle(self, handler: Any, method: str) -> None:
        """Note the request (its ask marker, the time) and the answer chosen for it."""
        length = int(handler.headers.get("content-length") or 0)
        raw = handler.rfile.read(length) if length else b""
        handler.rfile = io.BytesIO(raw)  # the fake reads the body again
        found = MARKER.search(raw.decode("utf-8", "replace"))
        with self._log_lock:
            kind, response = self._answer()
        call = LLMCall(time.time(), int(found[1]) if found else None, kind)
        with self._log_lock:
            self.calls_log.append(call)
        self._local.response = response
        try:
            super()._handle(handler, method)
        finally:
            self._local.response = None
            call.answered = time.time()


# --- database, accounts and settings --------------------------------------------------


@contextlib.contextmanager
def only_run(database: str) -> Iterator[None]:
    """One run per database at a time: a second would drop the first one's database."""
    path = Path(tempfile.gettempdir()) / f"storybank-chaos-{database}.lock"
    with path.open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SystemExit(f"Another chaos run is using {database!r} ({path}).") from None
        yield


def create_database(name: str) -> str:
    """Drop and create the run's own database; return the server's version."""
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
        return str(conn.execute("SHOW server_version").fetchone()[0]).split()[0]


def drop_database(name: str) -> None:
    """Drop the run's database (its connections closed first)."""
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_env(database: str, redis_url: str) -> dict[str, str]:
    """The load test's loopback settings, with the chaos run's job limits (``JOB_ENV``)."""
    return {**loopback_env(database, redis_url), **JOB_ENV}


def seed(users: int) -> dict[int, list[int]]:
    """Migrate; create the accounts, each with the demo bank; return their stories."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from stories.models import Story

    call_command("migrate", verbosity=0, interactive=False)
    password = make_password(PASSWORD)  # one slow hash for every account
    user_model = get_user_model()
    user_model.objects.bulk_create(
        user_model(username=f"{USER_PREFIX}{n}", password=password) for n in range(1, users + 1)
    )
    stories: dict[int, list[int]] = {}
    for n in range(1, users + 1):
        call_command("seed_demo", username=f"{USER_PREFIX}{n}", stdout=io.StringIO())
        stories[n] = list(
            Story.objects.filter(owner__username=f"{USER_PREFIX}{n}")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    return stories


# --- the users -----------------------------------------------------------------------


@dataclass
class Timed:
    """One HTTP request a user made: what, how long, and whether it was as expected."""

    what: str
    seconds: float
    ok: bool
    detail: str = ""
    at: float = 0.0  # time.time() when it started


@dataclass
class Ask:
    """One ask: the marker put in its story's title, and the job it started."""

    marker: int
    story_id: int
    marked_at: float
    job_id: int | None = None


@dataclass
class Shared:
    """What every user thread writes to, under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    markers: itertools.count = field(default_factory=lambda: itertools.count(1))
    requests: list[Timed] = field(default_factory=list)
    asks: list[Ask] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class User:
    """One candidate asking the AI coach about their own stories, over real HTTP."""

    def __init__(self, number: int, host: str, story_ids: list[int], shared: Shared) -> None:
        import requests

        self.number, self.host, self.story_ids, self.shared = number, host, story_ids, shared
        self.session = requests.Session()
        self.rng = random.Random()

    def login(self) -> None:
        """Log in through the form (before the clock starts; not measured)."""
        page = self.session.get(f"{self.host}/accounts/login/", timeout=30)
        token = CSRF_FIELD.search(page.text)
        response = self.session.post(
            f"{self.host}/accounts/login/",
            data={
                "username": f"{USER_PREFIX}{self.number}",
                "password": PASSWORD,
                "csrfmiddlewaretoken": token[1] if token else "",
            },
            allow_redirects=False,
            timeout=60,
        )
        if response.status_code != 302:
            raise RuntimeError(f"login refused for user {self.number}: HTTP {response.status_code}")

    def request(self, what: str, method: str, url: str, check, **kwargs: Any) -> Any:
        """Make one timed request; ``check(response)`` says what is wrong ("" if nothing)."""
        import requests

        started_at, started = time.time(), time.perf_counter()
        try:
            response = self.session.request(
                method, f"{self.host}{url}", timeout=30, allow_redirects=False, **kwargs
            )
        except requests.RequestException as exc:
            response, problem = None, f"{type(exc).__name__}: {exc}"
        else:
            problem = check(response)
        seconds = time.perf_counter() - started
        with self.shared.lock:
            self.shared.requests.append(Timed(what, seconds, not problem, problem, started_at))
            if problem:
                self.shared.errors.append(f"user {self.number}: {what} {url}: {problem}")
        return None if problem else response

    def free_story(self) -> int | None:
        """A story of this user's with no unfinished job (so its marker stays its job's)."""
        from coach.models import FollowUpJob, JobStatus

        busy = set(
            FollowUpJob.objects.filter(
                story_id__in=self.story_ids, status__in=[JobStatus.PENDING, JobStatus.RUNNING]
            ).values_list("story_id", flat=True)
        )
        free = [pk for pk in self.story_ids if pk not in busy]
        return self.rng.choice(free) if free else None

    def run(self, stop_at: float, stopping: threading.Event) -> None:
        """Ask, watch the job, think; until the clock runs out."""
        from django.db import connection

        try:
            time.sleep(self.rng.uniform(0, 3))  # everyone starts at once otherwise
            while time.monotonic() < stop_at and not stopping.is_set():
                story_id = self.free_story()
                if story_id is None:
                    time.sleep(1)
                    continue
                self.ask_and_watch(story_id, stop_at, stopping)
                time.sleep(self.rng.uniform(1, 3))
        except Exception as exc:  # a bug here must show, not silently stop a user
            with self.shared.lock:
                self.shared.errors.append(f"user {self.number} crashed: {exc!r}")
        finally:
            connection.close()

    def ask_and_watch(self, story_id: int, stop_at: float, stopping: threading.Event) -> None:
        """Mark the story, open it, ask the AI coach, poll the job until it finishes."""
        from stories.models import Story

        with self.shared.lock:
            marker = next(self.shared.markers)
        story = Story.objects.only("title").get(pk=story_id)
        title = MARKER.sub("", story.title).rstrip()
        Story.objects.filter(pk=story_id).update(title=f"{title} [chaos-ask-{marker}]")
        ask = Ask(marker, story_id, time.time())
        with self.shared.lock:
            self.shared.asks.append(ask)

        def story_page(response: Any) -> str:
            if response.status_code != 200:
                return f"HTTP {response.status_code}"
            return "" if CSRF_FIELD.search(response.text) else "no ask form on the page"

        page = self.request("story page", "GET", f"/stories/{story_id}/", story_page)
        if page is None:
            return
        principle = SELECTED_PRINCIPLE.search(page.text)

        def redirected_to_job(response: Any) -> str:
            location = response.headers.get("Location", "")
            found = JOB_LOCATION.match(location)
            if response.status_code != 302 or not found or int(found[1]) != story_id:
                return f"HTTP {response.status_code} to {location!r}, expected the job's page"
            return ""

        asked = self.request(
            "ask",
            "POST",
            f"/stories/{story_id}/followups/",
            redirected_to_job,
            data={
                "csrfmiddlewaretoken": CSRF_FIELD.search(page.text)[1],
                "principle": principle[1] if principle else "",
                "backend": "llm",
            },
        )
        if asked is None:
            return
        job_url = asked.headers["Location"]
        ask.job_id = int(JOB_LOCATION.match(job_url)[2])

        def job_page(response: Any) -> str:
            if response.status_code != 200:
                return f"HTTP {response.status_code}"
            return "" if JOB_STATUS.search(response.text) else "no job status on the page"

        shown = self.request("job page", "GET", job_url, job_page)
        state = JOB_STATUS.search(shown.text)[1] if shown is not None else "pending"
        patience = time.monotonic() + POLL_PATIENCE
        while state in {"pending", "running"}:
            if time.monotonic() > min(patience, stop_at) or stopping.is_set():
                return
            time.sleep(1)  # htmx polls every second
            polled = self.request("poll", "GET", job_url, job_page, headers={"HX-Request": "true"})
            if polled is not None:
                state = JOB_STATUS.search(polled.text)[1]


# --- the chaos -----------------------------------------------------------------------


@dataclass
class Event:
    """One fault injected, when (seconds into the run) and what it hit."""

    at: float
    kind: str
    detail: str


class Cluster:
    """Redis, the Celery worker and beat: what the chaos thread stops and starts, and
    what ``supervise`` starts again when it exits by itself (as a service manager would)."""

    def __init__(self, procs: Processes, redis_port: int, pool: int, out: Path) -> None:
        self.procs, self.redis_port, self.pool, self.out = procs, redis_port, pool, out
        self.redis: Started | None = None
        self.worker: Started | None = None
        self.beat: Started | None = None
        self.generation = 0
        self.paused = False
        self.lock = threading.RLock()  # one of chaos and the supervisor at a time
        self.events: list[Event] = []
        self.t0 = time.monotonic()

    def record(self, kind: str, detail: str, at: float | None = None) -> None:
        """Log an event with its time (seconds since the clock started)."""
        at = time.monotonic() - self.t0 if at is None else at
        self.events.append(Event(at, kind, detail))
        print(f"  {at:6.1f} s  {kind}: {detail}", flush=True)

    def start_redis(self) -> None:
        self.redis = self.procs.start(
            "redis",
            [
                shutil.which("redis-server") or "redis-server",
                "--port", str(self.redis_port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no",
            ],
        )  # fmt: skip
        wait_for(self.redis, self.redis_answers, "answered PING")

    def redis_answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.redis_port, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    def start_worker(self) -> None:
        self.generation += 1
        name = f"celery-{self.generation}"
        self.worker = self.procs.start(
            name,
            [
                sys.executable, "-m", "celery", "-A", "config", "worker",
                "--pool=prefork", f"--concurrency={self.pool}", "--loglevel=INFO",
                "--without-mingle", "--without-gossip",
                f"--hostname=chaos-{os.getpid()}-{self.generation}@localhost",
            ],
        )  # fmt: skip
        log = self.worker.log
        wait_for(self.worker, lambda: "ready." in log.read_text(errors="replace"), "got ready")

    def start_beat(self) -> None:
        self.beat = self.procs.start(
            "beat",
            [
                sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO",
                f"--schedule={self.out / 'beat-schedule'}",
            ],
        )  # fmt: skip

    def pool_processes(self) -> list[int]:
        """The worker's pool processes: its main process's children, read from /proc."""
        assert self.worker is not None
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue  # it ended while we looked
            if int(fields[1]) == self.worker.proc.pid:
                found.append(int(stat.parent.name))
        return found

    def restart_redis(self, rng: random.Random) -> str:
        assert self.redis is not None
        stop(self.redis.proc)
        down = rng.uniform(0.5, 2)
        time.sleep(down)
        self.start_redis()
        return f"down {down:.1f} s, started empty (pid {self.redis.proc.pid})"

    def kill_pool_process(self, rng: random.Random) -> str:
        children = self.pool_processes()
        if not children:
            return "no pool process to kill"
        victim = rng.choice(children)
        os.kill(victim, signal.SIGKILL)
        return f"SIGKILL pid {victim} of {len(children)}"

    def kill_worker(self, _rng: random.Random) -> str:
        assert self.worker is not None
        with self.lock:
            old = self.worker.proc.pid
            with contextlib.suppress(ProcessLookupError):
                os.killpg(old, signal.SIGKILL)
            self.worker.proc.wait(10)
            self.start_worker()
            return f"SIGKILL worker {old} and its pool; started {self.worker.proc.pid}"

    def supervise(self, stopping: threading.Event) -> None:
        """Start the worker or beat again, 1 s after it exits by itself (not killed by
        the chaos), as systemd's Restart= would; each exit is an event of the report."""
        while not stopping.wait(0.5):
            with self.lock:
                for name in ("worker", "beat"):
                    started = getattr(self, name)
                    if started is None or started.proc.poll() is None:
                        continue
                    self.record(f"{name} exited by itself", exit_reason(started))
                    time.sleep(1)
                    try:
                        self.start_worker() if name == "worker" else self.start_beat()
                    except RuntimeError as exc:
                        self.record(f"{name} restart failed", str(exc)[:200])

    def pause_redis(self, rng: random.Random) -> str:
        assert self.redis is not None
        seconds = rng.uniform(3, 8)
        os.kill(self.redis.proc.pid, signal.SIGSTOP)
        self.paused = True
        try:
            time.sleep(seconds)
        finally:
            self.resume_redis()
        return f"SIGSTOP for {seconds:.1f} s"

    def resume_redis(self) -> None:
        if self.paused and self.redis is not None and self.redis.proc.poll() is None:
            os.kill(self.redis.proc.pid, signal.SIGCONT)
        self.paused = False


def exit_reason(started: Started) -> str:
    """How a process ended: its exit code and the last CRITICAL line it logged."""
    critical = [
        line for line in started.log.read_text(errors="replace").splitlines() if "CRITICAL" in line
    ]
    last = f"; {critical[-1][:160]}" if critical else ""
    return f"pid {started.proc.pid} exit code {started.proc.returncode}{last}"


def chaos(cluster: Cluster, rng: random.Random, stop_at: float) -> None:
    """Inject a fault every 5-15 s, each kind once in every four, shuffled."""
    actions = {
        "redis restart": cluster.restart_redis,
        "pool process kill": cluster.kill_pool_process,
        "worker kill": cluster.kill_worker,
        "redis pause": cluster.pause_redis,
    }
    order: list[str] = []
    while True:
        time.sleep(max(0.0, min(rng.uniform(5, 15), stop_at - time.monotonic())))
        if time.monotonic() >= stop_at:
            return
        if not order:
            order = rng.sample(EVENT_KINDS, len(EVENT_KINDS))
        kind = order.pop()
        at = time.monotonic() - cluster.t0
        try:
            detail = actions[kind](rng)
        except Exception as exc:  # report it; the run goes on
            detail = f"FAILED: {exc!r}"
        cluster.record(kind, detail, at)


# --- reading what happened -----------------------------------------------------------


@dataclass
class Verdict:
    """The figures a run is judged by."""

    jobs: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    reasons: collections.Counter = field(default_factory=collections.Counter)
    lost: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)
    over_budget: list[str] = field(default_factory=list)
    calls_per_job: collections.Counter = field(default_factory=collections.Counter)
    answered_twice: list[int] = field(default_factory=list)
    answered_twice_after_kill: int = 0
    unmapped_calls: list[str] = field(default_factory=list)
    jobs_without_calls: list[int] = field(default_factory=list)
    llm_calls: int = 0
    budget: int = 0
    asks_without_job: int = 0


def settle(limit: float) -> float:
    """Wait until no job is pending or running (at most ``limit`` s); the seconds it took."""
    from coach.models import FollowUpJob, JobStatus

    started = time.monotonic()
    while time.monotonic() - started < limit:
        if not FollowUpJob.objects.filter(
            status__in=[JobStatus.PENDING, JobStatus.RUNNING]
        ).exists():
            break
        time.sleep(1)
    return time.monotonic() - started


KILLS = ("pool process kill", "worker kill", "worker exited by itself")


def judge(asks: list[Ask], calls: list[LLMCall], events: list[Event], t0_wall: float) -> Verdict:
    """Read every job back: lost, doubled, over budget; HTTP calls per job."""
    from django.conf import settings

    from coach.base import FOLLOWUPS_PER_ASK
    from coach.models import FollowUpJob, JobStatus

    verdict = Verdict(budget=1 + settings.LLM_MAX_RETRIES, llm_calls=len(calls))
    jobs = {job.pk: job for job in FollowUpJob.objects.prefetch_related("followups")}
    verdict.jobs = len(jobs)
    # Each ask marked its story just before asking; its job is the story's first job
    # created after the mark (the next mark comes only once that job has finished).
    by_story: dict[int, list[Any]] = collections.defaultdict(list)
    for job in sorted(jobs.values(), key=lambda j: j.created_at):
        by_story[job.story_id].append(job)
    job_of_marker: dict[int, int] = {}
    for ask in asks:
        later = [j for j in by_story[ask.story_id] if j.created_at.timestamp() >= ask.marked_at]
        if later and (ask.job_id is None or ask.job_id == later[0].pk):
            job_of_marker[ask.marker] = later[0].pk
        elif ask.job_id is not None:
            job_of_marker[ask.marker] = ask.job_id
            verdict.doubled.append(f"ask {ask.marker}: job {ask.job_id} is not its story's next")
        else:
            verdict.asks_without_job += 1
    calls_of: dict[int, list[LLMCall]] = collections.defaultdict(list)
    for call in calls:
        job_id = job_of_marker.get(call.marker) if call.marker is not None else None
        if job_id is None:
            verdict.unmapped_calls.append(f"marker {call.marker}, {call.kind}")
        else:
            calls_of[job_id].append(call)

    for job in jobs.values():
        verdict.by_status[job.status] = verdict.by_status.get(job.status, 0) + 1
        positions = sorted(item.position for item in job.followups.all())
        if job.status in {JobStatus.PENDING, JobStatus.RUNNING}:
            verdict.lost.append(f"job {job.pk}: still {job.status} (attempts {job.attempts})")
        elif job.status == JobStatus.FAILED:
            verdict.reasons[job.error.strip() or "(no reason)"] += 1
            if not job.error.strip():
                verdict.lost.append(f"job {job.pk}: failed without a reason")
            if positions:
                verdict.doubled.append(f"job {job.pk}: failed with {len(positions)} follow-ups")
        if len(positions) > FOLLOWUPS_PER_ASK or positions != list(range(1, len(positions) + 1)):
            verdict.doubled.append(f"job {job.pk}: follow-ups at positions {positions}")
        job_calls = calls_of.get(job.pk, [])
        verdict.calls_per_job[len(job_calls)] += 1
        if not job_calls:
            verdict.jobs_without_calls.append(job.pk)
        if len(job_calls) > verdict.budget:
            kinds = ", ".join(call.kind for call in job_calls)
            verdict.over_budget.append(
                f"job {job.pk}: {len(job_calls)} calls ({kinds}); {job.status}, "
                f"attempts {job.attempts}"
            )
        answered = [call for call in job_calls if call.kind in {"good", "slow"}]
        if len(answered) > 1:
            verdict.answered_twice.append(job.pk)
            # A kill while the first answer was on its way explains a second one.
            first = (answered[0].arrived - t0_wall - 0.5, answered[0].answered - t0_wall + 1)
            if any(e.kind in KILLS and first[0] <= e.at <= first[1] for e in events):
                verdict.answered_twice_after_kill += 1
    return verdict


def job_story(
    job_id: int, calls: list[LLMCall], asks: list[Ask], events: list[Event], t0_wall: float
) -> list[str]:
    """The sequence of one job, for the report: created, its calls and the chaos events
    meanwhile, finished."""
    from coach.models import FollowUpJob

    job = FollowUpJob.objects.get(pk=job_id)
    markers = {ask.marker for ask in asks if ask.job_id == job_id}
    lines = [
        f"job {job_id} (story {job.story_id}): {job.status}, attempts {job.attempts}, "
        f"created {job.created_at.timestamp() - t0_wall:.1f} s, finished "
        + (f"{job.finished_at.timestamp() - t0_wall:.1f} s" if job.finished_at else "never")
        + (f", error {job.error!r}" if job.error else "")
    ]
    begin = job.created_at.timestamp() - t0_wall - 1
    end = (job.finished_at.timestamp() if job.finished_at else time.time()) - t0_wall
    steps = [
        (call.arrived - t0_wall, f"call: {call.kind} (answered {call.answered - t0_wall:.1f} s)")
        for call in calls
        if call.marker in markers
    ]
    steps += [(e.at, f"EVENT {e.kind}: {e.detail}") for e in events if begin <= e.at <= end]
    lines += [f"    {at:6.1f} s  {text}" for at, text in sorted(steps)]
    return lines


def save_record(out: Path, t0_wall: float, shared: Shared, calls: list[LLMCall]) -> None:
    """Keep the asks, the LLM calls and the requests (times from the start) to look into."""
    record = {
        "asks": [
            {**ask.__dict__, "marked_at": round(ask.marked_at - t0_wall, 3)} for ask in shared.asks
        ],
        "llm_calls": [
            {
                "arrived": round(call.arrived - t0_wall, 3),
                "answered": round(call.answered - t0_wall, 3),
                "marker": call.marker,
                "kind": call.kind,
            }
            for call in calls
        ],
        "requests": [
            {"what": r.what, "at": round(r.at - t0_wall, 3), "seconds": round(r.seconds, 3)}
            | ({"problem": r.detail} if r.detail else {})
            for r in shared.requests
        ],
    }
    (out / "record.json").write_text(json.dumps(record, indent=1), encoding="utf-8")


# --- the run -------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of ``values`` (0 when empty)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    seed_value = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    rng = random.Random(seed_value)
    out = args.out or Path(tempfile.mkdtemp(prefix="storybank-chaos-"))
    out.mkdir(parents=True, exist_ok=True)
    load_start = os.getloadavg()
    redis_port, web_port = free_port(), free_port()
    host = f"http://127.0.0.1:{web_port}"
    env = server_env(args.database, f"redis://127.0.0.1:{redis_port}/0")
    for key in set(os.environ) - set(env):
        del os.environ[key]
    os.environ.update(env)  # this process seeds and reads the same database
    print(f"Chaos run: {args.users} users, {args.duration} s, seed {seed_value}; logs in {out}")
    print(f"Load average at the start: {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}")

    procs = Processes(out=out, env=env)
    llm = ChaosLLM(random.Random(rng.random()))
    database_made = False
    shared = Shared()
    stopping, supervisor_stopping = threading.Event(), threading.Event()
    cluster = Cluster(procs, redis_port, args.pool, out)
    supervisor = threading.Thread(target=cluster.supervise, args=(supervisor_stopping,))
    with only_run(args.database), terminate_as_interrupt():
        try:
            postgres = create_database(args.database)
            database_made = True
            started = time.monotonic()
            stories = seed(args.users)
            print(
                f"  database {args.database!r} (PostgreSQL {postgres}): {len(stories)} "
                f"accounts, {sum(map(len, stories.values()))} stories "
                f"({time.monotonic() - started:.0f} s)"
            )
            llm.start()
            env["LLM_BASE_URL"] = llm.base_url
            cluster.start_redis()
            cluster.start_worker()
            cluster.start_beat()
            supervisor.start()
            web = procs.start(
                "gunicorn",
                [
                    sys.executable, "-m", "gunicorn", "config.wsgi",
                    "--workers", str(args.web_workers), "--bind", f"127.0.0.1:{web_port}",
                ],
            )  # fmt: skip
            wait_for(web, lambda: answers(f"{host}/accounts/login/"), "answered")
            print(
                f"  serving {host} (gunicorn, {args.web_workers} workers); Redis on port "
                f"{redis_port}; Celery worker ({args.pool} pool processes) and beat; fake LLM "
                f"at {llm.base_url}"
            )
            users = [User(n, host, stories[n], shared) for n in range(1, args.users + 1)]
            for user in users:
                user.login()
            print(f"  {len(users)} users logged in; chaos for {args.duration} s:")
            t0, t0_wall = time.monotonic(), time.time()
            cluster.t0, stop_at = t0, t0 + args.duration
            threads = [
                threading.Thread(target=u.run, args=(stop_at, stopping), daemon=True) for u in users
            ]
            chaos_thread = threading.Thread(target=chaos, args=(cluster, rng, stop_at), daemon=True)
            for thread in [*threads, chaos_thread]:
                thread.start()
            for thread in [*threads, chaos_thread]:
                thread.join()
            cluster.resume_redis()
            print(f"  chaos over at {time.monotonic() - t0:.0f} s; settling...")
            settled = settle(args.settle)
            time.sleep(2)  # calls still in flight land in the fake's log
            verdict = judge(shared.asks, llm.calls_log, cluster.events, t0_wall)
            save_record(out, t0_wall, shared, llm.calls_log)
            details = [
                line
                for entry in [*verdict.lost[:5], *verdict.over_budget[:5]]
                for line in job_story(int(entry.split()[1].rstrip(":")), llm.calls_log,
                                      shared.asks, cluster.events, t0_wall)
            ]  # fmt: skip
            load_end = os.getloadavg()
        except KeyboardInterrupt:
            print("Interrupted; stopping everything this run started.")
            return 130
        finally:
            stopping.set()
            supervisor_stopping.set()
            if supervisor.is_alive():
                supervisor.join()
            cluster.resume_redis()
            procs.stop_all()
            llm.stop()
            if database_made and not args.keep_database:
                drop_database(args.database)

    return report(
        args, verdict, shared, cluster.events, settled, details, load_start, load_end, out
    )


def report(
    args: argparse.Namespace,
    verdict: Verdict,
    shared: Shared,
    events: list[Event],
    settled: float,
    details: list[str],
    load_start: tuple[float, float, float],
    load_end: tuple[float, float, float],
    out: Path,
) -> int:
    """Print the figures; 1 if anything was lost, doubled, over budget or slow."""
    seconds = [r.seconds for r in shared.requests]
    slow_requests = [r for r in shared.requests if r.seconds > SLOW_REQUEST]
    failed_requests = [r for r in shared.requests if not r.ok]
    kinds = collections.Counter(event.kind for event in events)
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "",
        f"Chaos run, {when}: {args.users} users, {args.duration} s, settle "
        f"{settled:.0f} s of {args.settle}",
        "Events injected: "
        + ", ".join(f"{kinds[k]} {k}" for k in EVENT_KINDS)
        + f"; not injected: {kinds['worker exited by itself']} worker and "
        f"{kinds['beat exited by itself']} beat exits by themselves (each started again "
        "1 s later, as a service manager would)",
        f"Jobs: {verdict.jobs} total, {verdict.by_status.get('done', 0)} done, "
        f"{verdict.by_status.get('failed', 0)} failed"
        + "".join(
            f", {n} {status}"
            for status, n in sorted(verdict.by_status.items())
            if status not in {"done", "failed"}
        ),
    ]
    lines += [f"  failed: {n}x {reason}" for reason, n in verdict.reasons.most_common()]
    lines += [
        f"LLM calls: {verdict.llm_calls} ({len(verdict.unmapped_calls)} not matched to a job); "
        "per job: "
        + ", ".join(f"{n} calls: {jobs}" for n, jobs in sorted(verdict.calls_per_job.items()))
        + f"; budget {verdict.budget}",
        f"Jobs the LLM answered well more than once: {len(verdict.answered_twice)} "
        f"({verdict.answered_twice_after_kill} of them with a kill during the first answer)",
        f"Lost: {len(verdict.lost)}",
        f"Doubled: {len(verdict.doubled)}",
        f"Over budget: {len(verdict.over_budget)}",
        f"Requests: {len(seconds)} ({len(failed_requests)} failed); max "
        f"{max(seconds, default=0):.2f} s, p95 {percentile(seconds, 0.95):.2f} s, "
        f"median {statistics.median(seconds) if seconds else 0:.2f} s; over "
        f"{SLOW_REQUEST:g} s: {len(slow_requests)}",
    ]
    by_what: dict[str, list[float]] = collections.defaultdict(list)
    for r in shared.requests:
        by_what[r.what].append(r.seconds)
    lines += [
        f"  {what}: {len(values)}, max {max(values):.2f} s, p95 {percentile(values, 0.95):.2f} s"
        for what, values in sorted(by_what.items())
    ]
    lines.append(
        f"Load average: start {load_start[0]:.2f} (5 min {load_start[1]:.2f}), "
        f"end {load_end[0]:.2f} (5 min {load_end[1]:.2f}); {os.cpu_count()} cores"
    )
    for title, items in (
        ("LOST", verdict.lost),
        ("DOUBLED", verdict.doubled),
        ("OVER BUDGET", verdict.over_budget),
        ("SLOW", [f"{r.what} {r.seconds:.2f} s" for r in slow_requests]),
        ("REQUEST FAILED", shared.errors),
    ):
        lines += [f"{title}: {item}" for item in items[:10]]
        if len(items) > 10:
            lines.append(f"{title}: ... and {len(items) - 10} more")
    lines += [f"Call not matched to a job: {call}" for call in verdict.unmapped_calls[:5]]
    lines += [f"Job with no LLM call: {pk}" for pk in verdict.jobs_without_calls[:5]]
    lines += details
    print("\n".join(lines))
    (out / "events.json").write_text(
        json.dumps([event.__dict__ for event in events], indent=1), encoding="utf-8"
    )
    print(f"Logs: {out}")
    bad = (
        len(verdict.lost)
        + len(verdict.doubled)
        + len(verdict.over_budget)
        + len(slow_requests)
        + len(failed_requests)
    )
    print("FAILED" if bad else "OK: zero lost, zero doubled, zero over budget, none over 2 s")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
