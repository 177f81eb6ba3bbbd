"""Writes for planning: the coverage target."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction

from planning.models import CoverageTarget
from principles.models import Principle, PrincipleSet

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def coverage_target_set(
    *, user: User, principle_set: PrincipleSet, principles: Sequence[Principle] = ()
) -> CoverageTarget:
    """Aim the coverage grid at a set, or at some of its principles (none: the whole set)."""
    if any(p.principle_set_id != principle_set.pk for p in principles):
        raise ValueError("Every chosen principle must belong to the chosen set.")
    target, _ = CoverageTarget.objects.update_or_create(
        user=user, defaults={"principle_set": principle_set}
    )
    target.principles.set(principles)
    return target
