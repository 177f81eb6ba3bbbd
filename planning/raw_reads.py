"""The loop plan's hottest reads, in raw SQL.

Why: the loop plan page (``loops:detail``; also its one-pager, the story page's usage
panel and the mock loop) runs a handful of small reads whose SQL executes in about
0.5 ms in all, but through the ORM each took 0.4-1.3 ms of Python to build and compile:
most of the page's time (``bench/loop_bench.py``: the page at 5x a trivial page, the
target 3x). Through a cursor the same reads take 0.05-0.2 ms each. So these reads, and
only these, are written out here: standard SQL that runs on SQLite and PostgreSQL,
parameterised with ``%s``, every table and column named from the models' ``_meta``
(``Names``), so nothing is declared twice. Everything else stays on the ORM.

A raw cursor returns values as the database driver makes them, not as the ORM would:
JSON columns come back as text on both backends (``json_value``), a datetime as text
on SQLite when read through an aggregate and naive when read as a column
(``aware_datetime``). Dates, booleans and integers come back as the ORM gives them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from functools import lru_cache, wraps
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from planning.models import Loop, LoopPin, LoopSlot
from principles.models import Principle, PrincipleSet, Question
from stories.models import Story, StoryPrinciple
from stories.star.report import PART_NAMES


class Names:
    """A model's quoted table and columns under an alias, for SQL written out by hand:
    with ``s = Names(Story, "s")``, ``f"SELECT {s.title} FROM {s} WHERE {s.owner} = %s"``
    (``str(s)`` is the table and its alias; a foreign key names its ``_id`` column)."""

    def __init__(self, model: type[models.Model], alias: str) -> None:
        self._model = model
        self._alias = alias

    def __str__(self) -> str:
        return f"{connection.ops.quote_name(self._model._meta.db_table)} {self._alias}"

    def __getattr__(self, field: str) -> str:
        if field.startswith("_"):
            raise AttributeError(field)
        found = self._model._meta.get_field(field)
        return f"{self._alias}.{connection.ops.quote_name(found.column)}"  # type: ignore[union-attr]

    def all(self) -> str:
        """Every concrete column, in the model's order (as ``instance`` takes them)."""
        return ", ".join(getattr(self, f.name) for f in self._model._meta.concrete_fields)


def placeholders(count: int) -> str:
    """``%s, %s, ...``: ``count`` parameters, for ``IN (...)``."""
    return ", ".join(["%s"] * count)


