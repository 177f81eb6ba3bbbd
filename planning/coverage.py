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

A ``GridView`` (the page's GET parameters) narrows and orders what the page shows:
principles by status, stories by band, flag or tag, stories by score, title or
claims, principles in the set's order or weakest first. It never changes the
coverage itself: statuses, claims and the advice always count the whole bank.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from common.wording import with_article
from stories.star.bands import BANDS, READY, band_for

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
    #: Every principle of the target, shown or not (empty: the same as ``rows``).
    all_rows: list[PrincipleRow] = field(default_factory=list)
    #: How many stories the bank has, shown or not (None: ``len(columns)``).
    story_total: int | None = None

    @property
    def every_row(self) -> list[PrincipleRow]:
        """All the target's principles, whatever the view shows."""
        return self.all_rows or self.rows

    @property
    def total(self) -> int:
        return len(self.every_row)

    @property
    def stories(self) -> int:
        """How many stories the bank has (the view may show fewer)."""
        return len(self.columns) if self.story_total is None else self.story_total

    @property
    def narrowed(self) -> bool:
        """Does the view hide some principles or stories?"""
        return len(self.rows) < self.total or len(self.columns) < self.stories

    @property
    def next_row(self) -> PrincipleRow | None:
        """The principle to work on next: the first gap, else the weakest thin one."""
        gaps = [r for r in self.every_row if r.status == GAP]
        if gaps:
            return gaps[0]
        thin = [r for r in self.every_row if r.status == THIN]
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
            return f"{head}: write {with_article(name)} story"
        if row.count == 1:
            return f"{head}: add a second {name} story"
        return f"{head}: strengthen your best {name} story"

    @property
    def next_button(self) -> str:
        """The words on the button that starts the next story (empty: nothing to do)."""
        row = self.next_row
        if row is None:
            return ""
        name = getattr(row.principle, "name", str(row.principle))
        return f"Write {with_article(name)} story"


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


# --- what the page shows: filters and sorts (GET parameters) ---------------------------

#: ``principles=``: which principles show (empty: all).
PRINCIPLE_FILTERS = {
    "open": "Gaps and thin",
    GAP: "Gaps",
    THIN: "Thin",
    COVERED: "Covered",
}
#: ``stories=``: which stories show (empty: all): a score band, unscored, or a flag.
STORY_FILTERS = {
    **{band.key: band.label for band in BANDS},
    "unscored": "Not scored",
    "stretched": f"Stretched (more than {STRETCHED_OVER} principles)",
    "unmapped": "Mapped to none of these principles",
}
#: ``sort=``: the order of the story columns.
STORY_SORTS = {
    "score": "Score, best first",
    "title": "Title, A to Z",
    "claims": "Principles claimed, most first",
}
#: ``psort=``: the order of the principle rows.
PRINCIPLE_SORTS = {
    "set": "The set's order",
    "weakest": "Weakest first (gaps, thin, covered)",
}
_STATUS_RANK = {GAP: 0, THIN: 1, COVERED: 2}


@dataclass(frozen=True)
class GridView:
    """What the grid page shows of the grid, read from its GET parameters.

    Unknown values fall back to the defaults, so a hand-edited link still shows a grid.
    """

    principles: str = ""
    stories: str = ""
    tag: str = ""
    sort: str = "score"
    psort: str = "set"

    @classmethod
    def from_params(cls, data: Mapping[str, str]) -> GridView:
        """The view a query string (or a form's hidden fields) asks for."""

        def pick(name: str, allowed: Mapping[str, str], default: str) -> str:
            value = str(data.get(name) or "").strip()
            return value if value in allowed else default

        return cls(
            principles=pick("principles", PRINCIPLE_FILTERS, ""),
            stories=pick("stories", STORY_FILTERS, ""),
            tag=str(data.get("tag") or "").strip()[:100],
            sort=pick("sort", STORY_SORTS, "score"),
            psort=pick("psort", PRINCIPLE_SORTS, "set"),
        )

    def params(self) -> dict[str, str]:
        """The parameters that differ from the default view (for links and forms)."""
        default = GridView()
        return {
            name: value
            for name in ("principles", "stories", "tag", "sort", "psort")
            if (value := getattr(self, name)) != getattr(default, name)
        }

    @property
    def filtered(self) -> bool:
        """Does the view hide anything (sorting alone hides nothing)?"""
        return bool(self.principles or self.stories or self.tag)

    def shows_row(self, row: PrincipleRow) -> bool:
        if not self.principles:
            return True
        if self.principles == "open":
            return row.status != COVERED
        return row.status == self.principles

    def shows_column(self, column: StoryColumn, tags: Mapping[int, Iterable[str]]) -> bool:
        if self.tag:
            wanted = self.tag.casefold()
            if all(tag.casefold() != wanted for tag in tags.get(column.pk, ())):
                return False
        kind = self.stories
        if not kind:
            return True
        if kind == "stretched":
            return column.stretched
        if kind == "unmapped":
            return column.claims == 0
        if column.score is None:
            return kind == "unscored"
        return band_for(column.score).key == kind


def _row_weakness(row: PrincipleRow) -> tuple[int, int, int]:
    return (_STATUS_RANK[row.status], row.count, row.best or 0)


def view_grid(grid: Grid, view: GridView, tags: Mapping[int, Iterable[str]] | None = None) -> Grid:
    """The grid as ``view`` shows it: some rows and columns, in its order.

    ``tags``: story pk -> its tag names (needed only when the view filters by tag).
    Stories come in score order from ``build_grid``'s caller; the sorts here are stable,
    so ties keep that order. Statuses, claims and the advice are those of the whole grid.
    """
    columns = [c for c in grid.columns if view.shows_column(c, tags or {})]
    if view.sort == "title":
        columns.sort(key=lambda c: c.title.casefold())
    elif view.sort == "claims":
        columns.sort(key=lambda c: -c.claims)
    every = [replace(row, columns=columns) for row in grid.every_row]
    rows = [row for row in every if view.shows_row(row)]
    if view.psort == "weakest":
        rows.sort(key=_row_weakness)
    return Grid(rows, columns, grid.counts, every, grid.stories)


def with_columns(grid: Grid, pks: Sequence[int]) -> Grid | None:
    """The grid with exactly these story columns, in this order: the columns a page
    already shows, so that a row redrawn after a click lines up with the others whatever
    the filters and sorts now say. None when one of the stories is gone."""
    by_pk = {column.pk: column for column in grid.columns}
    if any(pk not in by_pk for pk in pks):
        return None
    columns = [by_pk[pk] for pk in pks]
    every = [replace(row, columns=columns) for row in grid.every_row]
    return Grid(every, columns, grid.counts, every, grid.stories)
