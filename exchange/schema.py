"""The bank file format (versions 1 and 2): its limits, its field tables and its parser.

Version 2 is what the export writes: version 1 (stories, their history and the
user's own principle sets) plus practice rounds, follow-up questions, the review
schedule, the coverage target and interview loops. Version 1 files still import.
Documented for people in ``exchange/SCHEMA.md``; keep the two in step.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from coach.base import TARGET_PARTS
from coach.models import CoachBackend, FollowUp, FollowUpJob, JobStatus, Rating
from common.sizes import megabytes
from planning.models import (
    LOOP_NAME_MAX,
    SLOT_LABEL_MAX,
    SLOT_PRINCIPLES_MAX,
    SLOTS_MAX,
    UNKNOWN_PRINCIPLES_DEFAULT,
)
from practice.forms import AnswerForm
from practice.models import DEFAULT_TARGET_SECONDS, MockLoop, PracticeRound, RoundStatus
from principles.models import LIST_LINE_MAX, LIST_MAX_LINES, Principle, PrincipleSet
from stories.models import (
    CONTENT_FIELDS,
    FIELD_LIMITS,
    META_MAX,
    PART_MAX,
    REFLECTION_MAX,
    Weight,
)
from stories.values import MAX_TAGS, TAG_MAX, clean_month, tag_too_long

from .validation import (
    INVALID,
    Bool,
    Choice,
    Date,
    Int,
    ListOf,
    Month,
    Obj,
    Path,
    Problem,
    Problems,
    Raw,
    Slug,
    Text,
    Timestamp,
    TooManyProblems,
    duplicates,
    kind_of,
    quoted,
)

FORMAT = "storybank-bank"
#: The version the export writes.
VERSION = 2
#: The versions an import reads.
READABLE_VERSIONS = (1, 2)
#: The largest file an import reads (checked before parsing, on the web and the CLI).
MAX_FILE_BYTES = 5 * 1024 * 1024
#: An import stops listing problems after this many (the file needs fixing anyway).
MAX_PROBLEMS = 200

SET_NAME_MAX: int = PrincipleSet._meta.get_field("name").max_length or 0
SET_SLUG_MAX: int = PrincipleSet._meta.get_field("slug").max_length or 0
SET_DESCRIPTION_MAX = PrincipleSet._meta.get_field("description").max_length
PRINCIPLE_NAME_MAX = Principle._meta.get_field("name").max_length
PRINCIPLE_SLUG_MAX = Principle._meta.get_field("slug").max_length
PRINCIPLE_DESCRIPTION_MAX = Principle._meta.get_field("description").max_length

TEXT_LIMITS = {name: FIELD_LIMITS[name] for name in CONTENT_FIELDS}

#: A reference local to the file ("s1", "loop-2"): how one object names another.
REF_MAX = 40
QUESTION_TEXT_MAX: int = PracticeRound._meta.get_field("question_text").max_length or 0
FOLLOWUP_QUESTION_MAX: int = FollowUp._meta.get_field("question").max_length or 0
FOLLOWUP_REASON_MAX: int = FollowUp._meta.get_field("reason").max_length or 0
#: Questions one follow-up ask may hold (positions are small numbers; a coach asks a few).
ASK_QUESTIONS_MAX = 50
MODEL_MAX: int = FollowUpJob._meta.get_field("model").max_length or 0
JOB_ERROR_MAX: int = FollowUpJob._meta.get_field("error").max_length or 0
JOB_FALLBACK_MAX: int = FollowUpJob._meta.get_field("fallback_reason").max_length or 0
MOCK_NAME_MAX: int = MockLoop._meta.get_field("name").max_length or 0
#: The practice form's own limits on a round.
SECONDS_TAKEN_MAX: int = AnswerForm.base_fields["seconds_taken"].max_value
TARGET_SECONDS_MIN, TARGET_SECONDS_MAX = 30, 900
SELF_RATING_MIN, SELF_RATING_MAX = 1, 5
REVIEW_BOX_MIN, REVIEW_BOX_MAX = 1, 5
SMALL_INT_MAX = 32767
#: Only finished asks are exported: a queued one has asked nothing yet.
FINISHED_JOB_STATUSES = (JobStatus.DONE.value, JobStatus.FAILED.value)
RATINGS = (Rating.NAILED.value, Rating.SHAKY.value, Rating.SKIPPED.value)


def _month(value: str) -> dt.date | None:
    """The story form's own month rules (a real month, from 1950, not in the future)."""
    return clean_month(value)


