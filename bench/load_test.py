"""Load test: 50 users for 60 s against gunicorn (2 workers) on PostgreSQL.

Run from the repository root (PostgreSQL on 127.0.0.1:5432 as user postgres with
trust auth, Redis on 127.0.0.1:6379, locust installed: ``pip install '.[load]'``)::

    python bench/load_test.py                     # 50 users, 60 s
    python bench/load_test.py --users 5 --duration 10   # a quick smoke run
    python bench/load_test.py --write-readme      # also (re)write bench/README.md's section
    python bench/load_test.py --capacity --write-readme   # the capacity ramp (make capacity)

One command does everything, on this machine: it drops and recreates the database
``storybank_load``, migrates it, creates ``load-user-1`` .. ``load-user-N`` with the demo
bank of stories each, starts the fake OpenAI-compatible server (tests/fakes), a Celery
worker (Redis database 12), gunicorn with 2 workers and production settings (DEBUG
off; plain HTTP, so no SSL redirect and no secure-only cookies), then locust headless
with ``bench/load/locustfile.py``. Every process it started is stopped at the end,
also on an error or Ctrl-C. It prints p50 and p95 per page, as ratios to the trivial
page of the same run too, and exits 1 if anything failed: a failed or unexpected
response, a login refused, a server traceback in a log, or a follow-up job that failed.

``--capacity`` finds the limit instead: for each gunicorn worker count (2, then 4), on a
freshly seeded database, it ramps the users in steps (``bench/load/capacity.py``) until
a page's p95 passes 200 ms or a request fails, and reports the highest step held with
where its time went, measured in the server by a timing middleware that only the
settings module ``bench.load.timing_settings`` loads: SQL, the password hasher, the rest.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import fcntl
import io
import json
import os
import platform
import re
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from tests.coach.jobs.processes import free_port  # noqa: E402 - needs ROOT on sys.path

README = ROOT / "bench" / "README.md"
LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"
BEGIN = "<!-- load-test:begin (bench/load_test.py --write-readme rewrites this section) -->"
END = "<!-- load-test:end -->"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
USER_PREFIX = "load-user-"
PASSWORD = "storybank-load"  # noqa: S105 - the load test's throwaway accounts, not a secret
TRIVIAL = "trivial page"
#: The order the table lists requests in; anything else follows, then the total.
ORDER = [
    "story list",
    "story page",
    "edit: form",
    "edit: save",
    "live check",
    "coverage grid",
    "follow-up: ask",
    "follow-up: job page",
    "follow-up: poll",
    TRIVIAL,
]
README_HEAD = """# Benchmarks

`make bench` runs the `*_bench.py` scripts here, each printing its own figures as
ratios measured side by side in one run. `make load` runs the load test
(`load_test.py`, users in `load/locustfile.py`) and rewrites its section below.
"""
LEGEND = (
    "Requests: `story list` /stories/; `story page` /stories/<pk>/ (also after a save and "
    "before asking for follow-ups); `edit: form` the edit form, `edit: save` posting it "
    "back with the reflection changed (302); `live check` the htmx STAR check as you type; "
    '`coverage grid` /coverage/; `follow-up: ask` posting "Ask me follow-ups" with the AI '
    "coach (302; the job is queued), `follow-up: job page` the job's page, `follow-up: poll` "
    "its htmx body, once a second, up to 3 times; `trivial page` /accounts/password/done/, "
    "the logged-in page bench/grid_bench.py also uses as its baseline."
)
#: Seconds locust may spend logging everyone in before the measured window starts.
LOGIN_PHASE_LIMIT = 180


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50, help="concurrent users (default 50)")
    parser.add_argument("--duration", type=int, default=60, help="measured seconds (default 60)")
    parser.add_argument(
        "--spawn-rate", type=float, default=10, help="users started per second (default 10)"
    )
    parser.add_argument(
        "--wait",
        type=float,
        nargs=2,
        default=(1.0, 3.0),
        metavar=("MIN", "MAX"),
        help="seconds each user waits between two actions (default 1 3)",
    )
    parser.add_argument(
        "--llm-delay", type=float, default=0.5, help="seconds the fake LLM takes (default 0.5)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="DATABASE_CONN_MAX_AGE for the server (default 60, as in production; "
        "0: a connection per request)",
    )
    parser.add_argument("--database", default="storybank_load", help="PostgreSQL database")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12", help="Redis URL")
    parser.add_argument("--out", type=Path, help="folder for logs and CSVs (default: a temp dir)")
    parser.add_argument(
        "--write-readme",
        action="store_true",
        help="rewrite the load test section of bench/README.md",
    )
    capacity = parser.add_argument_group(
        "capacity (--capacity)",
        "Ramp the users in steps, per gunicorn worker count, until a page's p95 passes the "
        "limit or a request fails; report the highest step held and where its time went.",
    )
    capacity.add_argument("--capacity", action="store_true", help="run the capacity ramp")
    capacity.add_argument(
        "--steps",
        type=int_list,
        default=[10, 20, 40, 60, 80, 100, 130, 160, 200],
        help="users at each step (default 10,20,40,60,80,100,130,160,200)",
    )
    capacity.add_argument(
        "--capacity-workers",
        type=int_list,
        default=[2, 4],
        help="gunicorn worker counts to ramp, one after the other (default 2,4)",
    )
    capacity.add_argument(
        "--warmup", type=float, default=10, help="seconds before each step's window (default 10)"
    )
    capacity.add_argument(
        "--window", type=float, default=30, help="measured seconds per step (default 30)"
    )
    capacity.add_argument(
        "--p95-min",
        type=int,
        default=20,
        help="requests a page needs in a step's window for its p95 to count (default 20)",
    )
    capacity.add_argument(
        "--quiet-load",
        type=float,
        default=1.5,
        help="before each worker count, wait for the 1-minute load average to fall below this "
        "(default 1.5; the machine is shared)",
    )
    capacity.add_argument(
        "--quiet-wait",
        type=float,
        default=300,
        help="most seconds to wait for it, then run anyway and say so (default 300)",
    )
    capacity.add_argument(
        "--p95-limit", type=float, default=200, help="a page's highest p95 held, ms (default 200)"
    )
    args = parser.parse_args(argv)
    if args.users < 1 or args.duration < 1:
        parser.error("--users and --duration must be at least 1")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.database):
        parser.error("--database: lower-case letters, digits and underscores only")
    return args


def int_list(text: str) -> list[int]:
    """``10,20,40`` as a list of positive numbers, rising."""
    numbers = [int(item) for item in text.split(",") if item.strip()]
    if not numbers or min(numbers) < 1 or numbers != sorted(set(numbers)):
        raise argparse.ArgumentTypeError("rising positive numbers, comma-separated")
    return numbers


# --- processes -----------------------------------------------------------------------


@dataclass
class Started:
    """A process this script started (in a session of its own) and its log."""

    name: str
    proc: subprocess.Popen
    log: Path


@dataclass
class Processes:
    """Everything started, stopped in reverse order whatever happens."""

    out: Path
    env: dict[str, str]
    started: list[Started] = field(default_factory=list)

    def start(
        self,
        name: str,
        cmd: list[str],
        *,
        stdout_pipe: bool = False,
        env: dict[str, str] | None = None,
    ) -> Started:
        log = self.out / f"{name}.log"
        with log.open("ab") as log_file:
            proc = subprocess.Popen(  # noqa: S603 - our own fixed commands, no shell
                cmd,
                cwd=ROOT,
                env=self.env if env is None else env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE if stdout_pipe else log_file,
                stderr=log_file,
                start_new_session=True,
                text=stdout_pipe,
            )
        started = Started(name, proc, log)
        self.started.append(started)
        return started

    def stop_all(self) -> None:
        for item in reversed(self.started):
            stop(item.proc)
        self.started.clear()


def stop(proc: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM the process's group, then SIGKILL it if it lingers."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout)
    except ProcessLookupError:
        pass


def wait_for(started: Started, check, what: str, timeout: float = 60) -> None:
    """Poll ``check()`` until it is true; fail early if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if started.proc.poll() is not None:
            break
        time.sleep(0.2)
    tail = started.log.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"{started.name} never {what}; the end of {started.log}:\n{tail}")


