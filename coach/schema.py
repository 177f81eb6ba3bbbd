"""Validate an LLM's follow-up answer in code before anything reaches a user.

The model is asked for exactly this JSON object::

    {"followups": [{"question": "...", "part": "result", "reason": "..."}]}

``parse_followups`` turns the raw answer into ``FollowUp`` objects or raises
``SchemaError`` with a short reason a person can read. The reasons never quote the
model's text: raw model output only leaves this module inside validated follow-ups.

Choices, made explicit:

* The whole answer must be the JSON object. A single ```json fence around it and a
  leading ``<think>...</think>`` block (reasoning models on local servers) are
  tolerated; prose around the object is not.
* Every item must be valid, then the first ``min(n, 5)`` are kept: an answer with
  more items than asked is accepted (and cut), one invalid item rejects the answer.
  Fewer items than ``n`` (but at least one) are accepted.
* A question must end with "?" (no repair), be 10..300 characters after trimming,
  and contain no URL, HTML tag or control character (newlines included).
* ``part`` is one of ``TARGET_PARTS``, case-insensitive; plurals ("results") and a
  few words for the whole story ("overall", "whole story") are mapped.
* ``reason`` is plain text of 1..200 characters under the same rules.
* Duplicate questions (ignoring case, spacing and the final punctuation) reject the
  answer. Unknown keys are ignored.

A thread's turn (``parse_turn``) is asked for exactly::

    {"verdict": "partly", "missing": ["number"], "evidence": "words from the answer",
     "probe": {"question": "...?", "kind": "number", "reason": "..."}}   # or "probe": null

* ``verdict`` is one of ``threads.VERDICTS``; every ``missing`` entry one of
  ``threads.MISSING`` (an "answered" verdict leaves nothing open: its list is dropped);
  ``probe.kind`` one of ``threads.QUESTION_KINDS``. Anything else rejects the answer.
* The probe's question and reason follow the follow-up rules above.
* ``evidence`` must occur in the candidate's answer (ignoring case, spacing and
  surrounding quotes): ``quoted_evidence`` returns the candidate's own words, or ""
  when the model's quote is not in the answer. A misquote is dropped, not rejected:
  the verdict still stands, and the page never shows words the candidate did not say.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

from coach.base import TARGET_PARTS, FollowUp, NextProbe
from coach.threads import ANSWERED, MISSING, QUESTION_KINDS, VERDICTS

MAX_ITEMS = 5
QUESTION_MIN = 10
QUESTION_MAX = 300
REASON_MIN = 1
REASON_MAX = 200
#: Longer answers are rejected before parsing (an answer is a few hundred tokens).
RAW_MAX = 20_000

PART_ALIASES = {
    **{part: part for part in TARGET_PARTS},
    **{f"{part}s": part for part in TARGET_PARTS if part != "story"},
    "whole story": "story",
    "the whole story": "story",
    "entire story": "story",
    "the story": "story",
    "overall": "story",
    "general": "story",
}

_FENCE = re.compile(r"\A```[ \t]*(?:json|JSON)?[ \t]*\n?(?P<body>.*?)\n?[ \t]*```\Z", re.DOTALL)
_THINK = re.compile(r"\A<think>.*?</think>\s*", re.DOTALL | re.IGNORECASE)
_URL = re.compile(r"(?i)(?:\b[a-z][a-z0-9+.-]*://|\bwww\.|\bjavascript:)")
_HTML = re.compile(r"<\s*/?\s*[A-Za-z!?][^<>]*>")
_APOS = r"\s*['\u2019]?\s*"
_REFUSAL = re.compile(
    "|".join(
        (
            rf"\bi{_APOS}m\s+(?:sorry|unable|not\s+able)\b",
            r"\bi\s+am\s+(?:sorry|unable|not\s+able)\b",
            r"\bi\s+apologi[sz]e\b",
            rf"\bi\s+(?:can{_APOS}t|cannot|can\s+not|won{_APOS}t|will\s+not)\b",
            r"\bas\s+an\s+ai\b",
            r"\bas\s+a\s+(?:large\s+)?language\s+model\b",
            r"\bunable\s+to\s+(?:help|assist|comply)\b",
        )
    ),
    re.IGNORECASE,
)
#: Bidirectional embedding/override/isolate marks: they can disguise displayed text.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


#: The answer's shape as a JSON Schema, for servers that constrain output to it
#: (``response_format`` of type ``json_schema``, strict: every key required, no others).
#: Lengths, counts and the plain-text rules stay in code: strict mode cannot say them all.
FOLLOWUPS_JSON_SCHEMA: dict[str, object] = {
    "name": "followups",
    "strict": True,
    "schema": {
        "type": "object",
        "properties": {
            "followups": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "question": {"type": "string"},
                        "part": {"type": "string", "enum": list(TARGET_PARTS)},
                        "reason": {"type": "string"},
                    },
                    "required": ["question", "part", "reason"],
                    "additionalProperties": False,
                },
            }
        },
        "required": ["followups"],
        "additionalProperties": False,
    },
}


class SchemaError(ValueError):
    """The answer does not match the follow-up schema; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def looks_like_refusal(text: str) -> bool:
    """True when free text reads like a model declining to answer."""
    return bool(_REFUSAL.search(text[:2000]))