@dataclass(frozen=True, kw_only=True)
class TagText(Text):
    """A tag: text within the limit both as typed and as its slug (see ``tag_too_long``)."""

    def check(self, value: Any, path: Path, problems: Problems) -> Any:
        value = super().check(value, path, problems)
        if value is not INVALID and len(value) <= self.max_length and tag_too_long(value):
            problems.add(path, f"longer than {self.max_length} characters once spelled out")
        return value


def _lines(noun: str) -> ListOf:
    return ListOf(
        item=Text(max_length=LIST_LINE_MAX, blank=False), max_items=LIST_MAX_LINES, noun=noun
    )


PRINCIPLE = Obj(
    fields={
        "name": Text(max_length=PRINCIPLE_NAME_MAX, blank=False, required=True),
        "slug": Slug(max_length=PRINCIPLE_SLUG_MAX, required=True),
        "description": Text(max_length=PRINCIPLE_DESCRIPTION_MAX),
        "signals": _lines("signals"),
        "keywords": _lines("keywords"),
        "probes": _lines("probes"),
        "questions": _lines("questions"),
    }
)

PRINCIPLE_SET = Obj(
    fields={
        "name": Text(max_length=SET_NAME_MAX, blank=False, required=True),
        "slug": Slug(max_length=SET_SLUG_MAX, required=True),
        "description": Text(max_length=SET_DESCRIPTION_MAX),
        "principles": ListOf(item=PRINCIPLE, noun="principles"),
    }
)

PRINCIPLE_REF_FIELDS = {
    "set": Slug(max_length=SET_SLUG_MAX, required=True),
    "principle": Slug(max_length=PRINCIPLE_SLUG_MAX, required=True),
    "builtin": Bool(required=True),
}

MAPPING = Obj(
    fields={
        **PRINCIPLE_REF_FIELDS,
        "weight": Choice(choices=tuple(Weight.values), noun="weight", required=True),
    }
)

REVISION = Obj(
    fields={
        "created_at": Timestamp(required=True),
        "content": Obj(
            fields={name: Text(max_length=n, required=True) for name, n in TEXT_LIMITS.items()},
            required=True,
        ),
    }
)

STORY = Obj(
    fields={
        **{
            name: Text(max_length=n, blank=False, required=True)
            for name, n in TEXT_LIMITS.items()
            if name != "reflection"
        },
        "reflection": Text(max_length=REFLECTION_MAX),
        "happened_on": Month(validate=_month, nullable=True),
        "organisation": Text(max_length=META_MAX),
        "role": Text(max_length=META_MAX),
        "tags": ListOf(
            item=TagText(max_length=TAG_MAX, blank=False), max_items=MAX_TAGS, noun="tags"
        ),
        "archived_at": Timestamp(nullable=True),
        "created_at": Timestamp(),
        "updated_at": Timestamp(),
        "principles": ListOf(item=MAPPING, noun="principles"),
        "revisions": ListOf(item=REVISION, noun="revisions"),
    }
)

BANK = Obj(
    fields={
        "format": Raw(required=True),
        "version": Raw(required=True),
        "exported_at": Timestamp(),
        "principle_sets": ListOf(item=PRINCIPLE_SET, noun="principle sets"),
        "stories": ListOf(item=STORY, required=True, noun="stories"),
    }
)

# --- Version 2 ------------------------------------------------------------------------


def _ref(**kwargs: Any) -> Slug:
    return Slug(max_length=REF_MAX, **kwargs)


def _principle_ref(**kwargs: Any) -> Obj:
    return Obj(fields=PRINCIPLE_REF_FIELDS, **kwargs)


