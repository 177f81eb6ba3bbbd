"""Writes for practice rounds and the review schedule."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from coach.base import FOLLOWUPS_PER_ASK, FollowUp
from coach.jobs import answer_as_story, principle_input
from coach.rules import rules_followups
from practice import scheduling
from practice.models import (
    FollowUpRating,
    PracticeRound,
    ReviewItem,
    RoundFollowUp,
    RoundStatus,
)
from principles.models import Principle, Question
from stories.models import Story
from stories.scoring import key_flags
from stories.star import check


def round_start(
    *, user, principle: Principle | None, question: Question | None, target_seconds: int
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
    practice_round.status = RoundStatus.FOLLOWUPS
    practice_round.full_clean(exclude=["user", "principle", "question", "story"])
    practice_round.save()
    return practice_round


def round_add_rules_followups(*, practice_round: PracticeRound) -> list[RoundFollowUp]:
    """The offline coach's follow-ups on the answer, appended to the round at once."""
    asked = list(practice_round.followups.values_list("question", flat=True))
    if practice_round.story_id:
        asked += RoundFollowUp.objects.filter(round__story_id=practice_round.story_id).values_list(
            "question", flat=True
        )
    result = rules_followups(
        answer_as_story(practice_round.question_text, practice_round.answer),
        principle_input(practice_round.principle),
        FOLLOWUPS_PER_ASK,
        asked,
    )
    return round_followups_append(practice_round=practice_round, followups=result.followups)


def round_followups_append(
    *, practice_round: PracticeRound, followups: Iterable[FollowUp]
) -> list[RoundFollowUp]:
    """Add follow-ups after the round's existing ones (from either coach)."""
    start = practice_round.followups.count()
    return RoundFollowUp.objects.bulk_create(
        RoundFollowUp(
            round=practice_round,
            position=start + offset,
            question=item.question,
            part=item.part,
            reason=item.reason,
        )
        for offset, item in enumerate(followups, start=1)
    )


def round_followup_answer(*, followup: RoundFollowUp, answer: str, rating: str) -> RoundFollowUp:
    """Answer a follow-up (or skip it) and say how it went."""
    followup.answer = answer
    followup.rating = FollowUpRating(rating)
    followup.full_clean(exclude=["round"])
    followup.save(update_fields=["answer", "rating"])
    return followup


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
        shaky = practice_round.followups.filter(rating=FollowUpRating.SHAKY).count()
        review_item_record(
            user=practice_round.user,
            story_id=practice_round.story_id,
            principle_id=practice_round.principle_id,
            was_nailed=scheduling.nailed(self_rating, shaky),
        )
    return practice_round


def review_item_record(*, user, story_id: int, principle_id: int, was_nailed: bool) -> ReviewItem:
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
