"""In a real browser: a whole practice round, from the clock to the history."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from principles.models import Principle
from stories.services import story_set_principles
from tests.accounts.factories import UserFactory
from tests.e2e.test_live_check import log_in
from tests.stories.factories import StoryFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_whole_round(live_server, page: Page):
    user = UserFactory()
    dive = Principle.objects.get(slug="dive-deep", principle_set__slug="amazon")
    story = StoryFactory(owner=user, title="Traced the checkout drop to one browser")
    story_set_principles(story=story, mappings={dive.pk: "primary"})
    log_in(page, live_server, user)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Practice").click()
    page.get_by_label("Dive Deep").check()  # a tick, no Ctrl-click; it picks the mode too
    expect(page.get_by_label("Some principles")).to_be_checked()
    page.get_by_role("button", name="Start").click()

    timer = page.locator("#timer")
    page.wait_for_timeout(1_500)
    expect(timer).to_have_text("2:00")  # the clock waits for the candidate
    page.locator("#timer-toggle").click()
    expect(timer).to_have_text(re.compile(r"^1:5\d$"), timeout=5_000)  # then it runs
    page.get_by_label("Your answer, or bullet notes").fill(
        "Conversion dropped 3 points. I owned the analysis. I split the data by browser and "
        "found one iOS update behind 90% of the drop, and I shipped a fix in 2 days. "
        "Conversion came back to 71% within a week. I learned to segment before I theorise."
    )
    expect(page.get_by_label("Traced the checkout drop to one browser")).to_be_checked()
    page.get_by_label("Your answer, or bullet notes").press("Control+Enter")

    expect(page.get_by_text("What the STAR check heard")).to_be_visible()
    expect(page.locator(".time-taken")).to_have_text(re.compile(r"^\d+ s$"))
    question = page.locator(".followup-question").inner_text()
    page.get_by_label("Your answer", exact=True).fill(
        "Checkout conversion had dropped 3 points in the week of the spring sale; each point "
        "was about 40,000 euros a week, so the sale target was at risk."
    )
    page.get_by_role("button", name="Nailed it").click()
    expect(page.locator(".followup-question")).not_to_have_text(question)
    # The answer is read at once and held up: the thread goes one level deeper next.
    expect(page.locator(".thread-answer").first).to_have_attribute("data-verdict", "answered")

    page.get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Finish the round").click()
    expect(page.get_by_role("heading", name="Round summary")).to_be_visible()

    page.goto(f"{live_server.url}/practice/")
    expect(page.locator(".due-next")).to_contain_text("Traced the checkout drop to one browser")
    expect(page.locator(".due-next")).to_contain_text("box 2")
    page.get_by_role("link", name="History").click()
    expect(page.locator(".history-round").first).to_contain_text("each point was about 40,000")