FOLLOWUP_QUESTION = Obj(
    fields={
        "question": Text(max_length=FOLLOWUP_QUESTION_MAX, blank=False, required=True),
        "part": Choice(choices=TARGET_PARTS, noun="part", required=True),
        "reason": Text(max_length=FOLLOWUP_REASON_MAX),
        "answer": Text(max_length=PART_MAX),
        "rating": Choice(choices=RATINGS, noun="rating", nullable=True),
        "answered_at": Timestamp(nullable=True),
    }
)

#: One ask of the coach (a follow-up job) and the questions it asked.
ASK = Obj(
    fields={
        "principle": _principle_ref(nullable=True),
        "requested_backend": Choice(
            choices=tuple(CoachBackend.values), noun="backend", required=True
        ),
        "backend": Choice(choices=tuple(CoachBackend.values), noun="backend", nullable=True),
        "model": Text(max_length=MODEL_MAX),
        "status": Choice(choices=FINISHED_JOB_STATUSES, noun="status", required=True),
        "error": Text(max_length=JOB_ERROR_MAX),
        "fallback_reason": Text(max_length=JOB_FALLBACK_MAX),
        "created_at": Timestamp(),
        "finished_at": Timestamp(nullable=True),
        "questions": ListOf(item=FOLLOWUP_QUESTION, max_items=ASK_QUESTIONS_MAX, noun="questions"),
    }
)

STORY_V2 = Obj(
    fields={
        "ref": _ref(nullable=True),
        **STORY.fields,
        "followups": ListOf(item=ASK, noun="follow-up asks"),
    }
)

ROUND = Obj(
    fields={
        "question": Text(max_length=QUESTION_TEXT_MAX, blank=False, required=True),
        "from_question_bank": Bool(),
        "principle": _principle_ref(nullable=True),
        "story": _ref(nullable=True),
        "status": Choice(choices=tuple(RoundStatus.values), noun="status", required=True),
        "target_seconds": Int(
            min_value=TARGET_SECONDS_MIN,
            max_value=TARGET_SECONDS_MAX,
            fallback=DEFAULT_TARGET_SECONDS,
        ),
        "answer": Text(max_length=PART_MAX),
        "seconds_taken": Int(min_value=0, max_value=SECONDS_TAKEN_MAX, nullable=True),
        "self_rating": Int(min_value=SELF_RATING_MIN, max_value=SELF_RATING_MAX, nullable=True),
        "notes": Text(max_length=PART_MAX),
        "mock_loop": _ref(nullable=True),
        "mock_interviewer": Text(max_length=SLOT_LABEL_MAX),
        "mock_position": Int(min_value=0, max_value=SMALL_INT_MAX, fallback=0),
        "created_at": Timestamp(),
        "finished_at": Timestamp(nullable=True),
        "followups": ListOf(item=ASK, noun="follow-up asks"),
    }
)

MOCK_LOOP = Obj(
    fields={
        "ref": _ref(nullable=True),
        "name": Text(max_length=MOCK_NAME_MAX, blank=False, required=True),
        "loop": _ref(nullable=True),
        "created_at": Timestamp(),
    }
)

REVIEW_ITEM = Obj(
    fields={
        "story": _ref(required=True),
        "principle": _principle_ref(required=True),
        "box": Int(min_value=REVIEW_BOX_MIN, max_value=REVIEW_BOX_MAX, required=True),
        "due_on": Date(required=True),
        "last_practised_at": Timestamp(required=True),
    }
)

_PRINCIPLE_SLUGS = ListOf(item=Slug(max_length=PRINCIPLE_SLUG_MAX), noun="principles")

COVERAGE_TARGET = Obj(
    fields={
        "set": Slug(max_length=SET_SLUG_MAX, required=True),
        "builtin": Bool(required=True),
        "principles": _PRINCIPLE_SLUGS,
    },
    required=True,
    nullable=True,
)

PIN = Obj(
    fields={
        "principle": Slug(max_length=PRINCIPLE_SLUG_MAX, required=True),
        "story": _ref(required=True),
    }
)

