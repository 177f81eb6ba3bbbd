"""In a real browser, with a real Celery worker and the fake OpenAI-compatible server:
the AI coach reads an answer in a thread ("The AI coach is reading your answer…"), and
its verdict and next probe appear, on a story's follow-up page and in a practice round,
at desktop and phone size, with the keyboard alone."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from coach.models import FollowUp, FollowUpJob, JobStatus
from coach.turns import HANDED_OVER
from practice.models import PracticeRound, RoundStatus
from principles.models import Principle
from tests.accounts.factories import UserFactory
from tests.coach.factories import FollowUpFactory, FollowUpJobFactory
from tests.e2e.axe import report
from tests.e2e.test_keyboard import tab_to
from tests.e2e.test_live_check import log_in
from tests.fakes import fake_openai as fk
from tests.stories.factories import StoryFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
PROBE = "By how much did conversion fall, and how did you measure it?"


def turn_answer(probe: str = PROBE) -> fk.FakeResponse:
    """The model's turn: a verdict on the answer and the next probe."""
    body = {
        "verdict": "partly",
        "missing": ["number"],
        "evidence": "quite a lot",
        "probe": {"question": probe, "kind": "number", "reason": "the drop has no figure"},
    }
    return fk.answer(json.dumps(body))


def slow_turn(fake: fk.FakeOpenAI) -> fk.FakeResponse:
    """The model's turn, a second in coming (so the progress shows); a retry, on a
    loaded machine whose worker timed out, gets the same turn at once."""
    fake.default = turn_answer()
    return fk.slow(1, then=turn_answer())


@VIEWPORTS
def test_the_ai_coach_s_turn_on_the_story_page(
    live_server,
    page: Page,
    llm,
    worker,
    viewport,
    axe,
):
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    llm.script(slow_turn(llm))
    user = UserFactory()
    dive = Principle.objects.get(slug="dive-deep", principle_set__slug="amazon")
    story = StoryFactory(owner=user)
    job = FollowUpJobFactory(story=story, principle=dive, status=JobStatus.DONE)
    first = FollowUpFactory(job=job, question="What happened to conversion after your fix?")
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/stories/{story.pk}/followups/{job.pk}/")

    item = page.locator(f"#followup-{first.pk}")
    box = item.get_by_label("Your answer or notes")
    tab_to(page, box)
    page.keyboard.type("It went back up quite a lot after that, everyone was relieved.")
    tab_to(page, item.get_by_role("button", name="Shaky"))
    page.keyboard.press("Enter")

    progress = page.locator(".turn-progress")
    expect(progress).to_contain_text("The AI coach is reading your answer")
    assert not (found := axe()), report({"while the AI coach reads": found})
    probe = page.locator(".followup").filter(has_text=PROBE)
    expect(probe).to_be_visible(timeout=15_000)
    expect(progress).to_have_count(0)
    assert not (found := axe()), report({"with the AI coach's turn": found})
    verdict = page.locator(f"#verdict-{first.pk}")
    expect(verdict.locator(".followup-verdict")).to_have_attribute("data-verdict", "partly")
    expect(verdict).to_contain_text("it rests on “quite a lot”")
    expect(verdict).to_contain_text("Judged by the AI coach")
    # The candidate's answer is still in its box, and the probe takes the next one.
    expect(box).to_have_value("It went back up quite a lot after that, everyone was relieved.")
    tab_to(page, probe.get_by_label("Your answer or notes"))
    page.keyboard.type("From 68% to 71% in a week.")
    expect(probe.get_by_label("Your answer or notes")).to_have_value("From 68% to 71% in a week.")
    assert FollowUp.objects.filter(parent=first).count() == 1


@VIEWPORTS
def test_the_ai_coach_s_turn_in_a_practice_round(
    live_server,
    page: Page,
    llm,
    worker,
    viewport,
):
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    llm.script(slow_turn(llm))
    user = UserFactory()
    dive = Principle.objects.get(slug="dive-deep", principle_set__slug="amazon")
    answer = "Checkout conversion dropped. I split the data by browser and fixed it."
    practice_round = PracticeRound.objects.create(
        user=user, principle=dive, question_text="Tell me about a deep dive.", answer=answer,
        seconds_taken=80, star_score=60, status=RoundStatus.FOLLOWUPS,
    )  # fmt: skip
    job = FollowUpJobFactory(
        story=None, owner=user, answer_question="Tell me about a deep dive.", answer_text=answer,
        principle=dive, status=JobStatus.DONE,
    )  # fmt: skip
    practice_round.followup_jobs.add(job)
    first = FollowUpFactory(job=job, question="What happened to conversion after your fix?")
    FollowUpFactory(job=job, question="Who else looked at the data with you?", part="action")
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/practice/rounds/{practice_round.pk}/")

    question = page.locator(".followup-question")
    expect(question).to_have_text(first.question)
    box = page.get_by_label("Your answer", exact=True)
    expect(box).to_be_focused()  # the answer box has the focus as the page opens
    page.keyboard.type("It went back up quite a lot after that, everyone was relieved.")
    tab_to(page, page.get_by_role("button", name="Shaky"))
    page.keyboard.press("Enter")

    expect(page.locator(".coach-progress")).to_contain_text("The AI coach is reading your answer")
    expect(question).to_have_text(PROBE, timeout=15_000)  # before the job's next question
    expect(box).to_be_focused()
    latest = page.locator(".thread-answer").last
    expect(latest).to_have_attribute("data-verdict", "partly")
    expect(latest).to_contain_text("Judged by the AI coach")
    page.keyboard.type("From 68% to 71% in a week.")
    expect(box).to_have_value("From 68% to 71% in a week.")
    assert FollowUpJob.objects.get(turn_of=first).backend_used == "llm"


def test_the_candidate_need_not_wait_for_the_ai_coach(
    live_server,
    page: Page,
    llm,
    worker,
):
    """The keyboard stays on "Don't wait" while the page polls; pressed, the offline
    coach's verdict and probe appear at once, and the AI coach's attempts end there."""
    # Every attempt times out (2 s): the turn would take some 7 s to give up, and its
    # progress changes (an attempt failed) while the candidate holds the button.
    llm.script(*[fk.slow(3, then=turn_answer())] * 3)
    user = UserFactory()
    story = StoryFactory(owner=user)
    job = FollowUpJobFactory(story=story, status=JobStatus.DONE)
    first = FollowUpFactory(job=job, question="What happened to conversion after your fix?")
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/stories/{story.pk}/followups/{job.pk}/")
    item = page.locator(f"#followup-{first.pk}")
    item.get_by_label("Your answer or notes").fill("We all worked on it together as a team.")
    item.get_by_role("button", name="Shaky").click()

    hand_over = page.get_by_role("button", name="Don't wait: the offline coach judges it now")
    tab_to(page, hand_over)
    page.wait_for_timeout(1_100)  # a poll or two: nothing the candidate holds is replaced
    expect(hand_over).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(f"#verdict-{first.pk}")).to_contain_text("in the AI coach's place")
    expect(page.locator(".followup:has-text('probe 2')")).to_have_count(1)
    expect(page.locator(".turn-progress")).to_have_count(0)
    page.wait_for_timeout(2_500)  # the attempt under way ends, and nothing follows it
    assert FollowUp.objects.filter(parent=first).count() == 1
    turn_job = FollowUpJob.objects.get(turn_of=first)
    assert turn_job.status == JobStatus.FAILED and turn_job.error == HANDED_OVER
