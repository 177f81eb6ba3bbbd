"""The bank file format (version 1): its limits, its field tables and its parser.

Documented for people in ``exchange/SCHEMA.md``; keep the two in step.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from common.sizes import megabytes
from principles.models import LIST_LINE_MAX, LIST_MAX_LINES, Principle, PrincipleSet
from stories.models import (
    CONTENT_FIELDS,
    FIELD_LIMITS,
    META_MAX,
    REFLECTION_MAX,
    Weight,
)
from stories.values import MAX_TAGS, TAG_MAX, clean_month, tag_too_long

from .validation import (
    INVALID,
    Bool,
    Choice,
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
VERSION = 1
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

MAPPING = Obj(
    fields={
        "set": Slug(max_length=SET_SLUG_MAX, required=True),
        "principle": Slug(max_length=PRINCIPLE_SLUG_MAX, required=True),
        "builtin": Bool(required=True),
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
    elif version != VERSION:
        problems.append(
            Problem(
                "version",
                f"{version} is not supported (this Storybank reads version {VERSION})",
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


def parse_bank(data: bytes | str) -> ParsedBank:
    """Parse and validate a whole bank file; nothing is looked up in the database."""
    doc, failed = _load_json(data)
    if failed:
        return failed
    header = _header_problems(doc)
    if header:
        return ParsedBank(None, header)
    problems = Problems(limit=MAX_PROBLEMS)
    try:
        bank = BANK.clean(doc, (), problems)
        _check_unique(bank, problems)
    except TooManyProblems:
        problems.items.append(
            Problem("(file)", f"stopped after {MAX_PROBLEMS} problems; fix these and try again")
        )
    if problems:
        return ParsedBank(None, problems.items)
    return ParsedBank(bank, [])


def dump_bank(bank: dict[str, Any]) -> str:
    """A bank as JSON text: UTF-8 friendly, indented for people and diffs."""
    return json.dumps(bank, ensure_ascii=False, indent=2)
