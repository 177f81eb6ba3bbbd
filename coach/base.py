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
