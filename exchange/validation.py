"""A small, table-driven validator for parsed JSON: every problem, with its place.

A schema is a tree of specs (``Obj``, ``ListOf``, ``Text``...). ``spec.clean(value,
path, problems)`` returns the cleaned value (or ``INVALID``) and records each problem
with its place in the file, e.g. ``stories[3].result``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

Path = tuple[str | int, ...]
#: Returned for a value too broken to use; the import fails on its problem anyway.
INVALID: Any = object()

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+\Z")
MONTH_RE = re.compile(r"^\d{4}-\d{2}\Z")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an imported file, and where."""

    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


def place_of(path: Path) -> str:
    """``("stories", 3, "result")`` -> ``"stories[3].result"``; the empty path is the file."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or "(file)"


class TooManyProblems(Exception):
    """Raised when the collector is full: there is no point reading further."""


class Problems:
    """Collects problems, up to ``limit``."""

    def __init__(self, limit: int) -> None:
        self.items: list[Problem] = []
        self.limit = limit

    def add(self, path: Path, message: str) -> None:
        self.items.append(Problem(place_of(path), message))
        if len(self.items) >= self.limit:
            raise TooManyProblems

    def __bool__(self) -> bool:
        return bool(self.items)


def kind_of(value: object) -> str:
    """How JSON would call a value, for messages ("found a number")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def quoted(value: str, limit: int = 60) -> str:
    """A value for a message, cut short."""
    text = value if len(value) <= limit else value[: limit - 1] + "…"
    return f'"{text}"'


@dataclass(frozen=True, kw_only=True)
class Spec:
    """Base spec: whether the field must be present, and its value when absent."""

    required: bool = False
    nullable: bool = False

    def default(self) -> Any:
        return None

    def clean(self, value: Any, path: Path, problems: Problems) -> Any:
        if value is None and self.nullable:
            return None
        return self.check(value, path, problems)

    def check(self, value: Any, path: Path, problems: Problems) -> Any:
        raise NotImplementedError

    def wrong_type(self, value: Any, expected: str, path: Path, problems: Problems) -> Any:
        problems.add(path, f"expected {expected}, found {kind_of(value)}")
        return INVALID


@dataclass(frozen=True, kw_only=True)
class Raw(Spec):
    """Any value (fields checked elsewhere, such as ``format``)."""

    def check(self, value: Any, path: Path, problems: Problems) -> Any:
        return value


@dataclass(frozen=True, kw_only=True)
class Text(Spec):
    """A string of at most ``max_length`` characters; ``blank=False`` refuses empty text."""

    max_length: int
    blank: bool = True

    def default(self) -> Any:
        return None if self.nullable else ""

    def check(self, value: Any, path: Path, problems: Problems) -> Any:
        if not isinstance(value, str):
            return self.wrong_type(value, "text", path, problems)
        if "\x00" in value:
            problems.add(path, "contains a NUL character")
            return INVALID
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate, e.g. "\ud800" escaped in the JSON
            problems.add(path, "contains a character that is not valid Unicode")
            return INVALID
        if len(value) > self.max_length:
            problems.add(
                path, f"longer than {self.max_length:,} characters (it has {len(value):,})"
            )
        elif not self.blank and not value.strip():
            problems.add(path, "must not be empty")
        return value


@dataclass(frozen=True, kw_only=True)
class Slug(Text):
    """A URL slug: letters, digits, hyphens and underscores."""

    blank: bool = False

    def check(self, value: Any, path: Path, problems: Problems) -> Any:
        value = super().check(value, path, problems)
        if value is INVALID or not value.strip():
            return INVALID
        if not SLUG_RE.match(value):
            problems.add(path, f"{quoted(value)} is not a slug (use letters, digits, - and _ only)")
            return INVALID
        return value


@dataclass(frozen=True, kw_only=True)
class Bool(Spec):
    """true or false (false when absent and not required)."""

    def default(self) -> Any:
        return False

    def check(self, value: Any, path: Path, problems: Problems) -> Any:
        if not isinstance(value, bool):
            return self.wrong_type(value, "true or false", path, problems)
        return value


@dataclass(frozen=True, kw_only=True)
class Choice(Spec):
    """One of a few strings; ``noun`` names it in messages ("unknown weight ...")."""

    choices: tuple[str, ...]
    noun: str

    def check(self, value: Any, path: Path, problems: Problems) -> Any:
        if not isinstance(value, str):
            return self.wrong_type(value, "text", path, problems)
        if value not in self.choices:
            allowed = " or ".join(f'"{c}"' for c in self.choices)
            problems.add(path, f"unknown {self.noun} {quoted(value)} (use {allowed})")
            return INVALID
        return value


