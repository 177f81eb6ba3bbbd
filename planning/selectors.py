"""Reads for planning: the coverage target, the grid's rows, the matcher's stories and
interview loops with their plans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, F, Max, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from taggit.models import Tag, TaggedItem

from planning import raw_reads
from planning.coverage import Grid, GridView, build_grid, view_grid
from planning.loop_fit import FitStory, loop_fits
from planning.loop_templates import likely_order
from planning.loops import Plan, PrincipleInfo, SlotRow, build_plan, resolve_slots
from planning.matcher import StoryText
from planning.models import CoverageTarget, Loop, LoopSlot
from planning.practice_state import PracticeState, practice_state
from principles.models import Principle, PrincipleSet
from principles.selectors import principles_visible_to, set_get
from stories.models import Story, StoryPrinciple
from stories.star.report import PART_NAMES

DEFAULT_SET_SLUG = "amazon"


class SetRef(NamedTuple):
    """The little the grid needs of a principle set."""

    pk: int
    name: str
    slug: str


class PrincipleRef(NamedTuple):
    """The little the grid needs of a principle (read as plain rows: no model objects)."""

    pk: int
    name: str
    slug: str
    principle_set: SetRef


@dataclass(frozen=True)
class Target:
    """The principles a user's coverage is measured against."""

    principle_set: SetRef
    principles: list[PrincipleRef]
    subset: bool
    all_principles: list[PrincipleRef]


# --- the coverage grid ---------------------------------------------------------------
# The grid page runs on every change of a filter and is the app's widest page: its reads
# of the user's own rows (saved target, stories with their tags, mappings) are written
# out in SQL (``raw_reads``: names from the models' ``_meta``, standard SQL on SQLite and
# PostgreSQL), since building them through the ORM took longer than running them; what
# the user may see of the principle sets is asked through the ORM, where that rule is
# written, compiled once (``compiled_once``). Seven queries whatever the bank, the
# filters or the sorts.


@raw_reads.built_once
def _target_sql() -> str:
    t = raw_reads.Names(CoverageTarget, "t")
    tp = raw_reads.Names(CoverageTarget.principles.through, "tp")
    return (
        f"SELECT {t.principle_set}, {tp.principle} FROM {t} "  # noqa: S608 - names from _meta
        f"LEFT JOIN {tp} ON {tp.coveragetarget} = {t.id} WHERE {t.user} = %s"
    )


@raw_reads.built_once
def _set_principles_sql() -> str:
    """The principles of one set, by its id (the saved target's)."""
    p, ps = raw_reads.Names(Principle, "p"), raw_reads.Names(PrincipleSet, "s")
    return (
        f"SELECT {p.id}, {p.name}, {p.slug}, {ps.id}, {ps.name}, {ps.slug}, {ps.owner} "  # noqa: S608 - names from _meta
        f"FROM {p} JOIN {ps} ON {ps.id} = {p.principle_set} WHERE {p.principle_set} = %s "
        f"ORDER BY {p.position}, {p.name}, {p.id}"
    )


#: Stand-ins for a call's values while an ORM query is compiled once (``compiled_once``).
_SENTINELS: dict[str, object] = {"user_id": -987_654_321, "slug": "slug-sentinel-7f3a"}


def compiled_once(build: Callable[..., QuerySet]) -> Callable[..., list[tuple]]:
    """An ORM query compiled to SQL once per database, then run with each call's values.

    For the grid's reads that follow a rule kept in one place (which principle sets a
    user may see: ``principles_visible_to``, ``visible_to``): written with the ORM, the
    rule is not restated in SQL, and compiling the query (10-20 times longer than running
    it) happens once. ``build`` gets a stand-in for each keyword (``_SENTINELS``); every
    stand-in must reach the compiled parameters as it was given (compiling fails loudly
    otherwise), and each call's values take their places. Rows come as the database
    driver gives them: fine for the integer and text columns these reads return.
    """
    remembered: dict[str, tuple[str, tuple[object, ...]]] = {}

    @wraps(build)
    def run(**values: object) -> list[tuple]:
        vendor = connection.vendor
        if vendor not in remembered:
            stand_ins = {name: _SENTINELS[name] for name in values}
            sql, params = build(**stand_ins).query.sql_with_params()
            missing = [name for name, v in stand_ins.items() if v not in params]
            if missing:
                raise ValueError(f"{build.__name__}: {missing} not in the compiled query")
            remembered[vendor] = (sql, tuple(params))
        sql, params = remembered[vendor]
        by_stand_in = {_SENTINELS[name]: value for name, value in values.items()}
        return raw_reads.fetch(sql, [by_stand_in.get(p, p) for p in params])

    return run


