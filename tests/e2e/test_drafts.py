"""In a real browser: never lose a word. Signed out in another tab while writing, the
page says so in place, keeps every character, and saving works again after signing in;
the server keeps a draft as you type; the STAR check stays in view."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from stories.models import Story, StoryDraft
from tests.accounts.factories import PASSWORD, UserFactory
from tests.e2e.test_live_check import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

#: A story with the characters a textarea can mangle: newlines, quotes, non-ASCII.
TEXT = {
    "Title": "Rebuilt the invoice matcher",
    "Situation": "Finance matched 4,000 invoices a month by hand.\nIt took 3 people.",
    "Task": "I was asked to cut the manual work by half before the audit in März.",
    "Action": 'I wrote a matcher on "vendor + amount ± 2%", tested it on 6 months of data '
    "and ran it beside the team for two weeks.",
    "Result": "Manual matches fell from 4,000 to 700 a month; the audit found no error.",
}


def write(page: Page, text: dict[str, str]) -> None:
    for label, value in text.items():
        page.get_by_role("textbox", name=label).fill(value)


def sign_out_elsewhere(context: BrowserContext, live_server) -> Page:
    """Another tab of the same browser signs out."""
    other = context.new_page()
    other.goto(f"{live_server.url}/stories/")
    other.get_by_role("button", name=other.locator("nav .dropdown-toggle").inner_text()).click()
    other.get_by_role("button", name="Log out").click()
    expect(other.get_by_role("link", name="Log in").first).to_be_visible()
    return other


def test_signed_out_in_another_tab_no_character_is_lost(live_server, page: Page, context):
    user = UserFactory()
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/stories/new/")
    write(page, {"Title": TEXT["Title"], "Situation": TEXT["Situation"]})
    expect(page.locator("#draft-status")).to_contain_text("Draft kept at")
    assert StoryDraft.objects.get(owner=user).data["situation"] == TEXT["Situation"]

    sign_out_elsewhere(context, live_server)
    write(page, {k: v for k, v in TEXT.items() if k not in ("Title", "Situation")})
    report = page.locator("#star-report")
    expect(report).to_contain_text("You were signed out")
    expect(report.locator('input[name="password"]')).to_have_count(0)  # no login page inside

    page.get_by_role("button", name="Save story").click()  # the session is gone: login page
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Write a story")).to_be_visible()

    banner = page.locator(".local-draft")
    expect(banner).to_be_visible()
    banner.get_by_role("button", name="Restore my text").click()
    for label, value in TEXT.items():
        assert page.get_by_role("textbox", name=label).input_value() == value
    page.get_by_role("button", name="Save story").click()
    expect(page.get_by_role("heading", name=TEXT["Title"])).to_be_visible()
    story = Story.objects.get(owner=user)
    # A form sends a textarea's newlines as CRLF, as it always did.
    assert story.situation.replace("\r\n", "\n") == TEXT["Situation"]
    assert story.action == TEXT["Action"]
    assert not StoryDraft.objects.exists()
    # Saved: the browser's copy is gone, so a new story starts empty with no offer.
    page.goto(f"{live_server.url}/stories/new/")
    expect(page.locator(".local-draft")).to_be_hidden()


def test_signing_back_in_elsewhere_lets_the_open_page_save(live_server, page: Page, context):
    user = UserFactory()
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/stories/new/")
    other = sign_out_elsewhere(context, live_server)
    write(page, TEXT)
    expect(page.locator("#star-report")).to_contain_text("You were signed out")

    log_in(other, live_server, user)  # a new session and a new CSRF token
    expect(page.locator(".signed-out")).to_have_count(0, timeout=12_000)
    expect(page.locator("#star-report .star-report")).to_be_visible()
    page.get_by_role("button", name="Save story").click()
    expect(page.get_by_role("heading", name=TEXT["Title"])).to_be_visible()
    assert Story.objects.get(owner=user).result == TEXT["Result"]


def test_a_server_draft_is_offered_back_on_another_device(live_server, page: Page, browser):
    user = UserFactory()
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/stories/new/")
    write(page, TEXT)
    expect(page.locator("#draft-status")).to_contain_text("Draft kept at")

    laptop = browser.new_context()
    try:
        other = laptop.new_page()
        log_in(other, live_server, user)
        other.goto(f"{live_server.url}/stories/new/")
        expect(other.locator(".server-draft")).to_contain_text("unsaved changes")
        other.get_by_role("link", name="Restore the draft").click()
        assert other.get_by_role("textbox", name="Action").input_value() == TEXT["Action"]
        other.get_by_role("button", name="Save story").click()
        expect(other.get_by_role("heading", name=TEXT["Title"])).to_be_visible()
    finally:
        laptop.close()
    assert Story.objects.filter(owner=user).count() == 1


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_the_star_check_stays_in_view_while_writing(live_server, page: Page, viewport):
    width, height = viewport
    page.set_viewport_size({"width": width, "height": height})
    user = UserFactory()
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/stories/new/")
    write(page, TEXT)
    page.get_by_role("textbox", name="Reflection").scroll_into_view_if_needed()
    page.get_by_role("textbox", name="Reflection").fill("Next time I would involve audit early.")
    if width >= 992:
        score = page.locator("#star-report .star-score")
    else:
        score = page.locator("#star-report .star-mini .badge")
    expect(score).to_be_visible()
    expect(score).to_be_in_viewport(ratio=1)  # wholly on screen, scrolled down to Reflection
    if width < 992:  # a tap opens the full report, another closes it
        page.locator(".star-mini").click()
        expect(page.locator("#star-report .star-report")).to_be_visible()
        page.get_by_role("button", name="Back to writing").click()
        expect(page.locator("#star-report .star-report")).to_be_hidden()


def test_text_boxes_grow_with_the_text(live_server, page: Page):
    user = UserFactory()
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/stories/new/")
    action = page.get_by_role("textbox", name="Action")
    before = action.bounding_box()["height"]
    action.fill("\n".join(f"Step {i}: I checked one more thing." for i in range(14)))
    after = action.bounding_box()["height"]
    assert after > before * 1.8
    assert action.evaluate("el => el.scrollHeight <= el.clientHeight + 2")  # nothing cropped


def test_another_account_signing_in_elsewhere_does_not_get_the_text(
    live_server, page: Page, context
):
    user, other_user = UserFactory(), UserFactory()
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/stories/new/")
    other = sign_out_elsewhere(context, live_server)
    write(page, TEXT)
    expect(page.locator("#star-report")).to_contain_text("You were signed out")

    log_in(other, live_server, other_user)  # someone else, in the same browser
    expect(page.locator(".signed-out").first).to_contain_text(
        "Another account is signed in now", timeout=12_000
    )
    page.get_by_role("button", name="Save story").click()  # the old token: refused
    assert not Story.objects.exists()
    assert page.evaluate("Object.keys(localStorage).some(k => k.endsWith(':new'))")