@dataclass(frozen=True, kw_only=True)
class Int(Spec):
    """A whole number from ``min_value`` to ``max_value``; ``fallback`` when absent."""

    min_value: int
    max_value: int
    fallback: int | None = None

    def default(self) -> Any:
        return self.fallback

    def check(self, value: Any, path: Path, problems: Problems) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            return self.wrong_type(value, "a whole number", path, problems)
        if not self.min_value <= value <= self.max_value:
            problems.add(
                path,
                f"{value} is out of range (use {self.min_value:,} to {self.max_value:,})",
            )
            return INVALID
        return value


@dataclass(frozen=True, kw_only=True)
class Date(Spec):
    """A calendar day as "YYYY-MM-DD"."""

    def check(self, value: Any, path: Path, problems: Problems) -> Any:
        if not isinstance(value, str):
            return self.wrong_type(value, 'a date as "YYYY-MM-DD"', path, problems)
        try:
            if not DATE_RE.match(value):
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            problems.add(path, f'{quoted(value)} is not a date as "YYYY-MM-DD" (e.g. 2024-03-05)')
            return INVALID


@dataclass(frozen=True, kw_only=True)
class Timestamp(Spec):
    """An ISO 8601 date and time; without an offset it is read as UTC."""

    def check(self, value: Any, path: Path, problems: Problems) -> Any:
        if not isinstance(value, str):
            return self.wrong_type(value, "an ISO 8601 date and time", path, problems)
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            problems.add(
                path,
                f"{quoted(value)} is not an ISO 8601 date and time (e.g. 2024-03-05T14:30:00Z)",
            )
            return INVALID
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=dt.UTC)
        return moment


@dataclass(frozen=True, kw_only=True)
class Month(Spec):
    """A month as "YYYY-MM"; ``validate`` applies the app's own date rules."""

    validate: Callable[[str], dt.date | None]

    def check(self, value: Any, path: Path, problems: Problems) -> Any:
        if not isinstance(value, str):
            return self.wrong_type(value, 'a month as "YYYY-MM"', path, problems)
        if not MONTH_RE.match(value):
            problems.add(path, f'{quoted(value)} is not a month as "YYYY-MM" (e.g. 2024-03)')
            return INVALID
        try:
            return self.validate(value)
        except ValidationError as exc:
            message = " ".join(exc.messages)
            problems.add(path, f"{quoted(value)}: {message[:1].lower()}{message[1:]}")
            return INVALID


@dataclass(frozen=True, kw_only=True)
class ListOf(Spec):
    """A list of ``item`` values, at most ``max_items`` of them (``noun`` names them)."""

    item: Spec
    max_items: int | None = None
    noun: str = "items"

    def default(self) -> Any:
        return []

    def check(self, value: Any, path: Path, problems: Problems) -> Any:
        if not isinstance(value, list):
            return self.wrong_type(value, "a list", path, problems)
        if self.max_items is not None and len(value) > self.max_items:
            problems.add(path, f"more than {self.max_items} {self.noun} (it has {len(value)})")
        return [self.item.clean(v, (*path, i), problems) for i, v in enumerate(value)]


@dataclass(frozen=True, kw_only=True)
class Obj(Spec):
    """An object with known fields: missing required fields and unknown fields are problems."""

    fields: Mapping[str, Spec] = field(default_factory=dict)

    def check(self, value: Any, path: Path, problems: Problems) -> Any:
        if not isinstance(value, dict):
            return self.wrong_type(value, "an object", path, problems)
        for name in value:
            if name not in self.fields:
                problems.add((*path, name), "unknown field")
        cleaned = {}
        for name, spec in self.fields.items():
            if name in value:
                cleaned[name] = spec.clean(value[name], (*path, name), problems)
            elif spec.required:
                problems.add((*path, name), "required field is missing")
                cleaned[name] = INVALID
            else:
                cleaned[name] = spec.default()
        return cleaned


def duplicates(values: Collection[Any]) -> dict[int, int]:
    """``{index: index of the first equal value}`` for every repeated value."""
    first: dict[Any, int] = {}
    repeats = {}
    for i, value in enumerate(values):
        if value is INVALID:
            continue
        if value in first:
            repeats[i] = first[value]
        else:
            first[value] = i
    return repeats