@compiled_once
def _visible_principles(*, user_id: object, slug: object) -> QuerySet:
    """The rows of ``_set_principles_sql`` for a set named by its slug, among the sets
    the user may see."""
    return (
        principles_visible_to(user=user_id)
        .filter(principle_set__slug=slug)
        .order_by("position", "name", "pk")
        .values_list(
            "pk",
            "name",
            "slug",
            "principle_set_id",
            "principle_set__name",
            "principle_set__slug",
            "principle_set__owner_id",
        )
    )


@compiled_once
def _visible_sets(*, user_id: object) -> QuerySet:
    """(pk, name, slug, owner) of the sets a user can aim the grid at, built-in first."""
    return (
        set_choices(user=user_id)
        .order_by(F("owner_id").asc(nulls_first=True), "position", "name")
        .values_list("pk", "name", "slug", "owner_id")
    )


def _principle_refs(rows: list[tuple]) -> list[PrincipleRef]:
    sets: dict[int, SetRef] = {}
    refs = []
    owned = {row[3] for row in rows if row[6] is not None}
    for pk, name, slug, set_pk, set_name, set_slug, _owner in rows:
        if owned and set_pk not in owned:
            continue  # a user's own set wins over a built-in one with the same slug
        ref = sets.setdefault(set_pk, SetRef(set_pk, set_name, set_slug))
        refs.append(PrincipleRef(pk, name, slug, ref))
    return refs


def coverage_target(*, user, set_slug: str | None = None) -> Target:
    """The user's saved target, or the set named in the URL, or the Amazon set.

    Two small queries (the saved target with its chosen principles, then the set's
    principles); one when a set is named: this runs on every grid view.
    """
    if set_slug is None:
        saved = raw_reads.fetch(_target_sql(), [user.pk])
        if saved:
            rows = _principle_refs(raw_reads.fetch(_set_principles_sql(), [saved[0][0]]))
            picked = {principle for _set, principle in saved if principle is not None}
            chosen = [p for p in rows if p.pk in picked]
            if rows:
                return Target(rows[0].principle_set, chosen or rows, bool(chosen), rows)
    slug = set_slug or DEFAULT_SET_SLUG
    rows = _principle_refs(_visible_principles(user_id=user.pk, slug=slug))
    if not rows:  # a set with no principles yet (or none at all: 404)
        found = set_get(user=user, slug=slug)
        return Target(SetRef(found.pk, found.name, found.slug), [], False, [])
    return Target(rows[0].principle_set, rows, False, rows)


def set_choices(*, user) -> QuerySet[PrincipleSet]:
    """The sets a user can aim at, names only."""
    return PrincipleSet.objects.visible_to(user).only("pk", "name", "slug", "owner_id")


@raw_reads.built_once
def _grid_stories_sql(with_tags: int) -> str:
    """The user's active stories, best score first (unscored last), then by title; with
    ``with_tags`` a row per story and tag (or one with no tag), tags A to Z."""
    s = raw_reads.Names(Story, "s")
    order = (
        f"CASE WHEN {s.star_score} IS NULL THEN 1 ELSE 0 END, {s.star_score} DESC, "
        f"LOWER({s.title}), {s.id}"
    )
    if not with_tags:
        return (
            f"SELECT {s.id}, {s.title}, {s.star_score} FROM {s} "  # noqa: S608 - names from _meta
            f"WHERE {s.owner} = %s AND {s.archived_at} IS NULL ORDER BY {order}"
        )
    ti, tag = raw_reads.Names(TaggedItem, "ti"), raw_reads.Names(Tag, "tg")
    ct = raw_reads.Names(ContentType, "ct")
    return (
        f"SELECT {s.id}, {s.title}, {s.star_score}, {tag.name} FROM {s} "  # noqa: S608 - names from _meta
        f"LEFT JOIN {ti} ON {ti.object_id} = {s.id} AND {ti.content_type} = "
        f"(SELECT {ct.id} FROM {ct} WHERE {ct.app_label} = %s AND {ct.model} = %s) "
        f"LEFT JOIN {tag} ON {tag.id} = {ti.tag} "
        f"WHERE {s.owner} = %s AND {s.archived_at} IS NULL ORDER BY {order}, {tag.name}"
    )


