"""Split one undivided answer into Situation, Task, Action, Result, Reflection.

Section labels ("Situation:", "**Result** -") win when at least two are
present.  Otherwise each sentence is scored per part from cue phrases ("my
task was", "as a result", "looking back"), numbers and its position, and a
small dynamic programme picks the best in-order assignment.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from . import thresholds as th
from .lexicon import I_SUBJECT_FORMS, LETTER_LABELS, SECTION_LABELS
from .patterns import (
    I_PAST_RE,
    LETTER_LABEL_RE,
    SECTION_LABEL_TAIL_RE,
    SPLIT_CUE_PART,
    SPLIT_RE,
    normalise_phrase,
    phrase_spans,
)
from .quantities import AMOUNT_KINDS, Quantity, collect_quantities
from .report import CORE_PARTS, PART_NAMES
from .roles import Unit, units
from .scan import LexHits, scan
from .textutil import Sentences, lower_same_length, opens_with_placeholder, sentence_spans

_PART_INDEX = {name: index for index, name in enumerate(PART_NAMES)}
_PART_RANGE = range(len(PART_NAMES))
_ACTION = _PART_INDEX["action"]
_REFLECTION = _PART_INDEX["reflection"]
_RESULT = _PART_INDEX["result"]
_PLACES = tuple(zip(th.SPLIT_PART_CENTRES, th.SPLIT_PART_WIDTHS, strict=True))
Hit = tuple[int, int, str]
# Markdown or bullets that may precede a label ("**Task**", "- Result:").
_LABEL_MARKUP = " \t>*_#\u2022-"
_MAX_LABEL_MARKUP = 12


@dataclass(frozen=True, slots=True)
class SplitResult:
    """Parts found in an answer; segments are (part, start, end) in the answer."""

    parts: dict[str, str]
    confidence: float
    method: str  # "labels", "cues" or "empty"
    segments: list[tuple[str, int, int]]
    # What was found in the whole answer when it was split by cues; ``for_parts()``
    # hands each part its share, so the checker does not look for it again.
    units: list[Unit] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    lex: LexHits | None = None

    def for_parts(self) -> dict[str, PartFindings]:
        """Each part's units, quantities and lexicon hits, in the part's own offsets."""
        lex = self.lex
        if lex is None:
            return {}
        units_ = self._per_part(self.units, Unit.shifted)
        quantities = self._per_part(self.quantities, Quantity.shifted)
        pairs = {
            name: self._per_part(getattr(lex, name), _shift_pair)
            for name in ("i_spans", "we_spans", "hedges", "hypotheticals", "passives")
        }
        triples = {
            name: self._per_part(getattr(lex, name), _shift_triple)
            for name in ("intensifiers", "buzzwords", "number_words")
        }
        found = {}
        for part in PART_NAMES:
            text = self.parts[part]
            i_spans = pairs["i_spans"][part]
            hits = LexHits(
                i_spans=i_spans,
                we_spans=pairs["we_spans"][part],
                i_subjects=sum(
                    # a one-letter span can only be "I", always a subject
                    e - s == 1 or normalise_phrase(text[s:e].lower()) in I_SUBJECT_FORMS
                    for s, e in i_spans
                ),
                hedges=pairs["hedges"][part],
                hypotheticals=pairs["hypotheticals"][part],
                intensifiers=triples["intensifiers"][part],
                buzzwords=triples["buzzwords"][part],
                passives=pairs["passives"][part],
                number_words=triples["number_words"][part],
            )
            found[part] = PartFindings(units_[part], quantities[part], hits)
        return found

    def _per_part[T: _Located](
        self, items: list[T], shift: Callable[[T, int], T]
    ) -> dict[str, list[T]]:
        """Items (sorted by start) that lie inside a part's segments, moved into its text."""
        found: dict[str, list[T]] = {name: [] for name in PART_NAMES}
        if not items:
            return found
        bounds = [_bounds(item) for item in items]
        offsets = dict.fromkeys(PART_NAMES, 0)
        index, count = 0, len(items)
        for part, start, end in self.segments:
            delta = offsets[part] - start
            into = found[part]
            while index < count and bounds[index][0] < end:
                first, last = bounds[index]
                if first >= start and last <= end:
                    into.append(shift(items[index], delta) if delta else items[index])
                index += 1
            offsets[part] += end - start + len(_JOIN)
        return found


@dataclass(frozen=True, slots=True)
class PartFindings:
    """What the splitter already found in one part: the checker's analysis reuses it."""

    units: list[Unit]
    quantities: list[Quantity]
    lex: LexHits


_Located = Unit | Quantity | tuple[int, int] | tuple[int, int, str]


