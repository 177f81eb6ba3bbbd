"""In a real browser: toggle a grid cell, see the row summary change, reload, still there."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from principles.models import Principle
from stories.models import StoryPrinciple
from tests.accounts.factories import UserFactory
from tests.e2e.test_live_check import log_in
from tests.stories.factories import StoryFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_toggle_a_cell_and_the_mapping_persists(live_server, page: Page):
    user = UserFactory()
    story = StoryFactory(owner=user, title="Cut the cloud bill")
    dive = Principle.objects.get(slug="dive-deep", principle_set__slug="amazon")
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/coverage/")
    page.evaluate("window.__notReloaded = true")
    row = page.locator(f"#row-{dive.pk}")
    expect(row.locator(".status-badge")).to_have_text("gap")
    expect(page.locator(".coverage-advice")).to_contain_text("16 gaps")

    cell = row.get_by_role("button", name=f"Dive Deep / {story.title}: not mapped")
    cell.click()
    expect(row.locator(".status-badge")).to_have_text("thin")
    expect(row.locator(".spof")).to_be_visible()
    expect(page.locator(".coverage-advice")).to_contain_text("15 gaps")
    expect(page.locator(f"#col-{story.pk} .claims")).to_have_text("1")
    row.get_by_role("button", name=f"Dive Deep / {story.title}: primary").click()
    expect(row.get_by_role("button", name=f"Dive Deep / {story.title}: secondary")).to_be_visible()
    assert page.evaluate("window.__notReloaded") is True

    page.reload()
    expect(page.locator(f"#row-{dive.pk} .status-badge")).to_have_text("thin")
    expect(page.get_by_role("button", name=f"Dive Deep / {story.title}: secondary")).to_have_text(
        "S"
    )
    assert StoryPrinciple.objects.get(story=story, principle=dive).weight == "secondary"
