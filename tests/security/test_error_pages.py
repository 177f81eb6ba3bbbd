"""Error pages say what happened and what to do, and reveal nothing about the server."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.security.boom_urls import SECRET_DETAIL

REVEALING = (b"Traceback", b"django", b"Django", b"settings", b"DEBUG", b'File "/')


def assert_generic(body: bytes) -> None:
    for word in REVEALING:
        assert word not in body, word


@pytest.mark.django_db
@pytest.mark.urls("tests.security.boom_urls")
def test_server_error_page_is_generic():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert SECRET_DETAIL.encode() not in response.content
    assert_generic(response.content)


@pytest.mark.django_db
def test_not_found_page_is_generic(user, client_for):
    response = client_for(user).get("/stories/999999/")
    assert response.status_code == 404
    assert b"There is nothing here" in response.content
    assert b"999999" not in response.content
    assert_generic(response.content)


@pytest.mark.django_db
def test_bad_request_page_is_generic(client):
    response = client.get("/", HTTP_HOST="evil.example")  # not in ALLOWED_HOSTS
    assert response.status_code == 400
    assert b"That request could not be read" in response.content
    assert b"evil.example" not in response.content
    assert_generic(response.content)


@pytest.mark.django_db
def test_expired_form_page_is_generic(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/stories/new/", {"title": "x"})
    assert response.status_code == 403
    assert b"This form has expired" in response.content
    assert_generic(response.content)
