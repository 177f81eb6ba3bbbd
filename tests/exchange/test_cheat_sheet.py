"""The printable cheat sheet: one compact card per active story, in fixed queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from principles.models import Principle
from stories.services import story_set_principles
from stories.summary import gist, key_numbers
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


def test_gist_is_the_first_sentence_or_25_words():
    assert gist("Short one. Then more, e.g. this.") == "Short one. …"
    assert gist("  Only   one sentence.  ") == "Only one sentence."
    assert gist("We used e.g. caching. Then") == "We used e.g. caching. …"
    long = " ".join(f"w{i}" for i in range(40)) + "."
    assert gist(long) == " ".join(f"w{i}" for i in range(25)) + "…"


def test_key_numbers_come_from_the_result_first_at_most_five():
    story = StoryFactory.build(
        situation="We had 3 outages.",
        task="Cut costs by $2M.",
        action="I migrated 12 services in 6 weeks.",
        result="Latency fell 40% and costs fell 30%; uptime rose to 99.9%.",
    )
    numbers = key_numbers(story)
    assert numbers[:3] == ["40%", "30%", "99.9%"]
    assert len(numbers) == 5


def test_cards_show_principles_primary_first_and_skip_archived(client_for, rich_bank, other_user):
    StoryFactory(owner=other_user, title="Their private story")
    response = client_for(rich_bank).get(reverse("exchange:cheat_sheet"))
    body = response.content.decode()
    [card] = response.context["cards"]
    assert card.story.title == "Rebuilt the nightly sales pipeline"
    assert card.principles == [("Ownership", True), ("Dive Deep", True), ("Grit", False)]
    assert [label for label, _, _ in card.lines] == ["S", "T", "A", "R", "L"]
    # result first ("from 8 a month to 1" is one before -> after), then action
    assert card.numbers == ["from 8 a month to 1", "6 hours", "60", "80%"]
    assert "Won back a churned customer" not in body
    assert "Their private story" not in body
    assert '<span class="cheat-primary">Ownership</span>' in body
    assert 'class="btn btn-primary btn-sm js-only js-print"' in body
    assert "exchange/cheat_sheet.js" in body
    assert "<script>" not in body
    assert 'style="' not in body


def test_cheat_sheet_runs_the_same_queries_for_3_and_30_stories(client_for, user, amazon):
    principles = list(Principle.objects.filter(principle_set=amazon)[:3])

    def add(n: int) -> None:
        for i in range(n):
            story = StoryFactory(owner=user)
            story.tags.set([f"tag{i}", "shared"])
            story_set_principles(
                story=story,
                mappings={principles[0].pk: "primary", principles[i % 2 + 1].pk: "secondary"},
            )

    client = client_for(user)
    url = reverse("exchange:cheat_sheet")
    add(3)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(url).context["cards"]) == 3
    add(27)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).context["cards"]) == 30
    assert len(many.captured_queries) == len(few.captured_queries)


def test_empty_cheat_sheet_invites_a_first_story(client_for, user):
    body = client_for(user).get(reverse("exchange:cheat_sheet")).content.decode()
    assert "No active stories yet" in body
