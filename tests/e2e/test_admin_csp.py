"""In a real browser: staff pages (Django's admin) also run under the CSP without violations.

The autouse ``csp_violations`` fixture (conftest) fails the test on any violation.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.accounts.factories import PASSWORD, UserFactory
from tests.stories.factories import StoryFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_admin_pages_keep_to_the_policy(live_server, page: Page):
    staff = UserFactory(is_staff=True, is_superuser=True)
    story = StoryFactory(owner=staff, title="Staff story")
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(staff.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    for path in ("/admin/stories/story/", f"/admin/stories/story/{story.pk}/change/",
                 "/admin/principles/principle/", "/admin/axes/accessattempt/"):  # fmt: skip
        page.goto(live_server.url + path)
        expect(page.locator("#content")).to_be_visible()
