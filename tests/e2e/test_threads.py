"""In a real browser: a thread of follow-ups three levels deep in a practice round, the
verdict shown beside each answer and the next probe drawn from it; and on a story's
follow-up page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from coach.models import FollowUp
from coach.open_threads import STILL_MISSING
from practice.models import PracticeRound, RoundStatus
from practice.services import round_ask_followups
from principles.models import Principle
from tests.accounts.factories import UserFactory
from tests.e2e.test_live_check import log_in
from tests.stories.factories import StoryFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_a_three_level_thread_in_a_practice_round(live_server, page: Page, viewport):
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    user = UserFactory()
    dive = Principle.objects.get(slug="dive-deep", principle_set__slug="amazon")
    story = StoryFactory(owner=user)
    practice_round = PracticeRound.objects.create(
        user=user, principle=dive, story=story, question_text="Tell me about a deep dive.",
        answer="Checkout conversion dropped. I split the data by browser and fixed it.",
        seconds_taken=80, star_score=60, status=RoundStatus.FOLLOWUPS,
    )  # fmt: skip
    round_ask_followups(practice_round=practice_round, backend="rules")
    first = FollowUp.objects.filter(job__practice_rounds=practice_round).order_by("position")[0]
    first.question = "What happened to conversion after your fix?"
    first.save(update_fields=["question"])
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/practice/rounds/{practice_round.pk}/")

    answer = page.get_by_label("Your answer", exact=True)
    expect(page.locator(".followup-question")).to_have_text(first.question)
    answer.fill("It went back up quite a lot after that, everyone was relieved.")
    page.get_by_role("button", name="Shaky").click()
    latest = page.locator(".thread-answer").last
    expect(latest).to_have_attribute("data-verdict", "partly")
    expect(latest).to_contain_text("no number yet")
    expect(page.locator(".followup-question")).to_contain_text("What was the number?")

    answer.fill("Conversion came back from 68% to 71% within a week of the fix.")
    page.get_by_role("button", name="Nailed it").click()
    expect(page.locator(".thread-answer").last).to_have_attribute("data-verdict", "answered")
    expect(page.locator(".followup-question")).to_contain_text("Why that approach")

    answer.fill("Because one browser had 90% of the drop, I fixed that first instead of the rest.")
    page.get_by_role("button", name="Nailed it").click()
    # Three levels: the thread ends, and the coach's next question comes up.
    expect(page.locator(".thread-answer")).to_have_count(3)
    expect(page.locator(".followup-question")).not_to_contain_text("Why that approach")
    probes = FollowUp.objects.filter(job__practice_rounds=practice_round, level__gt=1)
    assert sorted(p.level for p in probes) == [2, 3]

    # Not fair: the candidate overrules the first verdict.
    page.locator(".thread-answer").first.get_by_label("Not fair? Your verdict:").select_option(
        "answered"
    )
    page.locator(".thread-answer").first.get_by_role("button", name="Set").click()
    expect(page.locator(".thread-answer").first).to_contain_text("Answered (your call)")


def test_a_probe_joins_the_story_follow_up_page(live_server, page: Page):
    user = UserFactory()
    story = StoryFactory(owner=user)
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/stories/{story.pk}/")
    page.get_by_role("button", name="Ask me follow-ups").click()
    item = page.locator(".followup").first
    expect(item).to_be_visible()
    item.get_by_label("Your answer or notes").fill("We all worked on it together as a team.")
    item.get_by_role("button", name="Shaky").click()
    expect(page.locator(".followup-verdict").first).to_be_visible()
    expect(page.locator(".followup:has-text('probe 2')")).to_have_count(1)

    # The story page lists the thread as still open, in plain words, linked to the probe.
    page.goto(f"{live_server.url}/stories/{story.pk}/")
    still_open = page.locator(".open-threads li")
    expect(still_open).to_have_count(1)
    first = FollowUp.objects.get(story=story, level=1, verdict__in=["partly", "dodged"])
    expect(still_open).to_contain_text(f"{STILL_MISSING[first.verdict_missing[0]]} for: ")
    still_open.get_by_role("link").click()
    probe = FollowUp.objects.get(story=story, level=2)
    expect(page).to_have_url(
        f"{live_server.url}/stories/{story.pk}/followups/{probe.job_id}/#followup-{probe.pk}"
    )


def test_the_follow_up_panel_is_not_hidden_under_the_star_check(live_server, page: Page):
    """At desktop width the STAR check stays in view on the form only: on the story
    page the panels under it (follow-ups, open threads) must be reachable."""
    page.set_viewport_size({"width": 1280, "height": 800})
    user = UserFactory()
    long_part = " ".join(["I compared the weekly cohorts and wrote down what changed."] * 25)
    story = StoryFactory(owner=user, action=long_part, situation=long_part)
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/stories/{story.pk}/")
    expect(page.locator(".star-panel")).to_have_css("position", "static")
    page.keyboard.press("End")  # scrolled to the foot, the panel is still in view
    expect(page.locator("#followups-heading")).to_be_in_viewport()
    page.goto(f"{live_server.url}/stories/{story.pk}/edit/")
    expect(page.locator(".star-panel")).to_have_css("position", "sticky")
