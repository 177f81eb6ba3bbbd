"""In a real browser: one pasted answer becomes a story (split, checked, moved, saved),
and a practice answer becomes a story in one click."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from practice.models import PracticeRound, RoundStatus
from principles.models import Principle
from stories.models import Story
from tests.accounts.factories import UserFactory
from tests.e2e.test_live_check import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DICTATED = (
    "so last spring our churn jumped and nobody knew why. my manager asked me to find the "
    "cause before the board meeting. so what i did was i pulled six months of logs and i "
    "interviewed ten customers who had left. as a result churn went down 12 percent in a "
    "quarter. i learned to talk to users before i build dashboards"
)


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_paste_an_answer_split_move_a_sentence_and_save(live_server, page: Page, viewport):
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    user = UserFactory()
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/stories/new/")
    page.get_by_text("Have the answer in one piece?").click()
    page.get_by_label("Your answer, as written in a doc or as dictated").fill(DICTATED)
    page.get_by_role("button", name="Split it").click()
    sentences = page.locator(".split-sentence")
    expect(sentences).to_have_count(5)
    expect(page.locator(".answer-split")).to_contain_text("Change a part to move a sentence")
    parts = [s.locator("select").input_value() for s in sentences.all()]
    assert parts == ["situation", "task", "action", "result", "reflection"]

    # Move the lesson into the Result, then use the split.
    sentences.nth(4).locator("select").select_option("result")
    page.get_by_role("button", name="Use this split").click()
    result = page.get_by_role("textbox", name="Result")
    expect(result).to_have_value(
        "as a result churn went down 12 percent in a quarter. "
        "i learned to talk to users before i build dashboards"
    )
    expect(page.get_by_role("textbox", name="Reflection")).to_have_value("")
    expect(page.get_by_role("textbox", name="Task")).to_have_value(
        "my manager asked me to find the cause before the board meeting."
    )
    expect(page.get_by_role("textbox", name="Title")).to_be_focused()
    expect(page.locator("#star-report .star-report")).to_be_attached()  # checked at once

    page.get_by_role("textbox", name="Title").fill("Found why churn jumped")
    page.get_by_role("button", name="Save story").click()
    expect(page.get_by_role("heading", name="Found why churn jumped")).to_be_visible()
    story = Story.objects.get(owner=user)
    assert story.action.startswith("so what i did was i pulled six months of logs")


def test_a_practice_answer_becomes_a_story(live_server, page: Page):
    user = UserFactory()
    dive = Principle.objects.get(slug="dive-deep", principle_set__slug="amazon")
    answer = (
        "Checkout conversion dropped 3 points in a week. I owned the analysis. I split the "
        "data by browser and found one iOS update behind 90% of the drop, and I shipped a "
        "fix in 2 days. Conversion came back to 71% within a week."
    )
    practice_round = PracticeRound.objects.create(
        user=user,
        principle=dive,
        question_text="Tell me about a time you went deep into data.",
        answer=answer,
        seconds_taken=95,
        star_score=80,
        status=RoundStatus.DONE,
    )
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/practice/rounds/{practice_round.pk}/")
    heard = page.locator(".heard-parts")
    expect(heard).to_contain_text("I split the data by browser")
    expect(page.locator(".round-flag, .answer-heard").first).to_be_visible()

    page.get_by_role("button", name="Save as a story").click()
    expect(page.get_by_role("heading", name="Write a story")).to_be_visible()
    expect(page.get_by_text("Your answer is split into the story's parts")).to_be_visible()
    expect(page.get_by_role("textbox", name="Action")).to_contain_text("I split the data")
    expect(page.get_by_role("textbox", name="Result")).to_contain_text("came back to 71%")
    expect(page.get_by_label("Dive Deep")).to_have_value("primary")
    page.get_by_role("textbox", name="Title").fill("Traced a checkout drop to one iOS update")
    page.get_by_role("button", name="Save story").click()
    expect(page.get_by_role("heading", name="Traced a checkout drop")).to_be_visible()
    story = Story.objects.get(owner=user)
    assert story.mappings.get().principle == dive
