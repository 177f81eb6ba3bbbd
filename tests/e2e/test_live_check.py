"""In a real browser: the STAR check updates while typing, without a page reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from principles.models import Principle
from stories.models import Story
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your stories")).to_be_visible()


def test_report_follows_typing_and_a_suggestion_is_one_click(live_server, page: Page):
    user = UserFactory()
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/stories/new/")
    page.evaluate("window.__notReloaded = true")
    expect(page.get_by_text("Start writing: the STAR check appears here")).to_be_visible()

    page.get_by_role("textbox", name="Situation").fill(
        "Support tickets about refunds doubled and churn rose among our end users."
    )
    page.get_by_role("textbox", name="Task").fill("We needed to fix the refund flow.")
    page.get_by_role("textbox", name="Action").type(
        "We read the support tickets and aligned stakeholders on the customer feedback.",
        delay=5,
    )
    page.get_by_role("textbox", name="Result").fill("It significantly improved churn.")
    report = page.locator("#star-report")
    expect(report.locator('[data-code="impact_not_quantified"]')).to_be_visible()
    expect(report.locator('[data-code="ownership_no_i"]')).to_be_visible()
    weak_score = int(report.locator(".star-report").get_attribute("data-score"))
    expect(report.locator('.star-band[data-band="needs_work"]')).to_have_text("Needs work")

    page.get_by_role("textbox", name="Action").fill(
        "I read 200 support tickets, ran user interviews with 12 customers, mapped every pain "
        "point in the refund flow and rebuilt it around the customer feedback, then I ran an "
        "A/B test for 3 weeks to check the change before rolling it out to everyone."
    )
    page.get_by_role("textbox", name="Result").fill(
        "Churn fell from 4.1% to 2.9% in a quarter and refund tickets dropped 35%."
    )
    expect(report.locator('[data-code="impact_quantified"]')).to_be_visible()
    expect(report.locator('[data-code="ownership_no_i"]')).to_have_count(0)
    strong_score = int(report.locator(".star-report").get_attribute("data-score"))
    assert strong_score > weak_score
    # "We needed to fix the refund flow" states the goal; "I" acts; the outcome is measured.
    expect(report.locator(".star-band")).not_to_have_attribute("data-band", "needs_work")
    expect(report.locator("mark.hl-quantity").first).to_be_attached()

    customer = Principle.objects.get(slug="customer-obsession", principle_set__slug="amazon")
    suggestion = report.locator(f'.suggestion[data-principle="{customer.pk}"]')
    expect(suggestion).to_be_visible()
    suggestion.get_by_role("button", name="Add").click()
    expect(page.locator(f'select[name="principle_{customer.pk}"]')).to_have_value("primary")
    assert page.evaluate("window.__notReloaded") is True

    page.get_by_role("textbox", name="Title").fill("Rebuilt the refund flow")
    page.get_by_role("button", name="Save story").click()
    expect(page.get_by_role("heading", name="Rebuilt the refund flow")).to_be_visible()
    story = Story.objects.get(owner=user)
    assert story.star_score == strong_score
    assert story.mappings.get().principle == customer
