"""In a real browser, with the keyboard alone (Tab, Shift+Tab, Enter, Space, typing; no
mouse): sign in, write a story and map it to a principle, then answer a practice round.
Every control reached shows a visible focus ring."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from practice.models import PracticeRound, RoundStatus
from stories.models import Story, StoryPrinciple
from tests.accounts.factories import PASSWORD, UserFactory
from tests.e2e.test_accessibility import populated_bank
from tests.e2e.test_live_check import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

#: The most Tab presses to reach any control on a page (the story form has ~40 stops).
MAX_TABS = 120

#: The focused element and whether it is drawn with a focus ring: an outline, or a
#: box-shadow that is neither transparent nor zero-sized. Where focus sits inside a
#: control's own parts (Chromium's month field has a calendar button) the control
#: matches :focus-within only, and its ring is what shows.
FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const seen = (colour) => !/rgba\\((?:[^,)]*,){3}\\s*0\\)|transparent/.test(colour);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0
    && seen(s.outlineColor);
  const shadow = s.boxShadow !== "none" && s.boxShadow.split(/,(?![^(]*\\))/).some(
    (part) => seen(part) && /\\s[1-9][\\d.]*px/.test(part));
  const id = el.id ? "#" + el.id : "";
  const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
  return {where: el.tagName.toLowerCase() + id + " " + text.slice(0, 40),
          ring: outline || shadow,
          keyboard: el.matches(":focus-visible") || !el.matches(":focus")};
}"""


def is_focused(target: Locator) -> bool:
    return target.evaluate("el => el === document.activeElement")


def tab_to(page: Page, target: Locator, *, back: bool = False) -> None:
    """Press Tab (Shift+Tab with ``back``) until ``target`` has the focus."""
    expect(target).to_be_visible()
    for _ in range(MAX_TABS):
        if is_focused(target):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"{MAX_TABS} x {'Shift+' if back else ''}Tab never reached {target}")


def assert_focus_ring(page: Page) -> None:
    """The focused control is drawn with a ring (an outline or a shadow), not left plain."""
    state = page.evaluate(FOCUS_STATE)
    assert state is not None, "nothing has the focus"
    assert state["keyboard"], f"{state['where']} has focus but is not :focus-visible"
    assert state["ring"], f"no focus ring on {state['where']}"


def test_sign_in_write_a_story_and_practise_with_the_keyboard_only(live_server, page: Page):
    user = UserFactory()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.emulate_media(reduced_motion="reduce")  # rings drawn at once, not mid-transition
    page.goto(f"{live_server.url}/accounts/login/")

    tab_to(page, page.get_by_label("Username"))
    assert_focus_ring(page)
    page.keyboard.type(user.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your stories")).to_be_visible()

    new_story = page.get_by_role("navigation", name="Main").get_by_role("link", name="New story")
    tab_to(page, new_story)
    assert_focus_ring(page)
    page.keyboard.press("Enter")
    title = page.get_by_role("textbox", name="Title")
    expect(title).to_be_focused()  # the new-story form starts in the title
    page.keyboard.type("Rebuilt the refund flow around tickets")
    for name, text in (
        ("Situation", "Refund tickets doubled in a quarter and churn rose."),
        ("Task", "I was asked to cut refund tickets by half."),
        ("Action", "I read 200 tickets, mapped each failure and rebuilt the flow myself."),
        ("Result", "Refund tickets fell 55% and churn dropped from 4.1% to 2.9%."),
        ("Reflection", "I learned to read the tickets before I design."),
    ):
        tab_to(page, page.get_by_role("textbox", name=name))
        page.keyboard.type(text)
    weight = page.get_by_label("Customer Obsession")
    tab_to(page, weight)
    assert_focus_ring(page)
    page.keyboard.press("ArrowDown")  # "-" -> Primary, without opening the list
    expect(weight).to_have_value("primary")
    save = page.get_by_role("button", name="Save story")
    tab_to(page, save)
    assert_focus_ring(page)
    page.keyboard.press("Shift+Tab")  # back and forth: Shift+Tab leaves, Tab returns
    assert not is_focused(save)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", name="Rebuilt the refund flow around tickets")
    ).to_be_visible()
    story = Story.objects.get(owner=user)
    assert story.result.startswith("Refund tickets fell 55%")
    assert StoryPrinciple.objects.get(story=story).principle.name == "Customer Obsession"

    practice = page.get_by_role("navigation", name="Main").get_by_role("link", name="Practice")
    tab_to(page, practice, back=True)  # the menu sits above: go back up to it
    assert_focus_ring(page)
    page.keyboard.press("Enter")
    choice = page.get_by_label("Customer Obsession")
    tab_to(page, choice)
    assert_focus_ring(page)
    page.keyboard.press("Space")
    expect(choice).to_be_checked()
    start = page.get_by_role("button", name="Start")
    tab_to(page, start)
    assert_focus_ring(page)
    page.keyboard.press("Enter")

    answer = page.get_by_label("Your answer, or bullet notes")
    tab_to(page, answer)
    assert_focus_ring(page)
    page.keyboard.type(
        "Refund tickets doubled. I owned the fix: I read 200 tickets and rebuilt the flow. "
        "Tickets fell 55% in a month. I learned to read the tickets first."
    )
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text("What the STAR check heard")).to_be_visible()
    practice_round = PracticeRound.objects.get(user=user)
    assert practice_round.status == RoundStatus.FOLLOWUPS
    assert practice_round.answer.startswith("Refund tickets doubled.")


def unringed_stops(page: Page, limit: int = 150) -> tuple[int, list[str]]:
    """Tab once round the page (to the browser's own bar and back, up to ``limit``
    presses): how many stops it has, and those focused with no ring."""
    stops: dict[str, bool] = {}
    left_the_page = 0
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_STATE)
        if stop is None:
            left_the_page += 1
            if left_the_page == 2:
                break
            continue
        stops[stop["where"]] = stops.get(stop["where"], True) and stop["ring"] and stop["keyboard"]
    return len(stops), [where for where, ringed in stops.items() if not ringed]


def test_every_tab_stop_shows_a_focus_ring(live_server, page: Page):
    """Once round each of the pages where the work is done, in light and dark: every
    control the Tab key reaches is drawn with a ring."""
    user = UserFactory()
    objects, extra = populated_bank(user)
    story, job = objects[("stories", "pk")], objects[("coach", "job_pk")]
    answering = next(url for url in extra if url.startswith("/practice/rounds/"))
    page.emulate_media(reduced_motion="reduce")
    log_in(page, live_server, user)
    missing = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for url in (
            "/stories/",
            "/stories/new/",
            f"/stories/{story}/",
            f"/stories/{story}/edit/",
            f"/stories/{story}/followups/{job}/",
            "/practice/",
            answering,
            f"/practice/rounds/{objects[('practice', 'pk')]}/",
            f"/loops/{objects[('loops', 'pk')]}/",
            f"/loops/{objects[('loops', 'pk')]}/edit/",
            "/principles/",
            "/bank/",
            "/help/",
        ):
            page.goto(live_server.url + url)
            seen, bare = unringed_stops(page)
            assert seen > 3, f"{url}: only {seen} tab stops"
            if bare:
                missing[f"{url} [{scheme}]"] = bare
    assert not missing, f"focused with no visible ring: {missing}"
