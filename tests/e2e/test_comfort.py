"""In a real browser: dark mode that follows the system (and a toggle), Ctrl+S saves the
story, "?" lists the shortcuts, the help page says what the words mean."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from stories.models import Story
from tests.accounts.factories import UserFactory
from tests.e2e.test_live_check import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def theme(page: Page) -> str:
    return page.evaluate("document.documentElement.getAttribute('data-bs-theme')")


def test_dark_mode_follows_the_system_and_the_toggle_wins(live_server, page: Page):
    page.emulate_media(color_scheme="dark")
    page.goto(live_server.url)
    assert theme(page) == "dark"
    page.emulate_media(color_scheme="light")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "light")

    log_in(page, live_server, UserFactory())
    toggle = page.locator("#theme-toggle")
    if not toggle.is_visible():  # on a narrow screen it sits in the menu
        page.get_by_role("button", name="Menu").click()
    toggle.click()  # auto -> light
    toggle.click()  # light -> dark
    assert theme(page) == "dark"
    expect(toggle).to_have_attribute("title", "Theme: dark")
    page.reload()  # the choice is kept, whatever the system says
    assert theme(page) == "dark"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 255, 255)"


def test_ctrl_s_saves_the_story(live_server, page: Page):
    user = UserFactory()
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/stories/new/")
    page.get_by_role("textbox", name="Title").fill("Moved the reports to one pipeline")
    page.get_by_role("textbox", name="Situation").fill("Four teams built the same report.")
    page.get_by_role("textbox", name="Task").fill("I was asked to merge them.")
    page.get_by_role("textbox", name="Action").fill("I wrote one pipeline and moved each team.")
    page.get_by_role("textbox", name="Result").fill("Report costs fell by 60%.")
    page.keyboard.press("Control+s")
    expect(page.get_by_role("heading", name="Moved the reports to one pipeline")).to_be_visible()
    assert Story.objects.filter(owner=user).count() == 1


def test_question_mark_lists_the_shortcuts_and_the_help_explains(live_server, page: Page):
    log_in(page, live_server, UserFactory())
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Save the story you are writing")
    expect(page.locator("#shortcuts")).to_be_focused()  # shown, and the dialog has focus
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    page.get_by_role("link", name="What the words mean").click()
    expect(page.get_by_role("heading", name="The STAR score and its bands")).to_be_visible()
    rows = page.locator(".bands-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("85 to 100")
    expect(page.get_by_text("Single point of failure")).to_be_visible()


def test_superseded_live_checks_log_no_error(live_server, page: Page, context):
    """Typing on while a slow live check is still on its way replaces that request;
    the console stays clean."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, UserFactory())
    page.goto(f"{live_server.url}/stories/new/")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 900, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    action = page.get_by_role("textbox", name="Action")
    for _ in range(4):  # each pause starts a check; the next one supersedes it in flight
        action.type("I measured it and fixed it. ", delay=20)
        page.wait_for_timeout(600)
    expect(page.locator("#star-report .star-report")).to_be_attached(timeout=8_000)
    assert errors == []
