"""Follow-up questions: one interface, two backends.

    followups(story, principle, n, backend="rules") -> (CoachResult, fallback reason)

``rules`` (the default) works offline and instantly; ``llm`` asks any
OpenAI-compatible server and validates its answer (see ``llm.py``). When the AI
coach's answer is unusable the offline coach answers instead, and the reason says so;
an unreachable or failing server raises ``LLMError`` (``transient`` when a retry may
help). The job pipeline (``coach.jobs``) runs this and records who answered and why.
"""

from __future__ import annotations

from collections.abc import Collection

from coach import rules
from coach.base import FOLLOWUPS_PER_ASK, LLM_BACKEND, CoachResult, PrincipleInput, StoryInput
from coach.llm import LLMAnswerRejected, LLMSettings, llm_followups


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
        # The questions are the rules coach's; the model, tokens and time spent are the LLM's.
        result = CoachResult(
            followups=offline.followups,
            backend=rules.BACKEND,
            model=rejected.model,
            prompt_tokens=rejected.prompt_tokens,
            completion_tokens=rejected.completion_tokens,
            latency_ms=rejected.latency_ms,
        )
        why = (
            f"The AI coach's answer was unusable ({rejected.reason}); "
            "the offline coach answered instead."
        )
        return result, why
