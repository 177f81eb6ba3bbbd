"""The JSON export holds everything the user owns, and nothing of anyone else's."""

from __future__ import annotations

import json

import pytest

from exchange.schema import dump_bank
from exchange.services import bank_export
from principles.services import principle_save, principle_set_create
from stories.services import story_set_principles
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


def walk_keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in walk_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in walk_keys(v)}
    return set()


def test_export_holds_stories_mappings_revisions_and_custom_sets(rich_bank):
    bank = bank_export(user=rich_bank)
    assert bank["format"] == "storybank-bank"
    assert bank["version"] == 2
    assert bank["exported_at"].endswith("Z")

    [acme] = bank["principle_sets"]
    assert (acme["name"], acme["slug"], acme["description"]) == (
        "Acme Values",
        "acme-values",
        "Acme's values.",
    )
    grit, candour = acme["principles"]
    assert grit == {
        "name": "Grit",
        "slug": "grit",
        "description": "Keeps going.",
        "signals": ["Finishes hard things"],
        "keywords": ["persisted", "kept going"],
        "probes": ["What kept you going?"],
        "questions": ["Tell me about a setback.", "When did you almost give up?"],
    }
    assert candour["questions"] == []

    first, second = bank["stories"]
    assert (first["ref"], second["ref"]) == ("s1", "s2")  # local to the file
    assert first["followups"] == second["followups"] == []
    assert first["title"] == "Rebuilt the nightly sales pipeline"
    assert first["reflection"] == "Measure first, then fix."
    assert first["happened_on"] == "2024-03"
    assert (first["organisation"], first["role"]) == ("Acme Corp", "Data engineer")
    assert first["tags"] == ["pipelines", "Reliability"]
    assert first["principles"] == [
        {"set": "amazon", "principle": "ownership", "builtin": True, "weight": "primary"},
        {"set": "amazon", "principle": "dive-deep", "builtin": True, "weight": "primary"},
        {"set": "acme-values", "principle": "grit", "builtin": False, "weight": "secondary"},
    ]
    assert [r["content"]["title"] for r in first["revisions"]] == [
        "Rebuilt the nightly pipeline",
        "Rebuilt the nightly sales pipeline",
    ]
    assert first["revisions"][0]["content"]["reflection"] != "Measure first, then fix."
    assert first["archived_at"] is None
    assert first["created_at"] <= first["updated_at"]
    assert second["title"] == "Won back a churned customer"
    assert second["archived_at"] is not None
    assert second["happened_on"] is None
    # Nothing that names a row or a person.
    assert not walk_keys(bank) & {"id", "pk", "owner", "user", "username", "password"}
    json.loads(dump_bank(bank))


def test_export_never_shows_another_users_data(rich_bank, other_user, amazon):
    theirs = principle_set_create(owner=other_user, name="Secret Corp")
    secret = principle_save(principle_set=theirs, name="Hush", questions=["Their question?"])
    their_story = StoryFactory(owner=other_user, title="Their private story")
    their_story.tags.set(["their-tag"])
    # A mapping the app never makes (my story -> their set) must not leak their set.
    mine = rich_bank.stories.get(title="Won back a churned customer")
    story_set_principles(story=mine, mappings={secret.pk: "primary"})

    text = dump_bank(bank_export(user=rich_bank))
    for leak in ("Their private story", "their-tag", "Secret Corp", "secret-corp", "Hush"):
        assert leak not in text
    assert other_user.username not in text
    assert json.loads(text)["stories"][1]["principles"] == []


def test_export_of_an_empty_bank(user):
    bank = bank_export(user=user)
    assert bank["stories"] == []
    assert bank["principle_sets"] == []
    assert bank["practice_rounds"] == bank["mock_loops"] == bank["review_items"] == []
    assert bank["loops"] == []
    assert bank["coverage_target"] is None
