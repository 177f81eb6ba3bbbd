"""Loop pages: create from a template, the plan, pins, interviewers, done, privacy, and a
fixed number of queries whatever the bank."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planning import services
from planning.models import Loop, LoopPin, LoopSlot
from principles.models import Principle
from stories.models import Story
from stories.services import story_set_principles
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


def principle(amazon, slug: str) -> Principle:
    return Principle.objects.get(principle_set=amazon, slug=slug)


def mapped_story(user, amazon, title: str, **slugs: str):
    story = StoryFactory(owner=user, title=title)
    story_set_principles(
        story=story,
        mappings={principle(amazon, s.replace("_", "-")).pk: w for s, w in slugs.items()},
    )
    return story


def bank(user, amazon, size: int) -> None:
    """``size`` stories spread over the Amazon principles, primary and secondary."""
    slugs = list(Principle.objects.filter(principle_set=amazon).values_list("pk", flat=True))
    for n in range(size):
        story = StoryFactory(owner=user, title=f"Bank story {n}")
        story_set_principles(
            story=story,
            mappings={slugs[n % len(slugs)]: "primary", slugs[(n + 5) % len(slugs)]: "secondary"},
        )


@pytest.fixture
def onsite(user, amazon):
    return services.loop_create_from_template(
        user=user, template_key="amazon-onsite", name="Amazon onsite, March"
    )


def test_create_from_the_template_makes_its_interviewers(client_for, user, amazon):
    response = client_for(user).post(
        reverse("loops:create"),
        {"template": "data-scientist", "name": "DS onsite", "date": "2027-03-04"},
    )
    loop = Loop.objects.get(owner=user)
    assert response.status_code == 302 and response["Location"] == f"/loops/{loop.pk}/"
    assert (loop.name, loop.date, loop.principle_set) == ("DS onsite", dt.date(2027, 3, 4), amazon)
    slots = list(loop.slots.order_by("order"))
    assert [s.label for s in slots] == [
        "Phone screen", "ML depth", "ML breadth", "Coding", "Behavioral", "Bar raiser",
    ]  # fmt: skip
    assert {p.slug for p in slots[1].principles.all()} == {
        "are-right-a-lot",
        "insist-on-the-highest-standards",
    }
    assert slots[-1].unknown and not slots[-1].principles.exists()


def test_bad_create_input_is_refused_with_a_message(client_for, user):
    client = client_for(user)
    response = client.post(reverse("loops:create"), {"template": "nope"}, follow=True)
    assert "Select a valid choice" in response.content.decode()
    response = client.post(reverse("loops:create"), {"template": "blank"}, follow=True)
    assert "Choose the principle set of a blank loop." in response.content.decode()
    assert not Loop.objects.exists()


def test_the_plan_page_shows_stories_backups_and_clashes(client_for, user, amazon, onsite):
    mapped_story(user, amazon, "Found the leak", dive_deep="primary")
    mapped_story(user, amazon, "Traced false alarms", dive_deep="secondary")
    # A second interviewer on Dive Deep makes the clash.
    slot = onsite.slots.get(label="Senior peer")
    services.slot_update(slot=slot, label=slot.label, principles=[principle(amazon, "dive-deep")])
    response = client_for(user).get(reverse("loops:detail", args=[onsite.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    plan = response.context["plan"]
    dive_cells = [c for c in plan.cells if c.principle.slug == "dive-deep"]
    assert {c.primary.title for c in dive_cells} == {"Found the leak", "Traced false alarms"}
    assert (
        "Dive Deep is probed by 2 interviewers and you have one story for it: write one "
        "more, or use &#x27;Traced false alarms&#x27; (secondary)." in body
    )
    assert "No story for Frugality" not in body  # not probed in this loop
    assert "No story for Customer Obsession yet: write one." in body
    assert f'href="/stories/new/?principle={principle(amazon, "customer-obsession").pk}"' in body
    # the bar raiser got the likeliest principles no one else probes (the senior peer
    # no longer probes Insist on the Highest Standards)
    bar = next(s for s in plan.slots if s.label == "Bar raiser")
    assert [c.principle.slug for c in bar.cells] == [
        "insist-on-the-highest-standards",
        "learn-and-be-curious",
    ]


def test_pin_swaps_a_story_and_the_plan_resolves_around_it(client_for, user, amazon, onsite):
    leak = mapped_story(
        user, amazon, "Found the leak", dive_deep="primary", bias_for_action="primary"
    )
    other = mapped_story(user, amazon, "Shipped the hotfix", bias_for_action="primary")
    peer = onsite.slots.get(label="Peer interviewer")
    bias, dive = principle(amazon, "bias-for-action"), principle(amazon, "dive-deep")
    client = client_for(user)
    plan = client.get(reverse("loops:detail", args=[onsite.pk])).context["plan"]
    cells = {c.principle.pk: c for c in plan.cells if c.slot_pk == peer.pk}
    assert (cells[dive.pk].primary.pk, cells[bias.pk].primary.pk) == (leak.pk, other.pk)
    response = client.post(
        reverse("loops:pin", args=[onsite.pk]),
        {"slot": peer.pk, "principle": bias.pk, "story": leak.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.templates[0].name == "loops/_plan.html"
    cells = {c.principle.pk: c for c in response.context["plan"].cells if c.slot_pk == peer.pk}
    assert cells[bias.pk].primary.pk == leak.pk and cells[bias.pk].pinned
    assert cells[dive.pk].primary is None  # the leak is told once
    assert LoopPin.objects.get(loop=onsite).story == leak
    # unpin: the planner chooses again
    client.post(reverse("loops:pin", args=[onsite.pk]), {"slot": peer.pk, "principle": bias.pk})
    assert not LoopPin.objects.exists()


def test_pins_refuse_what_cannot_hold(client_for, user, other_user, amazon, onsite):
    theirs = StoryFactory(owner=other_user)
    peer = onsite.slots.get(label="Peer interviewer")
    client = client_for(user)
    url = reverse("loops:pin", args=[onsite.pk])
    dive = principle(amazon, "dive-deep")
    assert (
        client.post(url, {"slot": peer.pk, "principle": dive.pk, "story": theirs.pk}).status_code
        == 404
    )
    assert client.post(url, {"slot": "x", "principle": dive.pk}).status_code == 404
    mine = StoryFactory(owner=user)
    frugal = principle(amazon, "frugality")  # not probed by the peer interviewer
    response = client.post(
        url, {"slot": peer.pk, "principle": frugal.pk, "story": mine.pk}, follow=True
    )
    assert "Peer interviewer does not probe Frugality." in response.content.decode()
    assert not LoopPin.objects.exists()


def test_another_user_never_sees_a_loop(client_for, user, other_user, onsite):
    client = client_for(other_user)
    assert "Amazon onsite, March" not in client.get(reverse("loops:list")).content.decode()
    for name in ("loops:detail", "loops:edit", "loops:sheet"):
        assert client.get(reverse(name, args=[onsite.pk])).status_code == 404
    slot = onsite.slots.first()
    assert (
        client.post(
            reverse("loops:slot_update", args=[onsite.pk, slot.pk]), {"action": "delete"}
        ).status_code
        == 404
    )
    assert LoopSlot.objects.filter(pk=slot.pk).exists()
    assert "Amazon onsite, March" in client_for(user).get(reverse("loops:list")).content.decode()


def test_edit_interviewers(client_for, user, amazon, onsite):
    client = client_for(user)
    assert client.get(reverse("loops:edit", args=[onsite.pk])).status_code == 200
    frugal, own = principle(amazon, "frugality"), principle(amazon, "ownership")
    response = client.post(
        reverse("loops:slot_add", args=[onsite.pk]),
        {"new-label": "Team lunch", "new-principles": [frugal.pk, own.pk]},
    )
    assert response.status_code == 302
    added = onsite.slots.get(label="Team lunch")
    assert added.order == 6 and set(added.principles.all()) == {frugal, own}
    prefix = f"slot-{added.pk}"
    client.post(
        reverse("loops:slot_update", args=[onsite.pk, added.pk]),
        {f"{prefix}-label": "Lunch", f"{prefix}-unknown": "on", f"{prefix}-unknown_count": "3"},
    )
    added.refresh_from_db()
    assert (added.label, added.unknown, added.unknown_count) == ("Lunch", True, 3)
    client.post(reverse("loops:slot_update", args=[onsite.pk, added.pk]), {"action": "up"})
    assert list(onsite.slots.order_by("order").values_list("label", flat=True))[-2:] == [
        "Lunch",
        "Bar raiser",
    ]
    response = client.post(
        reverse("loops:slot_add", args=[onsite.pk]), {"new-label": "Nobody"}, follow=True
    )
    assert (
        "Choose the principles this interviewer probes, or tick unknown."
        in response.content.decode()
    )
    client.post(reverse("loops:slot_update", args=[onsite.pk, added.pk]), {"action": "delete"})
    assert not onsite.slots.filter(pk=added.pk).exists()


def test_mark_done_keeps_the_plan_and_the_story_knows_it_was_told(client_for, user, amazon):
    loop = services.loop_create_from_template(
        user=user, template_key="amazon-onsite", date=dt.date(2026, 11, 20)
    )
    story = mapped_story(user, amazon, "Found the leak", dive_deep="primary")
    client = client_for(user)
    page = client.get(reverse("stories:detail", args=[story.pk])).content.decode()
    assert "Dive Deep for Peer interviewer" in page and "never" in page
    client.post(reverse("loops:done", args=[loop.pk]), {"done": "1"})
    loop.refresh_from_db()
    assert loop.done_on == dt.date(2026, 11, 20)
    assert LoopPin.objects.get(loop=loop).story == story
    page = client.get(reverse("stories:detail", args=[story.pk])).content.decode()
    assert "20 Nov 2026" in page and "Not planned in your open loops" not in page


def test_the_one_pager_shows_each_interviewer(client_for, user, amazon, onsite):
    mapped_story(user, amazon, "Found the leak", dive_deep="primary")
    client = client_for(user)
    whole = client.get(reverse("loops:sheet", args=[onsite.pk]))
    assert [s.label for s in whole.context["sheets"]][:2] == ["Phone screen", "Hiring manager"]
    peer = onsite.slots.get(label="Peer interviewer")
    one = client.get(reverse("loops:sheet", args=[onsite.pk]) + f"?slot={peer.pk}")
    sheet = one.context["sheets"]
    assert len(sheet) == 1
    cell = next(c for c in sheet[0].cells if c.principle == "Dive Deep")
    assert cell.story.title == "Found the leak"
    story = Story.objects.get(title="Found the leak")
    assert 1 <= len(cell.story.numbers) <= 3
    assert all(n in f"{story.result} {story.action}" for n in cell.story.numbers)
    assert [label for label, _ in cell.story.lines] == ["S", "T", "A", "R"]
    assert client.get(reverse("loops:sheet", args=[onsite.pk]) + "?slot=999999").status_code == 404


@pytest.mark.parametrize("name", ["loops:detail", "loops:sheet"])
def test_loop_pages_run_a_fixed_number_of_queries(
    name, client_for, user, amazon, onsite, django_assert_num_queries
):
    client = client_for(user)
    url = reverse(name, args=[onsite.pk])
    bank(user, amazon, 3)
    client.get(url)  # warm caches (sessions, content types)
    with django_assert_num_queries(10):
        small = client.get(url)
    bank(user, amazon, 57)
    with django_assert_num_queries(10):
        large = client.get(url)
    assert small.status_code == large.status_code == 200
    assert large.context["plan"].planned > small.context["plan"].planned


def test_the_story_page_shows_usage_in_fixed_queries_however_many_loops(client_for, user, amazon):
    story = mapped_story(user, amazon, "Found the leak", dive_deep="primary", frugality="primary")
    client = client_for(user)
    url = reverse("stories:detail", args=[story.pk])
    services.loop_create_from_template(user=user, template_key="amazon-onsite", name="First")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(3):
        services.loop_create_from_template(user=user, template_key="data-scientist", name=f"DS {n}")
    with CaptureQueriesContext(connection) as four:
        page = client.get(url).content.decode()
    assert len(four.captured_queries) == len(one.captured_queries)
    assert page.count("Dive Deep for ") == 4  # planned in every open loop
    assert "Planned in 4 of your 4 open loops" in page


def test_the_story_page_warns_when_a_plan_leans_on_the_story(client_for, user, amazon, onsite):
    story = mapped_story(
        user, amazon, "Found the leak", dive_deep="primary", bias_for_action="secondary"
    )
    page = client_for(user).get(reverse("stories:detail", args=[story.pk])).content.decode()
    assert "is your only story for Bias for Action and Dive Deep" in page
