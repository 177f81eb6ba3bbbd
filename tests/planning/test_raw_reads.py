"""The loop plan's raw-SQL reads give what the ORM gives, on either database: the same
rows in the same order, JSON as lists, dates as dates, datetimes aware."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from planning import raw_reads, selectors, services
from planning.models import Loop, LoopPin, LoopSlot
from principles.models import Principle, PrincipleSet
from stories.models import Story, StoryPrinciple
from stories.services import story_set_principles
from stories.star.report import PART_NAMES
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def custom_set(user):
    custom = PrincipleSet.objects.create(name="Mine", slug="mine", owner=user)
    Principle.objects.create(principle_set=custom, name="Zeal", slug="zeal", keywords=["zest"])
    Principle.objects.create(principle_set=custom, name="Care", slug="care", position=0)
    return custom


def test_own_loop_is_the_loop_and_its_set_as_the_orm_loads_them(user, other_user, amazon):
    loop = services.loop_create_from_template(
        user=user, template_key="amazon-onsite", date=dt.date(2027, 3, 4)
    )
    services.loop_mark_done(loop=loop, done=True, told=[])
    expected = Loop.objects.select_related("principle_set").get(pk=loop.pk)

    found = selectors.loop_get(user=user, pk=loop.pk)
    fields = [f.attname for f in Loop._meta.concrete_fields]
    assert [getattr(found, f) for f in fields] == [getattr(expected, f) for f in fields]
    assert timezone.is_aware(found.created_at) and isinstance(found.date, dt.date)
    assert found.principle_set == amazon and found.principle_set.name == amazon.name
    set_fields = [f.attname for f in PrincipleSet._meta.concrete_fields]
    assert [getattr(found.principle_set, f) for f in set_fields] == [
        getattr(expected.principle_set, f) for f in set_fields
    ]
    assert found._state.adding is False and found._state.db == "default"
    found.name = "Renamed"
    found.save(update_fields=["name"])
    assert Loop.objects.get(pk=loop.pk).name == "Renamed"
    with pytest.raises(Http404):
        selectors.loop_get(user=other_user, pk=loop.pk)
    with pytest.raises(Http404):
        selectors.loop_get(user=user, pk=loop.pk + 1000)


def test_principle_rows_are_the_orm_rows(amazon, custom_set):
    set_ids = [amazon.pk, custom_set.pk]
    expected = list(
        Principle.objects.filter(principle_set_id__in=set_ids)
        .annotate(asked=Count("questions"))
        .order_by("principle_set_id", "position", "name")
        .values_list(
            "principle_set_id", "principle_set__slug", "pk", "name", "slug", "keywords", "asked"
        )
    )
    rows = raw_reads.principle_rows(set_ids)
    assert rows == [tuple(row) for row in expected]
    assert any(asked for *_, asked in rows) and any(not asked for *_, asked in rows)
    assert ["zest"] in [keywords for *_, keywords, _ in rows]
    assert raw_reads.principle_rows([]) == []


def test_slot_and_pin_rows_are_the_orm_rows(user, amazon):
    first = services.loop_create_from_template(user=user, template_key="amazon-onsite")
    second = services.loop_create_from_template(user=user, template_key="data-scientist")
    story = StoryFactory(owner=user)
    slot = first.slots.exclude(unknown=True).first()
    services.pin_set(slot=slot, principle=slot.principles.first(), story=story)
    loop_ids = [first.pk, second.pk]

    expected = LoopSlot.objects.filter(loop_id__in=loop_ids).values_list(
        "loop_id", "pk", "label", "order", "unknown", "unknown_count", "principles"
    )
    rows = raw_reads.slot_rows(loop_ids)
    assert sorted(rows, key=str) == sorted(map(tuple, expected), key=str)
    assert [row[:4] for row in rows] == [tuple(row[:4]) for row in expected]  # same order
    assert any(unknown and principle is None for *_, unknown, _, principle in rows)

    pins = LoopPin.objects.filter(loop_id__in=loop_ids).values_list(
        "loop_id", "slot_id", "principle_id", "story_id"
    )
    assert raw_reads.pin_rows(loop_ids) == [tuple(row) for row in pins] != []
    assert raw_reads.slot_rows([]) == raw_reads.pin_rows([]) == []


def test_story_and_weight_rows_are_the_orm_rows(user, other_user, amazon, custom_set):
    dive, frugal = Principle.objects.filter(principle_set=amazon).order_by("-position")[:2]
    zeal = custom_set.principles.get(slug="zeal")
    dated = StoryFactory(owner=user, happened_on=dt.date(2025, 6, 1))
    plain = StoryFactory(owner=user)
    archived = StoryFactory(owner=user)
    theirs = StoryFactory(owner=other_user)
    story_set_principles(story=dated, mappings={dive.pk: "primary", frugal.pk: "secondary"})
    story_set_principles(story=plain, mappings={zeal.pk: "primary"})
    for story in (archived, theirs):
        story_set_principles(story=story, mappings={dive.pk: "primary"})
    Story.objects.filter(pk=archived.pk).update(archived_at=timezone.now())

    expected = (
        Story.objects.owned_by(user)
        .active()
        .values_list("pk", "title", *PART_NAMES, "star_score", "happened_on")
    )
    rows = raw_reads.story_rows(owner_id=user.pk)
    assert rows == [tuple(row) for row in expected]
    assert {row[0] for row in rows} == {dated.pk, plain.pk}
    assert dt.date(2025, 6, 1) in [row[-1] for row in rows]

    for set_ids in ([amazon.pk], [amazon.pk, custom_set.pk]):
        mappings = StoryPrinciple.objects.filter(
            story__owner=user,
            story__archived_at__isnull=True,
            principle__principle_set_id__in=set_ids,
        ).values_list("story_id", "principle_id", "weight")
        found = raw_reads.weight_rows(owner_id=user.pk, set_ids=set_ids)
        assert found == sorted(map(tuple, mappings)) != []
    assert raw_reads.weight_rows(owner_id=user.pk, set_ids=[]) == []


def test_aware_datetime_reads_what_either_database_returns():
    aware = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
    assert raw_reads.aware_datetime(aware) == aware
    assert raw_reads.aware_datetime(aware.replace(tzinfo=None)) == aware
    assert raw_reads.aware_datetime("2026-12-01 09:30:00") == aware
    assert raw_reads.aware_datetime(None) is None
    assert raw_reads.json_value('["a", "b"]') == ["a", "b"] == raw_reads.json_value(["a", "b"])
