"""The offline coach: probing follow-up questions without a language model.

    rules_followups(story, principle, n=4, asked=()) -> CoachResult(backend="rules")

Questions come from five sources, asked in this order (weakest area first):

1. the STAR checker's findings (worst severity first, then ``CODE_ORDER``);
2. the story's own numbers and claims, quoted back;
3. the principle's probe templates, in their order;
4. data-science probes, only when the story mentions models, experiments...;
5. generic fallbacks, so there are always at least three.

A question already in ``asked`` (ignoring case, spacing and punctuation), or
near-identical to one, is never asked again; one answer never holds two
near-identical questions. One answer takes at most ``GROUP_LIMITS`` questions
of a kind (two vague phrases, one quoted number of each sort...); the others
come in later rounds, once the first have been asked. The phrasing tables live
in ``rules_data``. Pure Python, deterministic, never raises.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from coach import rules_data as data
from coach.base import (
    FOLLOWUPS_PER_ASK,
    RULES_BACKEND,
    TARGET_PARTS,
    CoachResult,
    FollowUp,
    PrincipleInput,
    StoryInput,
)
from coach.schema import normalise_question, not_plain_text
from stories.star import check, find_quantities
from stories.star.codes import SEVERITY_RANK
from stories.star.lexicon import STOPWORDS
from stories.star.report import PART_NAMES
from stories.star.textutil import stem

BACKEND = RULES_BACKEND
N_MIN, N_MAX = 3, 5
#: Longest question (exclusive) and shortest sensible one.
QUESTION_MAX = 300
QUESTION_MIN = 10
#: Longest piece of the user's text quoted in one question.
QUOTE_MAX = 60
#: Longest principle name repeated in a reason.
NAME_MAX = 60
#: Characters looked at on each side of a span when quoting context.
_WINDOW = 160
#: Asked questions compared at most (the newest are at the end).
_ASKED_MAX = 500
_ASKED_CHARS = 1000
#: Quantities of one part considered for quoting back (the first ones).
_QUANTITIES_MAX = 20

_PART_ORDER = {name: index for index, name in enumerate(TARGET_PARTS)}
_BREAK_RE = re.compile(r"[;!?()\[\]{}\"\u201c\u201d\u2014\u2013\n\r]|[.,:](?=\s|$)")
_TOKEN_RE = re.compile(r"\S+")
_QUOTED_RE = re.compile(r"\AYou (?:said|mentioned) '(.+?)': ")


def _cue_regex(cues: Iterable[str]) -> re.Pattern[str]:
    """One pattern matching any cue as whole words (longest first)."""
    alternatives = sorted({re.escape(cue) for cue in cues}, key=lambda cue: (-len(cue), cue))
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(alternatives) + r")(?![a-z0-9])")


_DS_RES = tuple(_cue_regex(cues) for _, cues, _ in data.DS_GROUPS)
_NOT_DS_RE = _cue_regex(data.NOT_DS_PHRASES)
_CLAIM_RE = _cue_regex(data.CLAIM_WORDS)


@dataclass(frozen=True, slots=True)
class _Key:
    """What makes two questions the same: wording, topic and quoted text."""

    norm: str
    words: frozenset[str]
    topic: str
    quote: str


#: A follow-up and the group it counts against (``GROUP_LIMITS``; "" for none).
_Item = tuple[FollowUp, str]


# --- public entry point ------------------------------------------------------------------


def rules_followups(
    story: StoryInput,
    principle: PrincipleInput | None,
    n: int = FOLLOWUPS_PER_ASK,
    asked: Collection[str] = (),
) -> CoachResult:
    """Follow-up questions on ``story``, weakest area first (3..5 of them)."""
    started = time.perf_counter()
    notes: list[str] = []
    count = _clamp(n)
    asked_keys = _asked_keys(asked)
    try:
        parts = _parts(story)
        sources: list[Iterable[_Item]] = []
        report = _check(parts, getattr(story, "when", None), notes)
        if report is not None:
            sources += [_from_findings(report), _quote_backs(report)]
        sources += [_principle_probes(principle), _ds_probes(parts), _generic()]
        followups = _select(sources, asked_keys, count)
    except Exception as error:  # the coach must always answer
        notes.append(f"rules coach fell back to generic questions ({type(error).__name__}).")
        followups = _select([_generic()], asked_keys, count)
    latency = round((time.perf_counter() - started) * 1000)
    return CoachResult(followups=followups, backend=BACKEND, latency_ms=latency, notes=notes)


# --- selection -------------------------------------------------------------------------------


def _clamp(n: object) -> int:
    try:
        value = int(n)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        value = FOLLOWUPS_PER_ASK
    return max(N_MIN, min(N_MAX, value))


def _select(sources: Iterable[Iterable[_Item]], asked: list[_Key], count: int) -> list[FollowUp]:
    """The first ``count`` valid questions, skipping repeats of asked and chosen ones.

    A group (say, vague phrases) gives at most ``GROUP_LIMITS[group]`` questions
    to one answer; the rest wait for a later round.
    """
    chosen: list[FollowUp] = []
    keys: list[_Key] = []
    used: dict[str, int] = {}
    for source in sources:
        for followup, group in source:
            if group and used.get(group, 0) >= data.GROUP_LIMITS.get(group, 1):
                continue
            if not _valid(followup):
                continue
            key = _key(followup.question)
            if any(_same(key, other) for other in asked) or any(_same(key, k) for k in keys):
                continue
            chosen.append(followup)
            keys.append(key)
            if group:
                used[group] = used.get(group, 0) + 1
            if len(chosen) >= count:
                return chosen
    return chosen


def _asked_keys(asked: object) -> list[_Key]:
    if isinstance(asked, str) or not isinstance(asked, Iterable):
        return []
    try:
        texts = [text for text in asked if isinstance(text, str)]
    except Exception:  # an odd iterable: compare nothing rather than fail
        return []
    return [_key(text[:_ASKED_CHARS]) for text in texts[-_ASKED_MAX:]]


def _key(question: str) -> _Key:
    match = _QUOTED_RE.match(question)
    quote = normalise_question(match.group(1)) if match else ""
    rest = normalise_question(question[match.end() :] if match else question)
    padded = f" {rest} "
    topic = next(
        (name for name, cues in data.TOPIC_CUES if any(f" {cue} " in padded for cue in cues)),
        "",
    )
    words = frozenset(stem(word) for word in rest.split() if word not in STOPWORDS)
    return _Key(normalise_question(question), words, topic, quote)


def _same(a: _Key, b: _Key) -> bool:
    """True when two questions are the same or near-identical."""
    if a.norm == b.norm:
        return True
    if a.topic and a.topic == b.topic:
        return True
    if a.quote and b.quote and a.quote != b.quote:
        return False  # same template, different quoted text: different questions
    smaller = min(len(a.words), len(b.words))
    if smaller < 2:
        return False
    return len(a.words & b.words) / smaller >= 0.8


def _valid(followup: FollowUp) -> bool:
    """Plain text under 300 characters ending in "?", no HTML or URLs, a known part."""
    question = followup.question
    return (
        QUESTION_MIN <= len(question) < QUESTION_MAX
        and question.endswith("?")
        and _safe(question)
        and followup.part in TARGET_PARTS
        and bool(followup.reason)
    )


def _safe(text: str) -> bool:
    return not not_plain_text(text)


# --- inputs ------------------------------------------------------------------------------------


def _parts(story: object) -> dict[str, str]:
    """The story's parts as strings ("" for anything that is not text)."""
    parts = {}
    for name in ("title", *PART_NAMES):
        value = getattr(story, name, "")
        parts[name] = value if isinstance(value, str) else ""
    return parts