def _bounds(item: _Located) -> tuple[int, int]:
    if isinstance(item, tuple):
        return item[0], item[1]
    return item.start, item.end


def _shift_pair(span: tuple[int, int], by: int) -> tuple[int, int]:
    return span[0] + by, span[1] + by


def _shift_triple(span: tuple[int, int, str], by: int) -> tuple[int, int, str]:
    return span[0] + by, span[1] + by, span[2]


def split_answer(text: str) -> SplitResult:
    """Split ``text`` into the five parts and say how sure the split is (0..1)."""
    low = lower_same_length(text)
    hits = phrase_spans(SPLIT_RE, low)  # label words and cue phrases, one pass
    labelled = _split_by_labels(text, hits)
    if labelled is not None:
        return labelled
    return _split_by_cues(text, low, hits)


_JOIN = "\n\n"


def _result(
    text: str,
    segments: list[tuple[str, int, int]],
    confidence: float,
    method: str,
    found: list[Unit] | None = None,
    quantities: list[Quantity] | None = None,
    lex: LexHits | None = None,
) -> SplitResult:
    pieces: dict[str, list[str]] = {name: [] for name in PART_NAMES}
    for part, start, end in segments:
        pieces[part].append(text[start:end])
    parts = {name: _JOIN.join(chunks) for name, chunks in pieces.items()}
    return SplitResult(
        parts, round(confidence, 2), method, segments, list(found or []), quantities or [], lex
    )


def _find_labels(text: str, hits: list[Hit]) -> list[tuple[int, int, str]]:
    """(label start, content start, part) for each section label, in order.

    A part of "" marks a label whose content belongs to no part ("Q: ...").
    """
    labels = []
    for start, end, raw in hits:
        if raw not in SECTION_LABELS and normalise_phrase(raw) not in SECTION_LABELS:
            continue
        tail = SECTION_LABEL_TAIL_RE.match(text, end)
        if tail is None:
            continue
        begin = _label_begin(text, start)
        if begin is not None:
            part = SECTION_LABELS.get(raw) or SECTION_LABELS[normalise_phrase(raw)]
            labels.append((begin, tail.end(), part))
    for match in LETTER_LABEL_RE.finditer(text):
        labels.append((match.start(), match.end(), LETTER_LABELS[match.group("letter").lower()]))
    labels.sort()
    return labels


def _label_begin(text: str, start: int) -> int | None:
    """Start of a label's markup if it opens a line or follows a sentence end, else None."""
    begin = start
    while begin > 0 and start - begin < _MAX_LABEL_MARKUP and text[begin - 1] in _LABEL_MARKUP:
        begin -= 1
    if begin == 0 or text[begin - 1] == "\n":
        return begin
    if text[begin - 1] in ".!?" and begin < start:
        return begin
    return None


def _split_by_labels(text: str, hits: list[Hit]) -> SplitResult | None:
    labels = _find_labels(text, hits)
    if len({part for _, _, part in labels if part}) < 2 and not _left_open(text, labels):
        return None
    segments: list[tuple[str, int, int]] = []
    preamble = _stripped(text, 0, labels[0][0])
    labelled = {part for _, _, part in labels}
    if preamble is not None and not labelled & {"situation", "task", "action"}:
        # Labels only for the end ("R:", "lesson:"): the notes before them tell the
        # setup and the actions unlabelled, so their clauses' roles split them.
        segments += _preamble_by_roles(text, *preamble)
    elif preamble is not None and "situation" not in labelled:
        segments.append(("situation", *preamble))
    labelled_from = len(segments)
    for index, (_, content_start, part) in enumerate(labels):
        content_end = labels[index + 1][0] if index + 1 < len(labels) else len(text)
        span = _stripped(text, content_start, content_end)
        if span is not None and part:
            segments.append((part, *span))
    if "action" not in labelled:
        segments = _unlabelled_actions(
            text, segments, labelled_from=labelled_from, with_result="result" not in labelled
        )
    core_found = len(labelled & set(CORE_PARTS))
    if not segments:
        return None
    confidence = th.SPLIT_LABELS_CONFIDENCE_BASE + th.SPLIT_LABELS_CONFIDENCE_PER_PART * core_found
    return _result(text, segments, confidence, "labels")


def _left_open(text: str, labels: list[tuple[int, int, str]]) -> bool:
    """One label, the last, heading a Result the candidate left open ("R: ??", "Result:
    TBD"): trusted, so the notes before it are not read as a Result."""
    if len(labels) != 1 or labels[0][2] != "result":
        return False
    content = text[labels[0][1] :]
    return bool(content.strip()) and opens_with_placeholder(content)


