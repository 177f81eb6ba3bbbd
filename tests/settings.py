"""Settings for the test run: the app's own settings, with test-only defaults.

Everything comes from config.settings (DEBUG off, production hardening on); only
what a test run cannot provide is defaulted here, and the environment still wins.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-not-used-anywhere-else")
# The test client and the live server speak plain HTTP.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
# Serve static files from the source folders: no `collectstatic` before a test run.
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "false")

from config.settings import *  # noqa: F403

# Hashing passwords slowly is a production virtue and a test-suite cost.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The Celery worker the job tests start is another process: on SQLite the test
# database must be a file it can open (on PostgreSQL it is a database anyway).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".pytest-db.sqlite3")}  # noqa: F405