def _check(parts: dict[str, str], when: object, notes: list[str]) -> Any:
    """The checker's report, or None (with a note) if it cannot run."""
    try:
        return check(
            situation=parts["situation"],
            task=parts["task"],
            action=parts["action"],
            result=parts["result"],
            reflection=parts["reflection"],
            when=when if isinstance(when, date) else None,
        )
    except Exception as error:  # keep coaching from the other sources
        notes.append(f"STAR checker unavailable ({type(error).__name__}).")
        return None


# --- 1. checker findings -------------------------------------------------------------------------


def _from_findings(report: Any) -> list[_Item]:
    """Questions for the checker's problems, worst first."""
    codes = {(finding.code, finding.part) for finding in report.findings}
    code_rank = {code: rank for rank, code in enumerate(data.CODE_ORDER)}
    ranked: list[tuple[tuple[int, int, int, int, int], _Item]] = []
    for index, finding in enumerate(report.findings):
        severity = SEVERITY_RANK[finding.severity]
        rank = code_rank.get(finding.code)
        if finding.severity == "ok" or rank is None:
            continue  # "ok" findings, length, age, balance of setup: not questions
        if (
            finding.code == "part_trivial"
            and finding.part == "result"
            and ("impact_not_quantified", "result") in codes
        ):
            continue  # the measurable-result question covers a thin Result
        text = report.parts.get(finding.part, "")
        group = data.FINDING_GROUPS.get(finding.code, "")
        part_order = _PART_ORDER.get(finding.part, len(_PART_ORDER))
        for position, followup in enumerate(_finding_questions(finding, text)):
            order = (severity, rank, part_order, index, position)
            ranked.append((order, (followup, group)))
    ranked.sort(key=lambda item: item[0])
    return [item for _, item in ranked]