def _grid_stories(*, user, with_tags: bool) -> tuple[list[tuple], dict[int, list[str]]]:
    """(pk, title, score) of the user's active stories in the grid's order, and their
    tags by story when asked for (one query either way)."""
    if not with_tags:
        return raw_reads.fetch(_grid_stories_sql(0), [user.pk]), {}
    meta = Story._meta
    rows = raw_reads.fetch(_grid_stories_sql(1), [meta.app_label, meta.model_name, user.pk])
    stories: list[tuple] = []
    tags: dict[int, list[str]] = {}
    for pk, title, score, tag in rows:
        if not stories or stories[-1][0] != pk:
            stories.append((pk, title, score))
        if tag is not None:
            tags.setdefault(pk, []).append(tag)
    return stories, tags


def coverage_grid(*, user, target: Target, view: GridView | None = None) -> Grid:
    """The grid of the target's principles against the user's active stories, as
    ``view`` shows it (None: everything, stories by score). Two queries."""
    grid, _tags = _grid_and_tags(user=user, target=target, view=view, with_tags=False)
    return grid


def _grid_and_tags(
    *, user, target: Target, view: GridView | None, with_tags: bool
) -> tuple[Grid, dict[int, list[str]]]:
    stories, tags = _grid_stories(user=user, with_tags=with_tags or bool(view and view.tag))
    # Filtered by set here; build_grid keeps only the target's principles.
    mappings = raw_reads.weight_rows(owner_id=user.pk, set_ids=[target.principle_set.pk])
    grid = build_grid(target.principles, stories, mappings)
    return (grid if view is None else view_grid(grid, view, tags)), tags


@dataclass(frozen=True)
class GridPage:
    """What the grid page shows: the grid as viewed, and the filters' choices."""

    grid: Grid
    view: GridView
    tags: list[str]  # the tags on the user's active stories, A to Z
    sets: list[SetRef]  # the sets the user can aim the grid at


def coverage_page(*, user, target: Target, view: GridView) -> GridPage:
    """The grid page's reads: three queries whatever the bank or the filters (stories
    with their tags, mappings, sets), on top of the target's."""
    grid, tags = _grid_and_tags(user=user, target=target, view=view, with_tags=True)
    names = sorted({name for found in tags.values() for name in found}, key=str.casefold)
    sets: dict[str, SetRef] = {}
    for pk, name, slug, owner in _visible_sets(user_id=user.pk):
        if owner is not None or slug not in sets:  # a user's own set wins, as in the target
            sets[slug] = SetRef(pk, name, slug)
    return GridPage(grid, view, names, list(sets.values()))


def story_texts(*, user) -> list[StoryText]:
    """The user's active stories as the matcher reads them (one query)."""
    rows = (
        Story.objects.owned_by(user).active().values_list("pk", "title", *PART_NAMES, "star_score")
    )
    return [StoryText(pk, title, " ".join(parts), score) for pk, title, *parts, score in rows]


def weights_for(*, user, principle: Principle | None) -> dict[int, str]:
    """story pk -> weight of the user's active stories mapped to ``principle``."""
    if principle is None:
        return {}
    return dict(
        StoryPrinciple.objects.filter(
            principle=principle, story__owner=user, story__archived_at__isnull=True
        ).values_list("story_id", "weight")
    )


# --- interview loops -----------------------------------------------------------------


@dataclass(frozen=True)
class LoopSummary:
    """A loop in the list: the loop and how many interviewers it has."""

    loop: Loop
    slots: int


