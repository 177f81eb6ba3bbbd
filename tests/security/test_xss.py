"""Script payloads in stories, imported files and LLM answers render as text, everywhere."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coach.models import FollowUpJob, JobStatus
from stories.models import Story
from tests.fakes import fake_openai as fk
from tests.security.payloads import LIVE_MARKUP, PAYLOADS, payload_story
from tests.security.routes import owned_objects, pages_that_answer


def assert_inert(body: bytes, where: str) -> None:
    for markup in LIVE_MARKUP:
        assert markup not in body, f"{markup!r} is live in {where}"


@pytest.mark.django_db
def test_every_page_shows_payloads_as_text(user, client_for):
    story = payload_story(user)
    objects = owned_objects(user, story=story, text=" ".join(PAYLOADS))
    client = client_for(user)
    html_pages = 0
    for route, response in pages_that_answer(client, objects):
        content_type = response.headers["Content-Type"]
        if content_type.startswith("text/html"):
            html_pages += 1
            assert_inert(response.content, str(route))
        elif content_type.startswith("application/json") and not response.has_header(
            "Content-Disposition"
        ):  # a page's background question (is this browser signed in?) carries no text
            assert not any(p.encode() in response.content for p in PAYLOADS), route
        else:  # downloads (JSON, Markdown, CSV) carry the text as it is, never as HTML
            assert "attachment" in response.headers.get("Content-Disposition", ""), route
            assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert html_pages >= 20
    detail = client.get(reverse("stories:detail", args=[story.pk])).content
    assert b"&lt;script&gt;alert(&quot;xss-script&quot;)&lt;/script&gt;" in detail


@pytest.mark.django_db
def test_the_live_check_shows_payloads_as_text(user, client_for):
    response = client_for(user).post(
        reverse("stories:check"),
        {"situation": " ".join(PAYLOADS), "result": PAYLOADS[0] + " churn fell 12%"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert_inert(response.content, "the live check")


@pytest.mark.django_db
def test_an_imported_file_with_payloads_renders_as_text(user, client_for):
    story = {
        "title": PAYLOADS[0], "situation": PAYLOADS[1], "task": PAYLOADS[2],
        "action": PAYLOADS[3], "result": PAYLOADS[4] + " 12%", "tags": [PAYLOADS[1][:40]],
    }  # fmt: skip
    document = {"format": "storybank-bank", "version": 1, "stories": [story]}
    client = client_for(user)
    upload = SimpleUploadedFile("bank.json", json.dumps(document).encode())
    response = client.post(
        reverse("exchange:bank"), {"file": upload, "on_duplicate": "skip"}, follow=True
    )
    assert response.status_code == 200
    assert_inert(response.content, "the import result")
    imported = Story.objects.get(owner=user)
    assert imported.title == PAYLOADS[0]  # kept exactly as written
    for name in ("stories:detail", "stories:edit"):
        assert_inert(client.get(reverse(name, args=[imported.pk])).content, name)


@pytest.mark.django_db
def test_llm_error_text_with_a_payload_renders_as_text(
    user, client_for, settings, django_capture_on_commit_callbacks
):
    """A hostile server's error message is shown to the user, escaped."""
    story = payload_story(user)
    with fk.FakeOpenAI() as fake:
        settings.LLM_BASE_URL, settings.LLM_MODEL, settings.CELERY_BROKER_URL = (
            fake.base_url, "m", "",
        )  # fmt: skip
        fake.script(fk.status(400, PAYLOADS[0] + PAYLOADS[1]))
        client = client_for(user)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("coach:followup_start", args=[story.pk]), {"backend": "llm"})
    job = FollowUpJob.objects.get(story=story)
    assert job.status == JobStatus.FAILED
    page = client.get(reverse("coach:followup_job", args=[story.pk, job.pk]))
    assert page.status_code == 200
    assert_inert(page.content, "the failed job page")
