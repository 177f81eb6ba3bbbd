"""Follow-up questions: one interface, two backends.

    followups(story, principle, n, backend="rules") -> (CoachResult, fallback reason)
    turn(story, principle, thread, backend="rules") -> (TurnResult, fallback reason)

``rules`` (the default) works offline and instantly; ``llm`` asks any
OpenAI-compatible server and validates its answer (see ``llm.py``). When the AI
coach's answer is unusable the offline coach answers instead, and the reason says so;
an unreachable or failing server raises ``LLMError`` (``transient`` when a retry may
help). The job pipeline (``coach.jobs``) runs this and records who answered and why.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from coach import rules, threads
from coach.base import (
    FOLLOWUPS_PER_ASK,
    LLM_BACKEND,
    CoachResult,
    NextProbe,
    PrincipleInput,
    StoryInput,
    ThreadInput,
    TurnResult,
)
from coach.llm import LLMAnswerRejected, LLMSettings, llm_followups, llm_turn


def followups(
    story: StoryInput,
    principle: PrincipleInput | None,
    n: int = FOLLOWUPS_PER_ASK,
    *,
    backend: str = rules.BACKEND,
    asked: Collection[str] = (),
    llm_settings: LLMSettings | None = None,
) -> tuple[CoachResult, str]:
    """Probing follow-up questions on a story from the chosen backend, and, when the
    offline coach answered in the AI coach's place, why ("" otherwise)."""
    if backend != LLM_BACKEND:
        return rules.rules_followups(story, principle, n, asked), ""
    if llm_settings is None:
        raise ValueError("the AI coach needs its settings")
    try:
        return llm_followups(story, principle, n, asked, settings=llm_settings), ""
    except LLMAnswerRejected as rejected:
        offline = rules.rules_followups(story, principle, n, asked)
        return _offline_instead(offline, rejected, "answered")


def rules_turn(thread: ThreadInput) -> TurnResult:
    """The offline coach's turn: its verdict on the last answer and its next probe."""
    judged, probe = threads.rules_turn(thread)
    next_probe = None
    if probe is not None:
        again = probe.kind == "relevance"  # the same question, asked more plainly
        next_probe = NextProbe(
            question=probe.question,
            kind=thread.last.kind if again else probe.kind,
            reason=threads.PROBE_REASONS.get(probe.kind, probe.kind),
            again=again,
        )
    return TurnResult(
        verdict=judged.verdict,
        missing=judged.missing,
        evidence=judged.evidence,
        probe=next_probe,
        backend=rules.BACKEND,
    )


def turn(
    story: StoryInput,
    principle: PrincipleInput | None,
    thread: ThreadInput,
    *,
    backend: str = rules.BACKEND,
    llm_settings: LLMSettings | None = None,
) -> tuple[TurnResult, str]:
    """A coach's turn in a thread (the verdict on its last answer, the next probe) and,
    when the offline coach took it in the AI coach's place, why ("" otherwise)."""
    if backend != LLM_BACKEND:
        return rules_turn(thread), ""
    if llm_settings is None:
        raise ValueError("the AI coach needs its settings")
    try:
        return llm_turn(story, principle, thread, settings=llm_settings), ""
    except LLMAnswerRejected as rejected:
        return _offline_instead(rules_turn(thread), rejected, "judged this answer")


def _offline_instead[R: (CoachResult, TurnResult)](
    offline: R, rejected: LLMAnswerRejected, did: str
) -> tuple[R, str]:
    """The offline coach's result in the AI coach's place, and why: what it says is the
    rules coach's; the model, tokens and time spent are the LLM's."""
    result = dataclasses.replace(
        offline,
        model=rejected.model,
        prompt_tokens=rejected.prompt_tokens,
        completion_tokens=rejected.completion_tokens,
        latency_ms=rejected.latency_ms,
    )
    why = (
        f"The AI coach's answer was unusable ({rejected.reason}); the offline coach {did} instead."
    )
    return result, why
