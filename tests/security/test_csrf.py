"""With CSRF checks enforced, every POST without a token is refused and changes nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.security.routes import all_routes, owned_objects, snapshot, url_for

ROOT = Path(__file__).resolve().parents[2]
APP_CODE = [p for p in ROOT.rglob("*.py") if not {".venv", "tests"} & set(p.parts)]
FORM = {"title": "forged", "situation": "x", "task": "x", "action": "x", "result": "x",
        "name": "forged", "answer": "forged", "backend": "rules", "self_rating": "5"}  # fmt: skip


@pytest.fixture
def csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("route", all_routes(), ids=str)
def test_post_without_token_is_refused(route, user, csrf_client):
    url = url_for(route, owned_objects(user))
    before = snapshot()
    response = csrf_client.post(url, FORM)
    assert response.status_code == 403, url
    assert b"This form has expired" in response.content
    assert b"CSRF" not in response.content  # the generic page, not Django's debug reason
    assert snapshot() == before


@pytest.mark.django_db
def test_login_and_signup_refuse_a_post_without_token(user):
    client = Client(enforce_csrf_checks=True)
    for name in ("login", "signup"):
        route = next(r for r in all_routes() if r.name == name)
        response = client.post(url_for(route, {}), {"username": user.username, "password": "x"})
        assert response.status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_post_with_the_token_is_accepted(user, csrf_client):
    """The refusals above are about the token: the same client with one gets through."""
    page = csrf_client.get("/stories/new/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1)
    response = csrf_client.post(
        "/stories/new/", {**FORM, "csrfmiddlewaretoken": token.decode(), "title": "With token"}
    )
    assert response.status_code == 302


def test_no_view_is_exempt_from_csrf():
    assert APP_CODE, "the app's modules were not found"
    offenders = [str(p.relative_to(ROOT)) for p in APP_CODE if "csrf_exempt" in p.read_text()]
    assert offenders == []
