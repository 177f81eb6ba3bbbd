"""Locust users and load shape for the capacity run (``bench/load_test.py --capacity``).

The same users as ``locustfile.py``, ramped in steps (``LOAD_STEPS``, e.g. ``10,20,40``).
For each step: start the new users (each logs in once, as in the load test), wait until
all have, warm up for ``LOAD_WARMUP`` s, reset the stats and measure for ``LOAD_WINDOW``
s. A step holds when nothing failed (warm-up and logins included) and every request
type's p95 is at most ``LOAD_P95_LIMIT`` ms (a type counts from ``LOAD_P95_MIN``
requests in the window); the first step that does not hold is the last one run.
Each step's figures go to ``LOAD_STEPS_FILE`` as one JSON line.
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
from pathlib import Path
from typing import Any

import gevent
import locustfile as base  # the load test's users (locust puts this folder on sys.path)
from locust import LoadTestShape
from locust.env import Environment
from locust.exception import StopUser

STEPS = [int(n) for n in os.environ.get("LOAD_STEPS", "10,20").split(",")]
WARMUP = float(os.environ.get("LOAD_WARMUP", "10"))
WINDOW = float(os.environ.get("LOAD_WINDOW", "30"))
P95_LIMIT = float(os.environ.get("LOAD_P95_LIMIT", "200"))
#: A page's p95 counts once it has this many requests in the window: the p95 of fewer
#: is their slowest one or next to it, one stall on a shared machine.
P95_MIN = int(os.environ.get("LOAD_P95_MIN", "20"))
SPAWN_RATE = float(os.environ.get("LOAD_SPAWN_RATE", "10"))
STEPS_FILE = Path(os.environ.get("LOAD_STEPS_FILE", "capacity-steps.jsonl"))
#: Seconds a step's new users may take to log in before the run gives up.
LOGIN_LIMIT = 180
#: Requests made while arriving: not pages, left out of the p95 test.
ARRIVING = ("/accounts/login/ [GET]", "/accounts/login/ [POST]", "/stories/ [after login]")

log = logging.getLogger("storybank.capacity")


class CapacityUser(base.StorybankUser):
    """A load-test user that starts working as soon as it has logged in."""

    arrived = 0

    def on_start(self) -> None:
        try:
            ok = self.log_in_as_next()
        finally:
            CapacityUser.arrived += 1
        if not ok:
            raise StopUser
        gevent.sleep(random.uniform(0, base.WAIT_MAX))


def _entries(environment: Environment, seconds: float) -> list[dict[str, Any]]:
    """Each request type's figures since the last reset."""
    rows = []
    for entry in [*environment.stats.entries.values(), environment.stats.total]:
        if not entry.num_requests:
            continue
        rows.append(
            {
                "name": entry.name,
                "method": entry.method or "",
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "rps": entry.num_requests / seconds,
                "mean": entry.avg_response_time,
                "p50": entry.get_response_time_percentile(0.5),
                "p95": entry.get_response_time_percentile(0.95),
                "max": entry.max_response_time,
            }
        )
    return rows


def _errors(environment: Environment) -> list[str]:
    return [
        f"{error.occurrences}x {error.method} {error.name}: {error.error}"
        for error in environment.stats.errors.values()
    ]


class Steps(LoadTestShape):
    """Asks for each step's users in turn; ``_ramp`` decides when to move on."""

    def __init__(self) -> None:
        super().__init__()
        self.target = STEPS[0]
        self.finished = False
        self.ramp: gevent.Greenlet | None = None

    def tick(self) -> tuple[int, float] | None:
        if self.ramp is None:
            self.ramp = gevent.spawn(self._ramp)
        return None if self.finished else (self.target, SPAWN_RATE)

    def _ramp(self) -> None:
        assert self.runner is not None
        environment = self.runner.environment
        STEPS_FILE.write_text("", encoding="utf-8")
        try:
            for users in STEPS:
                if not self._step(environment, users):
                    break
        except Exception:
            log.exception("the capacity ramp failed")
            environment.process_exit_code = 1
        finally:
            self.finished = True
            gevent.spawn_later(1, self.runner.quit)

    def _step(self, environment: Environment, users: int) -> bool:
        """Run one step, write its figures; True if it held."""
        assert self.runner is not None
        self.target = users
        began = time.monotonic()
        while CapacityUser.arrived < users and time.monotonic() - began < LOGIN_LIMIT:
            gevent.sleep(0.2)
        logged_in = CapacityUser.arrived
        gevent.sleep(WARMUP)
        # Anything that failed while these users arrived or warmed up counts for the step.
        warmup_failures = environment.stats.total.num_failures
        warmup_errors = _errors(environment)
        login = environment.stats.get("/accounts/login/ [POST]", "POST")
        login_p95 = login.get_response_time_percentile(0.95) if login.num_requests else 0
        environment.stats.reset_all()
        start, cpu = time.time(), []
        for _ in range(int(WINDOW)):
            gevent.sleep(1)
            cpu.append(self.runner.current_cpu_usage)
        gevent.sleep(WINDOW - int(WINDOW))
        end = time.time()
        rows = _entries(environment, end - start)
        pages = [row for row in rows if row["name"] not in ARRIVING and row["name"] != "Aggregated"]
        judged = [row for row in pages if row["requests"] >= P95_MIN]
        slowest = max(judged, key=lambda row: row["p95"], default=None)
        failures = warmup_failures + environment.stats.total.num_failures
        exceptions = sum(row["count"] for row in self.runner.exceptions.values())
        held = (
            logged_in >= users
            and failures == 0
            and exceptions == 0
            and slowest is not None
            and slowest["p95"] <= P95_LIMIT
        )
        record = {
            "users": users,
            "logged_in": logged_in,
            "start": start,
            "end": end,
            "rows": rows,
            "failures": failures,
            "errors": warmup_errors + _errors(environment),
            "exceptions": exceptions,
            "login_p95": login_p95,
            "locust_cpu": sum(cpu) / len(cpu) if cpu else 0,
            # The machine is shared: what else ran shows here (this run's own share too).
            "load": os.getloadavg()[0],
            "held": held,
        }
        with STEPS_FILE.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")
        total = next((row for row in rows if row["name"] == "Aggregated"), {"rps": 0})
        log.info(
            "%d users: %.1f requests/s, slowest p95 %s, %d failures: %s",
            users,
            total["rps"],
            f"{slowest['name']} {slowest['p95']:.0f} ms" if slowest else "-",
            failures,
            "held" if held else "not held",
        )
        return held
