"""In a real browser: axe-core's WCAG 2.0/2.1/2.2 A and AA rules (and its best practices:
headings, landmarks) find nothing on any page.

Every page comes from the URLconf (tests/security/routes.py fills in its objects), so a
new page is checked without editing this file: whatever answers a GET with a whole
HTML page, signed in with a populated bank and signed out, at a desktop and a phone
size, in light and dark colours. Pages that only exist in one state of an object (a
practice round answering, on its follow-ups, done) are added below.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect

from planning.models import Loop
from practice.services import round_finish, round_start
from principles.models import Principle, Question
from stories.models import Story
from stories.services import story_archive
from tests.accounts.factories import UserFactory
from tests.e2e.axe import BEST_PRACTICE, WCAG_TAGS, Violation, axe_violations, report
from tests.e2e.test_live_check import log_in
from tests.security.routes import all_routes, owned_objects, url_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
SCHEMES = ("light", "dark")
RULES = WCAG_TAGS + BEST_PRACTICE

#: The coverage grid page's known violations (axe rule ids), ignored on that page only.
#: grid rebuilt in parallel: re-check. While it was being rebuilt it had color-contrast
#: (white "thin" status badges on orange, 2.6:1, 13 on the demo bank) and, on a phone,
#: label-content-name-mismatch (the principle list's cell buttons named without the text
#: they show); the rebuilt grid (488412d, d156fbf) has neither, so the list is empty.
GRID_KNOWN_VIOLATIONS: frozenset[str] = frozenset()
KNOWN_VIOLATIONS = {reverse("coverage:grid"): GRID_KNOWN_VIOLATIONS}


def is_page(response) -> bool:
    """A whole HTML page (not a fragment, a download or a redirect)."""
    return (
        response.status_code == 200
        and response["Content-Type"].startswith("text/html")
        and response.content.lstrip()[:15].lower() == b"<!doctype html>"
    )


def pages(client: Client, objects: dict) -> list[str]:
    """Every URL of the app that answers this client's GET with a whole page."""
    urls = []
    for route in all_routes():
        url = url_for(route, objects)
        if is_page(client.get(url)):
            urls.append(url)
    return urls


def populated_bank(user) -> tuple[dict, list[str]]:
    """The demo bank (8 stories mapped to Amazon's principles, a planned loop), one of
    every object a URL names, and the URLs of the states the URLconf does not show."""
    call_command("seed_demo", username=user.username, verbosity=0)
    call_command("seed_demo_loop", username=user.username, verbosity=0)
    objects = owned_objects(user)  # its practice round waits on its follow-ups
    dive = Principle.objects.get(slug="dive-deep", principle_set__slug="amazon")
    question = Question.objects.filter(principle=dive).first()
    answering = round_start(user=user, principle=dive, question=question, target_seconds=120)
    done = round_start(user=user, principle=dive, question=question, target_seconds=120)
    round_finish(practice_round=done, self_rating=4, notes="Lead with the number.")
    loop = Loop.objects.filter(owner=user).order_by("pk").first()
    archived = story_archive(story=Story.objects.filter(owner=user).order_by("pk").first())
    extra = [
        reverse("stories:detail", kwargs={"pk": archived.pk}),
        reverse("stories:list") + "?archived=on",
        reverse("practice:round", kwargs={"pk": answering.pk}),
        reverse("practice:round", kwargs={"pk": done.pk}),
        reverse("principles:set_detail", kwargs={"slug": "amazon"}),
        reverse("principles:principle_detail", kwargs={"set_slug": "amazon", "slug": dive.slug}),
        reverse("questions:detail", kwargs={"pk": question.pk}),
        reverse("questions:match") + "?q=Tell+me+about+a+time+you+dug+into+data",
        reverse("loops:detail", kwargs={"pk": loop.pk}),
        reverse("loops:sheet", kwargs={"pk": loop.pk}),
    ]
    return objects, extra


def settle(page: Page) -> None:
    """Wait until the page's own requests (htmx swaps, live checks) are answered."""
    page.wait_for_load_state("load")
    expect(page.locator(".htmx-request")).to_have_count(0)


def unexpected(url: str, violations: list[Violation]) -> list[Violation]:
    known = KNOWN_VIOLATIONS.get(url.partition("?")[0], frozenset())
    return [v for v in violations if v.id not in known]


def axe_both_schemes(page: Page, where: str, url: str) -> dict[str, list[Violation]]:
    """axe on the page as it is, in light and then in dark colours (static/js/theme.js
    follows the system's scheme as it changes, without a reload)."""
    found = {}
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        expect(page.locator("html")).to_have_attribute("data-bs-theme", scheme)
        found[f"{where} [{scheme}]"] = unexpected(url, axe_violations(page, RULES))
    return found


def check_all(page: Page, live_server, urls: list[str], who: str) -> dict[str, list[Violation]]:
    found = {}
    for url in urls:
        page.goto(live_server.url + url)
        settle(page)
        found |= axe_both_schemes(page, f"{who} {url}", url)
    return found


def check_open_parts(page: Page, live_server) -> dict[str, list[Violation]]:
    """What only shows when opened: the menu (on a phone), the account menu, the
    shortcuts dialog."""
    found = {}
    url = reverse("stories:list")
    page.goto(live_server.url + url)
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
        expect(page.locator("#nav")).to_have_class(re.compile(r"\bshow\b"))
        found |= axe_both_schemes(page, f"{url} (menu open)", url)
    page.locator("#nav .dropdown-toggle").click()
    expect(page.locator("#nav .dropdown-menu")).to_be_visible()
    found |= axe_both_schemes(page, f"{url} (account menu open)", url)
    page.keyboard.press("Escape")
    page.locator("main").click(position={"x": 1, "y": 1})
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    found |= axe_both_schemes(page, f"{url} (shortcuts open)", url)
    return found


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_page_passes_axe(live_server, page: Page, viewport: str):
    """Signed out and signed in, every page, in light and dark, at one screen size."""
    user = UserFactory()
    objects, extra = populated_bank(user)
    anonymous = pages(Client(), objects)
    signed_in = Client()
    signed_in.force_login(user)
    urls = list(dict.fromkeys(pages(signed_in, objects) + extra))
    assert reverse("coverage:grid") in urls and reverse("welcome") in urls

    page.set_viewport_size(VIEWPORTS[viewport])
    page.emulate_media(reduced_motion="reduce")  # no fade half-way when axe reads colours
    found = check_all(page, live_server, anonymous, "signed out")
    log_in(page, live_server, user)
    found |= check_all(page, live_server, urls, "signed in")
    found |= check_open_parts(page, live_server)
    assert len(found) > 2 * 40
    assert not any(found.values()), f"axe at {viewport} size:\n" + report(found)