_APOSTROPHES = str.maketrans("", "", "'\u2019\u2018`")


def normalise_question(question: str) -> str:
    """A question's identity for duplicate checks: case, spacing, punctuation and
    apostrophes ignored ("What's the number?" is "whats the number")."""
    folded = unicodedata.normalize("NFKC", question).casefold().translate(_APOSTROPHES)
    kept = "".join(" " if unicodedata.category(char)[0] in "PCZ" else char for char in folded)
    return " ".join(kept.split())


def parse_followups(raw: str, n: int) -> list[FollowUp]:
    """Parse and validate an answer; return at most ``min(n, 5)`` follow-ups."""
    if n < 1:
        raise ValueError("n must be at least 1")
    data = _load(raw)
    if not isinstance(data, dict):
        raise SchemaError("the answer is not a JSON object")
    items = data.get("followups")
    if items is None:
        raise SchemaError('the answer has no "followups" list')
    if not isinstance(items, list):
        raise SchemaError('"followups" is not a list')
    if not items:
        raise SchemaError('"followups" is empty')

    followups: list[FollowUp] = []
    seen: dict[str, int] = {}
    for number, item in enumerate(items, start=1):
        followup = _item(item, number)
        key = normalise_question(followup.question)
        if key in seen:
            raise SchemaError(f"item {number}: question repeats item {seen[key]}")
        seen[key] = number
        followups.append(followup)
    return followups[: min(n, MAX_ITEMS)]


def _load(raw: object) -> object:
    """Decode the answer's JSON, tolerating one code fence and a think block."""
    if not isinstance(raw, str):
        raise SchemaError("the answer was not text")
    text = raw.strip()
    if not text:
        raise SchemaError("the answer was empty")
    if len(text) > RAW_MAX:
        raise SchemaError(f"the answer is longer than {RAW_MAX} characters")
    text = _THINK.sub("", text, count=1).strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group("body").strip()
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        if looks_like_refusal(text):
            raise SchemaError("the model refused") from None
        raise SchemaError("the answer was not valid JSON") from None


def _item(item: object, number: int) -> FollowUp:
    """Validate one follow-up object."""
    if not isinstance(item, dict):
        raise SchemaError(f"item {number} is not an object")
    question = _text(item, "question", f"item {number}", QUESTION_MIN, QUESTION_MAX)
    if not question.endswith("?"):
        raise SchemaError(f"item {number}: question does not end with a question mark")
    part = _part(item, number)
    reason = _text(item, "reason", f"item {number}", REASON_MIN, REASON_MAX)
    return FollowUp(question=question, part=part, reason=reason)


def _text(item: dict, key: str, where: str, minimum: int, maximum: int) -> str:
    """A plain-text field of ``item`` (named ``where`` in reasons: "item 2", "probe"):
    present, a string, no control chars/URL/HTML, in length."""
    value = item.get(key)
    if value is None:
        raise SchemaError(f"{where}: {key} is missing")
    if not isinstance(value, str):
        raise SchemaError(f"{where}: {key} is not text")
    value = value.strip()
    problem = not_plain_text(value)
    if problem:
        raise SchemaError(f"{where}: {key} contains {problem}")
    if len(value) < minimum:
        unit = "character" if minimum == 1 else "characters"
        raise SchemaError(f"{where}: {key} is shorter than {minimum} {unit}")
    if len(value) > maximum:
        raise SchemaError(f"{where}: {key} is longer than {maximum} characters")
    return value


def _part(item: dict, number: int) -> str:
    """The targeted STAR part, mapped case-insensitively onto ``TARGET_PARTS``."""
    value = item.get("part")
    if value is None:
        raise SchemaError(f"item {number}: part is missing")
    if not isinstance(value, str):
        raise SchemaError(f"item {number}: part is not text")
    part = PART_ALIASES.get(" ".join(value.casefold().split()))
    if part is None:
        raise SchemaError(f"item {number}: part is not one of {', '.join(TARGET_PARTS)}")
    return part


