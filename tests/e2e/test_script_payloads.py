"""In a real browser: a story full of script payloads runs no script and breaks no policy.

The autouse ``csp_violations`` fixture (conftest) fails the test on any dialog or
Content-Security-Policy violation on any page visited.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.accounts.factories import UserFactory
from tests.e2e.test_live_check import log_in
from tests.security.payloads import PAYLOADS, payload_story
from tests.security.routes import all_routes, owned_objects, url_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_payload_story_is_shown_as_text_on_every_page(live_server, page: Page, csp_violations):
    user = UserFactory()
    story = payload_story(user)
    objects = owned_objects(user, story=story, text=" ".join(PAYLOADS))
    log_in(page, live_server, user)
    visited = 0
    for route in all_routes():
        url = live_server.url + url_for(route, objects)
        probe = page.request.get(url, max_redirects=0)
        if probe.status != 200 or not probe.headers["content-type"].startswith("text/html"):
            continue  # a POST-only URL, a redirect or a download
        page.goto(url)
        visited += 1
        assert page.evaluate("window.__cspViolations") == [], route
    assert visited >= 20
    page.goto(f"{live_server.url}/stories/{story.pk}/")
    expect(page.get_by_text('<script>alert("xss-script")</script>').first).to_be_visible()
    assert csp_violations == []


def test_the_live_check_and_the_edit_form_stay_inert(live_server, page: Page):
    user = UserFactory()
    story = payload_story(user)
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/stories/{story.pk}/edit/")
    expect(page.get_by_role("textbox", name="Situation")).to_have_value(story.situation)
    page.get_by_role("textbox", name="Action").fill("I shipped it. " + " ".join(PAYLOADS))
    expect(page.locator("#star-report")).to_contain_text("score", ignore_case=True)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=story.title)).to_be_visible()
