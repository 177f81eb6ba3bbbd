"""Template helpers for loop pages: an interviewer's cells, built in Python (each cell
has a swap list of every story that can serve it, too much for the template engine),
and the story page's "Interview loops" panel, so that stories need not know planning."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString

from planning import selectors
from planning.loop_html import slot_cells_html
from planning.loops import PlannedSlot

register = template.Library()


@register.simple_tag(takes_context=True)
def slot_cells(context, slot: PlannedSlot, loop_pk: int) -> SafeString:
    """An interviewer's cells, built in Python (``planning.loop_html``)."""
    return slot_cells_html(slot, loop_pk=loop_pk, csrf_token=str(context.get("csrf_token", "")))


@register.inclusion_tag("loops/_story_usage.html")
def story_usage(story, user) -> dict:
    """Where the story is planned in open loops and when it was last told in a real one
    (a fixed number of queries however many loops)."""
    return {
        "story": story,
        "usage": selectors.story_usage(user=user, story_id=story.pk, today=timezone.localdate()),
    }