def not_plain_text(text: str) -> str:
    """What makes ``text`` unfit to show as a question ("a URL", "HTML", "a control
    character"), or "" when it is plain text. Both coaches hold their questions to it."""
    if any(_is_control(char) for char in text):
        return "a control character"
    if _URL.search(text):
        return "a URL"
    if _HTML.search(text):
        return "HTML"
    return ""


def _is_control(char: str) -> bool:
    """Control characters, lone surrogates and bidi overrides are never plain text."""
    return unicodedata.category(char) in ("Cc", "Cs") or char in _BIDI


#: A turn's answer as a JSON Schema (strict), as ``FOLLOWUPS_JSON_SCHEMA`` for follow-ups.
TURN_JSON_SCHEMA: dict[str, object] = {
    "name": "thread_turn",
    "strict": True,
    "schema": {
        "type": "object",
        "properties": {
            "verdict": {"type": "string", "enum": list(VERDICTS)},
            "missing": {"type": "array", "items": {"type": "string", "enum": list(MISSING)}},
            "evidence": {"type": "string"},
            "probe": {
                "anyOf": [
                    {
                        "type": "object",
                        "properties": {
                            "question": {"type": "string"},
                            "kind": {"type": "string", "enum": list(QUESTION_KINDS)},
                            "reason": {"type": "string"},
                        },
                        "required": ["question", "kind", "reason"],
                        "additionalProperties": False,
                    },
                    {"type": "null"},
                ]
            },
        },
        "required": ["verdict", "missing", "evidence", "probe"],
        "additionalProperties": False,
    },
}
#: Evidence is cut to what a follow-up keeps of it.
EVIDENCE_MAX = 300


@dataclass(frozen=True)
class TurnReply:
    """A validated turn: the verdict, what was left open, the model's quote (checked
    against the answer by ``quoted_evidence``) and the next probe, if any."""

    verdict: str
    missing: tuple[str, ...]
    evidence: str
    probe: NextProbe | None


def parse_turn(raw: str) -> TurnReply:
    """Parse and validate a turn's answer; ``SchemaError`` says what is wrong."""
    data = _load(raw)
    if not isinstance(data, dict):
        raise SchemaError("the answer is not a JSON object")
    verdict = data.get("verdict")
    if not isinstance(verdict, str) or verdict.strip().casefold() not in VERDICTS:
        raise SchemaError(f"verdict is not one of {', '.join(VERDICTS)}")
    verdict = verdict.strip().casefold()
    missing = data.get("missing", [])
    if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
        raise SchemaError('"missing" is not a list of words')
    left_open = tuple(dict.fromkeys(m.strip().casefold() for m in missing))
    if any(m not in MISSING for m in left_open):
        raise SchemaError(f'"missing" has a word that is not one of {", ".join(MISSING)}')
    evidence = data.get("evidence", "")
    if not isinstance(evidence, str):
        raise SchemaError("evidence is not text")
    probe = data.get("probe")
    return TurnReply(
        verdict=verdict,
        missing=() if verdict == ANSWERED else left_open,
        evidence=evidence.strip(),
        probe=None if probe is None else _probe(probe),
    )


def _probe(item: object) -> NextProbe:
    """Validate the next probe: a follow-up question of a known kind."""
    if not isinstance(item, dict):
        raise SchemaError("probe is not an object")
    question = _text(item, "question", "probe", QUESTION_MIN, QUESTION_MAX)
    if not question.endswith("?"):
        raise SchemaError("probe: question does not end with a question mark")
    if looks_like_refusal(question):
        raise SchemaError("probe: the model refused")
    kind = item.get("kind")
    if not isinstance(kind, str) or kind.strip().casefold() not in QUESTION_KINDS:
        raise SchemaError(f"probe: kind is not one of {', '.join(QUESTION_KINDS)}")
    reason = _text(item, "reason", "probe", REASON_MIN, REASON_MAX)
    return NextProbe(question=question, kind=kind.strip().casefold(), reason=reason)


#: Quote marks a model may wrap its quote in.
_QUOTES = "\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e"


def quoted_evidence(evidence: str, answer: str) -> str:
    """The candidate's own words that ``evidence`` quotes (spacing and case aside),
    or "" when they are not in the answer or are not plain text."""
    words = evidence.strip().strip(_QUOTES + " .,;:").split()
    if not words or not_plain_text(" ".join(words)):
        return ""
    pattern = r"\s+".join(re.escape(word) for word in words)
    found = re.search(pattern, answer, re.IGNORECASE)
    if found is None:
        return ""
    return " ".join(found.group(0).split())[:EVIDENCE_MAX]
