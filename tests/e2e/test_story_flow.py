"""In a real browser: sign up, write a story, find it in the list."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from stories.models import Story

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sign_up_write_a_story_and_find_it(live_server, page: Page, external_requests):
    page.goto(live_server.url)
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Username").fill("maya")
    page.locator("#id_password1").fill("a-long-passphrase-77")
    page.get_by_label("Password confirmation").fill("a-long-passphrase-77")
    page.get_by_role("button", name="Sign up").click()

    expect(page.get_by_role("heading", name="Welcome to Storybank, maya")).to_be_visible()
    page.get_by_role("link", name="Write a story").click()
    expect(page.get_by_role("heading", name="Write a story")).to_be_visible()
    page.get_by_role("textbox", name="Title").fill("Rescued the churn model launch")
    page.get_by_role("textbox", name="Situation").fill(
        "Two days before launch the churn model lost 9 points of recall."
    )
    page.get_by_role("textbox", name="Task").fill("I owned the model and the go or no-go call.")
    page.get_by_role("textbox", name="Action").fill(
        "I bisected the feature pipeline, found a timezone bug in one join and fixed it."
    )
    page.get_by_role("textbox", name="Result").fill(
        "Recall came back to 0.81 and we launched on the planned day."
    )
    page.get_by_label("Tags").fill("ml, incident")
    page.get_by_label("Dive Deep").select_option("primary")
    page.get_by_role("button", name="Save story").click()

    expect(page.get_by_role("heading", name="Rescued the churn model launch")).to_be_visible()
    expect(page.get_by_role("link", name="Dive Deep")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Stories").click()
    page.get_by_label("Search").fill("timezone")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("link", name="Rescued the churn model launch")).to_be_visible()

    page.get_by_label("Search").fill("nothing like this")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_text("No story matches")).to_be_visible()

    story = Story.objects.get(owner__username="maya")
    assert story.mappings.get().principle.slug == "dive-deep"
    assert external_requests == []


def test_oversized_text_keeps_what_was_typed(live_server, page: Page, django_user_model):
    from tests.accounts.factories import PASSWORD, UserFactory

    user = UserFactory()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/stories/new/")
    long_text = "I measured every step. " * 260  # about 6,000 characters
    for label in ("Title", "Situation", "Task", "Result"):
        page.get_by_role("textbox", name=label).fill(f"{label} text")
    page.get_by_role("textbox", name="Action").fill(long_text)
    expect(page.get_by_text("over the limit")).to_be_visible()
    page.get_by_role("button", name="Save story").click()
    expect(page.get_by_text("Keep this under 5,000 characters")).to_be_visible()
    assert page.get_by_role("textbox", name="Action").input_value() == long_text
    assert not Story.objects.exists()
