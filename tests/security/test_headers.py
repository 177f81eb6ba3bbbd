"""Production settings pass Django's deployment check; every page carries the headers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.security.routes import owned_objects, pages_that_answer

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x7Qz9" * 10,
    "DJANGO_ALLOWED_HOSTS": "storybank.example.org",
    "DATABASE_URL": "sqlite:////tmp/storybank-deploy-check.sqlite3",
}
DUMP_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
names = ["DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
         "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE",
         "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS"]
print(json.dumps({name: getattr(settings, name) for name in names}))
"""


def production(args: list[str]) -> subprocess.CompletedProcess:
    """Run Python with the environment a production deployment sets (and nothing of ours)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env |= PRODUCTION_ENV | {"DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deployment_check():
    done = production(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_cookies_and_transport():
    done = production(["-c", DUMP_SETTINGS])
    assert done.returncode == 0, done.stderr
    values = json.loads(done.stdout)
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_HTTPONLY"]
    assert values["SESSION_COOKIE_SAMESITE"] == values["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    done = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in done.stderr


def csp_directives(header: str) -> dict[str, list[str]]:
    """'a b; c d' -> {'a': ['b'], 'c': ['d']}."""
    parts = (directive.split() for directive in header.split(";") if directive.strip())
    return {name: values for name, *values in parts}


@pytest.mark.django_db
def test_content_security_policy(client):
    policy = csp_directives(client.get("/").headers["Content-Security-Policy"])
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert not any("unsafe" in value for values in policy.values() for value in values)


@pytest.mark.django_db
def test_every_signed_in_page_is_private_and_uncacheable(user, client_for):
    """Every page a signed-in user can GET (stories, grid, practice, exports...) has no-store."""
    pages = 0
    for route, response in pages_that_answer(client_for(user), owned_objects(user)):
        pages += 1
        cache_control = {d.strip() for d in response.headers["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= cache_control, route
        assert "Content-Security-Policy" in response.headers, route
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert pages >= 20


@pytest.mark.django_db
def test_static_files_stay_cacheable(user, client_for):
    response = client_for(user).get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
