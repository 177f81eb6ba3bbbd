"""Small rules of English the pages share: "a" or "an" before a name, and how long ago."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.timesince import timesince

#: Vowel-led words said with a consonant sound ("a Unified...", "a One-...").
_SAID_WITH_A_CONSONANT = ("uni", "use", "usu", "eu", "one")
#: Under this many seconds ago is "just now".
JUST_NOW_SECONDS = 60


def with_article(name: str) -> str:
    """'a Dive Deep', 'an Ownership', 'an Invent and Simplify'."""
    word = name.strip().lower()
    vowel = word[:1] in "aeiou" and not word.startswith(_SAID_WITH_A_CONSONANT)
    return f"{'an' if vowel else 'a'} {name.strip()}"


def ago(moment: dt.datetime, now: dt.datetime | None = None) -> str:
    """'just now' under a minute, else '3 minutes ago', '2 days ago'."""
    now = now or timezone.now()
    if (now - moment).total_seconds() < JUST_NOW_SECONDS:
        return "just now"
    return f"{timesince(moment, now, depth=1)} ago"