SLOT = Obj(
    fields={
        "label": Text(max_length=SLOT_LABEL_MAX, blank=False, required=True),
        "principles": ListOf(
            item=Slug(max_length=PRINCIPLE_SLUG_MAX),
            max_items=SLOT_PRINCIPLES_MAX,
            noun="principles",
        ),
        "unknown": Bool(),
        "unknown_count": Int(
            min_value=1, max_value=SLOT_PRINCIPLES_MAX, fallback=UNKNOWN_PRINCIPLES_DEFAULT
        ),
        "pins": ListOf(item=PIN, noun="pins"),
    }
)

LOOP = Obj(
    fields={
        "ref": _ref(nullable=True),
        "name": Text(max_length=LOOP_NAME_MAX, blank=False, required=True),
        "date": Date(nullable=True),
        "set": Slug(max_length=SET_SLUG_MAX, required=True),
        "builtin": Bool(required=True),
        "done_on": Date(nullable=True),
        "created_at": Timestamp(),
        "updated_at": Timestamp(),
        "slots": ListOf(item=SLOT, max_items=SLOTS_MAX, noun="interviewers"),
    }
)

#: Every section is required in version 2 (an empty list, or null for no target): a
#: file that says version 2 but lacks one is cut short or mislabelled, not empty.
BANK_V2 = Obj(
    fields={
        "format": Raw(required=True),
        "version": Raw(required=True),
        "exported_at": Timestamp(),
        "principle_sets": ListOf(item=PRINCIPLE_SET, required=True, noun="principle sets"),
        "stories": ListOf(item=STORY_V2, required=True, noun="stories"),
        "practice_rounds": ListOf(item=ROUND, required=True, noun="practice rounds"),
        "mock_loops": ListOf(item=MOCK_LOOP, required=True, noun="mock loops"),
        "review_items": ListOf(item=REVIEW_ITEM, required=True, noun="review items"),
        "coverage_target": COVERAGE_TARGET,
        "loops": ListOf(item=LOOP, required=True, noun="loops"),
    }
)
SCHEMAS = {1: BANK, 2: BANK_V2}


@dataclass(frozen=True)
class ParsedBank:
    """A parsed file: the cleaned bank (``None`` when unusable) and every problem found."""

    bank: dict[str, Any] | None
    problems: list[Problem]


def too_large_message(size: int) -> str:
    """What to say about a file over the limit (web form, CLI and service alike)."""
    return f"the file is over the {megabytes(MAX_FILE_BYTES)} limit (it is {megabytes(size)})"


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed in JSON")


def _file_problem(message: str) -> ParsedBank:
    return ParsedBank(None, [Problem("(file)", message)])


