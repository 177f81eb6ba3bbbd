"""Cheat-sheet cards: each active story cut down to what fits on a printed card."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from stories.models import Story
from stories.summary import gist, key_numbers

from .markdown_export import meta_line, primary_first

LINES = (
    ("situation", "S"),
    ("task", "T"),
    ("action", "A"),
    ("result", "R"),
    ("reflection", "L"),
)


@dataclass(frozen=True)
class Card:
    """One story on the cheat sheet."""

    story: Story
    meta: str
    principles: list[tuple[str, bool]]
    lines: list[tuple[str, str, str]]
    numbers: list[str]


def card_for(story: Story) -> Card:
    """A story's card (its mappings and principles must be prefetched)."""
    return Card(
        story=story,
        meta=meta_line(story),
        principles=[(m.principle.name, m.weight == "primary") for m in primary_first(story)],
        lines=[
            (label, name, gist(getattr(story, name)))
            for name, label in LINES
            if getattr(story, name).strip()
        ],
        numbers=key_numbers(story),
    )


def cards(stories: Iterable[Story]) -> list[Card]:
    """Cards for the given stories, in order."""
    return [card_for(s) for s in stories]
