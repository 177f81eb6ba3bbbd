"""Settings for the test run: the app's own settings, with test-only defaults.

Everything comes from config.settings (DEBUG off, production hardening on); only
what a test run cannot provide is defaulted here, and the environment still wins,
except for the LLM, broker and Celery settings, which tests set themselves.
"""

from __future__ import annotations

import os

#: Environment variables a test run ignores from the shell (and REDIS_URL).
SHELL_PREFIXES = ("LLM_", "CELERY_")

# The developer's shell must not change the tests: its LLM server, broker and Celery
# knobs are dropped here. A worker the tests start is told its own, explicitly, and
# says so with STORYBANK_TEST_WORKER.
if not os.environ.get("STORYBANK_TEST_WORKER"):
    for _name in [n for n in os.environ if n.startswith(SHELL_PREFIXES) or n == "REDIS_URL"]:
        del os.environ[_name]
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-not-used-anywhere-else")
# The test client and the live server speak plain HTTP.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
# Serve static files from the source folders: no `collectstatic` before a test run.
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "false")

from config.settings import *  # noqa: E402, F403 (after the environment is set)

# Hashing passwords slowly is a production virtue and a test-suite cost.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The Celery worker the job tests start is another process: on SQLite the test
# database must be a file it can open (on PostgreSQL it is a database anyway).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".pytest-db.sqlite3")}  # noqa: F405