def _segments_by_roles(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """The cue split of ``text[start:end]``, its segments shifted into ``text``."""
    split = _split_by_cues(text[start:end], lower_same_length(text[start:end]), [])
    return [(part, s + start, e + start) for part, s, e in split.segments]


def _preamble_by_roles(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """The Situation, Task and Action segments of unlabelled notes before the first label."""
    found = [seg for seg in _segments_by_roles(text, start, end) if seg[0] in _SETUP]
    return found or [("situation", start, end)]


_SETUP = ("situation", "task", "action")


def _unlabelled_actions(
    text: str,
    segments: list[tuple[str, int, int]],
    *,
    labelled_from: int,
    with_result: bool = False,
) -> list[tuple[str, int, int]]:
    """Notes labelled S, T and R but not A: the lines after the setup's last label line
    are the Action ("T: my team's pipelines" then "- moved the 3 heaviest jobs"); with
    no Result label either (``with_result``), their roles split them into the Action
    and the Result ("- searches 2% -> 0.5% in 6 wks").

    Only a labelled section gives up lines (``segments[labelled_from:]``): text before
    the first label (a title, a preamble) stays whole.
    """
    setup = [
        i
        for i, (part, _, _) in enumerate(segments)
        if i >= labelled_from and part in ("situation", "task")
    ]
    if not setup:
        return segments
    index = setup[-1]
    part, start, end = segments[index]
    line_end = text.find("\n", start, end)
    rest = _stripped(text, line_end, end) if line_end >= 0 else None
    if rest is None:
        return segments
    head = _stripped(text, start, line_end)
    own = [(part, *head)] if head is not None else []
    after = _rest_by_roles(text, *rest) if with_result else [("action", *rest)]
    return [*segments[:index], *own, *after, *segments[index + 1 :]]


def _rest_by_roles(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """The Action and the Result of unlabelled note lines after the setup."""
    found: list[tuple[str, int, int]] = []
    for part, s, e in _segments_by_roles(text, start, end):
        name = "result" if part in ("result", "reflection") else "action"
        if found and found[-1][0] == name:
            found[-1] = (name, found[-1][1], e)
        else:
            found.append((name, s, e))
    if not found or found[0][0] != "action":
        return [("action", start, end)]
    return found


def _stripped(text: str, start: int, end: int) -> tuple[int, int] | None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return None
    lead = len(chunk) - len(chunk.lstrip())
    return (start + lead, start + lead + len(stripped))


def _split_by_cues(text: str, low: str, hits: list[Hit]) -> SplitResult:
    sentences = sentence_spans(text)
    lex = scan(text, low, Sentences(text, sentences))
    quantities = collect_quantities(text, low, lex.number_words)
    found = [unit for unit in units(text, low, sentences, quantities) if unit.role != "filler"]
    if not found:
        return _result(text, [], 0.0, "empty" if not sentences else "cues")
    cues = _cue_scores(low, found, hits, quantities)
    assignment = _best_assignment(cues)
    segments: list[tuple[str, int, int]] = []
    for index, part in enumerate(assignment):
        name = PART_NAMES[part]
        unit = found[index]
        if segments and segments[-1][0] == name:
            segments[-1] = (name, segments[-1][1], unit.end)
        else:
            segments.append((name, unit.start, unit.end))
    confidence = _confidence(cues, assignment)
    return _result(text, segments, confidence, "cues", found, quantities, lex)


def _cue_scores(
    low: str, found: list[Unit], hits: list[Hit], quantities: list[Quantity]
) -> list[list[float]]:
    """Per unit, per part: how well the unit fits there, from its role and cue phrases.

    Task, Result and Reflection take only units that state a goal, an outcome or a
    lesson (others score below zero there, ``SPLIT_ROLE_SCORES``), so an answer that
    never states a goal has no Task, and one that stops early has no Result.  The last
    measured outcome leans harder to the Result; when it measures a change after the
    Action has begun, the steps after it follow it up ("... and I wrote the runbook").
    """
    starts = [unit.start for unit in found]
    last_measured = max(
        (index for index, unit in enumerate(found) if _measures_outcome(unit, quantities)),
        default=-1,
    )
    follow_up = (
        last_measured >= 0
        and any(unit.role == "action" for unit in found[:last_measured])
        and _measures_a_change(found[last_measured], quantities)
    )
    scores = []
    for index, unit in enumerate(found):
        role = unit.role
        if index == last_measured:
            role = "measured_outcome"
        elif role == "outcome" and not unit.concrete:
            role = "generic_outcome"
        scores.append(list(th.SPLIT_ROLE_SCORES[role]))
    for start, _, raw in hits:
        cue = SPLIT_CUE_PART.get(raw) or SPLIT_CUE_PART.get(normalise_phrase(raw))
        if cue is not None:
            index = bisect_right(starts, start) - 1
            if index >= 0:
                scores[index][cue[0]] += cue[1]
    for match in I_PAST_RE.finditer(low):
        index = bisect_right(starts, match.start()) - 1
        if index >= 0:
            scores[index][_ACTION] += th.SPLIT_I_PAST_ACTION_WEIGHT
    if follow_up:
        # the steps after it follow it up: nearly as much Result as Action
        for index in range(last_measured + 1, len(found)):
            if found[index].role == "action":
                row = scores[index]
                row[_RESULT] = max(row[_RESULT], row[_ACTION] - th.SPLIT_FOLLOW_UP_MARGIN)
    return scores


def _measures_outcome(unit: Unit, quantities: list[Quantity]) -> bool:
    """An outcome with a measure: with no one acting in it ("p95 went from 9 min to 90 s"),
    or measured as an amount ("I increased sales by 25%", "we went from 62% to 74%")."""
    return (
        unit.role == "outcome"
        and unit.measured
        and not unit.scope
        and (not (unit.i_actions or unit.we_actions) or _measures_a_change(unit, quantities))
    )


def _measures_a_change(unit: Unit, quantities: list[Quantity]) -> bool:
    """Whether a percentage, amount, multiplier, change or range stands in ``unit``."""
    return any(unit.start <= q.start < unit.end and q.kind in AMOUNT_KINDS for q in quantities)


@lru_cache(maxsize=256)
def _priors(count: int) -> tuple[tuple[float, ...], ...]:
    """For each of ``count`` sentences, how well its place alone fits each part."""
    rows = []
    for index in range(count):
        position = (index + 0.5) / count
        rows.append(
            tuple(
                th.SPLIT_PRIOR_WEIGHT * max(0.0, 1.0 - abs(position - centre) / width)
                for centre, width in _PLACES
            )
        )
    return tuple(rows)


def _best_assignment(cues: list[list[float]]) -> list[int]:
    """Best in-order part index for each sentence (parts never go backwards).

    Moving from part q to part p skips the core parts in between, each costing
    SPLIT_SKIP_PENALTY: cost(q, p) = penalty * (p - q - 1), starting from a
    virtual part -1; the Reflection, last, is free to leave out.
    """
    penalty = th.SPLIT_SKIP_PENALTY
    minus_infinity = float("-inf")
    best = [minus_infinity] * len(PART_NAMES)
    back: list[list[int]] = []
    for index, (row, prior) in enumerate(zip(cues, _priors(len(cues)), strict=True)):
        # run: max over earlier parts q of best[q] + penalty * q (q = -1 only at the start)
        run_value = -penalty if index == 0 else minus_infinity
        run_part = -1
        new_best = [0.0] * len(PART_NAMES)
        pointers = [0] * len(PART_NAMES)
        for part in _PART_RANGE:
            stay = best[part]
            jump = run_value - penalty * (part - 1)
            if jump > stay:
                new_best[part] = jump + row[part] + prior[part]
                pointers[part] = run_part
            else:
                new_best[part] = stay + row[part] + prior[part]
                pointers[part] = part
            if stay + penalty * part > run_value:
                run_value, run_part = stay + penalty * part, part
        best = new_best
        back.append(pointers)
    last = max(
        _PART_RANGE,
        key=lambda part: (best[part] - penalty * max(0, _REFLECTION - part - 1), -part),
    )
    assignment = [last]
    for pointers in reversed(back[1:]):
        assignment.append(pointers[assignment[-1]])
    assignment.reverse()
    return assignment


def _confidence(cues: list[list[float]], assignment: list[int]) -> float:
    """0..1: how many core parts are backed by a cue, minus conflicting cues."""
    present = set(assignment)
    present.discard(_REFLECTION)
    supported = set()
    conflicts = 0
    for row, part in zip(cues, assignment, strict=True):
        own = row[part]
        if own >= th.SPLIT_STRONG_CUE:
            supported.add(part)
        elif max(row) >= th.SPLIT_CONFLICT_CUE:
            conflicts += 1
    supported.discard(_REFLECTION)
    value = (
        th.SPLIT_CONFIDENCE_BASE
        + th.SPLIT_CONFIDENCE_PER_BACKED_PART * len(supported)
        + th.SPLIT_CONFIDENCE_PER_PRESENT_PART * len(present)
        - th.SPLIT_CONFIDENCE_PER_CONFLICT * conflicts
    )
    if len(assignment) < len(CORE_PARTS):
        few = th.SPLIT_CONFIDENCE_PER_SENTENCE_WHEN_FEW * (len(assignment) + 1)
        value = min(value, few)
    return max(0.0, min(th.SPLIT_CONFIDENCE_CUES_MAX, value))
