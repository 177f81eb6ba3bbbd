"""The coach's shared vocabulary: what goes in (plain data) and what comes out.

No Django here: the backends take plain dataclasses, so they can be tested and
benchmarked on their own and never see another user's rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from stories.star.report import PART_NAMES

#: Parts a follow-up can target ("story" for the story as a whole).
TARGET_PARTS = (*PART_NAMES, "story")
#: The two coaches, by the name results, jobs and forms know them by.
RULES_BACKEND, LLM_BACKEND = "rules", "llm"
#: How many follow-up questions one ask returns, from either backend, for a story or a round.
FOLLOWUPS_PER_ASK = 4


@dataclass(frozen=True)
class FollowUp:
    """One probing question, the STAR part it targets, and why it is asked."""

    question: str
    part: str
    reason: str


@dataclass(frozen=True)
class StoryInput:
    """The story as the coach sees it."""

    title: str
    situation: str
    task: str
    action: str
    result: str
    reflection: str = ""
    when: dt.date | None = None


@dataclass(frozen=True)
class PrincipleInput:
    """The principle the follow-ups probe (data on the principle, not code)."""

    name: str
    description: str = ""
    signals: tuple[str, ...] = ()
    probes: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class CoachResult:
    """What a backend produced, with what it cost."""

    followups: list[FollowUp]
    backend: str
    model: str = ""
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency_ms: int | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ThreadTurn:
    """One question of a thread and the candidate's answer to it; ``kind`` and
    ``verdict`` as judged so far (what the rules need, never sent to the AI coach)."""

    question: str
    answer: str
    kind: str = ""
    verdict: str = ""


@dataclass(frozen=True)
class ThreadInput:
    """One thread as a coach reads it, first question first: the last turn is the
    answer to judge. ``overruled``: the candidate's own verdict on it, if they gave one."""

    turns: tuple[ThreadTurn, ...]
    max_levels: int
    overruled: str = ""

    @property
    def last(self) -> ThreadTurn:
        """The turn being judged."""
        return self.turns[-1]

    @property
    def level(self) -> int:
        """How deep the answer being judged is (the first question is level 1)."""
        return len(self.turns)


@dataclass(frozen=True)
class NextProbe:
    """The next question of a thread: what it probes (a ``threads.QUESTION_KINDS``
    kind) and why it is asked. ``again``: the same question, asked more plainly."""

    question: str
    kind: str
    reason: str
    again: bool = False


@dataclass(frozen=True)
class TurnResult:
    """A coach's turn in a thread: the verdict on the last answer, what it left open,
    the answer's own words it rests on, and the next probe (None: the thread ends)."""

    verdict: str
    missing: tuple[str, ...]
    evidence: str
    probe: NextProbe | None
    backend: str
    model: str = ""
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency_ms: int | None = None