def _finding_questions(finding: Any, text: str) -> Iterator[FollowUp]:
    """The question(s) one finding asks."""
    code, part = finding.code, finding.part
    label = part.capitalize()
    if code in ("part_missing", "part_trivial"):
        question = data.PART_QUESTIONS.get(part)
        if question:
            template = (
                data.PART_MISSING_REASON if code == "part_missing" else data.PART_TRIVIAL_REASON
            )
            yield FollowUp(question, part, template.format(part=label))
        return
    if code in data.FIXED_QUESTIONS:
        question, target, reason = data.FIXED_QUESTIONS[code]
        yield FollowUp(question, target, reason)
        return
    seen: set[str] = set()
    for start, end in finding.spans[: data.SPANS_MAX]:
        phrase = text[start:end].casefold()
        if phrase in seen:
            continue
        seen.add(phrase)
        followup = _flagged_question(code, part, text, start, end, phrase)
        if followup is not None:
            yield followup


def _flagged_question(
    code: str, part: str, text: str, start: int, end: int, phrase: str
) -> FollowUp | None:
    """A question quoting a vague, hedged, hypothetical or passive phrase back."""
    label = part.capitalize()
    if code == "vague_claim":
        template, before = data.VAGUE_DEFAULT, 0
        for cues, class_template, class_before in data.VAGUE_CLASSES:
            if any(cue in phrase for cue in cues):
                template, before = class_template, class_before
                break
        quote = _quote(text, start, end, before, 0)
        reason = data.VAGUE_REASON.format(part=label)
    elif code == "hedging":
        template = data.HEDGE_QUESTION
        quote = _quote(text, start, end, *data.HEDGE_CONTEXT)
        reason = data.HEDGE_REASON.format(part=label)
    elif code == "hypothetical":
        template = data.HYPOTHETICAL_QUESTION
        quote = _quote(text, start, end, *data.HYPOTHETICAL_CONTEXT)
        reason = data.HYPOTHETICAL_REASON.format(part=label)
    elif code == "passive_action":
        decided = any(cue in phrase for cue in data.PASSIVE_DECIDED_CUES)
        template = data.PASSIVE_DECIDED if decided else data.PASSIVE_OTHER
        quote = _quote(text, start, end, *data.PASSIVE_CONTEXT)
        reason = data.PASSIVE_REASON
    else:
        return None
    if quote is None:
        return None
    return FollowUp(template.format(quote=quote), part, reason)


# --- 2. quote-backs ----------------------------------------------------------------------------


def _quote_backs(report: Any) -> list[_Item]:
    """The story's own numbers and claims, quoted back with a probing question.

    One question of each kind per answer (``GROUP_LIMITS``); the next numbers
    wait until the first have been asked.
    """
    out: list[_Item] = []
    result = report.parts.get("result", "")
    numbers = _ranked_quantities(report, "result")[: data.NUMBERS_QUOTED]
    if numbers:
        apart = _apart(result, numbers[0], numbers[1:])
        measured = [apart, *(span for span in numbers if span != apart)]
        for spans, template, reason, group in (
            (
                numbers,
                data.RESULT_NUMBER_ATTRIBUTION,
                data.RESULT_NUMBER_ATTRIBUTION_REASON,
                "result_number_attribution",
            ),
            (
                measured,
                data.RESULT_NUMBER_MEASURE,
                data.RESULT_NUMBER_MEASURE_REASON,
                "result_number_measure",
            ),
        ):
            for start, end in spans:
                quote = _quote(result, start, end, *data.NUMBER_CONTEXT, exact=True)
                if quote is not None:
                    out.append((FollowUp(template.format(quote=quote), "result", reason), group))
    else:
        claim = _claim_quote(result)
        if claim is not None:
            followup = FollowUp(
                data.RESULT_CLAIM.format(quote=claim), "result", data.RESULT_CLAIM_REASON
            )
            out.append((followup, "result_claim"))
    action = report.parts.get("action", "")
    kinds = data.ACTION_QUANTITY_KINDS
    for start, end in _ranked_quantities(report, "action", kinds)[: data.NUMBERS_QUOTED]:
        quote = _quote(action, start, end, *data.NUMBER_CONTEXT, exact=True)
        if quote is not None:
            followup = FollowUp(
                data.ACTION_NUMBER.format(quote=quote), "action", data.ACTION_NUMBER_REASON
            )
            out.append((followup, "action_number"))
    return out


