"""Small text helpers shared by the checks."""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache

import snowballstemmer

from .lexicon import ABBREVIATIONS, PLACEHOLDERS
from .patterns import (
    HAS_LETTER_RE,
    LOWER_SENTENCE_END_RE,
    SENTENCE_END_RE,
    WORD_BEFORE_STOP_RE,
)

Span = tuple[int, int]

# Snowball's English (Porter2) stemmer; it runs in C when PyStemmer is installed.
_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The word's stem, lowercased, without a possessive ("customers'" -> "custom")."""
    word = word.lower().replace("\u2019", "'").removesuffix("'s").rstrip("'")
    stemmed: str = _STEMMER.stemWord(word)
    return stemmed


def lower_same_length(text: str) -> str:
    """Lowercase ``text`` keeping every offset valid.

    ``str.lower`` can lengthen a few characters (e.g. "İ"); those are kept as is.
    """
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(lc if len(lc := ch.lower()) == 1 else ch for ch in text)


def count_words(text: str) -> int:
    """Number of whitespace-separated words."""
    return len(text.split())


def sentence_spans(text: str) -> list[Span]:
    """Sentence spans (without surrounding whitespace), in order.

    A sentence ends at a line break, or at ".", "!" or "?" before a capital
    letter; before a lowercase word too (dictated text), unless the word before
    the stop is an abbreviation or one letter ("e.g. the"); never inside "3.5".
    """
    spans: list[Span] = []
    start = 0
    ends = [m.end() for m in SENTENCE_END_RE.finditer(text)]
    lower_ends = [
        m.end() for m in LOWER_SENTENCE_END_RE.finditer(text) if _ends_sentence(text, m.start())
    ]
    if lower_ends:
        ends = sorted(set(ends).union(lower_ends))
    for end in ends:
        _append_stripped(text, start, end, spans)
        start = end
    _append_stripped(text, start, len(text), spans)
    return spans


def _ends_sentence(text: str, stop: int) -> bool:
    """Whether the stop at ``stop`` ends a sentence though a lowercase word follows."""
    if text[stop] != ".":
        return True
    match = WORD_BEFORE_STOP_RE.search(text, max(0, stop - 12), stop)
    word = match.group(1).lower().strip(".") if match else ""
    return len(word.replace(".", "")) > 1 and word not in ABBREVIATIONS


def _append_stripped(text: str, start: int, end: int, spans: list[Span]) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        lead = chunk.find(stripped[0])
        spans.append((start + lead, start + lead + len(stripped)))


class Sentences:
    """Sentence spans of a text, computed on first use."""

    __slots__ = ("_spans", "_starts", "text")

    def __init__(self, text: str, spans: list[Span] | None = None) -> None:
        self.text = text
        self._spans: list[Span] | None = spans
        self._starts: list[int] = [start for start, _ in spans] if spans is not None else []

    @property
    def spans(self) -> list[Span]:
        """All sentence spans."""
        if self._spans is None:
            self._spans = sentence_spans(self.text)
            self._starts = [start for start, _ in self._spans]
        return self._spans

    def index(self, offset: int) -> int:
        """Index of the sentence containing ``offset`` (0 when there is none)."""
        if not self.spans:
            return 0
        return max(0, bisect_right(self._starts, offset) - 1)

    def span_at(self, offset: int) -> Span:
        """Span of the sentence containing ``offset``."""
        spans = self.spans
        return spans[self.index(offset)] if spans else (0, len(self.text))


def is_placeholder(text: str) -> bool:
    """True for text with no real content ("n/a", "TBD", "...", digits only)."""
    stripped = text.strip()
    if not stripped:
        return True
    if stripped.lower().rstrip(".!") in PLACEHOLDERS:
        return True
    return HAS_LETTER_RE.search(stripped) is None


def opens_with_placeholder(text: str) -> bool:
    """True when the first line has no real content ("T: ?" over notes to self)."""
    return is_placeholder(text.strip().split("\n", 1)[0])