def _load_json(data: bytes | str) -> tuple[Any, ParsedBank | None]:
    """Decode and parse, or say why not (the size is checked first, before any parsing)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > MAX_FILE_BYTES:
        return None, _file_problem(too_large_message(len(raw)))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, _file_problem(f"not UTF-8 text (byte {exc.start + 1} is not valid)")
    try:
        return json.loads(text, parse_constant=_refuse_constant), None
    except json.JSONDecodeError as exc:
        return None, _file_problem(
            f"not valid JSON at line {exc.lineno} column {exc.colno} ({exc.msg})"
        )
    except RecursionError:
        return None, _file_problem("not usable JSON: nested too deeply")
    except ValueError as exc:  # NaN/Infinity, or a number with thousands of digits
        return None, _file_problem(f"not usable JSON: {exc}")


def _header_problems(doc: Any) -> list[Problem]:
    """Is this a Storybank bank file of a version this code reads?"""
    if not isinstance(doc, dict):
        return [
            Problem("(file)", f"expected an object with format and version, found {kind_of(doc)}")
        ]
    problems = []
    fmt = doc.get("format", INVALID)
    if fmt is INVALID:
        problems.append(Problem("format", f'required field is missing (expected "{FORMAT}")'))
    elif fmt != FORMAT:
        shown = quoted(fmt) if isinstance(fmt, str) else kind_of(fmt)
        problems.append(Problem("format", f'expected "{FORMAT}", found {shown}'))
    version = doc.get("version", INVALID)
    if version is INVALID:
        problems.append(Problem("version", "required field is missing"))
    elif isinstance(version, bool) or not isinstance(version, int):
        problems.append(Problem("version", f"expected a whole number, found {kind_of(version)}"))
    elif version not in READABLE_VERSIONS:
        readable = " and ".join(str(v) for v in READABLE_VERSIONS)
        problems.append(
            Problem(
                "version",
                f"{version} is not supported (this Storybank reads versions {readable})",
            )
        )
    return problems


def _usable(*values: Any) -> Any:
    """The values as a tuple, or INVALID when any of them is."""
    return INVALID if any(v is INVALID for v in values) else values


def _list(value: Any) -> list:
    return [] if value is INVALID else value


def _check_unique(bank: dict[str, Any], problems: Problems) -> None:
    """What the tables cannot see: repeated slugs in the file and repeated mappings."""
    sets = _list(bank["principle_sets"])
    slugs = [s["slug"] if s is not INVALID else INVALID for s in sets]
    for i, first in duplicates(slugs).items():
        problems.add(
            ("principle_sets", i, "slug"), f"{quoted(slugs[i])} is also principle_sets[{first}]"
        )
    for i, pset in enumerate(sets):
        if pset is INVALID:
            continue
        slugs = [p["slug"] if p is not INVALID else INVALID for p in _list(pset["principles"])]
        for j, first in duplicates(slugs).items():
            problems.add(
                ("principle_sets", i, "principles", j, "slug"),
                f"{quoted(slugs[j])} is also principles[{first}] of this set",
            )
    for i, story in enumerate(_list(bank["stories"])):
        if story is INVALID:
            continue
        refs = [
            _usable(m["builtin"], m["set"], m["principle"]) if m is not INVALID else INVALID
            for m in _list(story["principles"])
        ]
        for j, first in duplicates(refs).items():
            problems.add(
                ("stories", i, "principles", j),
                f'"{refs[j][1]}/{refs[j][2]}" is also principles[{first}] of this story',
            )


def _usable_items(value: Any) -> list[tuple[int, dict[str, Any]]]:
    """``(index, item)`` for the items of a list that are usable."""
    return [(i, item) for i, item in enumerate(_list(value)) if item is not INVALID]


def _refs(
    section: str, items: list[tuple[int, dict[str, Any]]], problems: Problems
) -> dict[str, int]:
    """``{ref: index}`` of a section's objects; a ref used twice is a problem."""
    found: dict[str, int] = {}
    for i, item in items:
        ref = item["ref"]
        if ref is None or ref is INVALID:
            continue
        if ref in found:
            problems.add((section, i, "ref"), f"{quoted(ref)} is also {section}[{found[ref]}]")
        else:
            found[ref] = i
    return found


def _refers(refs: dict[str, int], value: Any, path: Path, noun: str, problems: Problems) -> None:
    """A reference must name an object of the file."""
    if value is not None and value is not INVALID and value not in refs:
        problems.add(path, f"no {noun} in this file has the ref {quoted(value)}")


def _principle_key(ref: Any) -> Any:
    if ref is None or ref is INVALID:
        return INVALID
    return _usable(ref["builtin"], ref["set"], ref["principle"])


def _check_loop(i: int, loop: dict[str, Any], stories: dict[str, int], problems: Problems) -> None:
    """A loop's interviewers: principles once each, pins on them, a story pinned once."""
    pinned: dict[str, tuple[int, int]] = {}
    for j, slot in _usable_items(loop["slots"]):
        path = ("loops", i, "slots", j)
        principles = _list(slot["principles"])
        if slot["unknown"] is True and principles:
            problems.add(
                (*path, "principles"),
                "an interviewer whose principles are unknown lists none (leave the list empty)",
            )
        for k, first in duplicates(principles).items():
            problems.add(
                (*path, "principles", k), f"{quoted(principles[k])} is also principles[{first}]"
            )
        cells: dict[str, int] = {}
        for k, pin in _usable_items(slot["pins"]):
            where = (*path, "pins", k)
            _refers(stories, pin["story"], (*where, "story"), "story", problems)
            principle = pin["principle"]
            if principle is INVALID:
                continue
            if principle in cells:
                problems.add(
                    (*where, "principle"), f"{quoted(principle)} is also pins[{cells[principle]}]"
                )
            cells[principle] = k
            if slot["unknown"] is False and principle not in principles:
                problems.add(
                    (*where, "principle"),
                    f"{quoted(principle)} is not one of this interviewer's principles",
                )
            story = pin["story"]
            if story is INVALID:
                continue
            if story in pinned:
                other = "slots[{}].pins[{}]".format(*pinned[story])
                problems.add(
                    (*where, "story"), f"{quoted(story)} is already pinned in this loop ({other})"
                )
            else:
                pinned[story] = (j, k)