def _apart(text: str, top: tuple[int, int], others: list[tuple[int, int]]) -> tuple[int, int]:
    """The first of ``others`` whose quoted context does not overlap ``top``'s."""
    top_low, top_high = _context(text, *top, *data.NUMBER_CONTEXT)
    for span in others:
        low, high = _context(text, *span, *data.NUMBER_CONTEXT)
        if high <= top_low or low >= top_high:
            return span
    return top


def _ranked_quantities(
    report: Any, part: str, kinds: tuple[str, ...] = data.QUANTITY_KIND_ORDER
) -> list[tuple[int, int]]:
    """Spans of the part's first quantities of ``kinds``, most telling first."""
    spans = [
        (start, end)
        for _, name, (start, end) in report.metrics.get("quantities", [])
        if name == part
    ][:_QUANTITIES_MAX]
    if not spans:
        return []
    text = report.parts.get(part, "")
    try:  # the checker's metrics have no kinds; look again at the text up to the last span
        found = find_quantities(text[: max(end for _, end in spans) + 40])
    except Exception:  # be safe: without kinds, every span counts as a plain count
        found = []
    kind_of = {(q.start, q.end): q.kind for q in found}
    order = {kind: rank for rank, kind in enumerate(kinds)}
    ranked = [(order.get(kind_of.get(span, "count")), span) for span in spans]
    return [span for _, span in sorted(item for item in ranked if item[0] is not None)]


def _claim_quote(text: str) -> str | None:
    """The first outcome claim in an unquantified Result, with a little context."""
    match = _CLAIM_RE.search(_lower_same_length(text))
    if match is None:
        return None
    return _quote(text, match.start(), match.end(), *data.CLAIM_CONTEXT)


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(lc if len(lc := char.lower()) == 1 else char for char in text)


# --- quoting ------------------------------------------------------------------------------------


def _quote(
    text: str, start: int, end: int, before: int, after: int, *, exact: bool = False
) -> str | None:
    """A short, safe quote of ``text[start:end]`` with a few words of context.

    Falls back to the span alone when the context makes it too long or unsafe;
    with ``exact`` the span is never cut (a number is quoted as written).
    """
    if not 0 <= start < end <= len(text):
        return None
    low, high = _context(text, start, end, before, after)
    core = text[start:end]
    for attempt in (text[low:high], core):
        cleaned = _clean(attempt)
        if not cleaned:
            continue
        if len(cleaned) > QUOTE_MAX:
            if attempt is not core:
                continue
            if exact:
                return None
            cleaned = _cut(cleaned)
        if _safe(cleaned):
            return cleaned
    return None


def _context(text: str, start: int, end: int, before: int, after: int) -> tuple[int, int]:
    """Offsets around ``text[start:end]`` widened by a few words of context.

    Up to ``before`` words are taken before the span, then words after it up to
    ``after`` while the total stays within ``max(before, after)``. The widening
    stays inside the clause (it stops at punctuation and at words such as "and"
    or "because") and never starts or ends on a word such as "of" or "the".
    """
    low, taken = _start_before(text, start, before)
    return low, _end_after(text, end, min(after, max(before, after) - taken))


def _start_before(text: str, start: int, limit: int) -> tuple[int, int]:
    """(new start, words taken)."""
    if limit <= 0 or start == 0 or not text[start - 1].isspace():
        return start, 0
    low = max(0, start - _WINDOW)
    segment = text[low:start]
    breaks = list(_BREAK_RE.finditer(segment))
    offset = breaks[-1].end() if breaks else 0
    tokens = list(_TOKEN_RE.finditer(segment, offset))
    if not breaks and low > 0 and tokens:
        tokens = tokens[1:]  # the window may have cut the first word
    words: list[re.Match[str]] = []
    for token in reversed(tokens):
        if len(words) >= limit or token.group().casefold() in data.CLAUSE_WORDS:
            break
        words.insert(0, token)
    while words and words[0].group().casefold() in data.LEADING_DANGLING_WORDS:
        words.pop(0)
    return (low + words[0].start(), len(words)) if words else (start, 0)


