"""Fast HTML for the grid's rows and column heads.

A 16 x 60 grid has close to a thousand cells; rendering each through the
template engine costs far more than the rest of the page together, so the cells
are built here, escaping every name once per row or column (with the standard
library's ``html.escape``: plain strings keep the formatting loop fast).
"""

from __future__ import annotations

from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from planning.coverage import STRETCHED_OVER, Grid, PrincipleRow, StoryColumn
from stories.scoring import score_style

_SYMBOL = {"primary": "P", "secondary": "S", None: "·"}


_SPOF_BADGE = (
    ' <span class="badge text-bg-warning spof" title="Only one story covers this principle">'
    '<span class="d-none d-md-inline">single point of failure</span>'
    '<span class="d-md-none">1 story only</span></span>'
)


def _principle_url_pattern() -> str:
    """The principle URL with ``{set}`` and ``{slug}`` placeholders (reversed once)."""
    return (
        reverse("principles:principle_detail", args=["set-sentinel", "slug-sentinel"])
        .replace("set-sentinel", "{set}")
        .replace("slug-sentinel", "{slug}")
    )


def row_html(
    row: PrincipleRow,
    titles: dict[int, str],
    styles: dict[int, str],
    url_pattern: str | None = None,
) -> SafeString:
    """A whole grid row: the principle, its summary and its cells."""
    principle = row.principle
    url = (url_pattern or _principle_url_pattern()).format(
        set=principle.principle_set.slug, slug=principle.slug
    )
    best = "&ndash;" if row.best is None else row.best
    spof = _SPOF_BADGE if row.single_point else ""
    return mark_safe(  # noqa: S308 - names are escaped; row_cells escapes its own
        f'<tr id="row-{principle.pk}" class="status-{row.status}">'
        f'<th scope="row" class="principle-col"><a href="{url}">{escape(principle.name)}</a></th>'
        f'<td class="summary-col small"><span class="count">{row.count}</span> · '
        f'<span class="best">{best}</span> · '
        f'<span class="badge status-badge status-badge-{row.status}" title="{escape(row.reason)}">'
        f"{row.status}</span>{spof}</td>"
        f"{row_cells(row, titles, styles)}</tr>"
    )


def row_cells(row: PrincipleRow, titles: dict[int, str], styles: dict[int, str]) -> str:
    """The row's cells: one toggle button per story (the unmapped ones share most text)."""
    name = escape(row.principle.name)
    principle_pk = row.principle.pk
    weights = row.weights
    html = []
    for column in row.columns:
        pk = column.pk
        weight = weights.get(pk)
        if weight is None:
            html.append(
                f'<td><button name="cell" value="{pk}:{principle_pk}" class="cell cell-none" '
                f'aria-label="{name} / {titles[pk]}: not mapped">·</button></td>'
            )
        else:
            html.append(
                f'<td><button name="cell" value="{pk}:{principle_pk}" '
                f'class="cell cell-{weight} cell-score-{styles[pk]}" '
                f'aria-label="{name} / {titles[pk]}: {weight}">{_SYMBOL[weight]}</button></td>'
            )
    return "".join(html)


def column_lookups(grid: Grid) -> tuple[dict[int, str], dict[int, str]]:
    """Escaped titles and score colours by story, computed once per page."""
    titles = {c.pk: escape(c.title) for c in grid.columns}
    styles = {c.pk: score_style(c.score) for c in grid.columns}
    return titles, styles


def rows_html(grid: Grid) -> SafeString:
    """Every row of the grid's body."""
    titles, styles = column_lookups(grid)
    pattern = _principle_url_pattern()
    return mark_safe(  # noqa: S308 - built by row_html, which escapes
        "".join(row_html(row, titles, styles, pattern) for row in grid.rows)
    )


_SENTINEL = 987654321
TITLE_CHARS = 28


def _short(title: str) -> str:
    return title if len(title) <= TITLE_CHARS else f"{title[: TITLE_CHARS - 1]}…"


def _detail_url_pattern() -> str:
    """The story URL with ``{pk}`` in place of the id (reversed once, not per column)."""
    return reverse("stories:detail", args=[_SENTINEL]).replace(str(_SENTINEL), "{pk}")


def column_head(
    column: StoryColumn, *, oob: bool = False, url_pattern: str | None = None
) -> SafeString:
    """The header cell of a story's column: title, score and how many principles it claims."""
    url = (url_pattern or _detail_url_pattern()).format(pk=column.pk)
    style = score_style(column.score)
    score = "&ndash;" if column.score is None else column.score
    claims_class = "claims text-danger fw-semibold" if column.stretched else "claims"
    stretched = (
        f' <span class="badge text-bg-danger" title="Claims more than {STRETCHED_OVER} '
        f'principles: interviewers will hear it twice">stretched</span>'
        if column.stretched
        else ""
    )
    swap = ' hx-swap-oob="true"' if oob else ""
    return mark_safe(  # noqa: S308 - the title is escaped, the rest is ours
        f'<th scope="col" class="story-col" id="col-{column.pk}"{swap}>'
        f'<a href="{url}" class="story-title" title="{escape(column.title)}">'
        f"{escape(_short(column.title))}</a>"
        f'<div class="small"><span class="badge text-bg-{style}">{score}</span> '
        f'<span class="{claims_class}" title="Principles this story claims">{column.claims}</span>'
        f"{stretched}</div></th>"
    )


def column_heads(grid: Grid) -> SafeString:
    """All the story columns' header cells."""
    pattern = _detail_url_pattern()
    heads = "".join(column_head(c, url_pattern=pattern) for c in grid.columns)
    return mark_safe(heads)  # noqa: S308 - built by column_head, which escapes
