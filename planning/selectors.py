"""Reads for planning: the coverage target, the grid's rows and the matcher's stories."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import F, QuerySet
from django.db.models.functions import Lower

from planning.coverage import Grid, build_grid
from planning.matcher import StoryText
from planning.models import CoverageTarget
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
