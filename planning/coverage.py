"""The coverage grid: which principles a user's stories cover, which are thin or gaps.

Pure computation over rows already fetched (see ``selectors.coverage_grid``), so
the page runs a fixed number of queries whatever the number of stories.

Rules (named constants below):
- a principle is a *gap* with no story, *covered* with two or more stories and
  one of them in the checker's top band (Ready, ``COVERED_SCORE`` or more: a goal,
  your own actions and a measured outcome), and *thin* otherwise (one story, or no
  story Ready yet; the row says which);
- a principle covered by exactly one story is a *single point of failure*;
- a story claiming more than ``STRETCHED_OVER`` principles is *stretched*:
  interviewers will hear the same story twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from stories.star.bands import READY, band_for

COVERED_SCORE = READY.low
STRETCHED_OVER = 4

GAP, THIN, COVERED = "gap", "thin", "covered"


@dataclass(frozen=True)
class StoryColumn:
    """One story: its id, title, score and how many of the shown principles it claims."""

    pk: int
    title: str
    score: int | None
    claims: int = 0

    @property
    def stretched(self) -> bool:
        return self.claims > STRETCHED_OVER


class Cell(NamedTuple):
    """A story's mapping to a principle (weight None: not mapped)."""

    story: StoryColumn
    weight: str | None


@dataclass(frozen=True)
class PrincipleRow:
    """One principle, the weights of the stories mapped to it, and its summary."""

    principle: object
    columns: list[StoryColumn]
    weights: dict[int, str]
    count: int
    primary: int
    best: int | None

    @property
    def cells(self) -> list[Cell]:
        """A cell per story column, in column order."""
        return [Cell(col, self.weights.get(col.pk)) for col in self.columns]

    @property
    def status(self) -> str:
        if self.count == 0:
            return GAP
        if self.count >= 2 and (self.best or 0) >= COVERED_SCORE:
            return COVERED
        return THIN

    @property
    def single_point(self) -> bool:
        return self.count == 1

    @property
    def reason(self) -> str:
        """Why the row has its status, in a few words."""
        if self.count == 0:
            return "No story yet."
        if self.count == 1:
            return "Only one story: if it is used up, nothing is left."
        if self.best is None:
            return "No story is scored yet."
        if self.best < COVERED_SCORE:
            return (
                f"No story is {READY.label} yet: the best scores {self.best} "
                f"({band_for(self.best).label}); covered needs one at {COVERED_SCORE} or more."
            )
        return f"{self.count} stories, best {self.best}."


@dataclass(frozen=True)
class Grid:
    """Rows of principles, columns of stories, and what to do next."""

    rows: list[PrincipleRow]
    columns: list[StoryColumn]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def next_row(self) -> PrincipleRow | None:
        """The principle to work on next: the first gap, else the weakest thin one."""
        gaps = [r for r in self.rows if r.status == GAP]
        if gaps:
            return gaps[0]
        thin = [r for r in self.rows if r.status == THIN]
        return min(thin, key=lambda r: (r.count, r.best or 0)) if thin else None

    @property
    def advice(self) -> str:
        """One line: where the bank stands and the next step."""
        covered, thin, gaps = (self.counts.get(k, 0) for k in (COVERED, THIN, GAP))
        head = (
            f"{covered} of {self.total} covered, {thin} thin, {gaps} gap{'s' if gaps != 1 else ''}"
        )
        row = self.next_row
        if row is None:
            return f"{head}: every principle is covered. Practise them."
        name = getattr(row.principle, "name", str(row.principle))
        if row.status == GAP:
            return f"{head}: write a {name} story"
        if row.count == 1:
            return f"{head}: add a second {name} story"
        return f"{head}: strengthen your best {name} story"


def build_grid(
    principles: Sequence[object],
    stories: Sequence[tuple[int, str, int | None]],
    mappings: Iterable[tuple[int, int, str]],
) -> Grid:
    """Build the grid from principle objects (with ``pk``), ``(pk, title, score)`` story
    tuples and ``(story_pk, principle_pk, weight)`` mappings."""
    by_principle: dict[int, dict[int, str]] = {p.pk: {} for p in principles}
    claims: dict[int, int] = {}
    for story_pk, principle_pk, weight in mappings:
        if principle_pk in by_principle:
            by_principle[principle_pk][story_pk] = weight
            claims[story_pk] = claims.get(story_pk, 0) + 1
    columns = [StoryColumn(pk, title, score, claims.get(pk, 0)) for pk, title, score in stories]
    scores = {col.pk: col.score for col in columns}
    rows = [_row(p, columns, scores, by_principle[p.pk]) for p in principles]
    counts: dict[str, int] = {GAP: 0, THIN: 0, COVERED: 0}
    for row in rows:
        counts[row.status] += 1
    return Grid(rows, columns, counts)


def _row(
    principle, columns: list[StoryColumn], scores: dict[int, int | None], weights: dict[int, str]
) -> PrincipleRow:
    mapped = {pk: weight for pk, weight in weights.items() if pk in scores}
    known = [scores[pk] for pk in mapped if scores[pk] is not None]
    return PrincipleRow(
        principle=principle,
        columns=columns,
        weights=mapped,
        count=len(mapped),
        primary=sum(1 for weight in mapped.values() if weight == "primary"),
        best=max(known) if known else None,
    )