def fetch(sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
    """Every row of one parameterised query (it counts as a query like any other)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def json_value(value: Any) -> Any:
    """A JSON column's value as the ORM gives it (a raw cursor hands over the text)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def aware_datetime(value: Any) -> dt.datetime | None:
    """A datetime as the ORM gives it: parsed when the database returned text, made
    aware in the connection's time zone when naive (both SQLite's ways)."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = parse_datetime(str(value))
    if value is not None and settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, connection.timezone)
    return value


def instance[M: models.Model](model: type[M], values: Sequence[Any]) -> M:
    """A model instance from a row of ``Names.all()``, converted as the ORM would."""
    fields = model._meta.concrete_fields
    converted = [
        aware_datetime(value)
        if isinstance(field, models.DateTimeField)
        else json_value(value)
        if isinstance(field, models.JSONField)
        else value
        for field, value in zip(fields, values, strict=True)
    ]
    return model.from_db(connection.alias, [f.attname for f in fields], converted)


# --- the plan's reads ------------------------------------------------------------------


def built_once(build: Callable[..., str]) -> Callable[..., str]:
    """An SQL builder whose text is remembered per database vendor and arguments (how
    many parameters): putting the names together takes longer than running the query."""
    remembered = lru_cache(maxsize=64)(lambda vendor, *args: build(*args))

    @wraps(build)
    def sql(*args: int) -> str:
        return remembered(connection.vendor, *args)

    return sql


@built_once
def _loop_sql() -> str:
    loop, pset = Names(Loop, "l"), Names(PrincipleSet, "s")
    return (
        f"SELECT {loop.all()}, {pset.all()} FROM {loop} "  # noqa: S608 - names from _meta
        f"JOIN {pset} ON {pset.id} = {loop.principle_set} "
        f"WHERE {loop.id} = %s AND {loop.owner} = %s"
    )


def own_loop(*, owner_id: int, pk: int) -> Loop | None:
    """The owner's loop with its principle set attached (one query), or None."""
    rows = fetch(_loop_sql(), [pk, owner_id])
    if not rows:
        return None
    split = len(Loop._meta.concrete_fields)
    found = instance(Loop, rows[0][:split])
    found.principle_set = instance(PrincipleSet, rows[0][split:])
    return found


@built_once
def _principles_sql(sets: int) -> str:
    p, pset, q = Names(Principle, "p"), Names(PrincipleSet, "s"), Names(Question, "q")
    return (
        f"SELECT {p.principle_set}, {pset.slug}, {p.id}, {p.name}, {p.slug}, {p.keywords}, "  # noqa: S608 - names from _meta
        f"(SELECT COUNT(*) FROM {q} WHERE {q.principle} = {p.id}) "
        f"FROM {p} JOIN {pset} ON {pset.id} = {p.principle_set} "
        f"WHERE {p.principle_set} IN ({placeholders(sets)}) "
        f"ORDER BY {p.principle_set}, {p.position}, {p.name}"
    )


def principle_rows(set_ids: Sequence[int]) -> list[tuple[int, str, int, str, str, Any, int]]:
    """Per principle of these sets, in the sets' order (one query): set id, set slug,
    pk, name, slug, keywords and how many bank questions it has."""
    if not set_ids:
        return []
    return [
        (set_id, set_slug, pk, name, slug, json_value(keywords), asked)
        for set_id, set_slug, pk, name, slug, keywords, asked in fetch(
            _principles_sql(len(set_ids)), set_ids
        )
    ]


@built_once
def _slots_sql(loops: int) -> str:
    s, sp = Names(LoopSlot, "s"), Names(LoopSlot.principles.through, "sp")
    return (
        f"SELECT {s.loop}, {s.id}, {s.label}, {s.order}, {s.unknown}, {s.unknown_count}, "  # noqa: S608 - names from _meta
        f"{sp.principle} FROM {s} LEFT JOIN {sp} ON {sp.loopslot} = {s.id} "
        f"WHERE {s.loop} IN ({placeholders(loops)}) ORDER BY {s.loop}, {s.order}, {s.id}"
    )


def slot_rows(loop_ids: Sequence[int]) -> list[tuple[int, int, str, int, bool, int, int | None]]:
    """Per interviewer of these loops and principle it probes (or once with None), in
    the loops' order (one query): loop id, pk, label, order, unknown, unknown count,
    principle pk."""
    if not loop_ids:
        return []
    return [
        (loop_id, pk, label, order, bool(unknown), count, principle)
        for loop_id, pk, label, order, unknown, count, principle in fetch(
            _slots_sql(len(loop_ids)), loop_ids
        )
    ]


@built_once
def _pins_sql(loops: int) -> str:
    pin = Names(LoopPin, "p")
    return (
        f"SELECT {pin.loop}, {pin.slot}, {pin.principle}, {pin.story} FROM {pin} "  # noqa: S608 - names from _meta
        f"WHERE {pin.loop} IN ({placeholders(loops)}) ORDER BY {pin.slot}, {pin.principle}"
    )


def pin_rows(loop_ids: Sequence[int]) -> list[tuple[int, int, int, int]]:
    """The pins of these loops (one query): loop id, slot pk, principle pk, story pk."""
    if not loop_ids:
        return []
    return fetch(_pins_sql(len(loop_ids)), loop_ids)


@built_once
def _stories_sql() -> str:
    s = Names(Story, "s")
    parts = ", ".join(getattr(s, name) for name in PART_NAMES)
    return (
        f"SELECT {s.id}, {s.title}, {parts}, {s.star_score}, {s.happened_on} FROM {s} "  # noqa: S608 - names from _meta
        f"WHERE {s.owner} = %s AND {s.archived_at} IS NULL "
        f"ORDER BY {s.updated_at} DESC, {s.id} DESC"
    )


def story_rows(*, owner_id: int) -> list[tuple[Any, ...]]:
    """The owner's active stories, most recently updated first (one query): pk, title,
    the STAR parts (``PART_NAMES``), score, the month it happened."""
    return fetch(_stories_sql(), [owner_id])


@built_once
def _weights_sql(sets: int) -> str:
    m, p, s = Names(StoryPrinciple, "m"), Names(Principle, "p"), Names(Story, "s")
    return (
        f"SELECT {m.story}, {m.principle}, {m.weight} FROM {m} "  # noqa: S608 - names from _meta
        f"JOIN {p} ON {p.id} = {m.principle} JOIN {s} ON {s.id} = {m.story} "
        f"WHERE {s.owner} = %s AND {s.archived_at} IS NULL "
        f"AND {p.principle_set} IN ({placeholders(sets)})"
    )


def weight_rows(*, owner_id: int, set_ids: Sequence[int]) -> list[tuple[int, int, str]]:
    """The mappings of the owner's active stories to principles of these sets (one
    query): story pk, principle pk, weight, by story and principle pk. Sorted here, not
    in SQL: with no ORDER BY, SQLite starts from the owner's stories, not from every
    user's mappings of each principle."""
    if not set_ids:
        return []
    return sorted(fetch(_weights_sql(len(set_ids)), [owner_id, *set_ids]))
