"""In a real browser: the coverage grid, wide and on a phone.

Toggle a cell and see the row change in place; with 30 stories at 1280 x 800 the grid
is usable: most story columns are in view at once, and the principle column and the
header row stay in view (not covered by the cells) while the grid scrolls both ways;
on a phone the grid is a list, one entry per principle, whose buttons do what a cell
does; filters and sorts change what shows, with htmx in place and without JavaScript
through the page's own links; a cell is cycled from the keyboard with a visible ring.

GRID_SCREENSHOTS=<folder> also saves screenshots of the pages seen.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from principles.models import Principle
from stories.models import StoryPrinciple
from stories.services import story_set_principles
from tests.accounts.factories import UserFactory
from tests.e2e.test_live_check import log_in
from tests.stories.factories import StoryFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("GRID_SCREENSHOTS")

#: Usable at 1280 x 800 with 30 stories: at least this many story columns fully in view.
MIN_COLUMNS_IN_VIEW = 24

TITLES = [
    "Traced false alarms in the fraud model",
    "Cut the cloud bill by a third",
    "Migrated billing off a dying database",
    "Hired the first data engineer",
    "Disagreed with the VP on the launch date",
    "Found the churn bug in the cohort query",
    "Shipped the fraud model two weeks early",
    "Built the A/B testing playbook",
    "Mentored an intern into a full-time hire",
    "Owned the outage postmortem",
]


def shoot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def amazon(slug: str) -> Principle:
    return Principle.objects.get(slug=slug, principle_set__slug="amazon")


def bank(user, n: int = 30) -> list:
    """``n`` stories with scores from 60 to 98, each mapped to two principles (primary
    and secondary); every third one tagged 'data'."""
    principles = list(Principle.objects.filter(principle_set__slug="amazon"))
    stories = []
    for i in range(n):
        title = f"{TITLES[i % len(TITLES)]} ({i + 1})"
        story = StoryFactory(owner=user, title=title, star_score=60 + (i * 7) % 39)
        story_set_principles(
            story=story,
            mappings={
                principles[i % 16].pk: "primary",
                principles[(i + 7) % 16].pk: "secondary",
            },
        )
        if i % 3 == 0:
            story.tags.add("data")
        stories.append(story)
    return stories


def test_toggle_a_cell_and_the_mapping_persists(live_server, page: Page):
    user = UserFactory()
    story = StoryFactory(owner=user, title="Cut the cloud bill")
    dive = amazon("dive-deep")
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/coverage/")
    page.evaluate("window.__notReloaded = true")
    row = page.locator(f"#row-{dive.pk}")
    expect(row.locator(".status-badge")).to_have_text("gap")
    expect(page.locator(".coverage-advice")).to_contain_text("16 gaps")

    cell = row.get_by_role("button", name=f"Dive Deep, {story.title}: not mapped")
    cell.click()
    expect(row.locator(".status-badge")).to_have_text("thin")
    expect(row.locator(".spof")).to_be_visible()
    expect(page.locator(".coverage-advice")).to_contain_text("15 gaps")
    expect(page.locator(f"#col-{story.pk} .claims")).to_have_text("1")
    row.get_by_role("button", name=f"Dive Deep, {story.title}: primary").click()
    expect(row.get_by_role("button", name=f"Dive Deep, {story.title}: secondary")).to_be_visible()
    assert page.evaluate("window.__notReloaded") is True

    page.reload()
    expect(page.locator(f"#row-{dive.pk} .status-badge")).to_have_text("thin")
    expect(page.get_by_role("button", name=f"Dive Deep, {story.title}: secondary")).to_have_text(
        "S"
    )
    assert StoryPrinciple.objects.get(story=story, principle=dive).weight == "secondary"


#: What is in view of the scroll box: story heads wholly between the sticky principle
#: column and the box's right edge, and what the browser paints at a point of the
#: principle column and of the header row (a cell scrolled under them must not show).
IN_VIEW = """() => {
  const box = document.querySelector(".coverage-wrap").getBoundingClientRect();
  const corner = document.querySelector("thead .principle-col").getBoundingClientRect();
  const heads = [...document.querySelectorAll("thead .story-col")];
  const shown = heads.filter((h) => {
    const r = h.getBoundingClientRect();
    return r.left >= corner.right - 1 && r.right <= Math.min(box.right, innerWidth) + 1;
  });
  const firstRow = [...document.querySelectorAll("tbody .principle-col")].find(
    (th) => th.getBoundingClientRect().top >= corner.bottom - 1);
  const rowBox = firstRow.getBoundingClientRect();
  const atColumn = document.elementFromPoint(rowBox.left + 20, rowBox.top + rowBox.height / 2);
  const atHeader = document.elementFromPoint(corner.right + 60, corner.bottom - 10);
  return {
    shown: shown.length,
    total: heads.length,
    lastShown: shown.length ? shown[shown.length - 1].id : null,
    lastId: heads[heads.length - 1].id,
    firstShown: shown.length ? shown[0].id : null,
    firstId: heads[0].id,
    cornerLeft: corner.left - box.left,
    cornerTop: corner.top - box.top,
    titleHeight: shown.length ?
      shown[0].querySelector(".story-title").getBoundingClientRect().height : 0,
    columnPainted: atColumn ? !!atColumn.closest("tbody .principle-col") : false,
    headerPainted: atHeader ? !!atHeader.closest("thead") : false,
    scrollable: document.querySelector(".coverage-wrap").scrollWidth >
      document.querySelector(".coverage-wrap").clientWidth,
  };
}"""


def test_30_stories_at_1280_keep_the_principles_and_heads_in_view(live_server, page: Page):
    user = UserFactory()
    stories = bank(user)
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/coverage/")
    page.locator(".coverage-wrap").evaluate("box => box.scrollIntoView()")

    start = page.evaluate(IN_VIEW)
    assert start["total"] == 30 and start["scrollable"]
    assert start["shown"] >= MIN_COLUMNS_IN_VIEW, start
    assert start["firstShown"] == start["firstId"]
    assert start["titleHeight"] >= 100  # titles stand upright, long enough to read
    assert start["columnPainted"] and start["headerPainted"]
    shoot(page, "grid-1280")

    page.locator(".coverage-wrap").evaluate(
        "box => { box.scrollLeft = box.scrollWidth; box.scrollTop = 200; }"
    )
    end = page.evaluate(IN_VIEW)
    assert end["shown"] >= MIN_COLUMNS_IN_VIEW, end
    assert end["lastShown"] == end["lastId"] and end["firstShown"] != end["firstId"]
    assert abs(end["cornerLeft"]) <= 2 and abs(end["cornerTop"]) <= 2  # stuck in place
    assert end["columnPainted"] and end["headerPainted"]  # not covered by scrolled cells
    shoot(page, "grid-1280-scrolled")

    # a head's whole title is its link's accessible name and its tooltip
    title = page.locator("thead .story-col .story-title").last.get_attribute("title")
    assert title in {s.title for s in stories}
    expect(page.get_by_role("link", name=title, exact=True)).to_be_visible()


def test_on_a_phone_the_grid_is_a_list_whose_buttons_change_mappings(live_server, page: Page):
    user = UserFactory()
    stories = bank(user, 6)
    dive = amazon("dive-deep")
    mapped, *rest = stories
    story_set_principles(story=mapped, mappings={dive.pk: "primary"})
    other = next(s for s in rest if not s.mappings.filter(principle=dive).exists())
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/coverage/")
    page.evaluate("window.__notReloaded = true")
    expect(page.locator(".coverage-wrap")).to_be_hidden()
    expect(page.locator(".principle-list")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    entry = page.locator(f"#plist-{dive.pk}")
    entry.scroll_into_view_if_needed()
    shoot(page, "grid-390")

    entry.get_by_role("button", name=f"Dive Deep, {mapped.title}: primary").click()
    expect(
        page.locator(f"#plist-{dive.pk}").get_by_role(
            "button", name=f"Dive Deep, {mapped.title}: secondary"
        )
    ).to_be_visible()
    assert StoryPrinciple.objects.get(story=mapped, principle=dive).weight == "secondary"

    entry = page.locator(f"#plist-{dive.pk}")
    entry.get_by_label("Another story to map to Dive Deep").select_option(str(other.pk))
    entry.get_by_role("button", name="Map it to Dive Deep as primary").click()
    added = page.locator(f"#plist-{dive.pk}").get_by_role(
        "button", name=f"Dive Deep, {other.title}: primary"
    )
    expect(added).to_be_visible()
    expect(added).to_be_focused()  # the keyboard follows the story to its new place
    assert StoryPrinciple.objects.get(story=other, principle=dive).weight == "primary"
    assert page.evaluate("window.__notReloaded") is True
    shoot(page, "grid-390-mapped")


def test_a_filter_and_a_sort_change_what_shows_and_can_be_linked(live_server, page: Page):
    user = UserFactory()
    stories = bank(user, 12)
    tagged = [s for s in stories if s.tags.filter(name="data").exists()]
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/coverage/")
    page.evaluate("window.__notReloaded = true")
    heads = page.locator("thead .story-col")
    expect(heads).to_have_count(12)

    page.get_by_label("Tag", exact=True).select_option("data")
    expect(heads).to_have_count(len(tagged))
    expect(page.locator(".grid-shown")).to_contain_text(f"Showing {len(tagged)} of 12 stories")
    expect(page).to_have_url(re.compile(r"/coverage/\?tag=data$"))
    expect(page.get_by_role("link", name="CSV")).to_have_attribute(
        "href", "/coverage/grid.csv?tag=data"
    )

    page.get_by_label("Order stories by", exact=True).select_option("title")
    first = min(tagged, key=lambda s: s.title.casefold())
    expect(heads.first.locator(".story-title")).to_have_attribute("title", first.title)
    expect(page).to_have_url(re.compile(r"/coverage/\?sort=title&tag=data$"))

    rows = page.locator("tbody tr")
    expect(rows).to_have_count(16)
    page.get_by_label("Principles", exact=True).select_option("covered")
    expect(rows).not_to_have_count(16)
    assert set(rows.locator(".status-badge").all_inner_texts()) == {"covered"}
    assert page.evaluate("window.__notReloaded") is True  # all in place (htmx)

    page.reload()  # the URL is the view
    expect(heads).to_have_count(len(tagged))
    expect(heads.first.locator(".story-title")).to_have_attribute("title", first.title)
    expect(page.get_by_label("Tag", exact=True)).to_have_value("data")


def test_filters_and_cells_work_without_javascript(live_server, page: Page, browser):
    user = UserFactory()
    stories = bank(user, 6)
    dive = amazon("dive-deep")
    story = next(s for s in stories if not s.mappings.filter(principle=dive).exists())
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 800}
    )
    try:
        plain = context.new_page()
        log_in(plain, live_server, user)
        plain.goto(f"{live_server.url}/coverage/")
        plain.get_by_label("Order stories by", exact=True).select_option("claims")
        plain.get_by_label("Stories", exact=True).select_option("solid")
        plain.get_by_role("button", name="Apply").click()
        assert "stories=solid" in plain.url and "sort=claims" in plain.url
        solid = [s for s in stories if 65 <= s.star_score < 85]
        expect(plain.locator("thead .story-col")).to_have_count(len(solid))

        plain.goto(f"{live_server.url}/coverage/?sort=title")
        plain.get_by_role("button", name=f"Dive Deep, {story.title}: not mapped").click()
        assert plain.url.endswith(f"/coverage/?sort=title#row-{dive.pk}")
        expect(
            plain.get_by_role("button", name=f"Dive Deep, {story.title}: primary")
        ).to_be_visible()
    finally:
        context.close()
    assert StoryPrinciple.objects.get(story=story, principle=dive).weight == "primary"


def test_tab_to_a_cell_and_enter_or_space_cycles_it(live_server, page: Page):
    user = UserFactory()
    story = StoryFactory(owner=user, title="Traced false alarms")
    dive = amazon("dive-deep")
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/coverage/")
    page.locator(f"#row-{dive.pk} .principle-name").focus()
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("aria-label", "Dive Deep, Traced false alarms: not mapped")

    page.keyboard.press("Enter")
    expect(focused).to_have_attribute("aria-label", "Dive Deep, Traced false alarms: primary")
    expect(page.locator(f"#row-{dive.pk} .status-badge")).to_have_text("thin")
    ring = page.evaluate(
        """() => { const el = document.activeElement, s = getComputedStyle(el);
        return {visible: el.matches(":focus-visible"), style: s.outlineStyle,
                width: parseFloat(s.outlineWidth)}; }"""
    )
    assert ring["visible"] and ring["style"] == "solid" and ring["width"] >= 2, ring
    shoot(page, "grid-keyboard")

    page.keyboard.press("Space")
    expect(focused).to_have_attribute("aria-label", "Dive Deep, Traced false alarms: secondary")
    assert StoryPrinciple.objects.get(story=story, principle=dive).weight == "secondary"
    page.keyboard.press(" ")
    expect(focused).to_have_attribute("aria-label", "Dive Deep, Traced false alarms: not mapped")
    assert not StoryPrinciple.objects.filter(story=story, principle=dive).exists()