def answers(url: str) -> bool:
    """True once ``url`` answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own server
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def only_run(database: str) -> Iterator[None]:
    """One run per database at a time: a second would drop the first one's database."""
    path = Path(tempfile.gettempdir()) / f"storybank-load-{database}.lock"
    with path.open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SystemExit(f"Another load test is using {database!r} ({path}).") from None
        yield


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM stops the run like Ctrl-C does: through the clean-up below."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# --- database and accounts -------------------------------------------------------------


def recreate_database(name: str) -> str:
    """Drop and create the load test's own database; return the server's version."""
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
        return str(conn.execute("SHOW server_version").fetchone()[0]).split()[0]


def seed(users: int) -> tuple[int, int]:
    """Migrate, create the accounts, each with the demo bank; return (accounts, stories)."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0, interactive=False)
    # One hash for every account: the password is the same and hashing is slow on purpose.
    password = make_password(PASSWORD)
    user_model = get_user_model()
    user_model.objects.bulk_create(
        user_model(username=f"{USER_PREFIX}{n}", password=password) for n in range(1, users + 1)
    )
    for n in range(1, users + 1):
        call_command("seed_demo", username=f"{USER_PREFIX}{n}", stdout=io.StringIO())
    from stories.models import Story

    accounts = user_model.objects.filter(username__startswith=USER_PREFIX).count()
    stories = Story.objects.filter(owner__username__startswith=USER_PREFIX).count()
    connections.close_all()
    return accounts, stories


def job_summary() -> dict[str, object]:
    """What became of the follow-up jobs the run asked for."""
    from django.db import connections
    from django.db.models import Count

    from coach.models import FollowUpJob

    counts = dict(
        FollowUpJob.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    seconds = sorted(
        (job.finished_at - job.created_at).total_seconds()
        for job in FollowUpJob.objects.filter(status="done").only("created_at", "finished_at")
    )
    errors = list(FollowUpJob.objects.filter(status="failed").values_list("error", flat=True)[:5])
    connections.close_all()
    return {
        "counts": counts,
        "median_done_s": seconds[len(seconds) // 2] if seconds else None,
        "errors": errors,
    }


# --- the run -------------------------------------------------------------------------


def loopback_env(database: str, redis_url: str, conn_max_age: int = 60) -> dict[str, str]:
    """Production settings over plain HTTP on loopback, on PostgreSQL ``database`` and
    the broker ``redis_url``; none of the caller's own app settings leak in."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "LLM_", "CELERY_", "JOB_", "LOAD_"))
        and key not in {"DATABASE_URL", "DATABASE_CONN_MAX_AGE", "REDIS_URL"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP on loopback: no redirect to HTTPS, cookies not HTTPS-only.
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SESSION_COOKIE_SECURE": "false",
            "DJANGO_CSRF_COOKIE_SECURE": "false",
            # The runs ask for pages, not static files: no collectstatic into the tree.
            "DJANGO_STATIC_MANIFEST": "false",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
            "DATABASE_CONN_MAX_AGE": str(conn_max_age),
            "REDIS_URL": redis_url,
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def server_env(args: argparse.Namespace) -> dict[str, str]:
    """The load test's server: ``loopback_env``, the AI coach on the fake."""
    env = loopback_env(args.database, args.redis, args.conn_max_age)
    env.update(
        {
            "LLM_API_KEY": "sk-load-test-fake",
            "LLM_MODEL": "fake-model",
            # 50 users asking again and again: the hourly cap must not refuse them.
            "LLM_JOBS_PER_HOUR": "1000000",
            "LOAD_USERS": str(args.users),
            "LOAD_PASSWORD": PASSWORD,
            "LOAD_DURATION": str(args.duration),
            "LOAD_WAIT_MIN": str(args.wait[0]),
            "LOAD_WAIT_MAX": str(args.wait[1]),
        }
    )
    return env


def locust_command(args: argparse.Namespace, host: str, out: Path) -> list[str]:
    """Locust, headless; the locustfile itself ends the run after ``--duration`` s."""
    locust = Path(sys.executable).with_name("locust")
    if not locust.exists():
        raise RuntimeError(f"{locust} is missing: pip install '.[load]' (or run `make load`)")
    return [
        str(locust),
        "-f", str(LOCUSTFILE.relative_to(ROOT)),
        "--headless",
        "--users", str(args.users),
        "--spawn-rate", str(args.spawn_rate),
        # A backstop only: the measured window starts once everyone is logged in.
        "--run-time", f"{args.duration + LOGIN_PHASE_LIMIT}s",
        "--stop-timeout", "15",
        "--host", host,
        "--csv", str(out / "locust"),
        "--only-summary",
        "--loglevel", "INFO",
    ]  # fmt: skip


ERROR_LINE = re.compile(r"Traceback \(most recent call last\)|\b(ERROR|CRITICAL)\b")
CONTINUES = (" ", "\t", "Traceback", "During handling", "The above exception")


def log_errors(log: Path) -> list[str]:
    """Each error a process logged: the ERROR (or CRITICAL) line and its traceback."""
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    errors, i = [], 0
    while i < len(lines):
        if not ERROR_LINE.search(lines[i]):
            i += 1
            continue
        block = [lines[i]]
        i += 1
        # Indented frames, chained tracebacks, and the exception's own line after a frame.
        while i < len(lines) and (
            lines[i].startswith(CONTINUES) or not lines[i] or block[-1].startswith(" ")
        ):
            block.append(lines[i])
            i += 1
        errors.append("\n".join(block).strip())
    return errors


@dataclass
class Result:
    """What one run measured."""

    rows: list[dict[str, str]]
    failures: list[dict[str, str]]
    exceptions: list[dict[str, str]]
    login: dict[str, Any]
    jobs: dict[str, object]
    server_errors: dict[str, list[str]]
    locust_exit: int
    locust_warnings: list[str]
    postgres: str
    load_before: float

    @property
    def failed(self) -> int:
        total = next((r for r in self.rows if r["Name"] == "Aggregated"), None)
        return (
            (int(total["Failure Count"]) if total else 1)
            + int(self.login.get("failures", 1))
            + int(self.login.get("exceptions", 0))
            + sum(int(row.get("Count", 1)) for row in self.exceptions)
            + int(self.jobs["counts"].get("failed", 0))  # type: ignore[union-attr]
            + sum(len(errors) for errors in self.server_errors.values())
            + (self.locust_exit != 0)
        )


def run(args: argparse.Namespace, out: Path) -> Result:
    """Set everything up, run locust, tear everything down; return what it measured."""
    import redis

    load_before = os.getloadavg()[0]
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    env = server_env(args)
    print(f"Preparing PostgreSQL database {args.database!r} and {args.users} accounts...")
    postgres = recreate_database(args.database)
    # This process seeds the database and reads the jobs back: the same settings.
    for key in set(os.environ) - set(env):
        del os.environ[key]
    os.environ.update(env)
    started_at = time.monotonic()
    accounts, stories = seed(args.users)
    if accounts != args.users:
        raise RuntimeError(f"seeding created {accounts} accounts, not {args.users}")
    print(f"  {accounts} accounts, {stories} stories ({time.monotonic() - started_at:.0f} s)")
    broker = redis.Redis.from_url(args.redis)
    clear_broker(broker, args.redis)

    procs = Processes(out=out, env=env)
    try:
        serve(procs, args, host, port, args.workers)
        print(
            f"Running locust: {args.users} users, logged in first, then {args.duration} s "
            f"measured (wait {args.wait[0]:g}-{args.wait[1]:g} s between actions)..."
        )
        login_file = out / "login.json"
        env["LOAD_LOGIN_STATS"] = str(login_file)
        locust = procs.start("locust", locust_command(args, host, out))
        locust_exit = locust.proc.wait(args.duration + LOGIN_PHASE_LIMIT + 120)
        # Give the queue a moment, then see what became of the follow-up jobs.
        time.sleep(min(5.0, 2 * args.llm_delay + 1))
        jobs = job_summary()
    finally:
        procs.stop_all()
        clear_broker(broker, args.redis, strict=False)

    rows = read_csv(out / "locust_stats.csv")
    locust_log = (out / "locust.log").read_text(errors="replace")
    return Result(
        rows=rows,
        failures=read_csv(out / "locust_failures.csv"),
        exceptions=read_csv(out / "locust_exceptions.csv"),
        login=json.loads(login_file.read_text()) if login_file.exists() else {},
        jobs=jobs,
        server_errors=server_errors(out),
        locust_exit=locust_exit,
        locust_warnings=locust_warnings(locust_log),
        postgres=postgres,
        load_before=load_before,
    )


#: What Celery and kombu keep in the broker's database; anything else is not ours.
BROKER_KEYS = re.compile(rb"celery|unacked(_index|_mutex)?|_kombu\..*|.*pidbox.*")


def clear_broker(broker: Any, url: str, *, strict: bool = True) -> None:
    """Delete the Celery queue and kombu's keys (never FLUSHDB: the Redis is shared).

    ``strict``: refuse a database that holds anything else (someone else's).
    """
    keys = list(broker.scan_iter(count=1000))
    others = [key for key in keys if not BROKER_KEYS.fullmatch(key)]
    keys = [key for key in keys if BROKER_KEYS.fullmatch(key)]
    if others and strict:
        raise SystemExit(
            f"Redis {url} holds keys this load test did not write ({others[:3]}...): "
            "pass --redis with a database of its own."
        )
    if keys:
        broker.delete(*keys)


def server_errors(out: Path) -> dict[str, list[str]]:
    """Errors each server process logged."""
    return {name: log_errors(out / f"{name}.log") for name in ("gunicorn", "celery", "fake_llm")}


def locust_warnings(locust_log: str) -> list[str]:
    """Locust's own warnings: its CPU (the load generator saturated) and errors."""
    return [line for line in locust_log.splitlines() if "CPU usage" in line or "ERROR" in line]


def serve(
    procs: Processes,
    args: argparse.Namespace,
    host: str,
    port: int,
    workers: int,
    web_env: dict[str, str] | None = None,
) -> None:
    """Start the fake LLM, a Celery worker and gunicorn; return once all answer."""
    env = procs.env
    fake = procs.start(
        "fake_llm",
        [sys.executable, "-m", "tests.fakes.fake_openai", "--delay", str(args.llm_delay)],
        stdout_pipe=True,
    )
    llm_url = (fake.proc.stdout.readline() if fake.proc.stdout else "").strip()
    if not llm_url.startswith("http"):
        raise RuntimeError(f"the fake LLM did not start: {fake.log.read_text()[-2000:]}")
    env["LLM_BASE_URL"] = llm_url
    worker = procs.start(
        "celery",
        [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            "--loglevel=INFO", "--concurrency=2", "--without-mingle", "--without-gossip",
            f"--hostname=load-{os.getpid()}@localhost",
        ],
    )  # fmt: skip
    wait_for(worker, lambda: "ready." in worker.log.read_text(errors="replace"), "got ready")
    web = procs.start(
        "gunicorn",
        [
            sys.executable, "-m", "gunicorn", "config.wsgi",
            "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
        ],
        env=None if web_env is None else {**env, **web_env},
    )  # fmt: skip
    wait_for(web, lambda: answers(f"{host}/accounts/login/"), "answered")
    print(
        f"Serving {host} (gunicorn, {workers} workers), Celery worker, fake LLM "
        f"({args.llm_delay} s) at {llm_url}"
    )


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of one of locust's CSV files (none if it is missing)."""
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --- reporting -------------------------------------------------------------------------


def table(result: Result) -> list[str]:
    """The figures as a Markdown table: p50, p95, their ratios to the trivial page, counts."""
    # Rows locust keeps at zero after the reset (the logins) are left out.
    by_name = {row["Name"]: row for row in result.rows if int(row["Request Count"])}
    trivial = by_name.get(TRIVIAL)
    names = [n for n in ORDER if n in by_name]
    names += sorted(n for n in by_name if n not in ORDER and n != "Aggregated")
    names += ["Aggregated"] if "Aggregated" in by_name else []
    lines = [
        "| request | p50 ms | p95 ms | p50 / trivial | p95 / trivial | requests | failures |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in names:
        row = by_name[name]
        p50, p95 = float(row["50%"]), float(row["95%"])
        if trivial and name != "Aggregated":
            r50 = f"{p50 / max(float(trivial['50%']), 1):.1f}x"
            r95 = f"{p95 / max(float(trivial['95%']), 1):.1f}x"
        else:
            r50 = r95 = ""
        label = "all requests" if name == "Aggregated" else name
        lines.append(
            f"| {label} | {p50:.0f} | {p95:.0f} | {r50} | {r95} | "
            f"{row['Request Count']} | {row['Failure Count']} |"
        )
    return lines


def notes(result: Result, args: argparse.Namespace) -> list[str]:
    """The lines under the table: throughput, logins, jobs, anything that went wrong."""
    by_name = {row["Name"]: row for row in result.rows}
    total = by_name.get("Aggregated", {})
    login = result.login
    counts = result.jobs["counts"]
    assert isinstance(counts, dict)
    median = result.jobs["median_done_s"]
    lines = [
        f"Throughput: {float(total.get('Requests/s', 0)):.1f} requests/s over the measured "
        f"{args.duration} s.",
        f"Logins (through the form, before the clock starts; not in the table): "
        f"{login.get('requests', 0)}, p50 {login.get('p50', 0):.0f} ms, "
        f"p95 {login.get('p95', 0):.0f} ms, {login.get('failures', 'no figures,')} failed.",
        "Follow-up jobs (AI coach on the fake LLM): "
        + ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        + (f"; median {median:.1f} s from asking to answered." if median is not None else "."),
    ]
    lines += [f"FAILED while logging in: {error}" for error in login.get("errors", [])]
    lines += [f"FAILED job: {error}" for error in result.jobs["errors"]]  # type: ignore[union-attr]
    for name, errors in result.server_errors.items():
        if errors:
            lines.append(f"{name} logged {len(errors)} errors; the first:\n{errors[0]}")
    for row in result.failures:
        lines.append(f"FAILED {row['Occurrences']}x {row['Method']} {row['Name']}: {row['Error']}")
    for row in result.exceptions:
        lines.append(f"EXCEPTION {row.get('Count')}x in the locustfile: {row.get('Message')}")
    lines += [f"locust: {line}" for line in result.locust_warnings]
    if result.locust_exit:
        lines.append(f"locust exited with {result.locust_exit}.")
    return lines


def machine_note(result: Result, args: argparse.Namespace) -> str:
    """Where the figures come from."""
    cores = os.cpu_count() or 0
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        model = f" ({found[1].strip()})" if found else ""
    return (
        f"Machine: {cores} cores{model}, {platform.system()}, Python "
        f"{platform.python_version()}, PostgreSQL {result.postgres}. Everything runs on it "
        f"at once: gunicorn ({args.workers} sync workers), PostgreSQL, Redis, the Celery "
        f"worker, the fake LLM and locust itself, the load generator, which shares the "
        f"{cores} cores with the server. The 1-minute load average was "
        f"{result.load_before:.1f} when the run started (anything else running counts). "
        "Figures are end-to-end times seen by locust (queueing in gunicorn included), "
        "in milliseconds."
    )


def command_line(argv: list[str]) -> str:
    """The exact command, as it would be typed at the repository root."""
    python = Path(sys.executable)
    shown = python.relative_to(ROOT) if python.is_relative_to(ROOT) else python
    command = f"`{shlex.join([str(shown), 'bench/load_test.py', *argv])}`"
    # `make load` (or `make capacity`) runs exactly this; say so when it did.
    target = "capacity" if "--capacity" in argv else "load"
    return f"`make {target}`, which runs {command}" if os.environ.get("MAKELEVEL") else command


def write_readme(section: str) -> None:
    """Replace the marked section of bench/README.md (keeping the rest), or add it."""
    text = README.read_text(encoding="utf-8") if README.exists() else README_HEAD
    block = f"{BEGIN}\n{section.rstrip()}\n{END}"
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _match: block, text)
    else:
        text = text.rstrip() + "\n\n## Load test\n\n" + block + "\n"
    README.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


# --- capacity: ramp the users until a page's p95 passes the limit or a request fails ---

CAPACITY_LOCUSTFILE = ROOT / "bench" / "load" / "capacity.py"
CAP_BEGIN = (
    "<!-- capacity:begin (bench/load_test.py --capacity --write-readme rewrites this block) -->"
)
CAP_END = "<!-- capacity:end -->"
#: What locust calls each (method, view name, htmx) the timing middleware logs.
SERVER_NAMES = {
    ("GET", "stories:list", 0): "story list",
    ("GET", "stories:detail", 0): "story page",
    ("GET", "stories:edit", 0): "edit: form",
    ("POST", "stories:edit", 0): "edit: save",
    ("POST", "stories:check", 1): "live check",
    ("GET", "coverage:grid", 0): "coverage grid",
    ("POST", "coach:followup_start", 0): "follow-up: ask",
    ("GET", "coach:followup_job", 0): "follow-up: job page",
    ("GET", "coach:followup_job", 1): "follow-up: poll",
    ("GET", "password_change_done", 0): TRIVIAL,
    ("GET", "login", 0): "login form",
    ("POST", "login", 0): "login",
}


@dataclass
class Timing:
    """One request as the server's timing middleware logged it (ms)."""

    at: float
    name: str
    total: float
    sql: float
    hasher: float
    queries: int


@dataclass
class Capacity:
    """One worker count's ramp."""

    workers: int
    steps: list[dict[str, Any]]
    timings: list[Timing]
    hasher: dict[str, Any]
    jobs: dict[str, object]
    server_errors: dict[str, list[str]]
    locust_warnings: list[str]
    postgres: str
    load_before: float

    @property
    def held(self) -> dict[str, Any] | None:
        held = [step for step in self.steps if step["held"]]
        return held[-1] if held else None

    @property
    def broke(self) -> dict[str, Any] | None:
        return next((step for step in self.steps if not step["held"]), None)


def read_timings(path: Path) -> list[Timing]:
    """The timing middleware's lines, named as locust names the requests."""
    timings = []
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    for line in lines:
        at, method, view, htmx, _status, total, sql, hasher, queries = line.split("\t")
        name = SERVER_NAMES.get((method, view, int(htmx)), f"{method} {view}")
        timings.append(
            Timing(float(at), name, float(total), float(sql), float(hasher), int(queries))
        )
    return timings


def time_hasher() -> dict[str, Any]:
    """The configured password hasher, and one ``check_password`` in this process (median)."""
    from django.contrib.auth.hashers import check_password, get_hasher, make_password

    encoded = make_password(PASSWORD)
    seconds = []
    for _ in range(5):
        started = time.perf_counter()
        if not check_password(PASSWORD, encoded):
            raise RuntimeError("check_password refused the password it just hashed")
        seconds.append(time.perf_counter() - started)
    hasher = get_hasher()
    return {
        "algorithm": hasher.algorithm,
        "iterations": getattr(hasher, "iterations", None),
        "ms": sorted(seconds)[len(seconds) // 2] * 1000,
    }


def run_capacity(args: argparse.Namespace, out: Path, workers: int) -> Capacity:
    """One ramp against gunicorn with ``workers`` workers, on a freshly seeded database."""
    import redis

    users = max(args.steps)
    load_before = os.getloadavg()[0]
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    env = server_env(args)
    steps_file, timing_log = out / "steps.jsonl", out / "timing.log"
    env.update(
        {
            "LOAD_USERS": str(users),
            "LOAD_STEPS": ",".join(map(str, args.steps)),
            "LOAD_WARMUP": str(args.warmup),
            "LOAD_WINDOW": str(args.window),
            "LOAD_P95_LIMIT": str(args.p95_limit),
            "LOAD_P95_MIN": str(args.p95_min),
            "LOAD_SPAWN_RATE": str(args.spawn_rate),
            "LOAD_STEPS_FILE": str(steps_file),
        }
    )
    print(f"\n== {workers} gunicorn workers (1-minute load average {load_before:.2f})")
    print(f"Preparing PostgreSQL database {args.database!r} and {users} accounts...")
    postgres = recreate_database(args.database)
    for key in set(os.environ) - set(env):
        del os.environ[key]
    os.environ.update(env)
    started_at = time.monotonic()
    accounts, stories = seed(users)
    if accounts != users:
        raise RuntimeError(f"seeding created {accounts} accounts, not {users}")
    print(f"  {accounts} accounts, {stories} stories ({time.monotonic() - started_at:.0f} s)")
    hasher = time_hasher()
    broker = redis.Redis.from_url(args.redis)
    clear_broker(broker, args.redis)

    procs = Processes(out=out, env=env)
    web_env = {
        "DJANGO_SETTINGS_MODULE": "bench.load.timing_settings",
        "LOAD_TIMING_LOG": str(timing_log),
    }
    try:
        serve(procs, args, host, port, workers, web_env)
        print(
            f"Ramping locust: {', '.join(map(str, args.steps))} users; per step "
            f"{args.warmup:g} s warm-up once all have logged in, then {args.window:g} s "
            f"measured; stops past p95 {args.p95_limit:g} ms or at a failure..."
        )
        locust = procs.start(
            "locust",
            [
                str(Path(sys.executable).with_name("locust")),
                "-f", str(CAPACITY_LOCUSTFILE.relative_to(ROOT)),
                "--headless", "--host", host, "--only-summary",
                "--stop-timeout", "15", "--loglevel", "INFO",
            ],
        )  # fmt: skip
        per_step = args.warmup + args.window + LOGIN_PHASE_LIMIT
        locust.proc.wait(len(args.steps) * per_step + 120)
        time.sleep(min(5.0, 2 * args.llm_delay + 1))
        jobs = job_summary()
    finally:
        procs.stop_all()
        clear_broker(broker, args.redis, strict=False)
    steps = [json.loads(line) for line in steps_file.read_text().splitlines() if line.strip()]
    for step in steps:
        print(f"  {step_line(step, args.p95_min)}")
    return Capacity(
        workers=workers,
        steps=steps,
        timings=read_timings(timing_log),
        hasher=hasher,
        jobs=jobs,
        server_errors=server_errors(out),
        locust_warnings=locust_warnings((out / "locust.log").read_text(errors="replace")),
        postgres=postgres,
        load_before=load_before,
    )


def pages(step: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A step's rows by request name, pages only (no logins, no total)."""
    return {
        row["name"]: row
        for row in step["rows"]
        if not row["name"].startswith(("/accounts/login/", "/stories/ [")) and row["method"]
    }


def total_row(step: dict[str, Any]) -> dict[str, Any]:
    return next((row for row in step["rows"] if row["name"] == "Aggregated"), {"rps": 0.0})


def judged(step: dict[str, Any], least: int) -> list[dict[str, Any]]:
    """The pages with enough requests in the window for their p95 to count."""
    return [row for row in pages(step).values() if row["requests"] >= least]


def slowest(step: dict[str, Any], least: int = 0) -> dict[str, Any] | None:
    return max(judged(step, least), key=lambda row: row["p95"], default=None)


def step_line(step: dict[str, Any], least: int) -> str:
    """One step in a line: users, requests/s, slowest p95 counted, and whether it held."""
    top = slowest(step, least)
    where = f"slowest p95 {top['p95']:.0f} ms ({top['name']})" if top else "no pages"
    return (
        f"{step['users']} users: {total_row(step)['rps']:.1f} requests/s, {where}, "
        f"{step['failures']} failures, locust at {step['locust_cpu']:.0f}% CPU, "
        f"1-minute load average {step.get('load', 0):.1f} at its end: "
        + ("held" if step["held"] else "did not hold")
    )


def why_not(step: dict[str, Any], limit: float, least: int) -> str:
    """Why a step did not hold."""
    reasons = []
    if step["logged_in"] < step["users"]:
        reasons.append(f"only {step['logged_in']} users logged in")
    if step["failures"]:
        first = step["errors"][0] if step["errors"] else ""
        reasons.append(f"{step['failures']} failed ({first})")
    if step["exceptions"]:
        reasons.append(f"{step['exceptions']} exceptions in the locustfile")
    over = sorted(
        (row for row in judged(step, least) if row["p95"] > limit), key=lambda row: -row["p95"]
    )
    if over:
        shown = ", ".join(f"{row['name']} {row['p95']:.0f} ms" for row in over[:3])
        more = f" and {len(over) - 3} more" if len(over) > 3 else ""
        reasons.append(f"p95 over {limit:g} ms: {shown}{more}")
    return "; ".join(reasons) or "-"


def ordered(names: Any) -> list[str]:
    names = set(names)
    return [n for n in ORDER if n in names] + sorted(n for n in names if n not in ORDER)


def capacity_summary(caps: list[Capacity], args: argparse.Namespace) -> list[str]:
    """The held step per worker count, and why the next one did not hold."""
    lines = [
        "| gunicorn workers | users held | requests/s held | slowest p95 there | "
        "next step | why it did not hold |",
        "|---:|---:|---:|---|---:|---|",
    ]
    for cap in caps:
        held, broke = cap.held, cap.broke
        top = slowest(held, args.p95_min) if held else None
        cells = [
            str(cap.workers),
            str(held["users"]) if held else "none",
            f"{total_row(held)['rps']:.1f}" if held else "-",
            f"{top['p95']:.0f} ms ({top['name']})" if top else "-",
            str(broke["users"]) if broke else "-",
            why_not(broke, args.p95_limit, args.p95_min)
            if broke
            else "the last step held: raise --steps",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def p95_table(caps: list[Capacity]) -> list[str]:
    """p95 per page at each worker count's held step."""
    held = [(cap, cap.held) for cap in caps if cap.held]
    if not held:
        return []
    names = ordered(name for _cap, step in held for name in pages(step))
    lines = [
        "| request | "
        + " | ".join(f"p95 ms, {cap.workers} workers, {step['users']} users" for cap, step in held)
        + " |",
        "|---|" + "---:|" * len(held),
    ]
    for name in names:
        cells = [pages(step).get(name) for _cap, step in held]
        lines.append(
            f"| {name} | " + " | ".join(f"{row['p95']:.0f}" if row else "-" for row in cells) + " |"
        )
    return lines


def time_table(cap: Capacity) -> list[str]:
    """Where the time went at the held step: end to end, in Django, SQL, hasher, Python."""
    step = cap.held
    if not step:
        return []
    window = [t for t in cap.timings if step["start"] <= t.at <= step["end"]]
    seen = pages(step)
    lines = [
        "| request | requests | end to end ms | in Django ms | SQL ms | hasher ms | "
        "Python ms | queries | outside Django ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in ordered({t.name for t in window}):
        rows = [t for t in window if t.name == name]
        n = len(rows)
        total = sum(t.total for t in rows) / n
        sql = sum(t.sql for t in rows) / n
        hasher = sum(t.hasher for t in rows) / n
        queries = sum(t.queries for t in rows) / n
        end_to_end = seen[name]["mean"] if name in seen else None
        e2e = f"{end_to_end:.1f}" if end_to_end is not None else "-"
        outside = f"{end_to_end - total:.1f}" if end_to_end is not None else "-"
        lines.append(
            f"| {name} | {n} | {e2e} | {total:.1f} | {sql:.1f} | {hasher:.1f} | "
            f"{total - sql - hasher:.1f} | {queries:.1f} | {outside} |"
        )
    return lines


def hasher_note(cap: Capacity) -> str:
    """The hasher's cost per login and its share of all the server's time in the run."""
    logins = [t for t in cap.timings if t.name == "login"]
    spent = sum(t.total for t in cap.timings)
    hashing = sum(t.hasher for t in cap.timings)
    h = cap.hasher
    iterations = f", {h['iterations']:,} iterations" if h.get("iterations") else ""
    per_login = hashing / len(logins) if logins else 0
    login_ms = sum(t.total for t in logins) / len(logins) if logins else 0
    share = hashing / spent if spent else 0
    return (
        f"{cap.workers} workers: {len(logins)} logins over the whole ramp, "
        f"{per_login:.0f} ms of hashing each in the server (the login view {login_ms:.0f} ms "
        "in all); "
        f"hashing took {share:.0%} of all the time Django spent serving the run "
        f"({hashing / 1000:.1f} s of {spent / 1000:.1f} s, every step and its warm-up). "
        f"The hasher: {h['algorithm']}{iterations}; one `check_password` took {h['ms']:.0f} ms "
        "in the runner's own process, before this run's servers started."
    )


def capacity_problems(caps: list[Capacity]) -> list[str]:
    """Anything that went wrong outside the limit being found: server errors, failed jobs."""
    lines = []
    for cap in caps:
        failed = cap.jobs["counts"].get("failed", 0)  # type: ignore[union-attr]
        if failed:
            lines.append(
                f"{cap.workers} workers: {failed} follow-up jobs failed: {cap.jobs['errors']}"
            )
        for name, errors in cap.server_errors.items():
            if errors:
                lines.append(
                    f"{cap.workers} workers: {name} logged {len(errors)} errors; "
                    f"the first:\n{errors[0]}"
                )
        if not cap.steps:
            lines.append(f"{cap.workers} workers: no step was measured (see locust.log).")
    return lines


def capacity_section(caps: list[Capacity], args: argparse.Namespace, command: str) -> str:
    """The README block: how it ran, where, what each worker count held and where the time went."""
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    loads = ", ".join(f"{cap.load_before:.2f} before the {cap.workers}-worker ramp" for cap in caps)
    cores = os.cpu_count() or 0
    intro = (
        f"Capacity run on {when}: users ramped in steps of {', '.join(map(str, args.steps))}; "
        f"each new user logs in once, then works as in the load test (the same mix, "
        f"waiting {args.wait[0]:g}-{args.wait[1]:g} s between actions). Per step, once every "
        f"user has logged in: {args.warmup:g} s warm-up, then {args.window:g} s measured. A "
        f"step holds when nothing failed (its logins and warm-up included) and every page's "
        f"p95 is at most {args.p95_limit:g} ms (a page with fewer than {args.p95_min} "
        f"requests in the window is shown but not judged: its p95 is its slowest request); "
        "the ramp stops at the first step that does "
        f"not hold. Gunicorn (sync workers) on PostgreSQL {caps[0].postgres} "
        f"(DATABASE_CONN_MAX_AGE={args.conn_max_age}), database recreated and seeded for each "
        f"worker count, a Celery worker (2 processes) and the fake LLM ({args.llm_delay:g} s), "
        f"on the same {cores}-core machine as locust. The 1-minute load average was {loads}."
    )
    held = [
        textwrap.fill(intro, 90),
        f"Command: {command}",
        "\n".join(capacity_summary(caps, args)),
        "p95 per page at the step each worker count held:",
        "\n".join(p95_table(caps)),
    ]
    for cap in caps:
        if cap.held:
            held += [
                f"Where the time went, {cap.workers} workers at {cap.held['users']} users "
                f"(means per request over the measured {args.window:g} s):",
                "\n".join(time_table(cap)),
            ]
    explain = (
        "End to end: as locust saw it. In Django: measured inside the app by a timing "
        "middleware first in the chain (`bench/load/timing.py`, loaded only by the "
        "capacity run's settings module `bench/load/timing_settings.py`), of which SQL is "
        "the time in `cursor.execute` (`connection.execute_wrapper`: PostgreSQL, the socket "
        "and psycopg), hasher the time in the configured password hasher's `verify`, and "
        "Python the rest (middleware, views, forms, templates, the STAR checker). Outside "
        "Django: end to end less in Django: gunicorn's accept queue while every worker is "
        "busy, WSGI, the socket and locust itself."
    )
    held += [textwrap.fill(explain, 90)]
    held += ["Password hashing:\n\n" + "\n".join(f"- {hasher_note(cap)}" for cap in caps)]
    held += [
        "Every step:\n\n"
        + "\n".join(
            f"- {cap.workers} workers, {step_line(step, args.p95_min)}"
            for cap in caps
            for step in cap.steps
        )
    ]
    problems = capacity_problems(caps)
    if problems:
        held += ["Problems:\n\n" + "\n".join(f"- {line}" for line in problems)]
    return "\n\n".join(held)


def write_capacity_readme(section: str) -> None:
    """Replace the capacity block of bench/README.md, or add it after the load test's."""
    text = README.read_text(encoding="utf-8") if README.exists() else README_HEAD
    block = f"{CAP_BEGIN}\n{section.rstrip()}\n{CAP_END}"
    pattern = re.compile(re.escape(CAP_BEGIN) + r".*?" + re.escape(CAP_END), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _match: block, text)
    elif END in text:
        text = text.replace(END, f"{END}\n\n### Capacity\n\n{block}", 1)
    else:
        text = text.rstrip() + "\n\n## Load test\n\n### Capacity\n\n" + block + "\n"
    README.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def wait_for_quiet(limit: float, most: float) -> None:
    """Wait (up to ``most`` s) for the 1-minute load average to fall below ``limit``."""
    deadline = time.monotonic() + most
    while (load := os.getloadavg()[0]) >= limit and time.monotonic() < deadline:
        print(f"Load average {load:.2f} (>= {limit:g}): waiting for the machine to quieten...")
        time.sleep(15)
    if load >= limit:
        print(f"Load average still {load:.2f} after {most:g} s: running anyway.")


def main_capacity(args: argparse.Namespace, command: str, out: Path) -> int:
    """``--capacity``: one ramp per worker count, then the report (and the README block)."""
    caps = []
    with only_run(args.database), terminate_as_interrupt():
        try:
            for workers in args.capacity_workers:
                wait_for_quiet(args.quiet_load, args.quiet_wait)
                folder = out / f"workers-{workers}"
                folder.mkdir(parents=True, exist_ok=True)
                caps.append(run_capacity(args, folder, workers))
        except KeyboardInterrupt:
            print("Interrupted; every process this run started has been stopped.")
            return 130
    section = capacity_section(caps, args, command)
    print("\n" + section)
    print(f"\nLogs, steps and server timings: {out}")
    if args.write_readme:
        write_capacity_readme(section)
        print(f"Wrote the figures to {README.relative_to(ROOT)}.")
    problems = capacity_problems(caps)
    if problems:
        print(f"FAILED: {len(problems)} problem(s) beside the limit; see above and {out}.")
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    command = command_line(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="storybank-load-"))
    out.mkdir(parents=True, exist_ok=True)
    if args.capacity:
        return main_capacity(args, command, out)
    with only_run(args.database), terminate_as_interrupt():
        try:
            result = run(args, out)
        except KeyboardInterrupt:
            print("Interrupted; every process this run started has been stopped.")
            return 130
    lines = table(result)
    summary = notes(result, args)
    print()
    print("\n".join(lines))
    print()
    print("\n".join(summary))
    print(f"\nLogs and locust's CSVs: {out}")
    failed = result.failed
    if args.write_readme:
        when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        intro = (
            f"Run on {when}: {args.users} users for {args.duration} s, each logged in as its "
            f"own account with 8 stories, waiting {args.wait[0]:g}-{args.wait[1]:g} s between "
            f"actions; gunicorn with {args.workers} workers on PostgreSQL "
            f"(DATABASE_CONN_MAX_AGE={args.conn_max_age}), the AI coach's jobs on a Celery "
            f"worker (2 processes, Redis) against the fake OpenAI-compatible server answering "
            f"in {args.llm_delay:g} s."
        )
        prose = [textwrap.fill(text, 90) for text in (intro, machine_note(result, args))]
        section = "\n\n".join(
            [
                *prose,
                f"Command: {command}",
                "\n".join(lines),
                textwrap.fill(LEGEND, 90),
                "\n".join(f"- {line}" for line in summary),
            ]
        )
        write_readme(section)
        print(f"Wrote the figures to {README.relative_to(ROOT)}.")
    if failed:
        print(f"FAILED: {failed} problem(s); see above and the logs in {out}.")
        return 1
    print("0 failures.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
