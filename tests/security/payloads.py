"""Script payloads a story, a file or an LLM might carry, and a story full of them."""

from __future__ import annotations

from stories.models import Story
from stories.services import story_update
from tests.stories.factories import StoryFactory

PAYLOADS = (
    '<script>alert("xss-script")</script>',
    '<img src=x onerror=alert("xss-img")>',
    '"><svg onload=alert("xss-svg")>',
    "</textarea><script>alert('xss-textarea')</script>",
    "' onmouseover='alert(1)' x='",
)
#: What must never appear in a page: the payloads' live markup.
LIVE_MARKUP = (b"<script>alert", b"<img src=x onerror", b"<svg onload", b"' onmouseover='")


def payload_story(owner, **extra) -> Story:
    """A story whose every text field, tag and title carries script payloads."""
    text = " ".join(PAYLOADS)
    story = StoryFactory(
        owner=owner,
        title=PAYLOADS[0] + " cut costs 20%",
        situation=f"Our churn rose 9%. {text}",
        task=f"I owned the fix. {PAYLOADS[1]}",
        action=f"I rebuilt the pipeline. {PAYLOADS[2]}",
        result=f"Churn fell 12% in 3 months. {PAYLOADS[3]}",
        reflection=f"I learned to test earlier. {PAYLOADS[4]}",
        organisation=PAYLOADS[1],
        role=PAYLOADS[2],
        **extra,
    )
    story.tags.set(['<b onmouseover="alert(1)">tag</b>'])
    story_update(story=story, fields={"result": story.result + " " + PAYLOADS[0]})
    return story
