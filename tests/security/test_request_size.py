"""Bodies over the limit are refused with a message before anything reads them."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stories.models import Story

MB = 1024 * 1024


@pytest.mark.django_db
def test_a_form_post_over_the_limit_gets_413_with_a_message(user, client_for):
    response = client_for(user).post(
        reverse("stories:create"), {"title": "Huge", "situation": "x" * (3 * MB)}
    )
    assert response.status_code == 413
    body = response.content.decode()
    assert "too large" in body and "the limit is 2.5 MB" in body and "Nothing was saved" in body
    assert not Story.objects.exists()


@pytest.mark.django_db
def test_a_browser_form_post_is_refused_by_its_length_before_it_is_read(user, client_for):
    body = urlencode({"title": "Huge", "situation": "x" * (3 * MB)})
    response = client_for(user).post(
        reverse("stories:create"), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "What you sent is 3.1 MB; the limit is 2.5 MB" in response.content.decode()
    assert not Story.objects.exists()


@pytest.mark.django_db
def test_the_live_check_gets_a_fragment_it_can_show(user, client_for):
    response = client_for(user).post(
        reverse("stories:check"), {"situation": "x" * (3 * MB)}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 413
    assert b"it was not checked" in response.content
    assert b"<html" not in response.content


@pytest.mark.django_db
def test_an_upload_over_the_request_limit_gets_413(user, client_for):
    blob = SimpleUploadedFile("bank.json", b"x" * (17 * MB), content_type="application/json")
    response = client_for(user).post(
        reverse("exchange:bank"), {"file": blob, "on_duplicate": "skip"}
    )
    assert response.status_code == 413
    assert b"the limit is 16 MB" in response.content
    assert not Story.objects.exists()


@pytest.mark.django_db
def test_a_10_mb_import_is_refused_with_a_message(user, client_for):
    story = {"title": "Padded", "situation": "s", "task": "t", "action": "a", "result": "r"}
    document = {
        "format": "storybank-bank",
        "version": 1,
        "stories": [story],
        "pad": "x" * (10 * MB),
    }
    blob = SimpleUploadedFile("bank.json", json.dumps(document).encode())
    response = client_for(user).post(
        reverse("exchange:bank"), {"file": blob, "on_duplicate": "skip"}
    )
    assert response.status_code == 200
    assert "over the 5 MB limit (it is 10.1 MB)" in response.content.decode()
    assert not Story.objects.exists()
