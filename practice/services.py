"""Writes for practice rounds and the review schedule."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from coach.jobs import AnswerSubject, followup_job_start
from coach.models import FollowUp, FollowUpJob, Rating, Verdict
from practice import scheduling, selectors
from practice.models import MockLoop, PracticeRound, ReviewItem, RoundStatus
from principles.models import Principle, Question
from stories import selectors as story_selectors
from stories import services as story_services
from stories.forms import StoryForm
from stories.models import Story
from stories.scoring import PART_LABELS, heard, key_flags, split_for_form
from stories.star import check

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from planning.models import Loop
    from practice.selectors import MockStep


class DraftInTheWay(Exception):
    """The user's unsaved new story would be replaced."""


def round_story_draft(*, practice_round: PracticeRound) -> None:
    """Start a new story from the round's answer: the answer split into its parts and
    the round's principle mapped as primary, kept as the user's new-story draft (the
    story form offers it back). Refused while another unsaved new story is kept."""
    user = practice_round.user
    kept = story_selectors.draft_get(user=user, story=None)
    if kept is not None and any(
        str(value).strip() for name, value in kept.data.items() if name in StoryForm.Meta.fields
    ):
        raise DraftInTheWay(
            "You have an unsaved new story: save or discard it first, then save this answer."
        )
    split = split_for_form(practice_round.answer)
    data = {
        part: " ".join(s.text for s in split.sentences if s.part == part) for part in PART_LABELS
    }
    if practice_round.principle_id:
        data[StoryForm.principle_field_name(practice_round.principle_id)] = "primary"
    story_services.draft_save(owner=user, story=None, data=data)


def round_start(
    *, user: User, principle: Principle | None, question: Question | None, target_seconds: int
) -> PracticeRound:
    """Open a round on a question (the text is kept even if the bank changes)."""
    text = question.text if question else "Tell me about a time you were proud of your work."
    return PracticeRound.objects.create(
        user=user,
        principle=principle,
        question=question,
        question_text=text,
        target_seconds=target_seconds,
    )


@transaction.atomic
def round_submit_answer(
    *, practice_round: PracticeRound, answer: str, seconds_taken: int, story: Story | None
) -> PracticeRound:
    """Check the answer and keep the verdict and the time; follow-ups come next."""
    if practice_round.status != RoundStatus.ANSWERING:
        return practice_round
    report = check(text=answer)
    practice_round.answer = answer
    practice_round.seconds_taken = seconds_taken
    practice_round.story = story
    practice_round.star_score = report.score
    practice_round.star_flags = key_flags(report)
    practice_round.star_heard = heard(report)
    practice_round.status = RoundStatus.FOLLOWUPS
    practice_round.full_clean(exclude=["user", "principle", "question", "story"])
    practice_round.save()
    return practice_round


@transaction.atomic
def round_ask_followups(*, practice_round: PracticeRound, backend: str) -> FollowUpJob:
    """Ask a coach about the round's answer: a job the round owns. The offline coach
    answers at once, the AI coach is queued; neither repeats a question already asked
    in this round or in another round on the same story. Raises the coach's refusals
    (CoachUnavailable, RateLimited)."""
    avoid = selectors.questions_asked(practice_round=practice_round)
    job = followup_job_start(
        user=practice_round.user,
        answer=AnswerSubject(
            question=practice_round.question_text, text=practice_round.answer, avoid=tuple(avoid)
        ),
        principle=practice_round.principle,
        backend=backend,
    )
    practice_round.followup_jobs.add(job)
    return job


@transaction.atomic
def round_finish(*, practice_round: PracticeRound, self_rating: int, notes: str) -> PracticeRound:
    """Close the round with a self-rating and move its (story, principle) pair's box."""
    if practice_round.status == RoundStatus.DONE:
        return practice_round
    practice_round.self_rating = self_rating
    practice_round.notes = notes
    practice_round.status = RoundStatus.DONE
    practice_round.finished_at = timezone.now()
    practice_round.full_clean(exclude=["user", "principle", "question", "story"])
    practice_round.save()
    if practice_round.story_id and practice_round.principle_id:
        # Shaky by the candidate's own mark, or by the thread's verdict: an answer that
        # was only partly there, or dodged, brings the story back sooner.
        shaky = (
            FollowUp.objects.filter(job__practice_rounds=practice_round)
            .filter(Q(rating=Rating.SHAKY) | Q(verdict__in=[Verdict.PARTLY, Verdict.DODGED]))
            .count()
        )
        review_item_record(
            user=practice_round.user,
            story_id=practice_round.story_id,
            principle_id=practice_round.principle_id,
            was_nailed=scheduling.nailed(self_rating, shaky),
        )
    return practice_round


@transaction.atomic
def review_item_record(
    *, user: User, story_id: int, principle_id: int, was_nailed: bool
) -> ReviewItem:
    """Move a (story, principle) pair up a box, or back to the first, and reschedule it."""
    now = timezone.now()
    item = (
        ReviewItem.objects.select_for_update()
        .filter(user=user, story_id=story_id, principle_id=principle_id)
        .first()
    )
    box = scheduling.next_box(item.box if item else None, was_nailed)
    due = scheduling.due_on(box, timezone.localdate(now))
    if item is None:
        return ReviewItem.objects.create(
            user=user,
            story_id=story_id,
            principle_id=principle_id,
            box=box,
            due_on=due,
            last_practised_at=now,
        )
    item.box, item.due_on, item.last_practised_at = box, due, now
    item.save(update_fields=["box", "due_on", "last_practised_at"])
    return item


@transaction.atomic
def mock_loop_start(
    *, user: User, loop: Loop, steps: Sequence[MockStep], target_seconds: int
) -> MockLoop:
    """Rehearse a loop: a round per interviewer, each on its step's principle and
    question, with the planned story already chosen (finishing a round moves that
    (story, principle) pair in the review schedule)."""
    if loop.owner_id != user.pk:
        raise ValueError("Rehearse one of your own loops.")
    if not steps:
        raise ValueError("The loop has no interviewer with a principle to practise.")
    mock = MockLoop.objects.create(user=user, loop=loop, name=loop.name)
    principles = {p.pk: p for p in Principle.objects.filter(pk__in=[s.principle_id for s in steps])}
    stories = {
        s.pk: s
        for s in Story.objects.filter(owner=user, pk__in=[s.story_id for s in steps if s.story_id])
    }
    for position, step in enumerate(steps):
        practice_round = round_start(
            user=user,
            principle=principles[step.principle_id],
            question=step.question,
            target_seconds=target_seconds,
        )
        practice_round.mock_loop = mock
        practice_round.mock_interviewer = step.interviewer
        practice_round.mock_position = position
        practice_round.story = stories.get(step.story_id) if step.story_id else None
        practice_round.save(
            update_fields=["mock_loop", "mock_interviewer", "mock_position", "story"]
        )
    return mock
