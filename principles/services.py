"""Writes for principle sets: users add their own sets (another company's values)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.text import slugify

from principles.models import Principle, PrincipleSet, Question

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: Slugs that would collide with the fixed parts of the principle URLs.
RESERVED_SLUGS = frozenset({"new", "edit", "delete", "questions"})


def _unique_slug(base: str, taken: set[str]) -> str:
    slug = slugify(base)[:100] or "item"
    candidate, n = slug, 2
    while candidate in taken or candidate in RESERVED_SLUGS:
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


def principle_set_create(*, owner: User, name: str, description: str = "") -> PrincipleSet:
    """Create a custom principle set for ``owner``."""
    taken = set(PrincipleSet.objects.filter(owner=owner).values_list("slug", flat=True))
    builtin = set(PrincipleSet.objects.filter(owner__isnull=True).values_list("slug", flat=True))
    return PrincipleSet.objects.create(
        owner=owner,
        name=name,
        description=description,
        slug=_unique_slug(name, taken | builtin),
        position=len(taken),
    )


@dataclass(frozen=True)
class PrincipleData:
    """A principle as an export file describes it."""

    name: str
    slug: str
    description: str = ""
    signals: Sequence[str] = ()
    keywords: Sequence[str] = ()
    probes: Sequence[str] = ()
    questions: Sequence[str] = ()


def principle_set_import(
    *,
    owner: User,
    name: str,
    slug: str,
    description: str,
    position: int,
    principles: Sequence[PrincipleData],
) -> dict[str, int]:
    """Create a custom set as a file describes it, slugs kept (the caller has made them
    free), every row validated; returns principle slug -> new id."""
    principle_set = PrincipleSet(
        owner=owner, name=name, slug=slug, description=description, position=position
    )
    principle_set.full_clean()
    principle_set.save()
    ids = {}
    for number, data in enumerate(principles, start=1):
        principle = Principle(
            principle_set=principle_set,
            name=data.name,
            slug=data.slug,
            position=number,
            description=data.description,
            signals=list(data.signals),
            keywords=[k.lower() for k in data.keywords],
            probes=list(data.probes),
        )
        principle.full_clean()
        principle.save()
        Question.objects.bulk_create(
            Question(principle=principle, text=text, position=k, source="mine")
            for k, text in enumerate(dict.fromkeys(data.questions), start=1)
        )
        ids[data.slug] = principle.pk
    return ids


def principle_set_update(*, principle_set: PrincipleSet, name: str, description: str) -> None:
    """Rename or re-describe a custom set (its slug, and so its URL, stays)."""
    principle_set.name, principle_set.description = name, description
    principle_set.save(update_fields=["name", "description"])


def principle_set_delete(*, principle_set: PrincipleSet) -> None:
    """Delete a custom set, its principles and their mappings to stories."""
    if principle_set.is_builtin:
        raise ValueError("Built-in sets are edited by staff in the admin.")
    principle_set.delete()


@transaction.atomic
def principle_save(
    *,
    principle_set: PrincipleSet,
    name: str,
    description: str = "",
    signals: Sequence[str] = (),
    keywords: Sequence[str] = (),
    questions: Sequence[str] = (),
    principle: Principle | None = None,
) -> Principle:
    """Create or update a principle of a custom set, replacing its question list."""
    if principle_set.is_builtin:
        raise ValueError("Built-in sets are edited by staff in the admin.")
    if principle is None:
        siblings = principle_set.principles.all()
        principle = Principle(
            principle_set=principle_set,
            slug=_unique_slug(name, set(siblings.values_list("slug", flat=True))),
            position=siblings.count() + 1,
        )
    principle.name = name
    principle.description = description
    principle.signals = list(signals)
    principle.keywords = [k.lower() for k in keywords]
    principle.save()
    wanted = list(dict.fromkeys(q for q in questions if q))
    principle.questions.exclude(text__in=wanted).delete()
    existing = set(principle.questions.values_list("text", flat=True))
    for position, text in enumerate(wanted, start=1):
        if text in existing:
            principle.questions.filter(text=text).update(position=position)
        else:
            Question.objects.create(
                principle=principle, text=text, position=position, source="mine"
            )
    return principle


def principle_delete(*, principle: Principle) -> None:
    """Delete a principle of a custom set."""
    if principle.principle_set.is_builtin:
        raise ValueError("Built-in sets are edited by staff in the admin.")
    principle.delete()