def loop_list(*, user) -> list[LoopSummary]:
    """The user's loops, newest first, with their interviewer counts (one query)."""
    loops = (
        Loop.objects.filter(owner=user)
        .select_related("principle_set")
        .annotate(slot_count=Count("slots"))
    )
    return [LoopSummary(loop, loop.slot_count) for loop in loops]  # type: ignore[attr-defined]


def loop_get(*, user, pk: int) -> Loop:
    """One of the user's loops with its set, or 404 (another user's loop does not exist
    for them). Raw SQL (``raw_reads``): every loop page loads its loop first."""
    loop = raw_reads.own_loop(owner_id=user.pk, pk=pk)
    if loop is None:
        raise Http404("No such loop.")
    return loop


def slot_get(*, user, loop_pk: int, pk: int) -> LoopSlot:
    """An interviewer of one of the user's loops, or 404."""
    return get_object_or_404(
        LoopSlot.objects.select_related("loop"), pk=pk, loop_id=loop_pk, loop__owner=user
    )


def _principles_by_set(set_ids: list[int]) -> dict[int, list[PrincipleInfo]]:
    """Per set, its principles most likely asked first (one query)."""
    grouped: dict[int, list[tuple[PrincipleInfo, int, str]]] = {}
    for set_id, set_slug, pk, name, slug, keywords, asked in raw_reads.principle_rows(set_ids):
        found = grouped.setdefault(set_id, [])
        found.append(
            (PrincipleInfo(pk, name, slug, tuple(keywords or ()), len(found)), asked, set_slug)
        )
    result = {}
    for set_id, found in grouped.items():
        ordered = likely_order(
            found, set_slug=found[0][2], slug_of=lambda f: f[0].slug, questions_of=lambda f: f[1]
        )
        result[set_id] = [info for info, _, _ in ordered]
    return result


def loop_principles(*, loop: Loop) -> list[PrincipleInfo]:
    """The loop's set's principles, most likely asked first (one query)."""
    return _principles_by_set([loop.principle_set_id]).get(loop.principle_set_id, [])


def _slots_by_loop(loop_ids: list[int]) -> dict[int, list[SlotRow]]:
    """Per loop, its interviewers with their principles (one query: a row per slot and
    principle, or one with no principle)."""
    rows: dict[int, tuple[int, str, int, bool, int, list[int]]] = {}
    for loop_id, pk, label, position, unknown, count, principle_pk in raw_reads.slot_rows(loop_ids):
        row = rows.setdefault(pk, (loop_id, label, position, unknown, count, []))
        if principle_pk is not None:
            row[5].append(principle_pk)
    slots: dict[int, list[SlotRow]] = {pk: [] for pk in loop_ids}
    for pk, (loop_id, label, position, unknown, count, principles) in rows.items():
        chosen = None if unknown else tuple(principles)
        slots[loop_id].append(SlotRow(pk, label, position, chosen, count))
    return slots


def _in_set_order(slots: list[SlotRow], principles: list[PrincipleInfo]) -> list[SlotRow]:
    rank = {p.pk: p.position for p in principles}
    return [
        slot
        if slot.principles is None
        else SlotRow(
            slot.pk,
            slot.label,
            slot.order,
            tuple(sorted(slot.principles, key=lambda pk: rank.get(pk, pk))),
            slot.unknown_count,
        )
        for slot in slots
    ]


def loop_slots(*, loop: Loop, principles: list[PrincipleInfo]) -> list[SlotRow]:
    """The loop's interviewers, each one's principles in the set's order (two queries)."""
    return _in_set_order(_slots_by_loop([loop.pk])[loop.pk], principles)


def _pins_by_loop(loop_ids: list[int]) -> dict[int, dict[tuple[int, int], int]]:
    pins: dict[int, dict[tuple[int, int], int]] = {pk: {} for pk in loop_ids}
    for loop_id, slot_pk, principle_pk, story_pk in raw_reads.pin_rows(loop_ids):
        pins[loop_id][(slot_pk, principle_pk)] = story_pk
    return pins


