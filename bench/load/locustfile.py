"""Locust users for the Storybank load test (run by ``bench/load_test.py``).

Each locust user logs in once, through the real login form, as its own account
(``load-user-1`` .. ``load-user-N``, created by the runner). The clock starts when
every user is logged in: logins (password hashing is slow on purpose) are reported
apart from the pages. Then, for ``LOAD_DURATION`` seconds, each user mixes:

- ``story list``     GET /stories/
- ``story page``     GET /stories/<pk>/ (also the page an edit redirects to)
- ``edit: form``     GET /stories/<pk>/edit/
- ``edit: save``     POST the form back with the reflection changed (302 to the story)
- ``live check``     POST /stories/check/ as htmx does while you type
- ``coverage grid``  GET /coverage/
- ``follow-up: ask`` POST /stories/<pk>/followups/ with the AI coach (302 to the job)
- ``follow-up: job page`` and ``follow-up: poll`` the job page, then its htmx body
- ``trivial page``   GET /accounts/password/done/ (the baseline bench/grid_bench.py uses)

Every response is checked (status and content, and that it is this user's page);
anything else is a failure. Settings come from the environment: ``LOAD_USERS``,
``LOAD_PASSWORD``, ``LOAD_DURATION``, ``LOAD_WAIT_MIN``, ``LOAD_WAIT_MAX`` and
``LOAD_LOGIN_STATS`` (a JSON file the login figures are written to).
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import random
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import gevent
from gevent.event import Event
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment
from locust.exception import StopUser

ROOT = Path(__file__).resolve().parents[2]
USER_PREFIX = "load-user-"
USERS = int(os.environ.get("LOAD_USERS", "50"))
PASSWORD = os.environ.get("LOAD_PASSWORD", "storybank-load")
DURATION = float(os.environ.get("LOAD_DURATION", "60"))
WAIT_MIN = float(os.environ.get("LOAD_WAIT_MIN", "1"))
WAIT_MAX = float(os.environ.get("LOAD_WAIT_MAX", "3"))
LOGIN_STATS = os.environ.get("LOAD_LOGIN_STATS", "")
#: How many times a follow-up job is polled (htmx polls every second).
JOB_POLLS = 3

DEMO_STORIES = json.loads((ROOT / "stories" / "demo_data.json").read_text(encoding="utf-8"))[
    "stories"
]
STORY_LINK = re.compile(r'href="/stories/(\d+)/"')
JOB_STATUS = re.compile(r'id="job-body" data-status="(\w+)"')
EDIT_MARK = re.compile(r"\s*\(rehearsed \d+\)$")
#: The coach never repeats a question already asked about a story, and the fake LLM
#: always answers with the same ones: asked again about a story, the job falls back.
REPEATED = "the model only repeated questions already asked"

log = logging.getLogger("storybank.load")
_numbers = itertools.count(1)
_arrived = 0
_measuring = Event()


class FormFields(HTMLParser):
    """The fields of one form (by id) as a browser would submit them."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.fields: dict[str, str] = {}
        self._in_form = False
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._in_form = a.get("id", "") == self.form_id
        if not self._in_form:
            return
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in {"submit", "button", "checkbox"}:
            self.fields[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
                self.fields.setdefault(self._select, value)
            if "selected" in a:
                self.fields[self._select] = value

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea:
            # A textarea's first newline is markup, not content (as in a browser).
            self.fields[self._textarea] = self.fields[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(html: str, form_id: str) -> dict[str, str]:
    """Parse the form with this id (``""``: every form without one) out of a page."""
    parser = FormFields(form_id)
    parser.feed(html)
    return parser.fields


def _start_measuring(environment: Environment) -> None:
    """Every user has logged in: keep the login figures, reset the stats, start the clock."""
    stats = environment.stats
    login = stats.get("/accounts/login/ [POST]", "POST")
    figures = {
        "requests": login.num_requests,
        "failures": stats.total.num_failures,
        "p50": login.get_response_time_percentile(0.5) if login.num_requests else 0,
        "p95": login.get_response_time_percentile(0.95) if login.num_requests else 0,
        "exceptions": sum(row["count"] for row in environment.runner.exceptions.values()),
        "errors": [
            f"{error.occurrences}x {error.method} {error.name}: {error.error}"
            for error in stats.errors.values()
        ],
    }
    if LOGIN_STATS:
        Path(LOGIN_STATS).write_text(json.dumps(figures), encoding="utf-8")
    log.info("All %d users logged in (%s); measuring for %.0f s", USERS, figures, DURATION)
    stats.reset_all()
    _measuring.set()
    gevent.spawn_later(DURATION, environment.runner.quit)


class StorybankUser(FastHttpUser):
    """One candidate working on their own bank of stories."""

    wait_time = between(WAIT_MIN, WAIT_MAX)
    # A loaded server may queue a request for a while; a slow answer is data, not a crash.
    network_timeout = 60.0
    connection_timeout = 60.0

    username: str
    story_ids: list[int]
    me: re.Pattern[str]

    def on_start(self) -> None:
        """Log in through the form, learn this user's stories, wait for everyone else."""
        global _arrived
        try:
            ok = self.log_in_as_next()
        finally:
            _arrived += 1
            if _arrived == USERS:
                _start_measuring(self.environment)
        if not ok:
            self.environment.process_exit_code = 1
            raise StopUser
        _measuring.wait()
        # Everyone starts at once otherwise: spread the first actions as the waits will.
        gevent.sleep(random.uniform(0, WAIT_MAX))

    def log_in_as_next(self) -> bool:
        """Take the next account, log in as it and learn its stories; False if that failed."""
        number = next(_numbers)
        self.username = f"{USER_PREFIX}{number}"
        self.me = re.compile(rf'bi-person-circle"></i> {re.escape(self.username)}\b')
        self.edits = 0
        self.asked: dict[int, int] = {}
        if number > USERS or not self._login():
            return False
        self.next_ask = random.randrange(len(self.story_ids))
        return True

    def _login(self) -> bool:
        with self.client.get(
            "/accounts/login/", name="/accounts/login/ [GET]", catch_response=True
        ) as response:
            # The login form has no id.
            token = form_fields(response.text or "", "").get("csrfmiddlewaretoken")
            if response.status_code != 200 or not token:
                response.failure(f"no login form (HTTP {response.status_code})")
                return False
        with self.client.post(
            "/accounts/login/",
            name="/accounts/login/ [POST]",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or response.headers.get("Location") != "/stories/":
                response.failure(f"login refused for {self.username} (HTTP {response.status_code})")
                return False
        with self.client.get(
            "/stories/", name="/stories/ [after login]", catch_response=True
        ) as response:
            self.story_ids = sorted({int(pk) for pk in STORY_LINK.findall(response.text or "")})
            if (
                response.status_code != 200
                or not self.story_ids
                or not self.me.search(response.text)
            ):
                response.failure("no stories listed after login")
                return False
        return True

    # --- helpers -----------------------------------------------------------------------

    def _csrf_cookie(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value or ""
        return ""

    def _page(self, url: str, name: str, marker: str, *, headers: dict | None = None) -> str:
        """GET a page of this user's that must answer 200 and contain ``marker``."""
        with self.client.get(url, name=name, headers=headers, catch_response=True) as response:
            text = response.text or ""
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif marker not in text:
                response.failure(f"{marker!r} not on the page")
            elif not headers and not self.me.search(text):
                response.failure(f"not {self.username}'s page (logged out?)")
            else:
                return text
        return ""

    def _post_redirect(self, url: str, name: str, data: dict[str, Any], expect: str) -> str:
        """POST a form that must answer 302; return the Location (must start with ``expect``)."""
        with self.client.post(
            url, name=name, data=data, allow_redirects=False, catch_response=True
        ) as response:
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code != 302:
                response.failure(f"HTTP {response.status_code}, expected a redirect")
            elif not location.startswith(expect):
                response.failure(f"redirected to {location!r}, expected {expect!r}")
            else:
                return location
        return ""

    # --- the mix -------------------------------------------------------------------------

    @task(3)
    def story_list(self) -> None:
        self._page("/stories/", "story list", 'href="/stories/')

    @task(3)
    def story_page(self) -> None:
        pk = random.choice(self.story_ids)
        self._page(f"/stories/{pk}/", "story page", 'id="followups-heading"')

    @task(1)
    def edit(self) -> None:
        pk = random.choice(self.story_ids)
        html = self._page(f"/stories/{pk}/edit/", "edit: form", 'id="story-form"')
        if not html:
            return
        data = form_fields(html, "story-form")
        if "csrfmiddlewaretoken" not in data or "title" not in data:
            log.error("edit form of story %s could not be parsed", pk)
            self.environment.process_exit_code = 1
            return
        self.edits += 1
        reflection = EDIT_MARK.sub("", data.get("reflection", ""))
        data["reflection"] = f"{reflection} (rehearsed {self.edits})".strip()
        location = self._post_redirect(
            f"/stories/{pk}/edit/", "edit: save", data, expect=f"/stories/{pk}/"
        )
        if location:
            self._page(location, "story page", "Saved. The previous text is kept")

    @task(4)
    def live_check(self) -> None:
        story = random.choice(DEMO_STORIES)
        action = story["action"]
        typed = action[: random.randint(len(action) // 2, len(action))]
        data = {
            "title": story["title"],
            "situation": story["situation"],
            "task": story["task"],
            "action": typed,
            "result": story["result"],
            "reflection": story.get("reflection", ""),
            "happened_on": story["happened"],
        }
        headers = {"X-CSRFToken": self._csrf_cookie(), "HX-Request": "true"}
        with self.client.post(
            "/stories/check/", name="live check", data=data, headers=headers, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif 'class="star-report" data-score="' not in (response.text or ""):
                response.failure("no STAR report in the answer")

    @task(2)
    def coverage_grid(self) -> None:
        self._page("/coverage/", "coverage grid", 'id="grid-form"')

    @task(1)
    def followups(self) -> None:
        # Story after story, as someone practising their bank would.
        pk = self.story_ids[self.next_ask % len(self.story_ids)]
        self.next_ask += 1
        repeat = self.asked.get(pk, 0) > 0
        self.asked[pk] = self.asked.get(pk, 0) + 1
        html = self._page(f"/stories/{pk}/", "story page", 'id="followups-heading"')
        token = form_fields(html, "").get("csrfmiddlewaretoken") if html else None
        if not token:
            return
        job_url = self._post_redirect(
            f"/stories/{pk}/followups/",
            "follow-up: ask",
            {"csrfmiddlewaretoken": token, "principle": "", "backend": "llm"},
            expect=f"/stories/{pk}/followups/",
        )
        if not job_url:
            return
        self._page(job_url, "follow-up: job page", 'id="job-body"')
        for _ in range(JOB_POLLS):
            gevent.sleep(1)
            if self._poll(job_url, repeat=repeat) != "pending_or_running":
                return

    def _poll(self, job_url: str, *, repeat: bool) -> str:
        """One htmx poll of the job; a failed job, or one the AI coach did not answer, fails.

        The one fallback expected is on a story already asked about in this run (``repeat``).
        """
        with self.client.get(
            job_url, name="follow-up: poll", headers={"HX-Request": "true"}, catch_response=True
        ) as response:
            match = JOB_STATUS.search(response.text or "")
            status = match[1] if match else ""
            if response.status_code != 200 or not match:
                response.failure(f"HTTP {response.status_code}, no job status")
            elif status == "failed":
                response.failure("the job failed")
            elif (
                status == "done"
                and "Asked by the <strong>AI coach" not in response.text
                and not (repeat and REPEATED in response.text)
            ):
                response.failure("done, but not by the AI coach (fell back)")
            elif status in {"pending", "running"}:
                return "pending_or_running"
            else:
                return status
        return "failure"

    @task(2)
    def trivial_page(self) -> None:
        self._page("/accounts/password/done/", "trivial page", "Password changed")


@events.init.add_listener
def _check_users(environment: Environment, **_kwargs: Any) -> None:
    """Say early if locust was started with more users than there are accounts."""
    parsed = environment.parsed_options
    # A load shape (bench/load/capacity.py) sets the user count itself.
    if environment.shape_class is not None:
        return
    if parsed is not None and parsed.num_users and parsed.num_users != USERS:
        log.error("locust -u %s but LOAD_USERS=%s: they must match", parsed.num_users, USERS)
        environment.process_exit_code = 1
