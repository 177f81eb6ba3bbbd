"""The coverage grid page: toggling, targets, CSV, privacy and a fixed query count."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from principles.models import Principle
from principles.services import principle_save, principle_set_create
from stories.models import StoryPrinciple
from stories.services import story_set_principles
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


def principle(amazon, slug: str) -> Principle:
    return Principle.objects.get(principle_set=amazon, slug=slug)


def test_grid_shows_rows_columns_and_advice(client_for, user, amazon):
    story = StoryFactory(owner=user, title="Fixed the feature store")
    story_set_principles(story=story, mappings={principle(amazon, "dive-deep").pk: "primary"})
    response = client_for(user).get(reverse("coverage:grid"))
    grid = response.context["grid"]
    assert grid.rows[0].principle.name == "Customer Obsession"
    assert len(grid.rows) == 16
    assert [c.title for c in grid.columns] == ["Fixed the feature store"]
    body = response.content.decode()
    assert "0 of 16 covered, 1 thin, 15 gaps: write a Customer Obsession story" in body
    assert f'href="/stories/new/?principle={principle(amazon, "customer-obsession").pk}"' in body


def test_toggle_cycles_and_persists(client_for, user, amazon):
    story = StoryFactory(owner=user)
    dive = principle(amazon, "dive-deep")
    client = client_for(user)
    weights = []
    for _ in range(3):
        response = client.post(reverse("coverage:toggle"), {"cell": f"{story.pk}:{dive.pk}"})
        assert response.status_code == 302
        weights.append(
            StoryPrinciple.objects.filter(story=story, principle=dive)
            .values_list("weight", flat=True)
            .first()
        )
    assert weights == ["primary", "secondary", None]


def test_htmx_toggle_returns_the_row_and_updates_summary_and_column(client_for, user, amazon):
    story = StoryFactory(owner=user)
    dive = principle(amazon, "dive-deep")
    response = client_for(user).post(
        reverse("coverage:toggle"), {"cell": f"{story.pk}:{dive.pk}"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<tr id="row-{dive.pk}"')
    assert 'id="coverage-summary"' in body and 'hx-swap-oob="true"' in body
    assert f'id="col-{story.pk}"' in body
    assert "single point of failure" in body


def test_toggle_refuses_other_users_story_and_invisible_principles(
    client_for, user, other_user, amazon
):
    theirs = StoryFactory(owner=other_user)
    mine = StoryFactory(owner=user)
    secret_set = principle_set_create(owner=other_user, name="Secret values")
    secret = principle_save(principle_set=secret_set, name="Hidden")
    client = client_for(user)
    dive = principle(amazon, "dive-deep")
    for cell in (f"{theirs.pk}:{dive.pk}", f"{mine.pk}:{secret.pk}", "x:y", ""):
        assert client.post(reverse("coverage:toggle"), {"cell": cell}).status_code == 404
    assert not StoryPrinciple.objects.exists()


def test_target_subset_drives_grid_and_advice(client_for, user, amazon):
    client = client_for(user)
    picked = [principle(amazon, "dive-deep"), principle(amazon, "ownership")]
    client.post(reverse("coverage:target"), {"set": "amazon", "principles": [p.pk for p in picked]})
    grid = client.get(reverse("coverage:grid")).context["grid"]
    assert [r.principle.slug for r in grid.rows] == ["ownership", "dive-deep"]
    assert grid.advice.startswith("0 of 2 covered")
    client.post(reverse("coverage:target"), {"set": "amazon"})
    assert len(client.get(reverse("coverage:grid")).context["grid"].rows) == 16


def test_custom_set_grid(client_for, user):
    acme = principle_set_create(owner=user, name="Acme values")
    grit = principle_save(principle_set=acme, name="Grit")
    story = StoryFactory(owner=user)
    story_set_principles(story=story, mappings={grit.pk: "primary"})
    grid = client_for(user).get(reverse("coverage:grid"), {"set": acme.slug}).context["grid"]
    assert [(r.principle.name, r.count) for r in grid.rows] == [("Grit", 1)]


def test_other_users_custom_set_is_404(client_for, user, other_user):
    acme = principle_set_create(owner=other_user, name="Acme values")
    client = client_for(user)
    assert client.get(reverse("coverage:grid"), {"set": acme.slug}).status_code == 404
    assert client.post(reverse("coverage:target"), {"set": acme.slug}).status_code == 404


def test_csv_export(client_for, user, amazon):
    story = StoryFactory(owner=user, title="=HYPERLINK(evil)")
    story_set_principles(story=story, mappings={principle(amazon, "frugality").pk: "secondary"})
    response = client_for(user).get(reverse("coverage:csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Principle", "Status", "Stories", "Best score", "'=HYPERLINK(evil)"]
    frugality = next(r for r in rows if r[0] == "Frugality")
    assert frugality[1:3] == ["thin", "1"] and frugality[4] == "S"
    assert len(rows) == 17


def _grid_queries(client, user, amazon, n: int) -> int:
    principles = list(Principle.objects.filter(principle_set=amazon))
    for i in range(n):
        story = StoryFactory(owner=user)
        story_set_principles(
            story=story,
            mappings={principles[i % 16].pk: "primary", principles[(i + 3) % 16].pk: "secondary"},
        )
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("coverage:grid"))
    assert len(response.context["grid"].columns) == n
    return len(ctx.captured_queries)


def test_grid_runs_the_same_number_of_queries_for_5_and_60_stories(
    client_for, user, other_user, amazon
):
    few = _grid_queries(client_for(user), user, amazon, 5)
    many = _grid_queries(client_for(other_user), other_user, amazon, 60)
    assert few == many <= 10