@lru_cache(maxsize=1024)
def _fit_story(row: tuple, weights: tuple[tuple[int, str], ...]) -> FitStory:
    """A story row (``raw_reads.story_rows``) and its mappings as the fit reads them,
    remembered: the same stories come back on every plan, and the same text object lets
    the fit's own caches find it without hashing it again. Nothing changes a FitStory."""
    pk, title, *parts, score, happened_on = row
    named = dict(zip(PART_NAMES, parts, strict=True))
    return FitStory(pk, title, " ".join(parts), score, happened_on, dict(weights), named)


def loop_fit_stories(*, user, set_ids: list[int]) -> dict[int, FitStory]:
    """The user's active stories with their mappings in these sets (two queries)."""
    owner_id = user.pk
    rows = raw_reads.story_rows(owner_id=owner_id)
    weights: dict[int, list[tuple[int, str]]] = {}
    for story_pk, principle_pk, weight in raw_reads.weight_rows(owner_id=owner_id, set_ids=set_ids):
        weights.setdefault(story_pk, []).append((principle_pk, weight))
    return {row[0]: _fit_story(tuple(row), tuple(weights.get(row[0], ()))) for row in rows}


@dataclass(frozen=True)
class LoopPage:
    """All a loop's plan page (or one-pager) shows."""

    loop: Loop
    plan: Plan
    principles: list[PrincipleInfo]
    stories: dict[int, FitStory]
    practice: PracticeState


def _plans(*, user, loops: list[Loop], today: dt.date) -> list[LoopPage]:
    """Each loop solved around its pins, in a fixed number of queries (eight) whatever
    the number of loops or stories."""
    if not loops:
        return []
    loop_ids = [loop.pk for loop in loops]
    set_ids = sorted({loop.principle_set_id for loop in loops})
    principles = _principles_by_set(set_ids)
    slots = _slots_by_loop(loop_ids)
    pins = _pins_by_loop(loop_ids)
    stories = loop_fit_stories(user=user, set_ids=set_ids)
    practice = practice_state(user=user)
    pages = []
    for loop in loops:
        ordered = principles.get(loop.principle_set_id, [])
        loop_slots = _in_set_order(slots[loop.pk], ordered)
        # Fits only for the principles this loop's interviewers probe.
        probed = {int(key) for keys in resolve_slots(loop_slots, ordered) for key in keys}
        fits = loop_fits(
            stories.values(), [p for p in ordered if p.pk in probed], practice=practice, today=today
        )
        plan = build_plan(loop_slots, ordered, stories, fits, pins[loop.pk])
        pages.append(LoopPage(loop, plan, ordered, stories, practice))
    return pages


def loop_plan(*, user, loop: Loop, today: dt.date) -> LoopPage:
    """The loop solved around its pins, in a fixed number of queries whatever the bank."""
    return _plans(user=user, loops=[loop], today=today)[0]


@dataclass(frozen=True)
class Planned:
    """Where a story is planned: a loop, an interviewer, a principle."""

    loop: Loop
    slot: str
    principle: str


@dataclass(frozen=True)
class StoryUsage:
    """Where a story is planned in open loops, and when it was last told in a real one."""

    planned: list[Planned]
    last_told: dt.date | None
    open_loops: int
    warnings: list[str]  # the plans lean on it: the only story for several principles


def story_usage(*, user, story_id: int, today: dt.date) -> StoryUsage:
    """Every open loop solved (fixed queries), where this story is a primary, and the
    last done loop it was told in (a done loop keeps its plan as pins)."""
    open_loops = list(
        Loop.objects.filter(owner=user, done_on__isnull=True).select_related("principle_set")
    )
    planned, warnings = [], []
    for page in _plans(user=user, loops=open_loops, today=today):
        for note in page.plan.notes:
            if note.kind == "leaned" and note.story_pk == story_id and note.text not in warnings:
                warnings.append(note.text)
        for slot in page.plan.slots:
            for cell in slot.cells:
                if cell.primary is not None and cell.primary.pk == story_id:
                    planned.append(Planned(page.loop, slot.label, cell.principle.name))
    last = Loop.objects.filter(
        owner=user, pins__story_id=story_id, done_on__isnull=False
    ).aggregate(last=Max("done_on"))["last"]
    return StoryUsage(planned, last, len(open_loops), warnings)
