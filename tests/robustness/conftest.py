"""The world the generated requests land in: a logged-in user, their principles, a
story to edit, and a stranger whose rows must stay out of reach."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from principles.models import Principle, PrincipleSet
from principles.selectors import principles_visible_to
from principles.services import principle_save, principle_set_create
from stories.models import Story
from stories.services import story_set_principles
from tests.accounts.factories import UserFactory
from tests.robustness.support import FormValue
from tests.stories.factories import StoryFactory


@dataclass
class Scene:
    """A logged-in user with their own principle set, a story to edit, and a stranger."""

    client: Client
    user: Any
    story: Story
    principle_ids: list[int]
    foreign_id: int

    def resolve(self, data: dict[str, FormValue]) -> dict[str, FormValue]:
        """Turn generated ``principle_#N`` names into the N-th visible principle's field
        and ``principle_#foreign`` into the stranger's."""
        out = {}
        for name, value in data.items():
            ref = name.removeprefix("principle_#")
            if ref == "foreign":
                name = f"principle_{self.foreign_id}"
            elif ref != name:
                name = f"principle_{self.principle_ids[int(ref) % len(self.principle_ids)]}"
            out[name] = value
        return out


@pytest.fixture
def scene(user: Any, client_for: Callable[[Any], Client], amazon: PrincipleSet) -> Scene:
    """Built once per test; each generated example runs in a rolled-back savepoint."""
    own = principle_set_create(owner=user, name="Acme Values")
    grit = principle_save(principle_set=own, name="Grit", keywords=["persisted"])
    principle_save(principle_set=own, name="Candour")
    stranger = UserFactory()
    theirs = principle_save(
        principle_set=principle_set_create(owner=stranger, name="Secret"), name="Hidden"
    )
    story = StoryFactory(
        owner=user,
        title="Rebuilt the nightly pipeline",
        happened_on=dt.date(2023, 5, 1),
        organisation="Acme",
        role="Data engineer",
    )
    story.tags.set(["pipelines", "Fraud"])
    dive = Principle.objects.get(principle_set=amazon, slug="dive-deep")
    story_set_principles(story=story, mappings={dive.pk: "primary", grit.pk: "secondary"})
    StoryFactory(owner=stranger, title="Not yours")
    visible = principles_visible_to(user=user)
    return Scene(
        client=client_for(user),
        user=user,
        story=story,
        principle_ids=sorted(visible.values_list("pk", flat=True)),
        foreign_id=theirs.pk,
    )
