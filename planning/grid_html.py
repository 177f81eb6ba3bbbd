"""Fast HTML for the grid's rows, column heads and per-principle list.

A 16 x 60 grid has close to a thousand cells; rendering each through the
template engine costs far more than the rest of the page together, so the cells
are built here, escaping every name once per row or column (with the standard
library's ``html.escape``: plain strings keep the formatting loop fast).

Two views of the same grid are built: the table (wide screens) and a list, one
entry per principle with its stories (phones); ``static/planning/grid.css`` shows
one or the other by the screen's width. Every cell in either is a real button
that posts ``cell=<story>:<principle>`` (the table) or ``pcell=`` (the list, so
that a page reloaded without JavaScript comes back to the same entry); a list
entry maps one more story with its menu ``add-<principle>`` and ``add=<principle>``.
"""

from __future__ import annotations

from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from planning.coverage import STRETCHED_OVER, Grid, PrincipleRow, StoryColumn
from stories.scoring import score_style

_SYMBOL = {"primary": "P", "secondary": "S", None: "·"}
_SENTINEL = 987654321

_SPOF_BADGE = (
    ' <span class="badge text-bg-warning spof" title="Only one story covers this principle: '
    'a single point of failure">1 story only</span>'
)


def _principle_url_pattern() -> str:
    """The principle URL with ``{set}`` and ``{slug}`` placeholders (reversed once)."""
    return (
        reverse("principles:principle_detail", args=["set-sentinel", "slug-sentinel"])
        .replace("set-sentinel", "{set}")
        .replace("slug-sentinel", "{slug}")
    )


def _detail_url_pattern() -> str:
    """The story URL with ``{pk}`` in place of the id (reversed once, not per column)."""
    return reverse("stories:detail", args=[_SENTINEL]).replace(str(_SENTINEL), "{pk}")


def _principle_url(row: PrincipleRow, url_pattern: str | None) -> str:
    principle = row.principle
    return (url_pattern or _principle_url_pattern()).format(
        set=principle.principle_set.slug, slug=principle.slug
    )


def _summary(row: PrincipleRow) -> str:
    """Status, story count and best score of a row, with a word for each on hover."""
    best = "&ndash;" if row.best is None else row.best
    spof = _SPOF_BADGE if row.single_point else ""
    stories = "story" if row.count == 1 else "stories"
    return (
        f'<span class="badge status-badge status-badge-{row.status}" title="{escape(row.reason)}">'
        f"{row.status}</span> "
        f'<span class="count" title="{row.count} {stories}">{row.count}</span> · '
        f'<span class="best" title="Best score">{best}</span>{spof}'
    )


