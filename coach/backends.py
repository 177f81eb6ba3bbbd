"""Follow-up questions for a story: one interface, two backends.

    followups(story, principle, n, backend="rules") -> list[FollowUp]

``rules`` (the default) works offline and instantly; ``llm`` asks any
OpenAI-compatible server and validates its answer (see ``llm.py``). The job
pipeline (``coach.jobs``) records which backend answered and why.
"""

from __future__ import annotations

from collections.abc import Collection

from coach.base import FOLLOWUPS_PER_ASK, CoachResult, FollowUp, PrincipleInput, StoryInput
from coach.rules import rules_followups

__all__ = [
    "CoachResult",
    "FollowUp",
    "PrincipleInput",
    "StoryInput",
    "followups",
    "rules_followups",
]


def followups(
    story: StoryInput,
    principle: PrincipleInput | None,
    n: int = FOLLOWUPS_PER_ASK,
    *,
    backend: str = "rules",
    asked: Collection[str] = (),
    llm_settings=None,
) -> list[FollowUp]:
    """Probing follow-up questions on a story, from the chosen backend."""
    if backend == "llm":
        from coach.llm import llm_followups

        return llm_followups(story, principle, n, asked, settings=llm_settings).followups
    return rules_followups(story, principle, n, asked).followups