def _check_refs(bank: dict[str, Any], problems: Problems) -> None:
    """Version 2: refs unique per section, every reference naming an object of the file,
    and what the tables cannot see (a pair reviewed twice, a story pinned twice)."""
    stories = _refs("stories", _usable_items(bank["stories"]), problems)
    loops = _refs("loops", _usable_items(bank["loops"]), problems)
    mocks = _refs("mock_loops", _usable_items(bank["mock_loops"]), problems)
    for i, mock in _usable_items(bank["mock_loops"]):
        _refers(loops, mock["loop"], ("mock_loops", i, "loop"), "loop", problems)
    for i, practice_round in _usable_items(bank["practice_rounds"]):
        path = ("practice_rounds", i)
        _refers(stories, practice_round["story"], (*path, "story"), "story", problems)
        _refers(mocks, practice_round["mock_loop"], (*path, "mock_loop"), "mock loop", problems)
        answer = practice_round["answer"]
        if _list(practice_round["followups"]) and isinstance(answer, str) and not answer.strip():
            problems.add(
                (*path, "followups"), "follow-ups are asked about an answer, and answer is empty"
            )
    pairs = []
    for i, item in enumerate(_list(bank["review_items"])):
        if item is INVALID:
            pairs.append(INVALID)
            continue
        _refers(stories, item["story"], ("review_items", i, "story"), "story", problems)
        pairs.append(_usable(item["story"], _principle_key(item["principle"])))
    for i, first in duplicates(pairs).items():
        problems.add(("review_items", i), f"the same story and principle as review_items[{first}]")
    target = bank["coverage_target"]
    if target is not None and target is not INVALID:
        chosen = _list(target["principles"])
        for i, first in duplicates(chosen).items():
            problems.add(
                ("coverage_target", "principles", i),
                f"{quoted(chosen[i])} is also principles[{first}]",
            )
    for i, loop in _usable_items(bank["loops"]):
        _check_loop(i, loop, stories, problems)


#: What a version 1 file has none of, as version 2 would say so.
V1_DEFAULTS: dict[str, Any] = {
    "practice_rounds": [],
    "mock_loops": [],
    "review_items": [],
    "coverage_target": None,
    "loops": [],
}


def _as_version_2(bank: dict[str, Any]) -> dict[str, Any]:
    """A version 1 bank read as version 2: no refs, no follow-ups, nothing practised."""
    for story in bank["stories"]:
        story.setdefault("ref", None)
        story.setdefault("followups", [])
    return {**V1_DEFAULTS, **bank}


def parse_bank(data: bytes | str) -> ParsedBank:
    """Parse and validate a whole bank file; nothing is looked up in the database.

    A version 1 file comes back in the version 2 shape, with empty new sections.
    """
    doc, failed = _load_json(data)
    if failed:
        return failed
    header = _header_problems(doc)
    if header:
        return ParsedBank(None, header)
    problems = Problems(limit=MAX_PROBLEMS)
    try:
        bank = SCHEMAS[doc["version"]].clean(doc, (), problems)
        _check_unique(bank, problems)
        if doc["version"] == 2:
            _check_refs(bank, problems)
    except TooManyProblems:
        problems.items.append(
            Problem("(file)", f"stopped after {MAX_PROBLEMS} problems; fix these and try again")
        )
    if problems:
        return ParsedBank(None, problems.items)
    return ParsedBank(_as_version_2(bank), [])


def dump_bank(bank: dict[str, Any]) -> str:
    """A bank as JSON text: UTF-8 friendly, indented for people and diffs."""
    return json.dumps(bank, ensure_ascii=False, indent=2)
