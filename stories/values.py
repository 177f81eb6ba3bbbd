"""What a story's values may be, for every way in (the story form and the import)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from taggit.models import Tag
from taggit.utils import _parse_tags

MAX_TAGS = 20
TAG_MAX = 50
EARLIEST_YEAR = 1950
MONTH_RE = re.compile(r"^\s*(?:(\d{4})-(\d{1,2})|(\d{1,2})/(\d{4}))\s*$")
_MONTH_TEXT_MAX = 20


#: Unicode categories that show nothing: spaces, format marks (zero-width), controls.
_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cf", "Cc", "Co", "Cn"})


def shows_something(text: str) -> bool:
    """Does the text have one character that can be seen (not only spaces and
    zero-width marks)?"""
    return any(unicodedata.category(ch) not in _INVISIBLE_CATEGORIES for ch in text)


def validate_visible(text: str) -> None:
    """Refuse a title of only invisible characters: it would save and show as nothing."""
    if text and not shows_something(text):
        raise ValidationError(
            "This has only invisible characters (spaces or zero-width marks): type a title."
        )


def tags_from_string(text: str) -> list[str]:
    """Tags as typed ("ml, incident" or "ml incident", taggit's rules), in the order
    typed: taggit's own parser sorts them (``TAGGIT_TAGS_FROM_STRING``)."""
    return sorted(_parse_tags(text), key=lambda tag: text.find(tag))


def tags_edit_string(tags: Iterable[Tag]) -> str:
    """The tags as the form shows them to edit, in their order, quoted where taggit
    needs it (``TAGGIT_STRING_FROM_TAGS``)."""
    return ", ".join(f'"{t.name}"' if "," in t.name or " " in t.name else t.name for t in tags)


def tag_too_long(tag: str) -> bool:
    """Over TAG_MAX characters as typed, or as the slug taggit stores (at most 100
    characters there): a few characters spell out as many, e.g. "ﷺ" as 18."""
    return len(tag) > TAG_MAX or len(Tag().slugify(tag)) > TAG_MAX


def parse_month(value: object) -> dt.date | None:
    """A month typed as YYYY-MM (or MM/YYYY), as its first day; None when blank."""
    if isinstance(value, dt.date):
        return value.replace(day=1)
    text = str(value or "").strip()
    if not text:
        return None
    # A month is a few characters; anything longer is not one (not even when it starts
    # with one: "2024-03             x" is refused, not read as March 2024).
    match = MONTH_RE.match(text) if len(text) <= _MONTH_TEXT_MAX else None
    if not match:
        raise ValidationError("Enter the month as YYYY-MM, for example 2024-03.")
    year, month = (match[1], match[2]) if match[1] else (match[4], match[3])
    try:
        return dt.date(int(year), int(month), 1)
    except ValueError:
        raise ValidationError("Enter a real month, for example 2024-03.") from None


def validate_month(value: dt.date | None) -> None:
    """A story happened: not in the future, and not before EARLIEST_YEAR."""
    if value and value > dt.date.today().replace(day=1):
        raise ValidationError("That month is in the future: a story is something that happened.")
    if value and value.year < EARLIEST_YEAR:
        raise ValidationError(f"Enter a year from {EARLIEST_YEAR} on.")


def clean_month(value: object) -> dt.date | None:
    """``parse_month`` then ``validate_month``."""
    month = parse_month(value)
    validate_month(month)
    return month
