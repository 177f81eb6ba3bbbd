"""One turn of a follow-up thread: keep the answer, judge it, and ask the next probe.

A coach decides (the rules in ``coach.threads`` at once, or the AI coach in a turn job:
``coach.jobs``); this module writes: the answer, the verdict with what was left open,
and the probe as a new follow-up of the same job, one level deeper.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from coach import threads
from coach.backends import rules_turn
from coach.base import ThreadInput, ThreadTurn, TurnResult
from coach.models import FollowUp, FollowUpJob, Rating, Verdict
from stories.star.quick import QuickRead, quick_read

#: The reason shown beside a probe asked because of an answer.
_PROBE_REASON = "Asked because of your answer: {why}"


def _thread(followup: FollowUp) -> list[FollowUp]:
    """The follow-ups from the thread's first question down to this one."""
    chain = [followup]
    while chain[-1].parent_id is not None:
        chain.append(FollowUp.objects.get(pk=chain[-1].parent_id))
    return chain[::-1]


def thread_input(followup: FollowUp) -> ThreadInput:
    """The follow-up's thread as a coach reads it: its questions and answers from the
    first question down to this one (nothing of any other thread)."""
    chain = _thread(followup)
    kind = followup.kind or threads.question_kind(followup.question, followup.part)
    turns = [ThreadTurn(f.question, f.answer, f.kind, f.verdict) for f in chain[:-1]]
    turns.append(ThreadTurn(followup.question, followup.answer, kind, followup.verdict))
    return ThreadInput(
        turns=tuple(turns),
        max_levels=settings.FOLLOWUP_THREAD_LEVELS,
        overruled=followup.verdict if followup.verdict_by_user else "",
    )


def keep_answer(*, followup: FollowUp, answer: str, rating: str) -> FollowUp:
    """Keep the answer and how it went (not judged yet), with its job locked: one turn
    at a time per job. Call it inside a transaction; returns the locked row."""
    FollowUpJob.objects.select_for_update().filter(pk=followup.job_id).first()
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    followup.answer = answer
    followup.rating = Rating(rating) if rating else ""
    followup.answered_at = timezone.now()
    followup.kind = followup.kind or threads.question_kind(followup.question, followup.part)
    followup.full_clean(exclude=["job", "story", "parent"])
    followup.save(update_fields=["answer", "rating", "answered_at", "kind"])
    return followup


@transaction.atomic
def write_turn(*, followup_id: int, result: TurnResult, probe: bool = True) -> FollowUp | None:
    """Write a coach's turn on an answered follow-up, once: the verdict (unless the
    candidate overruled it) and, when ``probe``, the next probe as a new follow-up of
    the same job, one level deeper. Never past the thread's last level, never a second
    probe for the same answer (the one there is returned), never a probe for what the
    thread already answered (unless it asks the same question again, more plainly)."""
    FollowUpJob.objects.select_for_update().filter(followups=followup_id).first()
    followup = FollowUp.objects.select_for_update().get(pk=followup_id)
    if not followup.verdict_by_user:
        followup.verdict = Verdict(result.verdict)
        followup.verdict_missing = list(result.missing)
        followup.verdict_evidence = result.evidence[:300]
        followup.save(update_fields=["verdict", "verdict_missing", "verdict_evidence"])
    already = followup.probes.first()
    asked = result.probe
    if already is not None or asked is None or not probe:
        return already
    if followup.level >= settings.FOLLOWUP_THREAD_LEVELS:
        return None
    answered = {f.kind for f in _thread(followup) if f.verdict == Verdict.ANSWERED}
    if asked.kind in answered and not asked.again:
        return None
    last = FollowUp.objects.filter(job_id=followup.job_id).aggregate(at=Max("position"))["at"]
    return FollowUp.objects.create(
        job_id=followup.job_id,
        story_id=followup.story_id,
        position=(last or 0) + 1,
        question=asked.question[:300],
        part=followup.part,
        reason=_PROBE_REASON.format(why=asked.reason)[:300],
        parent=followup,
        level=followup.level + 1,
        kind=asked.kind,
    )


def rules_turn_write(*, followup_id: int) -> FollowUp | None:
    """The offline coach takes the turn on an answered follow-up (the probe returned)."""
    followup = FollowUp.objects.get(pk=followup_id)
    if not followup.answer.strip():
        return followup.probes.first()  # nothing to judge
    result = rules_turn(thread_input(followup))
    asks = followup.rating != Rating.SKIPPED
    return write_turn(followup_id=followup_id, result=result, probe=asks)


@transaction.atomic
def answer_followup(*, followup: FollowUp, answer: str, rating: str) -> FollowUp | None:
    """Keep the answer and how it went, judge it, and ask the next probe of the thread
    (returned; None when the thread is as deep as it goes, or the question was skipped).
    Nothing is asked twice: a second answer to the same follow-up asks nothing new."""
    followup = keep_answer(followup=followup, answer=answer, rating=rating)
    return rules_turn_write(followup_id=followup.pk)


def overrule_verdict(*, followup: FollowUp, verdict: str) -> FollowUp:
    """The candidate knows better: their verdict replaces the rules' one."""
    followup.verdict = Verdict(verdict)
    followup.verdict_by_user = True
    followup.save(update_fields=["verdict", "verdict_by_user"])
    return followup


def read_of(followup: FollowUp) -> QuickRead | None:
    """The quick read of the follow-up's answer, for the page (None when unanswered)."""
    return quick_read(followup.answer) if followup.answer.strip() else None


def in_thread_order(followups: list[FollowUp]) -> list[FollowUp]:
    """Follow-ups (in the order asked) grouped by thread: each first question is
    followed by the probes asked on its answers, deepest last."""
    by_pk = {f.pk: f for f in followups}
    place = {f.pk: index for index, f in enumerate(followups)}

    def first_of(followup: FollowUp) -> FollowUp:
        while followup.parent_id in by_pk:
            followup = by_pk[followup.parent_id]
        return followup

    return sorted(followups, key=lambda f: (place[first_of(f).pk], f.level, place[f.pk]))
