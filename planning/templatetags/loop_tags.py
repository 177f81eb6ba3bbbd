"""Template helpers for loop pages: a cell's story choices, built in Python (a loop's
page has a choice list per cell, too many options for the template engine's loops),
and the story page's "Planned in" panel, so that stories need not know planning."""

from __future__ import annotations

from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from planning import selectors
from planning.loops import PlannedCell

register = template.Library()

#: Characters of a story title in a choice list.
OPTION_TITLE_CHARS = 48


def _short(title: str) -> str:
    if len(title) <= OPTION_TITLE_CHARS:
        return title
    return f"{title[: OPTION_TITLE_CHARS - 1]}…"


@register.filter
def pin_options(cell: PlannedCell) -> SafeString:
    """The <option>s of a cell's swap list: every story that can serve it, best first,
    each with its mapping and the interviewer it is told to elsewhere."""
    chosen = cell.primary.pk if cell.pinned and cell.primary else None
    html = []
    for choice in cell.choices:
        where = cell.told_elsewhere.get(choice.pk)
        note = f"{choice.fit.weight or 'stretch'}{f'; told to {where}' if where else ''}"
        selected = " selected" if choice.pk == chosen else ""
        html.append(
            f'<option value="{choice.pk}"{selected}>'
            f"{escape(_short(choice.title))} ({escape(note)})</option>"
        )
    return mark_safe("".join(html))  # noqa: S308 - titles and labels are escaped


@register.inclusion_tag("loops/_story_usage.html")
def story_usage(story, user) -> dict:
    """Where the story is planned in open loops and when it was last told in a real one
    (a fixed number of queries however many loops)."""
    return {
        "story": story,
        "usage": selectors.story_usage(user=user, story_id=story.pk, today=timezone.localdate()),
    }
