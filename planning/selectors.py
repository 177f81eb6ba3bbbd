"""Reads for planning: the coverage target, the grid's rows, the matcher's stories and
interview loops with their plans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from django.db.models import Count, F, Max, QuerySet
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import get_object_or_404

from planning import raw_reads
from planning.coverage import Grid, build_grid
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


def _principle_refs(principles: QuerySet[Principle]) -> list[PrincipleRef]:
    rows = principles.order_by("position", "name").values_list(
        "pk",
        "name",
        "slug",
        "principle_set_id",
        "principle_set__name",
        "principle_set__slug",
        "principle_set__owner_id",
    )
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

    Read as plain rows in two or three small queries: this runs on every grid view.
    """
    if set_slug is None:
        saved_set = (
            CoverageTarget.objects.filter(user=user)
            .values_list("principle_set_id", flat=True)
            .first()
        )
        if saved_set is not None:
            rows = _principle_refs(Principle.objects.filter(principle_set_id=saved_set))
            picked = set(
                CoverageTarget.principles.through.objects.filter(
                    coveragetarget__user=user
                ).values_list("principle_id", flat=True)
            )
            chosen = [p for p in rows if p.pk in picked]
            if rows:
                return Target(rows[0].principle_set, chosen or rows, bool(chosen), rows)
    slug = set_slug or DEFAULT_SET_SLUG
    rows = _principle_refs(principles_visible_to(user=user).filter(principle_set__slug=slug))
    if not rows:  # a set with no principles yet (or none at all: 404)
        found = set_get(user=user, slug=slug)
        return Target(SetRef(found.pk, found.name, found.slug), [], False, [])
    return Target(rows[0].principle_set, rows, False, rows)


def set_choices(*, user) -> QuerySet[PrincipleSet]:
    """The sets a user can aim at, names only."""
    return PrincipleSet.objects.visible_to(user).only("pk", "name", "slug", "owner_id")


def coverage_grid(*, user, target: Target) -> Grid:
    """The grid of the target's principles against the user's active stories."""
    stories = list(
        Story.objects.owned_by(user)
        .active()
        .order_by(F("star_score").desc(nulls_last=True), Lower("title"), "pk")
        .values_list("pk", "title", "star_score")
    )
    # Filtered by set here; build_grid keeps only the target's principles.
    mappings = StoryPrinciple.objects.filter(
        story__owner=user,
        story__archived_at__isnull=True,
        principle__principle_set_id=target.principle_set.pk,
    ).values_list("story_id", "principle_id", "weight")
    return build_grid(target.principles, stories, mappings)


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
