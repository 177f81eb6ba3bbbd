"""Per-part analysis: words, sentences, quantities and lexicon hits."""

from __future__ import annotations

from dataclasses import dataclass

from .patterns import PROPER_NOUN_RE
from .quantities import Quantity, collect_quantities
from .roles import Unit, units
from .scan import LexHits, scan
from .splitter import PartFindings
from .textutil import Sentences, count_words, lower_same_length


@dataclass(slots=True)
class PartAnalysis:
    """Everything the checks need to know about one part's text."""

    name: str
    text: str
    words: int
    sentences: Sentences
    quantities: list[Quantity]
    hits: LexHits
    vague: list[tuple[int, int, str]]
    units: list[Unit]

    def has_role(self, role: str, *, concrete: bool = False) -> bool:
        """True when some unit of this part plays ``role`` (and is concrete, if asked)."""
        return any(u.role == role and (u.concrete or not concrete) for u in self.units)


def analyse_part(name: str, text: str, known: PartFindings | None = None) -> PartAnalysis:
    """Analyse one part; cost is linear in the length of ``text``.

    ``known`` is what the splitter already found in this part of an undivided answer.
    """
    low = lower_same_length(text)
    sentences = Sentences(text)
    if known is not None:
        hits, quantities, found = known.lex, known.quantities, known.units
    else:
        hits = scan(text, low, sentences)
        quantities = collect_quantities(text, low, hits.number_words)
        found = units(text, low, sentences.spans, quantities)
    vague = _unanchored_vague(text, hits, quantities, sentences)
    return PartAnalysis(name, text, count_words(text), sentences, quantities, hits, vague, found)


def _unanchored_vague(
    text: str,
    hits: LexHits,
    quantities: list[Quantity],
    sentences: Sentences,
) -> list[tuple[int, int, str]]:
    """Vague phrases whose sentence gives no number (or, for buzzwords, no name)."""
    if not hits.intensifiers and not hits.buzzwords:
        return []
    with_number = {sentences.index(q.start) for q in quantities}
    flagged = [hit for hit in hits.intensifiers if sentences.index(hit[0]) not in with_number]
    named: dict[int, bool] = {}
    for hit in hits.buzzwords:
        index = sentences.index(hit[0])
        if index in with_number:
            continue
        if index not in named:
            sent_start, sent_end = sentences.spans[index]
            named[index] = PROPER_NOUN_RE.search(text, sent_start, sent_end) is not None
        if not named[index]:
            flagged.append(hit)
    flagged.sort()
    return flagged
