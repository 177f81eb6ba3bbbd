"""In a real browser: create a loop from the template, see the plan, swap a story in place,
and print the one-pager on one page (Chromium's own PDF)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from planning.models import Loop, LoopPin
from principles.models import Principle
from stories.services import story_set_principles
from tests.accounts.factories import UserFactory
from tests.e2e.test_live_check import log_in
from tests.stories.factories import StoryFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

#: Set to a folder to keep the screenshots the test takes (for looking at the pages).
SHOTS = os.environ.get("LOOP_SCREENSHOTS")

SITUATION = (
    "Our marketplace's weekly {topic} report had drifted from finance's numbers for two "
    "quarters, and the regional leads had stopped trusting it for planning decisions."
)
TASK = "I owned finding out why, and making the {topic} numbers ones people would act on."
ACTION = (
    "I pulled 14 weeks of raw events, rebuilt the {topic} metric step by step, found two "
    "joins that double-counted refunds, wrote tests for both and walked every lead through it."
)
RESULT = (
    "The gap fell from 9% to 0.4% within three weeks, planning meetings went from 90 to 45 "
    "minutes, and finance adopted the report as its source for the quarterly review."
)


def bank(user) -> dict[str, int]:
    """Two stories per principle of the onsite template, mapped primary and secondary."""
    slugs = list(
        Principle.objects.filter(principle_set__slug="amazon", principle_set__owner=None)
        .order_by("position")
        .values_list("slug", "pk")
    )
    ids = {}
    for index, (slug, pk) in enumerate(slugs):
        for n in range(2):
            topic = f"{slug.replace('-', ' ')} {n + 1}"
            story = StoryFactory(
                owner=user,
                title=f"Rebuilt the {topic} report finance trusted",
                situation=SITUATION.format(topic=topic),
                task=TASK.format(topic=topic),
                action=ACTION.format(topic=topic),
                result=RESULT.format(topic=topic),
            )
            other = slugs[(index + 1) % len(slugs)][1]
            story_set_principles(story=story, mappings={pk: "primary", other: "secondary"})
            ids[f"{slug}-{n}"] = story.pk
    return ids


def pdf_pages(page: Page) -> int:
    page.emulate_media(media="print")
    return len(PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True))).pages)


def shoot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_plan_a_loop_swap_a_story_and_print_one_page(live_server, page: Page):
    user = UserFactory()
    ids = bank(user)
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server, user)
    page.get_by_role("link", name="Loops").click()
    page.get_by_label("Amazon phone screen + onsite").check()
    page.get_by_label("Name").fill("Amazon onsite, March")
    page.get_by_role("button", name="Create the loop").click()
    expect(page.get_by_role("heading", name="Amazon onsite, March")).to_be_visible()
    expect(page.locator(".plan-count")).to_have_text("12 of 12")
    shoot(page, "plan-1280")

    loop = Loop.objects.get(owner=user)
    peer = loop.slots.get(label="Peer interviewer")
    dive = Principle.objects.get(slug="dive-deep", principle_set__slug="amazon")
    cell = page.locator(f"#cell-{peer.pk}-{dive.pk}")
    before = cell.locator(".story-link").inner_text()
    second = (
        "dive-deep-1" if before.endswith("dive deep 1 report finance trusted") else "dive-deep-0"
    )
    page.evaluate("window.__notReloaded = true")
    cell.get_by_label("Story for Dive Deep (Peer interviewer)").select_option(str(ids[second]))
    cell.get_by_role("button", name="Pin").click()
    cell = page.locator(f"#cell-{peer.pk}-{dive.pk}")
    expect(cell.locator(".badge", has_text="pinned")).to_be_visible()
    expect(cell.locator(".story-link")).not_to_have_text(before)
    assert page.evaluate("window.__notReloaded") is True  # swapped in place (htmx)
    assert LoopPin.objects.get(loop=loop).story_id == ids[second]
    expect(page.locator(".plan-count")).to_have_text("12 of 12")

    page.get_by_role("link", name="One-pager").first.click()
    expect(page.locator(".sheet-slot")).to_have_count(6)
    shoot(page, "sheet-1280")
    assert pdf_pages(page) == 1
    page.emulate_media(media="screen")
    page.goto(f"{live_server.url}/loops/{loop.pk}/sheet/?slot={peer.pk}")
    expect(page.locator(".sheet-slot")).to_have_count(1)
    assert pdf_pages(page) == 1

    if SHOTS:
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{live_server.url}/loops/{loop.pk}/")
        shoot(page, "plan-390")
        page.goto(f"{live_server.url}/loops/{loop.pk}/sheet/")
        shoot(page, "sheet-390")
