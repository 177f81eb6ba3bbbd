"""Fast HTML for a loop plan's cells (like ``grid_html`` for the coverage grid).

A six-interviewer loop has a dozen cells, each with a story, a backup and a swap list
of every story that can serve it; through the template engine that was most of the
page's time, so the cells are built here, escaping every text once with the standard
library's ``html.escape``.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe

from planning.loops import PlannedCell, PlannedSlot
from stories.scoring import score_band, score_style

#: Characters of a story title in a swap list.
OPTION_TITLE_CHARS = 48
_SENTINEL = 987654321
_WEIGHT_BADGE = {"primary": "badge-primary-map", "secondary": "badge-secondary-map"}


def _short(title: str) -> str:
    if len(title) <= OPTION_TITLE_CHARS:
        return title
    return f"{title[: OPTION_TITLE_CHARS - 1]}…"


#: Escaped texts remembered: a swap list repeats every story's title and mapping note in
#: cell after cell, and the same ones on the next view.
_escape = lru_cache(maxsize=4096)(escape)


@lru_cache(maxsize=4096)
def _option_title(title: str) -> str:
    return escape(_short(title))


@lru_cache(maxsize=64)
def _url_pattern(name: str, prefix: str, urlconf: str) -> str:
    return reverse(name, urlconf=urlconf, args=[_SENTINEL]).replace(str(_SENTINEL), "{pk}")


def _url(name: str) -> str:
    """The URL of ``name`` for any id (``"{pk}"`` in it), worked out once per script
    prefix and URLconf: ``reverse`` takes longer than a cell."""
    return _url_pattern(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


def _story_url() -> str:
    return _url("stories:detail")


def pin_options(cell: PlannedCell) -> str:
    """The <option>s of a cell's swap list: every story that can serve it, best first,
    each with its mapping and the interviewer it is told to elsewhere."""
    chosen = cell.primary.pk if cell.pinned and cell.primary else None
    told = cell.told_elsewhere
    html = []
    for choice in cell.choices:
        story = choice.story
        pk = story.pk
        where = told.get(pk)
        weight = choice.fit.weight or "stretch"  # one of three plain words
        note = _escape(f"{weight}; told to {where}") if where else weight
        selected = " selected" if pk == chosen else ""
        html.append(
            f'<option value="{pk}"{selected}>{_option_title(story.title)} ({note})</option>'
        )
    return "".join(html)


def cell_html(
    cell: PlannedCell, slot: PlannedSlot, *, pin_url: str, csrf_token: str, story_url: str
) -> str:
    """One principle of one interviewer: the story, why, the backup and the swap form."""
    slot_pk, principle = slot.pk, cell.principle
    name = escape(principle.name)
    html = [
        f'<li class="list-group-item loop-cell" id="cell-{slot_pk}-{principle.pk}">'
        f'<div class="small text-uppercase fw-semibold text-body-secondary cell-principle">'
        f"{name}</div>"
    ]
    primary = cell.primary
    if primary is not None:
        weight = primary.fit.weight
        score = primary.story.score
        html.append(
            f'<div class="cell-primary"><a class="fw-semibold story-link" '
            f'href="{story_url.format(pk=primary.pk)}">{escape(primary.title)}</a> '
        )
        if cell.pinned:
            html.append(
                '<span class="badge text-bg-dark" title="You pinned this story">pinned</span> '
            )
        html.append(
            f'<span class="badge {_WEIGHT_BADGE.get(weight or "", "text-bg-warning")}">'
            f"{weight or 'stretch'}</span> "
        )
        if score is not None:
            band = score_band(score)
            html.append(
                f'<span class="badge text-bg-{score_style(score)}" title="STAR score {score}: '
                f'{escape(band.label if band else "")}">{score}</span>'
            )
        if primary.fit.reasons:
            html.append(
                f'<div class="small text-body-secondary fit-reasons">'
                f"{escape(' · '.join(primary.fit.reasons))}</div>"
            )
        html.append("</div>")
    else:
        html.append('<div class="cell-empty text-danger fw-semibold">No story</div>')
    backup = cell.backup
    html.append(
        '<div class="small cell-backup">Backup: '
        + (
            f'<a href="{story_url.format(pk=backup.pk)}">{escape(backup.title)}</a>'
            if backup
            else '<span class="text-body-secondary">none</span>'
        )
        + "</div>"
    )
    if cell.choices:
        field = f"swap-{slot_pk}-{principle.pk}"
        html.append(
            f'<form class="pin-form d-flex gap-1 mt-2 no-print" method="post" action="{pin_url}" '
            f'hx-post="{pin_url}" hx-target="#plan" hx-swap="outerHTML">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
            f'<input type="hidden" name="slot" value="{slot_pk}">'
            f'<input type="hidden" name="principle" value="{principle.pk}">'
            f'<label class="visually-hidden" for="{field}">Story for {name} '
            f"({escape(slot.label)})</label>"
            f'<select class="form-select form-select-sm" name="story" id="{field}">'
            f'<option value="">Let Storybank choose</option>{pin_options(cell)}</select>'
            f'<button class="btn btn-sm btn-outline-primary" type="submit">'
            f"{'Change' if cell.pinned else 'Pin'}</button></form>"
        )
    html.append("</li>")
    return "".join(html)


def slot_cells_html(slot: PlannedSlot, *, loop_pk: int, csrf_token: str) -> SafeString:
    """Every cell of one interviewer's card."""
    pin_url = _url("loops:pin").format(pk=loop_pk)
    story_url = _story_url()
    return mark_safe(  # noqa: S308 - every text is escaped in cell_html
        "".join(
            cell_html(cell, slot, pin_url=pin_url, csrf_token=csrf_token, story_url=story_url)
            for cell in slot.cells
        )
    )
