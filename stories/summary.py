"""A story cut down to what fits on a card or a one-pager: the first line of each part
and the numbers it quotes (used by the cheat sheet and the loop one-pager)."""

from __future__ import annotations

import re

from stories.models import Story
from stories.star import find_quantities

#: Words shown per part at most; longer first sentences are cut with an ellipsis.
GIST_WORDS = 25
#: Key numbers shown per card at most.
NUMBERS_MAX = 5
#: Parts searched for numbers, the result first: that is where impact lives.
NUMBER_PARTS = ("result", "action", "situation", "task")
# A sentence ends at . ! or ? followed by a space and something that is not lowercase.
SENTENCE_END_RE = re.compile(r"[.!?][\"')\]\u201d\u2019]*(?=\s+[^a-z\s])")


def gist(text: str, words: int = GIST_WORDS) -> str:
    """The first sentence, or its first ``words`` words; "…" when something is left out."""
    text = " ".join(text.split())
    end = SENTENCE_END_RE.search(text)
    first = text[: end.end()] if end else text
    cut = first.split()
    if len(cut) > words:
        return " ".join(cut[:words]).rstrip(",;:") + "…"
    return first + (" …" if len(first) < len(text) else "")


def key_numbers(story: Story, limit: int = NUMBERS_MAX) -> list[str]:
    """The quantities the story quotes (40%, $2M, 3x...), result first, each once."""
    found: dict[str, str] = {}
    for part in NUMBER_PARTS:
        for quantity in find_quantities(getattr(story, part)):
            found.setdefault(quantity.text.casefold(), quantity.text)
            if len(found) == limit:
                return list(found.values())
    return list(found.values())
