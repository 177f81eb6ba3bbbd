"""Which of my stories should answer this question? A ranking with reasons.

For each story, points come from (constants below):
- being mapped to the question's principle (primary beats secondary);
- that principle's signal cues (its ``keywords`` data) found in the story;
- words the story shares with the question (interview boilerplate ignored);
- the story's stored STAR score, so a polished story wins a tie.

Pure computation over rows already fetched, so the page's query count is fixed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from stories.star.lexicon import STOPWORDS
from stories.star.textutil import stem

POINTS_PRIMARY = 4.0
POINTS_SECONDARY = 2.0
POINTS_PER_CUE = 1.0
MAX_CUE_POINTS = 3.0
POINTS_PER_SHARED_WORD = 0.5
MAX_OVERLAP_POINTS = 2.0
MAX_SCORE_POINTS = 1.5
#: A story needs at least this many points to be suggested at all.
MIN_POINTS = 1.0
TOP = 3

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
# Words every interview question uses ("tell me about a time..."): no clue to a story.
_QUESTION_WORDS = (
    "tell",
    "describe",
    "give",
    "walk",
    "share",
    "example",
    "time",
    "situation",
    "story",
    "experience",
    "moment",
    "case",
    "project",
    "work",
    "worked",
    "working",
    "something",
    "someone",
    "anything",
    "would",
    "could",
    "should",
    "can",
    "will",
    "differently",
    "let",
    "talk",
    "through",
)
_IGNORED = frozenset(stem(word) for word in (*STOPWORDS, *_QUESTION_WORDS))


@dataclass(frozen=True)
class StoryText:
    """What the matcher needs of a story."""

    pk: int
    title: str
    text: str
    score: int | None


@dataclass(frozen=True)
class Match:
    """A story ranked for a question, with the reasons for its place."""

    story: StoryText
    points: float
    reasons: list[str] = field(default_factory=list)


def stems(text: str) -> list[str]:
    """Lowercased, lightly stemmed words."""
    return [stem(word) for word in _WORD.findall(text.lower())]


def content_words(text: str) -> dict[str, str]:
    """The words that carry meaning, by stem (boilerplate and short words dropped)."""
    words: dict[str, str] = {}
    for word in _WORD.findall(text.lower()):
        key = stem(word)
        if key not in _IGNORED and len(key) > 2:
            words.setdefault(key, word)
    return words


def content_stems(text: str) -> set[str]:
    """The stems of the words that carry meaning."""
    return set(content_words(text))


@dataclass(frozen=True)
class Cues:
    """A principle's name and signal cue phrases, each with its stems (worked out once)."""

    name: str
    phrases: tuple[tuple[str, str], ...]  # (cue as written, " its stems joined ")


def cues_of(cues: Iterable[str], name: str = "") -> Cues:
    """Stem the cue phrases once, for any number of stories."""
    phrases = []
    for cue in cues:
        cue_stems = stems(cue)
        if cue_stems:
            phrases.append((cue, f" {' '.join(cue_stems)} "))
    return Cues(name, tuple(phrases))


def principle_cues(principle: object | None) -> Cues:
    """The principle's signal cues (its ``keywords``), stemmed once."""
    return _cues_of(tuple(getattr(principle, "keywords", []) or ()), getattr(principle, "name", ""))


@lru_cache(maxsize=1024)
def _cues_of(cues: tuple[str, ...], name: str) -> Cues:
    return cues_of(cues, name)


def haystack(story_stems: Sequence[str]) -> str:
    """A story's stems as one string to find cue phrases in (built once per story)."""
    return f" {' '.join(story_stems)} "


def cues_in(text_stems: str, cues: Cues) -> list[str]:
    """The cue phrases found, whole, in a ``haystack``."""
    return [cue for cue, padded in cues.phrases if padded in text_stems]


def _cues_found(story_stems: Sequence[str], cues: Iterable[str]) -> list[str]:
    return cues_in(haystack(story_stems), cues_of(cues))


def guess_principle(question: str, principles: Iterable[object]) -> object | None:
    """For a typed question: the principle whose cues or name it echoes most, if any.

    A whole cue phrase counts double; a single shared meaningful word counts once.
    """
    question_stems = stems(question)
    question_words = content_stems(question)
    best, best_points = None, 0
    for principle in principles:
        cues = [*getattr(principle, "keywords", []), principle.name]
        phrases = len(_cues_found(question_stems, cues))
        words = len(question_words & content_stems(" ".join(cues)))
        points = 2 * phrases + words
        if points > best_points:
            best, best_points = principle, points
    return best


def principle_points(text_stems: str, cues: Cues, weight: str | None) -> tuple[float, list[str]]:
    """How well a story (its ``haystack``) shows a principle: its mapping (primary beats
    secondary) and the principle's signal cues it contains, with the reasons."""
    points, reasons = 0.0, []
    name = cues.name
    if weight:
        points += POINTS_PRIMARY if weight == "primary" else POINTS_SECONDARY
        reasons.append(f"Mapped to {name} ({weight})")
    found = cues_in(text_stems, cues)
    if found:
        points += min(MAX_CUE_POINTS, POINTS_PER_CUE * len(found))
        quoted = ", ".join(f"“{cue}”" for cue in found[:4])
        reasons.append(f"Shows {name} signals: {quoted}")
    return points, reasons


def score_points(score: int | None) -> float:
    """What the stored STAR score adds, so a polished story wins a tie."""
    return 0.0 if score is None else MAX_SCORE_POINTS * score / 100


def rank_stories(
    question: str,
    principle: object | None,
    stories: Iterable[StoryText],
    weights: Mapping[int, str],
    *,
    top: int | None = TOP,
) -> list[Match]:
    """Rank stories for a question; ``weights`` maps story pk -> weight for ``principle``."""
    question_words = content_words(question)
    cues = principle_cues(principle)
    matches = []
    for story in stories:
        story_stems = stems(f"{story.title} {story.text}")
        points, reasons = principle_points(haystack(story_stems), cues, weights.get(story.pk))
        shared = sorted(question_words[key] for key in question_words.keys() & set(story_stems))
        if shared:
            points += min(MAX_OVERLAP_POINTS, POINTS_PER_SHARED_WORD * len(shared))
            reasons.append(f"Shares words with the question: {', '.join(shared[:5])}")
        if points < MIN_POINTS:
            continue
        if story.score is not None:
            points += score_points(story.score)
            reasons.append(f"STAR score {story.score}")
        matches.append(Match(story, round(points, 2), reasons))
    matches.sort(key=lambda m: (-m.points, m.story.title.lower(), m.story.pk))
    return matches[:top] if top else matches
