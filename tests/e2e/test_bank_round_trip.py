"""In a real browser: download everything from a fully used account, import the file
into a new account through the page, and find the stories, practice and loops there."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from planning.models import Loop
from practice.models import PracticeRound
from stories.models import Story
from tests.accounts.factories import UserFactory
from tests.e2e.test_live_check import log_in
from tests.exchange.conftest import full_bank, rich_bank  # noqa: F401 - fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_everything_out_and_back_in_through_the_page(
    live_server,
    page: Page,
    full_bank,  # noqa: F811 - the fixture imported above
    tmp_path,
):
    owner = full_bank
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/bank/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download everything (JSON)").click()
    path = tmp_path / "bank.json"
    download.value.save_as(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["version"] == 2 and doc["practice_rounds"] and doc["loops"]

    page.get_by_role("button", name=owner.username).click()
    page.get_by_role("button", name="Log out").click()
    newcomer = UserFactory()
    log_in(page, live_server, newcomer)
    page.goto(f"{live_server.url}/bank/")
    page.get_by_label("Storybank JSON file").set_input_files(str(path))
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".alert-success, .alert-info").first).to_be_visible()
    assert Story.objects.filter(owner=newcomer).count() == Story.objects.filter(owner=owner).count()
    rounds = PracticeRound.objects.filter(user=newcomer)
    assert rounds.count() == PracticeRound.objects.filter(user=owner).count()
    assert {r.answer for r in rounds} == {
        r.answer for r in PracticeRound.objects.filter(user=owner)
    }
    assert Loop.objects.filter(owner=newcomer).count() == Loop.objects.filter(owner=owner).count()
