"""The test settings ignore the developer's LLM server, broker and Celery knobs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOW = (
    "import django; django.setup(); from django.conf import settings; "
    "print(repr((settings.LLM_BASE_URL, settings.LLM_MODEL, settings.REDIS_URL, "
    "settings.CELERY_TASK_SOFT_TIME_LIMIT)))"
)
SHELL = {
    "LLM_BASE_URL": "http://llm.example:1234/v1",
    "LLM_MODEL": "someones-model",
    "REDIS_URL": "redis://127.0.0.1:6399/3",
    "CELERY_TASK_SOFT_TIME_LIMIT": "99",
}


def settings_seen(**extra: str) -> tuple[str, str, str, int]:
    env = {**os.environ, **SHELL, **extra, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    out = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return eval(out.stdout)  # noqa: S307 - our own repr of four plain values


def test_the_shell_does_not_reach_the_tests() -> None:
    llm_url, model, redis_url, soft_limit = settings_seen()
    assert (llm_url, model, redis_url) == ("", "", "")
    assert soft_limit != 99


def test_a_worker_the_tests_start_keeps_what_it_was_given() -> None:
    assert settings_seen(STORYBANK_TEST_WORKER="1") == (
        "http://llm.example:1234/v1",
        "someones-model",
        "redis://127.0.0.1:6399/3",
        99,
    )
