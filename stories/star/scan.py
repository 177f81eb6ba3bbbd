"""One pass over a part's text collecting every lexicon hit.

Pronouns, hedges, hypotheticals, vague words, passive constructions and
number words are all found by a single regex (``LEX_RE``); the filters that
need a little context (e.g. "what kind of data" is not a hedge) live here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import lexicon as lx
from .patterns import (
    LEX_KINDS,
    LEX_RE,
    PASSIVE_AGENT_RE,
    PASSIVE_TAIL_RE,
    PREV_LOW_WORD_RE,
    normalise_phrase,
    phrase_spans,
)
from .textutil import Sentences, Span

_TOKEN_RE = re.compile(r"[a-z'\u2019]+")
_NOUN_HEDGES = frozenset({"kind of", "sort of"})


@dataclass(slots=True)
class LexHits:
    """Lexicon hits in one text; spans are offsets into that text."""

    i_spans: list[Span] = field(default_factory=list)
    we_spans: list[Span] = field(default_factory=list)
    i_subjects: int = 0
    hedges: list[Span] = field(default_factory=list)
    hypotheticals: list[Span] = field(default_factory=list)
    intensifiers: list[tuple[int, int, str]] = field(default_factory=list)
    buzzwords: list[tuple[int, int, str]] = field(default_factory=list)
    passives: list[Span] = field(default_factory=list)
    number_words: list[tuple[int, int, str]] = field(default_factory=list)


def scan(text: str, low: str, sentences: Sentences) -> LexHits:
    """Collect lexicon hits in ``text`` (``low`` is its lowercase twin)."""
    hits = LexHits()
    habitual: dict[int, bool] = {}
    for start, end, raw in phrase_spans(LEX_RE, low):
        phrase = raw if raw in LEX_KINDS else normalise_phrase(raw)
        kind = LEX_KINDS.get(phrase)
        if kind == "i":
            if phrase == "i" and low.startswith(".e", end):
                continue  # i.e.
            hits.i_spans.append((start, end))
            hits.i_subjects += phrase in lx.I_SUBJECT_FORMS
        elif kind == "we":
            if phrase == "us" and text[start:end] == "US":
                continue  # the country
            hits.we_spans.append((start, end))
        elif kind == "be":
            passive = _passive(low, start, end)
            if passive is not None:
                hits.passives.append(passive)
        elif kind in ("num", "change"):
            hits.number_words.append((start, end, kind))
        elif kind == "intens":
            hits.intensifiers.append((start, end, phrase))
        elif kind == "buzz":
            hits.buzzwords.append((start, end, phrase))
        elif kind == "hedge":
            if phrase in _NOUN_HEDGES and _previous_word(low, start) in lx.HEDGE_NOUN_DETERMINERS:
                continue
            _count_pronouns(hits, low, start, end)
            hits.hedges.append((start, end))
        elif kind == "hypo":
            _count_pronouns(hits, low, start, end)
            if _previous_word(low, start) in lx.HYPOTHETICAL_SKIP_BEFORE:
                continue
            if _is_habitual(low, sentences, start, habitual):
                continue
            hits.hypotheticals.append((start, end))
    return hits


def _previous_word(low: str, start: int) -> str | None:
    match = PREV_LOW_WORD_RE.search(low, max(0, start - 30), start)
    return match.group(1).replace("\u2019", "'") if match else None


def _count_pronouns(hits: LexHits, low: str, start: int, end: int) -> None:
    """Count the first-person words inside a hedge or hypothetical phrase."""
    for token in _TOKEN_RE.finditer(low, start, end):
        word = token.group().replace("\u2019", "'")
        if word in lx.I_FORMS:
            hits.i_spans.append(token.span())
            hits.i_subjects += word in lx.I_SUBJECT_FORMS
        elif word in lx.WE_FORMS:
            hits.we_spans.append(token.span())


def _is_habitual(low: str, sentences: Sentences, offset: int, cache: dict[int, bool]) -> bool:
    """True when the sentence around ``offset`` describes a habit ("every week")."""
    index = sentences.index(offset)
    if index not in cache:
        sent_start, sent_end = sentences.span_at(offset)
        cache[index] = not lx.HABITUAL_MARKERS.isdisjoint(low[sent_start:sent_end].split())
    return cache[index]


def _passive(low: str, start: int, end: int) -> Span | None:
    """Span of "was implemented"-style passive starting at a be-form, if any."""
    tail = PASSIVE_TAIL_RE.match(low, end)
    if tail is None or not _is_participle(tail.group("verb")):
        return None
    window = low[max(0, start - 48) : start].replace("\u2019", "'")
    before = [word.strip(',;:()"') for word in window.split()[-4:]]
    if not lx.PASSIVE_SKIP_SUBJECTS.isdisjoint(before[-2:]):
        return None  # "I was asked", "we were told"
    if not lx.SUBORDINATORS.isdisjoint(before):
        return None  # "when their cake was boxed": background, not the action
    if PASSIVE_AGENT_RE.match(low, tail.end()):
        return None  # "was approved by the director": the actor is named
    return (start, tail.end())


def _is_participle(word: str) -> bool:
    if word in lx.NOT_PASSIVE or word in lx.STATIVE_PARTICIPLES:
        return False
    if word in lx.IRREGULAR_PARTICIPLES:
        return True
    return len(word) > 4 and word.endswith("ed")
