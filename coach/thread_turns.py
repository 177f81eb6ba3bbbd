"""One turn of a follow-up thread: keep the answer, judge it, and ask the next probe.

The rules (``coach.threads``) decide; this module writes: the answer, the verdict with
what was left open, and the probe as a new follow-up of the same job, one level deeper.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from coach import threads
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


@transaction.atomic
def answer_followup(*, followup: FollowUp, answer: str, rating: str) -> FollowUp | None:
    """Keep the answer and how it went, judge it, and ask the next probe of the thread
    (returned; None when the thread is as deep as it goes, or the question was skipped).
    Nothing is asked twice: a second answer to the same follow-up asks nothing new."""
    # One turn at a time per job: the probe takes the job's next position.
    FollowUpJob.objects.select_for_update().filter(pk=followup.job_id).first()
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    already = followup.probes.first()
    followup.answer = answer
    followup.rating = Rating(rating) if rating else ""
    followup.answered_at = timezone.now()
    kind = followup.kind or threads.question_kind(followup.question, followup.part)
    thread = _thread(followup)
    # A probe ("What was the number?") is about what the thread's first question named.
    topic = " ".join(f.question for f in thread)
    judged = threads.judge(kind, topic, answer) if answer.strip() else None
    if judged is not None and not followup.verdict_by_user:
        followup.verdict = judged.verdict
        followup.verdict_missing = list(judged.missing)
        followup.verdict_evidence = judged.evidence[:300]
    followup.kind = kind
    followup.full_clean(exclude=["job", "story", "parent"])
    followup.save()
    if already is not None or judged is None or rating == Rating.SKIPPED:
        return already
    answered = [f.kind for f in thread if f.verdict == Verdict.ANSWERED]
    probe = threads.next_probe(
        judged,
        question=followup.question,
        asked=answered,
        level=followup.level,
        max_levels=settings.FOLLOWUP_THREAD_LEVELS,
        pressing=followup.kind if followup.parent_id else "",
    )
    if probe is None:
        return None
    last = FollowUp.objects.filter(job_id=followup.job_id).aggregate(at=Max("position"))["at"]
    return FollowUp.objects.create(
        job_id=followup.job_id,
        story_id=followup.story_id,
        position=(last or 0) + 1,
        question=probe.question[:300],
        part=followup.part,
        reason=_PROBE_REASON.format(why=threads.PROBE_REASONS.get(probe.kind, probe.kind)),
        parent=followup,
        level=followup.level + 1,
        kind=kind if probe.kind == "relevance" else probe.kind,  # asked again, as it was
    )


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
