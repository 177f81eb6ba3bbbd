"""Answering a follow-up: the answer kept at once, then the coach's turn in the thread.

A thread started by the AI coach stays the AI coach's: its turn (the verdict on the
answer and the next probe) runs as a job (``jobs.turn_job_start``), and the page shows
the quick read of the answer meanwhile. The offline coach takes the turn at once when
the thread is its own, when there is nothing to probe (a skip, an empty answer), when
the AI coach is not configured, or when the user has reached the hourly limit (the
reason is returned for the page). The AI coach judges each answer once: answering
the same follow-up again keeps the new words and asks nothing more. The candidate need
not wait: ``turn_hand_over`` gives a queued turn to the offline coach at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from coach import jobs, thread_turns
from coach.models import CoachBackend, FollowUp, FollowUpJob, Rating

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class TakenTurn:
    """What answering did: the follow-up as saved, the probe asked at once (the offline
    coach's), the AI coach's turn, and why the AI coach did not take it."""

    followup: FollowUp
    probe: FollowUp | None = None
    turn_job: FollowUpJob | None = None
    refusal: str = ""
    #: The AI coach had this answer already (its turn is shown where it was).
    again: bool = False


def _for_the_ai_coach(followup: FollowUp, answer: str, rating: str) -> bool:
    """Is this answer's turn the AI coach's to take?"""
    return (
        followup.job.requested_backend == CoachBackend.LLM
        and bool(answer.strip())
        and rating != Rating.SKIPPED
        and jobs.llm_configured()
    )


def followup_turn_take(*, user: User, followup: FollowUp, answer: str, rating: str) -> TakenTurn:
    """Keep the answer to a follow-up and have the thread's coach take its turn."""
    if not _for_the_ai_coach(followup, answer, rating):
        probe = thread_turns.answer_followup(followup=followup, answer=answer, rating=rating)
        return TakenTurn(followup=FollowUp.objects.get(pk=followup.pk), probe=probe)
    with transaction.atomic():
        kept = thread_turns.keep_answer(followup=followup, answer=answer, rating=rating)
        queued = FollowUpJob.objects.filter(turn_of=kept).first()
        if queued is not None:  # judged once already, or being judged
            return TakenTurn(followup=kept, turn_job=queued, again=True)
        try:
            turn_job = jobs.turn_job_start(user=user, followup=kept)
        except (jobs.RateLimited, jobs.CoachUnavailable) as refusal:
            probe = thread_turns.rules_turn_write(followup_id=kept.pk)
            kept.refresh_from_db()
            return TakenTurn(
                followup=kept,
                probe=probe,
                refusal=f"{refusal} The offline coach judged this answer.",
            )
    return TakenTurn(followup=kept, turn_job=turn_job)


#: Why a turn handed over by the candidate is the offline coach's (the job's error).
HANDED_OVER = "You went on without waiting for the AI coach."


def turn_hand_over(*, followup: FollowUp) -> FollowUp | None:
    """Do not wait for the AI coach: the offline coach takes the turn now and the AI
    coach's job ends (an answer it gives later is not used); returns the probe."""
    turn_job = FollowUpJob.objects.filter(turn_of=followup).first()
    if turn_job is not None:
        jobs.followup_job_fail(job_id=turn_job.pk, error=HANDED_OVER)
    return followup.probes.first()