def row_html(
    row: PrincipleRow,
    titles: dict[int, str],
    styles: dict[int, str],
    url_pattern: str | None = None,
) -> SafeString:
    """A whole grid row: the principle with its summary (the sticky column), its cells."""
    principle = row.principle
    url = _principle_url(row, url_pattern)
    return mark_safe(  # noqa: S308 - names are escaped; row_cells escapes its own
        f'<tr id="row-{principle.pk}" class="status-{row.status}">'
        f'<th scope="row" class="principle-col"><a href="{url}" class="principle-name">'
        f"{escape(principle.name)}</a>"
        f'<span class="row-summary">{_summary(row)}</span></th>'
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
                f'aria-label="{name}, {titles[pk]}: not mapped">·</button></td>'
            )
        else:
            html.append(
                f'<td><button name="cell" value="{pk}:{principle_pk}" '
                f'class="cell cell-{weight} cell-score-{styles[pk]}" '
                f'aria-label="{name}, {titles[pk]}: {weight}">{_SYMBOL[weight]}</button></td>'
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


def column_head(
    column: StoryColumn, *, oob: bool = False, url_pattern: str | None = None
) -> SafeString:
    """The header cell of a story's column: its title (turned upright to stay narrow, cut
    by CSS, whole in the link's text and tooltip), score and how many principles it claims."""
    url = (url_pattern or _detail_url_pattern()).format(pk=column.pk)
    style = score_style(column.score)
    score = "&ndash;" if column.score is None else column.score
    title = escape(column.title)
    if column.stretched:
        claims = (
            f'<span class="claims claims-stretched" title="Claims more than {STRETCHED_OVER} '
            f'principles: interviewers will hear it twice">{column.claims}</span>'
            f'<span class="visually-hidden"> principles: stretched</span>'
        )
    else:
        claims = f'<span class="claims" title="Principles this story claims">{column.claims}</span>'
    swap = ' hx-swap-oob="true"' if oob else ""
    return mark_safe(  # noqa: S308 - the title is escaped, the rest is ours
        f'<th scope="col" class="story-col" id="col-{column.pk}"{swap}>'
        f'<a href="{url}" class="story-title" title="{title}">{title}</a>'
        f'<span class="story-score badge text-bg-{style}" title="STAR score">{score}</span>'
        f"{claims}</th>"
    )


def column_heads(grid: Grid) -> SafeString:
    """All the story columns' header cells."""
    pattern = _detail_url_pattern()
    heads = "".join(column_head(c, url_pattern=pattern) for c in grid.columns)
    return mark_safe(heads)  # noqa: S308 - built by column_head, which escapes


# --- the list: a principle per entry, for phones ------------------------------------------


def principle_item(
    row: PrincipleRow,
    titles: dict[int, str],
    styles: dict[int, str],
    *,
    oob: bool = False,
    url_pattern: str | None = None,
    story_pattern: str | None = None,
    options: dict[int, str] | None = None,
) -> SafeString:
    """One principle in the list: its status, the stories mapped to it (each a button
    that cycles the mapping, as a cell does) and a menu of the others, to map one.

    ``options``: each story's ``<option>`` (``story_options``), built once per page."""
    if options is None:
        options = story_options(row.columns, titles)
    principle = row.principle
    ppk = principle.pk
    name = escape(principle.name)
    story_url = story_pattern or _detail_url_pattern()
    weights = row.weights
    mapped, others = [], []
    for column in row.columns:
        pk = column.pk
        weight = weights.get(pk)
        if weight is None:
            others.append(pk)
        else:
            score = "&ndash;" if column.score is None else column.score
            mapped.append(
                f'<li><button name="pcell" value="{pk}:{ppk}" class="plist-cell" '
                f'aria-label="{name}, {titles[pk]}: {weight}">'
                f'<span class="cell cell-{weight} cell-score-{styles[pk]}" '
                f'data-mark="{_SYMBOL[weight]}"></span>'
                f'<span class="plist-title">{titles[pk]}</span> '
                f'<span class="plist-weight">{weight}</span></button>'
                f'<a class="plist-open badge text-bg-{styles[pk]}" '
                f'href="{story_url.format(pk=pk)}" '
                f'title="Open the story (STAR score {score})">{score}</a></li>'
            )
    if mapped:
        shown = f'<ul class="plist-stories list-unstyled mb-1">{"".join(mapped)}</ul>'
    elif row.count:  # its stories are all hidden by the filters
        shown = '<p class="plist-none small mb-1">None of the stories shown is mapped to it.</p>'
    else:
        shown = ""
    more = (
        f'<div class="plist-add"><label class="visually-hidden" for="add-{ppk}">'
        f"Another story to map to {name}</label>"
        f'<select name="add-{ppk}" id="add-{ppk}" class="form-select form-select-sm">'
        f'<option value="">Map another story ({len(others)})…</option>'
        f"{''.join([options[pk] for pk in others])}</select>"
        f'<button name="add" value="{ppk}" class="btn btn-sm btn-outline-primary" '
        f'aria-label="Map it to {name} as primary">Map</button></div>'
        if others
        else ""
    )
    swap = ' hx-swap-oob="true"' if oob else ""
    return mark_safe(  # noqa: S308 - names and titles are escaped
        f'<li id="plist-{ppk}" class="plist-item status-{row.status}"{swap}>'
        f'<div class="plist-head"><a href="{_principle_url(row, url_pattern)}" '
        f'class="principle-name">{name}</a> <span class="row-summary">{_summary(row)}</span></div>'
        f'<p class="plist-reason small text-body-secondary mb-1">{escape(row.reason)}</p>'
        f"{shown}{more}</li>"
    )


def story_options(columns: list[StoryColumn], titles: dict[int, str]) -> dict[int, str]:
    """Each story's ``<option>`` in a list entry's menu (``titles``: escaped)."""
    return {c.pk: f'<option value="{c.pk}">{titles[c.pk]}</option>' for c in columns}


def principle_list(grid: Grid) -> SafeString:
    """Every principle of the grid as a list entry (the phone's view of the grid)."""
    titles, styles = column_lookups(grid)
    pattern, story_pattern = _principle_url_pattern(), _detail_url_pattern()
    options = story_options(grid.columns, titles)
    return mark_safe(  # noqa: S308 - built by principle_item, which escapes
        "".join(
            principle_item(
                row,
                titles,
                styles,
                url_pattern=pattern,
                story_pattern=story_pattern,
                options=options,
            )
            for row in grid.rows
        )
    )


def menu_options(choices: tuple[tuple[str, str], ...], current: str) -> SafeString:
    """The ``<option>`` list of one of the filter and sort menus, ``current`` selected."""
    return mark_safe(  # noqa: S308 - values and labels are escaped
        "".join(
            f'<option value="{escape(value)}"{" selected" if value == current else ""}>'
            f"{escape(label)}</option>"
            for value, label in choices
        )
    )