def _end_after(text: str, end: int, limit: int) -> int:
    if limit <= 0 or end >= len(text) or not text[end].isspace():
        return end
    high = min(len(text), end + _WINDOW)
    segment = text[end:high]
    stop = _BREAK_RE.search(segment)
    tokens = list(_TOKEN_RE.finditer(segment, 0, stop.start() if stop else len(segment)))
    if stop is None and high < len(text) and tokens:
        tokens = tokens[:-1]  # the window may have cut the last word
    words: list[re.Match[str]] = []
    for index, token in enumerate(tokens):
        word = token.group().casefold()
        if len(words) >= limit or word in data.CLAUSE_WORDS:
            break
        if word == "to" and not _starts_number(tokens, index + 1):
            break  # "trained two colleagues | to run the scripts", but "from 6 to 0"
        words.append(token)
    while words and words[-1].group().casefold() in data.DANGLING_WORDS:
        words.pop()
    return end + words[-1].end() if words else end


def _starts_number(tokens: list[re.Match[str]], index: int) -> bool:
    if index >= len(tokens):
        return False
    first = tokens[index].group()[:1]
    return first.isdigit() or unicodedata.category(first) == "Sc"


def _clean(text: str) -> str:
    """Control and format characters dropped, whitespace collapsed."""
    kept = "".join(" " if unicodedata.category(char)[0] == "C" else char for char in text)
    return " ".join(kept.split())


def _cut(text: str) -> str:
    """Cut at a word boundary to fit ``QUOTE_MAX`` with an ellipsis."""
    room = QUOTE_MAX - 3
    cut = text[:room]
    if " " in cut[room // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.'") + "..."


# --- 3. principle probes ------------------------------------------------------------------------


def _principle_probes(principle: PrincipleInput | None) -> Iterator[_Item]:
    """The principle's own probe templates, in order."""
    if principle is None:
        return
    probes = getattr(principle, "probes", ()) or ()
    if isinstance(probes, str):
        probes = (probes,)
    raw_name = getattr(principle, "name", "")
    name = _clean(raw_name) if isinstance(raw_name, str) else ""
    if len(name) > NAME_MAX or not _safe(name):
        name = ""
    reason = data.PROBE_REASON.format(name=name) if name else data.PROBE_REASON_NO_NAME
    for index, probe in enumerate(probes):
        if index >= data.PROBES_MAX:
            break
        if not isinstance(probe, str):
            continue
        question = _as_question(probe)
        if question:
            yield FollowUp(question, _probe_part(question), reason), ""


def _as_question(text: str) -> str:
    """Tidy a probe: one line, ending in "?" ("Walk me through it." -> "Could you walk...?")."""
    cleaned = _clean(text[: QUESTION_MAX * 2]).rstrip(" .!:;,")
    if not cleaned or cleaned.endswith("?"):
        return cleaned
    first = cleaned.split(maxsplit=1)[0].casefold()
    if first in data.IMPERATIVE_OPENERS:
        cleaned = data.IMPERATIVE_PREFIX + cleaned[0].lower() + cleaned[1:]
    return cleaned + "?"


def _probe_part(question: str) -> str:
    padded = f" {normalise_question(question)} "
    for part, cues in data.PROBE_PART_CUES:
        if any(f" {cue}" in padded for cue in cues):
            return part
    return "story"


# --- 4. data-science probes ---------------------------------------------------------------------


def _ds_probes(parts: dict[str, str]) -> list[_Item]:
    """Data-science loop probes for the things the story mentions, round-robin."""
    text = _NOT_DS_RE.sub(" ", " \n ".join(parts.values()).lower())
    triggered = [
        (label, probes)
        for (label, _, probes), pattern in zip(data.DS_GROUPS, _DS_RES, strict=True)
        if pattern.search(text)
    ]
    out: list[_Item] = []
    depth = max((len(probes) for _, probes in triggered), default=0)
    for round_index in range(depth):
        for label, probes in triggered:
            if round_index < len(probes):
                question, part = probes[round_index]
                out.append((FollowUp(question, part, data.DS_REASON.format(label=label)), ""))
    return out


# --- 5. generic fallbacks ----------------------------------------------------------------------


def _generic() -> list[_Item]:
    return [
        (FollowUp(question, part, data.GENERIC_REASON), "")
        for question, part in data.GENERIC_QUESTIONS
    ]
