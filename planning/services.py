"""Writes for planning: the coverage target and interview loops."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from planning.loop_templates import TEMPLATES_BY_KEY
from planning.models import (
    SLOT_PRINCIPLES_MAX,
    SLOTS_MAX,
    UNKNOWN_PRINCIPLES_DEFAULT,
    CoverageTarget,
    Loop,
    LoopPin,
    LoopSlot,
)
from principles.models import Principle, PrincipleSet
from principles.selectors import principles_visible_to
from stories.models import Story

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


class LoopError(ValueError):
    """A change to a loop that cannot be made; the message says why, for the page."""


def loop_create(
    *, user: User, name: str, date: dt.date | None, principle_set: PrincipleSet
) -> Loop:
    """A new loop with no interviewers yet."""
    if principle_set.owner_id not in (None, user.pk):
        raise LoopError("Choose one of your principle sets.")
    return Loop.objects.create(
        owner=user, name=name.strip() or "My loop", date=date, principle_set=principle_set
    )


@transaction.atomic
def loop_create_from_template(
    *, user: User, template_key: str, name: str = "", date: dt.date | None = None
) -> Loop:
    """A loop with the template's interviewers and principles, ready to edit."""
    template = TEMPLATES_BY_KEY.get(template_key)
    if template is None:
        raise LoopError("Choose one of the templates.")
    principles = {
        p.slug: p
        for p in principles_visible_to(user=user).filter(
            principle_set__slug=template.set_slug, principle_set__owner__isnull=True
        )
    }
    if not principles:
        raise LoopError(f"The '{template.set_slug}' principle set is not installed.")
    principle_set = next(iter(principles.values())).principle_set
    loop = loop_create(
        user=user, name=name or template.name, date=date, principle_set=principle_set
    )
    for order, slot in enumerate(template.slots):
        made = LoopSlot.objects.create(
            loop=loop, label=slot.label, order=order, unknown=slot.principles is None
        )
        if slot.principles:
            made.principles.set([principles[slug] for slug in slot.principles])
    return loop


def loop_update(*, loop: Loop, name: str, date: dt.date | None) -> Loop:
    """Rename or re-date a loop."""
    loop.name = name.strip() or loop.name
    loop.date = date
    loop.save(update_fields=["name", "date", "updated_at"])
    return loop


def _check_principles(loop: Loop, principles: Sequence[Principle]) -> None:
    if any(p.principle_set_id != loop.principle_set_id for p in principles):
        raise LoopError("Every principle must come from the loop's principle set.")
    if len(principles) > SLOT_PRINCIPLES_MAX:
        raise LoopError(f"An interviewer probes at most {SLOT_PRINCIPLES_MAX} principles.")


@transaction.atomic
def slot_add(
    *,
    loop: Loop,
    label: str,
    principles: Sequence[Principle] = (),
    unknown: bool = False,
    unknown_count: int = UNKNOWN_PRINCIPLES_DEFAULT,
) -> LoopSlot:
    """Add an interviewer at the end of the loop."""
    if loop.slots.count() >= SLOTS_MAX:
        raise LoopError(f"A loop has at most {SLOTS_MAX} interviewers.")
    _check_principles(loop, principles)
    if not unknown and not principles:
        raise LoopError("Choose the principles this interviewer probes, or mark them unknown.")
    last = loop.slots.aggregate(last=Max("order"))["last"]
    slot = LoopSlot.objects.create(
        loop=loop,
        label=label.strip() or "Interviewer",
        order=0 if last is None else last + 1,
        unknown=unknown,
        unknown_count=unknown_count,
    )
    slot.principles.set([] if unknown else principles)
    return slot


@transaction.atomic
def slot_update(
    *,
    slot: LoopSlot,
    label: str,
    principles: Sequence[Principle] = (),
    unknown: bool = False,
    unknown_count: int = UNKNOWN_PRINCIPLES_DEFAULT,
) -> LoopSlot:
    """Change an interviewer; pins on principles it no longer probes go."""
    _check_principles(slot.loop, principles)
    if not unknown and not principles:
        raise LoopError("Choose the principles this interviewer probes, or mark them unknown.")
    slot.label = label.strip() or slot.label
    slot.unknown, slot.unknown_count = unknown, unknown_count
    slot.full_clean(exclude=["loop"])
    slot.save(update_fields=["label", "unknown", "unknown_count"])
    slot.principles.set([] if unknown else principles)
    if not unknown:
        slot.pins.exclude(principle__in=principles).delete()
    return slot


def slot_delete(*, slot: LoopSlot) -> None:
    """Remove an interviewer (and its pins)."""
    slot.delete()


@transaction.atomic
def slot_move(*, slot: LoopSlot, up: bool) -> None:
    """Swap an interviewer with the one before (``up``) or after it."""
    slots = list(LoopSlot.objects.select_for_update().filter(loop_id=slot.loop_id))
    index = next(i for i, s in enumerate(slots) if s.pk == slot.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(slots):
        return
    slots[index], slots[other] = slots[other], slots[index]
    for order, each in enumerate(slots):
        if each.order != order:
            each.order = order
            each.save(update_fields=["order"])


@transaction.atomic
def pin_set(*, slot: LoopSlot, principle: Principle, story: Story) -> LoopPin:
    """Tell ``story`` for ``principle`` to this interviewer; a pin of the same story
    elsewhere in the loop moves here. The plan re-solves around the pins."""
    loop = slot.loop
    if story.owner_id != loop.owner_id or story.archived_at is not None:
        raise LoopError("Pin one of your active stories.")
    if principle.principle_set_id != loop.principle_set_id:
        raise LoopError("That principle is not in this loop's set.")
    if not slot.unknown and not slot.principles.filter(pk=principle.pk).exists():
        raise LoopError(f"{slot.label} does not probe {principle.name}.")
    LoopPin.objects.filter(loop=loop).filter(
        Q(slot=slot, principle=principle) | Q(story=story)
    ).delete()
    return LoopPin.objects.create(loop=loop, slot=slot, principle=principle, story=story)


def pin_clear(*, slot: LoopSlot, principle: Principle) -> None:
    """Let the planner choose this cell's story again."""
    LoopPin.objects.filter(slot=slot, principle=principle).delete()


@transaction.atomic
def loop_mark_done(*, loop: Loop, done: bool, told: Sequence[tuple[int, int, int]] = ()) -> Loop:
    """Mark the real loop as happened (on its date, or today), keeping the stories told
    as pins (``told``: slot, principle and story ids), so the plan stays as it was told
    and each story knows when it was last told; or mark it not done yet."""
    loop.done_on = (loop.date or timezone.localdate()) if done else None
    loop.save(update_fields=["done_on", "updated_at"])
    if done and told:
        slots = set(loop.slots.values_list("pk", flat=True))
        stories = set(
            Story.objects.filter(owner_id=loop.owner_id, pk__in=[t[2] for t in told]).values_list(
                "pk", flat=True
            )
        )
        LoopPin.objects.filter(loop=loop).delete()
        LoopPin.objects.bulk_create(
            LoopPin(loop=loop, slot_id=slot, principle_id=principle, story_id=story)
            for slot, principle, story in told
            if slot in slots and story in stories
        )
    return loop


def loop_delete(*, loop: Loop) -> None:
    """Delete a loop with its interviewers and pins (the stories stay)."""
    loop.delete()
