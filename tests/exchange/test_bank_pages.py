"""The Bank page: downloads, the import form and its outcomes; login required."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exchange.schema import MAX_FILE_BYTES
from stories.models import Story
from tests.exchange.conftest import bank_doc, db_state, dumps, story_doc
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "exchange:bank",
    "exchange:export_json",
    "exchange:export_markdown",
    "exchange:cheat_sheet",
]


def upload(content: str | bytes, name: str = "bank.json") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="application/json")


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitor_is_sent_to_login(client, name):
    for method in ("get", "post"):
        response = getattr(client, method)(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_anonymous_import_writes_nothing(client):
    before = db_state()
    client.post(reverse("exchange:bank"), {"file": upload(dumps(bank_doc(story_doc())))})
    assert db_state() == before


@pytest.mark.parametrize("name", PAGES)
def test_pages_refuse_other_methods(client_for, user, name):
    client = client_for(user)
    assert client.get(reverse(name)).status_code == 200
    assert client.put(reverse(name)).status_code == 405


def test_bank_page_links_downloads_and_shows_the_form(client_for, rich_bank):
    body = client_for(rich_bank).get(reverse("exchange:bank")).content.decode()
    for name in PAGES[1:]:
        assert reverse(name) in body
    assert 'enctype="multipart/form-data"' in body
    assert 'name="on_duplicate" value="rename"' in body
    assert "2 stories (1 archived)" in body
    assert "<script>" not in body
    assert 'style="' not in body


def test_story_list_links_to_export_and_import(client_for, user):
    body = client_for(user).get(reverse("stories:list")).content.decode()
    assert reverse("exchange:bank") in body
    assert reverse("exchange:cheat_sheet") in body


def test_json_download_is_the_users_bank_only(client_for, rich_bank, other_user):
    StoryFactory(owner=other_user, title="Their private story")
    response = client_for(rich_bank).get(reverse("exchange:export_json"))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="storybank-bank-\d{4}-\d\d-\d\d\.json"',
        response["Content-Disposition"],
    )
    assert "no-store" in response["Cache-Control"]
    bank = json.loads(response.content)
    assert [s["title"] for s in bank["stories"]] == [
        "Rebuilt the nightly sales pipeline",
        "Won back a churned customer",
    ]
    assert "Their private story" not in response.content.decode()


def test_markdown_download_has_active_stories_as_sections(client_for, rich_bank, other_user):
    StoryFactory(owner=other_user, title="Their private story")
    response = client_for(rich_bank).get(reverse("exchange:export_markdown"))
    assert response["Content-Disposition"] == 'attachment; filename="storybank-stories.md"'
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("# My Storybank stories\n")
    assert (
        "## Rebuilt the nightly sales pipeline\n\n*Acme Corp · Data engineer · March 2024*" in text
    )
    assert "**Principles:** Ownership (primary), Dive Deep (primary), Grit (secondary)" in text
    assert "**Tags:** pipelines, Reliability" in text
    sections = [line for line in text.splitlines() if line.startswith("### ")]
    assert sections == ["### Situation", "### Task", "### Action", "### Result", "### Reflection"]
    assert "Won back a churned customer" not in text  # archived
    assert "Their private story" not in text


def test_successful_import_says_what_happened_and_goes_to_the_list(client_for, user):
    StoryFactory(owner=user, title="Cut build times")
    doc = bank_doc(story_doc("Cut build times"), story_doc("A new story"))
    response = client_for(user).post(
        reverse("exchange:bank"),
        {"file": upload(dumps(doc)), "on_duplicate": "skip"},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("stories:list"), 302)]
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("Imported 1 story, skipped 1 already in your bank")
    assert Story.objects.filter(owner=user).count() == 2


def test_import_with_rename(client_for, user):
    StoryFactory(owner=user, title="Cut build times")
    client_for(user).post(
        reverse("exchange:bank"),
        {"file": upload(dumps(bank_doc(story_doc()))), "on_duplicate": "rename"},
    )
    assert Story.objects.filter(owner=user, title="Cut build times (imported)").exists()


def test_failed_import_lists_every_problem_and_imports_nothing(client_for, user):
    doc = bank_doc(story_doc(), story_doc(result="x" * 5001), story_doc(happened_on="2024-13"))
    before = db_state()
    response = client_for(user).post(
        reverse("exchange:bank"), {"file": upload(dumps(doc)), "on_duplicate": "skip"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nothing was imported. The file has 2 problems" in body
    assert "<code>stories[1].result</code>: longer than 5,000 characters" in body
    assert "<code>stories[2].happened_on</code>" in body
    assert db_state() == before


def test_broken_json_upload_says_where(client_for, user):
    response = client_for(user).post(
        reverse("exchange:bank"), {"file": upload('{"format":'), "on_duplicate": "skip"}
    )
    assert "<code>(file)</code>: not valid JSON at line 1 column 11" in response.content.decode()


def test_upload_over_the_limit_gets_a_message_not_a_crash(client_for, user):
    before = db_state()
    response = client_for(user).post(
        reverse("exchange:bank"),
        {"file": upload(b" " * (MAX_FILE_BYTES + 1)), "on_duplicate": "skip"},
    )
    assert response.status_code == 200
    assert "The file is over the 5 MB limit (it is 5.1 MB). Nothing was imported." in (
        response.content.decode()
    )
    assert db_state() == before


def test_import_needs_a_file_and_a_known_choice(client_for, user):
    response = client_for(user).post(reverse("exchange:bank"), {"on_duplicate": "merge"})
    form = response.context["form"]
    assert set(form.errors) == {"file", "on_duplicate"}
    assert Story.objects.count() == 0
