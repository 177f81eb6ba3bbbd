"""The coverage grid page: toggling, targets, CSV, privacy and a fixed query count."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planning import selectors
from planning.coverage import GridView
from principles.models import Principle, PrincipleSet
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
        story = StoryFactory(owner=user, star_score=(40, 70, 95)[i % 3])
        story_set_principles(
            story=story,
            mappings={principles[i % 16].pk: "primary", principles[(i + 3) % 16].pk: "secondary"},
        )
        story.tags.add(f"tag{i % 2}")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("coverage:grid"))
    assert len(response.context["grid"].columns) == n
    plain = len(ctx.captured_queries)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("coverage:grid"), FILTERED)
    assert 0 < len(response.context["grid"].columns) < n
    assert len(ctx.captured_queries) == plain
    return plain


#: Every filter and sort at once.
FILTERED = {"tag": "tag1", "stories": "needs_work", "sort": "claims", "principles": "open",
            "psort": "weakest"}  # fmt: skip


def test_grid_runs_the_same_number_of_queries_for_5_and_60_stories(
    client_for, user, other_user, amazon
):
    """Seven: session, user, the saved target (with its chosen principles), the target's
    principles, stories with their tags, mappings and the sets to choose from; with or
    without filters and sorts, and with a saved target of some principles."""
    few = _grid_queries(client_for(user), user, amazon, 5)
    many = _grid_queries(client_for(other_user), other_user, amazon, 60)
    assert few == many == 7
    client = client_for(user)
    picked = [principle(amazon, "dive-deep").pk, principle(amazon, "ownership").pk]
    client.post(reverse("coverage:target"), {"set": "amazon", "principles": picked})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("coverage:grid"), FILTERED)
    assert len(response.context["grid"].every_row) == 2 and len(ctx.captured_queries) == 7


# --- filters and sorts: the selector ------------------------------------------------------


def _bank(user, amazon):
    """Four stories: scores 95 (Ready), 70 (Solid), 40 (Needs work) and unscored; the
    first claims five principles (stretched), the unscored one none."""
    dive, own, frug, think, bias = (
        principle(amazon, slug)
        for slug in ("dive-deep", "ownership", "frugality", "think-big", "bias-for-action")
    )
    ready = StoryFactory(owner=user, title="Beta ready story", star_score=95)
    solid = StoryFactory(owner=user, title="alpha solid story", star_score=70)
    weak = StoryFactory(owner=user, title="Gamma weak story", star_score=40)
    unscored = StoryFactory(owner=user, title="Delta unscored story", star_score=None)
    story_set_principles(
        story=ready,
        mappings={
            dive.pk: "primary",
            own.pk: "primary",
            frug.pk: "secondary",
            think.pk: "secondary",
            bias.pk: "secondary",
        },
    )
    story_set_principles(story=solid, mappings={dive.pk: "primary", own.pk: "secondary"})
    story_set_principles(story=weak, mappings={frug.pk: "primary"})
    ready.tags.add("Leadership")
    solid.tags.add("Leadership", "data")
    unscored.tags.add("data")
    return ready, solid, weak, unscored


def _grid(user, **view):
    target = selectors.coverage_target(user=user)
    return selectors.coverage_grid(user=user, target=target, view=GridView(**view))


def test_stories_filter_by_band_flag_and_tag(user, amazon):
    ready, solid, weak, unscored = _bank(user, amazon)
    titles = lambda **view: [c.title for c in _grid(user, **view).columns]  # noqa: E731
    assert titles() == [ready.title, solid.title, weak.title, unscored.title]  # by score
    assert titles(stories="ready") == [ready.title]
    assert titles(stories="solid") == [solid.title]
    assert titles(stories="needs_work") == [weak.title]
    assert titles(stories="unscored") == [unscored.title]
    assert titles(stories="stretched") == [ready.title]
    assert titles(stories="unmapped") == [unscored.title]
    assert titles(tag="LEADERSHIP") == [ready.title, solid.title]  # any case, one tag
    assert titles(tag="data", stories="solid") == [solid.title]
    assert titles(tag="no such tag") == []


def test_stories_sort_by_title_and_by_claims(user, amazon):
    ready, solid, weak, unscored = _bank(user, amazon)
    titles = lambda **view: [c.title for c in _grid(user, **view).columns]  # noqa: E731
    assert titles(sort="title") == [solid.title, ready.title, unscored.title, weak.title]
    # most principles first; ties keep the score order
    assert titles(sort="claims") == [ready.title, solid.title, weak.title, unscored.title]
    assert [c.claims for c in _grid(user, sort="claims").columns] == [5, 2, 1, 0]


def test_principles_filter_by_status_and_sort_weakest_first(user, amazon):
    _bank(user, amazon)
    everything = _grid(user)
    statuses = {r.principle.slug: r.status for r in everything.rows}
    assert statuses["dive-deep"] == "covered" and statuses["ownership"] == "covered"
    assert statuses["frugality"] == "covered"
    assert statuses["think-big"] == "thin" and statuses["customer-obsession"] == "gap"
    slugs = lambda **view: [r.principle.slug for r in _grid(user, **view).rows]  # noqa: E731
    assert slugs(principles="covered") == ["ownership", "frugality", "dive-deep"]
    assert slugs(principles="thin") == ["think-big", "bias-for-action"]
    assert len(slugs(principles="gap")) == 11
    assert len(slugs(principles="open")) == 13 and "dive-deep" not in slugs(principles="open")
    weakest = _grid(user, psort="weakest").rows
    assert [r.status for r in weakest] == ["gap"] * 11 + ["thin"] * 2 + ["covered"] * 3
    assert weakest[0].principle.slug == "customer-obsession"  # ties keep the set's order


def test_a_filtered_grid_still_counts_the_whole_bank(user, amazon):
    _bank(user, amazon)
    everything = _grid(user)
    narrowed = _grid(user, principles="gap", stories="ready")
    assert len(narrowed.rows) == 11 and len(narrowed.columns) == 1
    assert narrowed.narrowed and not everything.narrowed
    assert (narrowed.total, narrowed.stories) == (16, 4)
    assert narrowed.counts == everything.counts and narrowed.advice == everything.advice
    # a row's count and best are the bank's, its cells only the shown stories'
    frugality = next(
        r for r in _grid(user, stories="ready").every_row if r.principle.slug == "frugality"
    )
    assert frugality.count == 2 and len(frugality.cells) == 1


def test_grid_view_reads_its_parameters_and_writes_only_the_changed_ones():
    view = GridView.from_params(
        {"principles": "gap", "stories": "bogus", "tag": " data ", "sort": "claims", "psort": "?"}
    )
    assert view == GridView(principles="gap", tag="data", sort="claims")
    assert view.params() == {"principles": "gap", "tag": "data", "sort": "claims"}
    assert GridView.from_params({}).params() == {} and not GridView().filtered


def test_coverage_page_lists_tags_and_sets(user, other_user, amazon):
    _bank(user, amazon)
    principle_set_create(owner=user, name="Acme values")
    principle_set_create(owner=other_user, name="Secret values")
    theirs = StoryFactory(owner=other_user)
    theirs.tags.add("private")
    target = selectors.coverage_target(user=user)
    page = selectors.coverage_page(user=user, target=target, view=GridView(tag="data"))
    assert page.tags == ["data", "Leadership"]  # the user's own, A to Z
    assert {s.name for s in page.sets} == {"Amazon Leadership Principles", "Acme values"}
    assert [c.title for c in page.grid.columns] == ["alpha solid story", "Delta unscored story"]


# --- filters and sorts: the page ----------------------------------------------------------


def test_the_page_shows_the_filtered_grid_and_keeps_the_view_in_its_forms(client_for, user, amazon):
    ready, _solid, weak, _unscored = _bank(user, amazon)
    response = client_for(user).get(
        reverse("coverage:grid"), {"stories": "needs_work", "principles": "open", "sort": "title"}
    )
    body = response.content.decode()
    assert [c.title for c in response.context["grid"].columns] == [weak.title]
    assert f'id="col-{weak.pk}"' in body and f'id="col-{ready.pk}"' not in body
    assert "Showing 1 of 4 stories and 13 of 16 principles" in body
    assert '<input type="hidden" name="stories" value="needs_work">' in body
    assert '<input type="hidden" name="sort" value="title">' in body
    assert f'<input type="hidden" name="cols" value="{weak.pk}">' in body
    assert '<option value="needs_work" selected>' in body
    assert "?principles=open&amp;stories=needs_work&amp;sort=title" in body  # the CSV link
    assert f'id="plist-{principle(amazon, "think-big").pk}"' in body  # the phone's list
    # no story matches: say so, with the way back
    none = client_for(user).get(reverse("coverage:grid"), {"tag": "nothing"}).content.decode()
    assert "No story matches these filters." in none and 'id="grid-form"' not in none


def test_csv_follows_the_view(client_for, user, amazon):
    _bank(user, amazon)
    response = client_for(user).get(reverse("coverage:csv"), {"principles": "thin", "tag": "data"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][4:] == ["alpha solid story", "Delta unscored story"]
    assert [r[0] for r in rows[1:]] == ["Think Big", "Bias for Action"]


def test_plain_toggle_comes_back_to_the_same_view_and_place(client_for, user, amazon):
    story = StoryFactory(owner=user)
    dive = principle(amazon, "dive-deep")
    client = client_for(user)
    view = {"stories": "solid", "sort": "title", "set": "amazon"}
    response = client.post(reverse("coverage:toggle"), {"cell": f"{story.pk}:{dive.pk}", **view})
    assert response.status_code == 302
    assert response["Location"] == (f"/coverage/?set=amazon&stories=solid&sort=title#row-{dive.pk}")
    response = client.post(reverse("coverage:toggle"), {"pcell": f"{story.pk}:{dive.pk}"})
    assert response["Location"] == f"/coverage/#plist-{dive.pk}"
    assert StoryPrinciple.objects.get(story=story, principle=dive).weight == "secondary"


def test_htmx_toggle_redraws_the_row_in_the_pages_column_order(client_for, user, amazon):
    ready, solid, weak, unscored = _bank(user, amazon)
    think = principle(amazon, "think-big")
    shown = [unscored.pk, weak.pk, solid.pk]  # as a page sorted some way showed them
    response = client_for(user).post(
        reverse("coverage:toggle"),
        {
            "cell": f"{weak.pk}:{think.pk}",
            "cols": ",".join(map(str, shown)),
            "sort": "claims",
        },
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    values = [f'value="{pk}:{think.pk}"' for pk in shown]
    row = body[: body.index("</tr>")]
    assert [row.index(v) for v in values] == sorted(row.index(v) for v in values)
    assert f'id="col-{ready.pk}"' not in row and "Think Big, Gamma weak story: primary" in row
    assert (
        f'<li id="plist-{think.pk}" class="plist-item status-covered" hx-swap-oob="true">' in body
    )
    assert f'id="col-{weak.pk}" hx-swap-oob="true"' in body
    # a page showing a story that is gone reloads instead
    gone = client_for(user).post(
        reverse("coverage:toggle"),
        {"cell": f"{weak.pk}:{think.pk}", "cols": "999999"},
        HTTP_HX_REQUEST="true",
    )
    assert gone.status_code == 204 and gone["HX-Refresh"] == "true"


def test_filtered_grid_runs_the_same_number_of_queries_as_the_plain_one(client_for, user, amazon):
    _bank(user, amazon)
    client = client_for(user)
    counts = []
    for params in ({}, {"tag": "data", "sort": "claims", "principles": "open", "psort": "weakest"}):
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("coverage:grid"), params)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 10


def test_the_lists_menu_maps_the_chosen_story_as_primary(client_for, user, amazon):
    story = StoryFactory(owner=user)
    dive = principle(amazon, "dive-deep")
    client = client_for(user)
    nothing = client.post(reverse("coverage:toggle"), {"add": dive.pk, f"add-{dive.pk}": ""})
    assert nothing["Location"] == f"/coverage/#plist-{dive.pk}"
    assert not StoryPrinciple.objects.exists()
    response = client.post(
        reverse("coverage:toggle"),
        {"add": dive.pk, f"add-{dive.pk}": story.pk, "cols": str(story.pk)},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert StoryPrinciple.objects.get(story=story, principle=dive).weight == "primary"
    body = response.content.decode()
    assert f'<li id="plist-{dive.pk}" class="plist-item status-thin" hx-swap-oob="true">' in body
    assert f'<button name="pcell" value="{story.pk}:{dive.pk}"' in body
    empty = client.post(reverse("coverage:toggle"), {"add": dive.pk}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 204


def test_the_reads_compiled_once_give_what_the_orm_gives(user, other_user, amazon):
    mine = principle_set_create(owner=user, name="Acme values")
    principle_save(principle_set=mine, name="Grit")
    theirs = principle_set_create(owner=other_user, name="Secret values")
    principle_save(principle_set=theirs, name="Hidden")
    for who in (user, other_user):
        orm = list(
            PrincipleSet.objects.visible_to(who)
            .order_by(F("owner_id").asc(nulls_first=True), "position", "name")
            .values_list("pk", "name", "slug", "owner_id")
        )
        assert selectors._visible_sets(user_id=who.pk) == [tuple(row) for row in orm]
    grit = selectors._visible_principles(user_id=user.pk, slug=mine.slug)
    assert [row[1] for row in grit] == ["Grit"]
    assert selectors._visible_principles(user_id=user.pk, slug=theirs.slug) == []
    assert len(selectors._visible_principles(user_id=other_user.pk, slug="amazon")) == 16


def test_a_query_that_changes_its_values_is_not_compiled_once(db):
    @selectors.compiled_once
    def contains(*, slug):
        return PrincipleSet.objects.filter(slug__contains=slug).values_list("pk")

    with pytest.raises(ValueError, match="slug"):
        contains(slug="amazon")
