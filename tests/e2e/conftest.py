"""Browser tests: Playwright drives Debian's Chromium against the live server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))

# Playwright's sync API runs an event loop in the test thread; the tests still
# call the ORM synchronously between browser steps, which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium headless, without sandbox or background traffic."""
    assert CHROMIUM.exists(), f"Chromium not found at {CHROMIUM}: run `make chromium`."
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def external_requests(page):
    """Every request the page makes that does not go to the live server."""
    seen: list[str] = []
    page.on(
        "request",
        lambda request: (
            seen.append(request.url)
            if not request.url.startswith(("http://localhost", "http://127.0.0.1", "data:"))
            else None
        ),
    )
    return seen


#: Runs before any page script: records every Content-Security-Policy violation.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


@pytest.fixture(autouse=True)
def csp_violations(page):
    """Every browser test fails on a CSP violation or a JavaScript dialog, on any page.

    Chromium reports violations on the console ("...violates the following Content
    Security Policy directive..."), which covers every page the test visited; the event
    listener adds the details for the page it ends on.
    """
    seen: list[str] = []
    page.add_init_script(WATCH_CSP)
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("dialog", lambda dialog: (seen.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    yield seen
    if not page.is_closed():
        seen.extend(page.evaluate("window.__cspViolations || []"))
    assert seen == [], "CSP violations or dialogs in the browser"


@pytest.fixture(autouse=True)
def _fail_fast(page):
    """Fail a missing element in seconds, not Playwright's default 30."""
    page.set_default_timeout(8_000)


@pytest.fixture(autouse=True)
def _seeded(builtin_principles):
    """Every browser test starts with the built-in principles in place."""


@pytest.fixture
def axe(page):
    """``axe()`` runs axe-core's WCAG 2.x A/AA rules on the page in view and returns the
    violations (tests/e2e/axe.py); ``assert not (found := axe()), report({url: found})``."""
    from tests.e2e.axe import axe_violations

    return lambda: axe_violations(page)
