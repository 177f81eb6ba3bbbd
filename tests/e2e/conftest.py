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


@pytest.fixture(autouse=True)
def _fail_fast(page):
    """Fail a missing element in seconds, not Playwright's default 30."""
    page.set_default_timeout(8_000)


@pytest.fixture(autouse=True)
def _seeded(builtin_principles):
    """Every browser test starts with the built-in principles in place."""
