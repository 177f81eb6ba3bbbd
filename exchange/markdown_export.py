"""The user's active stories as one Markdown document, ready to read or print."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import dateformat, timezone

from stories.models import Story

FILENAME = "storybank-stories.md"
SECTIONS = (
    ("situation", "Situation"),
    ("task", "Task"),
    ("action", "Action"),
    ("result", "Result"),
    ("reflection", "Reflection"),
)


def primary_first(story: Story) -> list:
    """The story's mappings, primary ones first, each group in principle order."""
    return sorted(
        story.mappings.all(),
        key=lambda m: (
            m.weight != "primary",
            m.principle.principle_set.owner_id is not None,
            m.principle.principle_set.position,
            m.principle.position,
        ),
    )


def meta_line(story: Story) -> str:
    """Organisation · role · month, whichever the story has."""
    parts = [story.organisation, story.role]
    if story.happened_on:
        parts.append(dateformat.format(story.happened_on, "F Y"))
    return " · ".join(p for p in parts if p)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def story_markdown(story: Story) -> str:
    """One story: title, meta line, principles and tags, then its STAR sections."""
    lines = [f"## {_one_line(story.title)}", ""]
    meta = meta_line(story)
    if meta:
        lines += [f"*{meta}*", ""]
    principles = [f"{m.principle.name} ({m.weight})" for m in primary_first(story)]
    if principles:
        lines += [f"**Principles:** {', '.join(principles)}", ""]
    tags = sorted((t.name for t in story.tags.all()), key=str.lower)
    if tags:
        lines += [f"**Tags:** {', '.join(tags)}", ""]
    for name, label in SECTIONS:
        text = getattr(story, name).strip()
        if text:
            lines += [f"### {label}", "", text, ""]
    return "\n".join(lines)


def stories_markdown(stories: Iterable[Story]) -> str:
    """The whole document: a heading, then each story separated by a rule."""
    stories = list(stories)
    today = dateformat.format(timezone.localdate(), "j F Y")
    count = f"{len(stories)} stor{'y' if len(stories) == 1 else 'ies'}"
    head = f"# My Storybank stories\n\nExported {today} · {count}\n"
    return "\n---\n\n".join([head, *(story_markdown(s) for s in stories)])
