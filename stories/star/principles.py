"""Suggest which principles (e.g. leadership principles) a story shows.

Cues come from data on each principle (``PrincipleCues.cues``); matching is
whole-word / whole-phrase after lowercasing and light stemming, so "churned"
matches the cue "churn" and "root causes" matches "root cause".
Precision over recall: a principle needs several cues (or one phrase) and a
minimum score; matches in the Action and Result weigh more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from . import thresholds as th
from .report import PART_NAMES
from .splitter import split_answer
from .textutil import stem

_TOKEN_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


@dataclass(frozen=True, slots=True)
class PrincipleCues:
    """A principle and the lowercase cue words/phrases that suggest it."""

    key: str
    name: str
    cues: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "cues", tuple(self.cues))


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A principle the story likely shows, with the evidence."""

    key: str
    name: str
    score: float
    reasons: list[str] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict."""
        return {
            "key": self.key,
            "name": self.name,
            "score": self.score,
            "reasons": list(self.reasons),
            "matched": list(self.matched),
        }


def _stems(text: str) -> list[str]:
    return [stem(token) for token in _TOKEN_RE.findall(text.lower())]


@lru_cache(maxsize=4096)
def _cue_stems(cue: str) -> tuple[str, ...]:
    return tuple(_stems(cue))


def suggest_principles(
    *,
    situation: str = "",
    task: str = "",
    action: str = "",
    result: str = "",
    reflection: str = "",
    text: str | None = None,
    principles: Iterable[PrincipleCues],
    limit: int = th.PRINCIPLE_LIMIT,
    exclude: Iterable[str] = (),
) -> list[Suggestion]:
    """Rank the principles the story most likely shows (best first, at most ``limit``).

    Returns [] when no principle has enough evidence.
    """
    if text is not None:
        parts = split_answer(text).parts
    else:
        parts = {
            "situation": situation or "",
            "task": task or "",
            "action": action or "",
            "result": result or "",
            "reflection": reflection or "",
        }
    principles = list(principles)
    excluded = set(exclude)
    lengths = {len(_cue_stems(cue)) for p in principles for cue in p.cues} - {0}
    grams = {name: _ngrams(_stems(parts[name]), lengths) for name in PART_NAMES}
    suggestions = []
    for principle in principles:
        if principle.key in excluded:
            continue
        suggestion = _evaluate(principle, grams)
        if suggestion is not None:
            suggestions.append(suggestion)
    suggestions.sort(key=lambda s: (-s.score, s.key))
    return suggestions[: max(0, limit)]


def _ngrams(tokens: list[str], lengths: set[int]) -> set[tuple[str, ...]]:
    grams: set[tuple[str, ...]] = set()
    for size in lengths:
        grams.update(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))
    return grams


def _evaluate(
    principle: PrincipleCues, grams: dict[str, set[tuple[str, ...]]]
) -> Suggestion | None:
    matches: list[tuple[float, str, list[str]]] = []
    seen: set[tuple[str, ...]] = set()
    for cue in principle.cues:
        stems = _cue_stems(cue)
        if not stems or stems in seen:
            continue
        seen.add(stems)
        where = [name for name in PART_NAMES if stems in grams[name]]
        if not where:
            continue
        weight = max(th.PRINCIPLE_PART_WEIGHTS[name] for name in where)
        if len(stems) > 1:
            weight *= th.PRINCIPLE_PHRASE_FACTOR
        weight += th.PRINCIPLE_EXTRA_PART_BONUS * (len(where) - 1)
        matches.append((weight, cue, where))
    score = round(sum(weight for weight, _, _ in matches), 2)
    has_phrase = any(len(_cue_stems(cue)) > 1 for _, cue, _ in matches)
    if score < th.PRINCIPLE_MIN_SCORE:
        return None
    if len(matches) < th.PRINCIPLE_MIN_DISTINCT_CUES and not has_phrase:
        return None
    matches.sort(key=lambda m: (-m[0], m[1]))
    reasons = [
        f'"{cue}" in {_join([name.capitalize() for name in where])}' for _, cue, where in matches
    ]
    return Suggestion(principle.key, principle.name, score, reasons, [cue for _, cue, _ in matches])


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
