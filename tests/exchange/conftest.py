"""Banks to export and files to import."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from taggit.models import TaggedItem

from principles.models import Principle, PrincipleSet, Question
from principles.services import principle_save, principle_set_create
from stories.models import Story, StoryPrinciple, StoryRevision
from stories.services import story_archive, story_set_principles, story_update
from tests.stories.factories import StoryFactory


def bank_doc(*stories: dict, sets: list[dict] | None = None, **top) -> dict:
    """A version 1 bank holding the given stories (and custom sets)."""
    return {
        "format": "storybank-bank",
        "version": 1,
        "principle_sets": sets or [],
        "stories": list(stories),
        **top,
    }


def story_doc(title: str = "Cut build times", **fields) -> dict:
    """A valid story for an import file; keyword arguments override or add fields."""
    return {
        "title": title,
        "situation": "Our CI took 40 minutes and engineers batched their changes.",
        "task": "I owned getting feedback under ten minutes this quarter.",
        "action": "I profiled the pipeline, cached dependencies and split the slow suite.",
        "result": "Builds fell from 40 to 9 minutes and merges per day doubled.",
        **fields,
    }


def acme_doc(slug: str = "acme", principles: tuple[str, ...] = ("grit",)) -> dict:
    """A custom principle set for an import file."""
    return {
        "name": "Acme Values",
        "slug": slug,
        "description": "What Acme hires for.",
        "principles": [
            {
                "name": p.title(),
                "slug": p,
                "description": f"{p} described",
                "signals": ["Keeps going"],
                "keywords": ["persisted"],
                "probes": ["What kept you going?"],
                "questions": ["Tell me about a setback."],
            }
            for p in principles
        ],
    }


def dumps(doc: dict) -> str:
    return json.dumps(doc, indent=2)


def db_state() -> dict[str, int]:
    """Row counts of everything an import could write."""
    return {
        model.__name__: model.objects.count()
        for model in (
            Story,
            StoryRevision,
            StoryPrinciple,
            PrincipleSet,
            Principle,
            Question,
            TaggedItem,
        )
    }


@pytest.fixture
def rich_bank(user, amazon):
    """A user with a custom set, mapped and tagged stories, revisions and an archived story."""
    acme = principle_set_create(owner=user, name="Acme Values", description="Acme's values.")
    grit = principle_save(
        principle_set=acme,
        name="Grit",
        description="Keeps going.",
        signals=["Finishes hard things"],
        keywords=["Persisted", "kept going"],
        questions=["Tell me about a setback.", "When did you almost give up?"],
    )
    grit.probes = ["What kept you going?"]
    grit.save(update_fields=["probes"])
    principle_save(principle_set=acme, name="Candour")
    dive = Principle.objects.get(principle_set=amazon, slug="dive-deep")
    ownership = Principle.objects.get(principle_set=amazon, slug="ownership")

    first = StoryFactory(
        owner=user,
        title="Rebuilt the nightly pipeline",
        happened_on=dt.date(2024, 3, 1),
        organisation="Acme Corp",
        role="Data engineer",
    )
    first.tags.set(["pipelines", "Reliability"])
    story_set_principles(
        story=first, mappings={dive.pk: "primary", grit.pk: "secondary", ownership.pk: "primary"}
    )
    story_update(story=first, fields={"title": "Rebuilt the nightly sales pipeline"})
    story_update(story=first, fields={"reflection": "Measure first, then fix."})

    second = StoryFactory(owner=user, title="Won back a churned customer")
    story_archive(story=second)
    second.refresh_from_db()
    assert second.archived_at <= timezone.now()
    return user
