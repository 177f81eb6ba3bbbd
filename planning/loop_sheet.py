"""The one-pager: per interviewer, each principle's story cut to what a second screen
or a printed page holds (three key numbers, the first line of each STAR part), the
backup, and the follow-ups marked shaky in practice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace

from planning.loop_fit import FitStory
from planning.loops import Choice, PlannedSlot
from stories.summary import gist, key_numbers

#: Key numbers per story on the sheet, shaky follow-ups per story, words per line.
SHEET_NUMBERS = 3
SHEET_SHAKY = 2
SHEET_WORDS = 18
STAR_LINES = (("situation", "S"), ("task", "T"), ("action", "A"), ("result", "R"))


@dataclass(frozen=True)
class SheetStory:
    """A planned story as the sheet shows it."""

    pk: int
    title: str
    weight: str | None
    score: int | None
    numbers: list[str]
    lines: list[tuple[str, str]]
    shaky: list[str]


@dataclass(frozen=True)
class SheetCell:
    """One principle of an interviewer: its story and its backup's title."""

    principle: str
    story: SheetStory | None
    backup: str | None


@dataclass(frozen=True)
class Sheet:
    """One interviewer's page."""

    label: str
    pk: int
    cells: list[SheetCell]


def sheet_story(choice: Choice, shaky: Sequence[str]) -> SheetStory:
    """The story cut down for the sheet."""
    story: FitStory = choice.story
    parts = SimpleNamespace(**{name: story.parts.get(name, "") for name, _ in STAR_LINES})
    return SheetStory(
        pk=story.pk,
        title=story.title,
        weight=choice.fit.weight,
        score=story.score,
        numbers=key_numbers(parts, limit=SHEET_NUMBERS),  # type: ignore[arg-type]
        lines=[
            (label, gist(story.parts[name], SHEET_WORDS))
            for name, label in STAR_LINES
            if story.parts.get(name, "").strip()
        ],
        shaky=list(shaky[:SHEET_SHAKY]),
    )


def sheets(slots: Sequence[PlannedSlot], page) -> list[Sheet]:
    """A sheet per interviewer, in the loop's order."""
    shaky = page.practice.shaky
    return [
        Sheet(
            label=slot.label,
            pk=slot.pk,
            cells=[
                SheetCell(
                    principle=cell.principle.name,
                    story=sheet_story(cell.primary, shaky.get(cell.primary.pk, ()))
                    if cell.primary
                    else None,
                    backup=cell.backup.title if cell.backup else None,
                )
                for cell in slot.cells
            ],
        )
        for slot in slots
    ]
