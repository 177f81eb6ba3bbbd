"""The story page's "Practise the follow-ups" panel, so that stories need not know the coach."""

from __future__ import annotations

from django import template

from coach.forms import FollowUpRequestForm
from coach.open_threads import open_threads
from principles.models import Principle
from stories.models import Story

register = template.Library()

RECENT_JOBS = 5


@register.inclusion_tag("coach/_followup_panel.html")
def followup_panel(story: Story, principles: list[Principle]) -> dict:
    """The ask-the-coach form for ``story``, its latest jobs and the threads that
    have not held up yet (two queries)."""
    return {
        "open_threads": open_threads(story),
        "story": story,
        "followup_form": FollowUpRequestForm(story=story, principles=principles),
        "recent_jobs": list(story.followup_jobs.select_related("principle")[:RECENT_JOBS]),
    }
