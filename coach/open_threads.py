"""The threads of a story that have not held up yet, for the story page.

A thread is open when the last answer given in it was judged partly or dodged, and the
candidate did not overrule that. Each open thread is said in plain words, by the
thread's first question: "No number yet for: How did you measure the churn drop?".
"""

from __future__ import annotations

from dataclasses import dataclass

from coach.models import VERDICT_STYLES, FollowUp, Verdict
from stories.models import Story

#: How many of the story's latest follow-ups the list reads (one bounded query).
RECENT_FOLLOWUPS = 200
#: What an answer left open, as the story page says it.
STILL_MISSING = {
    "number": "No number yet",
    "own_action": "Still the team's work, not yours",
    "example": "No concrete example yet",
    "reason": "No reason given yet",
    "outcome": "No outcome yet",
    "specifics": "Still general",
    "relevance": "Answered another question",
}
_QUESTION_CHARS = 90


@dataclass(frozen=True)
class OpenThread:
    """One thread that still needs work: what is open, on which question, where."""

    what: str
    question: str
    job_id: int
    followup_id: int
    verdict: str  # partly or dodged

    @property
    def style(self) -> str:
        """The colour of the thread's mark: its verdict's."""
        return VERDICT_STYLES[Verdict(self.verdict)]


def _root(followup: FollowUp, by_pk: dict[int, FollowUp]) -> FollowUp:
    while followup.parent_id in by_pk:
        followup = by_pk[followup.parent_id]
    return followup


def _shortened(question: str) -> str:
    if len(question) <= _QUESTION_CHARS:
        return question
    return question[: _QUESTION_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _open(root: FollowUp, thread: list[FollowUp]) -> OpenThread | None:
    """What the thread's last answer left open (None when it held up, or when nothing
    in it is answered yet); the link goes to the probe waiting on it, if one does."""
    answered = [f for f in thread if f.answer.strip()]
    if not answered:
        return None
    last = max(answered, key=lambda f: (f.level, f.position))
    if last.verdict not in (Verdict.PARTLY, Verdict.DODGED):
        return None
    waiting = [f for f in thread if f.parent_id == last.pk and not f.answer.strip()]
    at = waiting[0] if waiting else last
    missing = [m for m in last.verdict_missing if m in STILL_MISSING]
    what = STILL_MISSING[missing[0]] if missing else "Not answered yet"
    return OpenThread(what, _shortened(root.question), at.job_id, at.pk, last.verdict)


def open_threads(story: Story, *, limit: int = 5) -> list[OpenThread]:
    """The story's open threads, newest first, at most ``limit`` (one query)."""
    recent = list(
        FollowUp.objects.filter(story=story)
        .only(
            "pk", "job_id", "parent_id", "position", "level", "question", "answer", "verdict",
            "verdict_missing",
        )
        .order_by("-job_id", "-position")[:RECENT_FOLLOWUPS]
    )  # fmt: skip
    by_pk = {f.pk: f for f in recent}
    threads: dict[int, list[FollowUp]] = {}
    for followup in recent:
        threads.setdefault(_root(followup, by_pk).pk, []).append(followup)
    found = []
    for root_pk, thread in threads.items():
        still = _open(by_pk[root_pk], thread)
        if still is not None:
            found.append(still)
        if len(found) == limit:
            break
    return found
