"""Reads for principle sets, principles and the question bank."""

from __future__ import annotations

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from principles.models import Principle, PrincipleSet, Question


def set_list(*, user) -> QuerySet[PrincipleSet]:
    """Built-in sets and the user's own, with their principle counts."""
    return PrincipleSet.objects.visible_to(user).annotate(principle_count=Count("principles"))


def set_get(*, user, slug: str, owned: bool = False) -> PrincipleSet:
    """A set the user may see (or, with ``owned``, edit), or 404."""
    sets = (
        PrincipleSet.objects.filter(owner=user) if owned else PrincipleSet.objects.visible_to(user)
    )
    # A user's own set wins over a built-in one that later took the same slug.
    found = sets.filter(slug=slug).order_by(F("owner_id").asc(nulls_last=True)).first()
    if found is None:
        raise Http404("No such principle set.")
    return found


def set_principles(*, principle_set: PrincipleSet) -> QuerySet[Principle]:
    """The set's principles in order, with their questions."""
    return principle_set.principles.prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("position", "id"))
    )


def principle_get(*, user, set_slug: str, slug: str, owned: bool = False) -> Principle:
    """A principle of a set the user may see (or edit), or 404."""
    principle_set = set_get(user=user, slug=set_slug, owned=owned)
    return get_object_or_404(
        Principle.objects.select_related("principle_set").prefetch_related("questions"),
        principle_set=principle_set,
        slug=slug,
    )


def question_get(*, user, pk: int) -> Question:
    """A bank question of a set the user can see, or 404."""
    return get_object_or_404(
        Question.objects.select_related("principle__principle_set").filter(
            principle__principle_set__in=PrincipleSet.objects.visible_to(user)
        ),
        pk=pk,
    )


def principles_visible_to(*, user) -> QuerySet[Principle]:
    """The principles a user may see and use: the built-in sets' and their own sets'.

    The one place this rule is written; every other read starts from it.
    """
    return Principle.objects.filter(
        Q(principle_set__owner__isnull=True) | Q(principle_set__owner=user)
    )


def user_principles_for_matching(*, user) -> QuerySet[Principle]:
    """Principles of the sets the user can see (for guessing a typed question's principle)."""
    return principles_visible_to(user=user).select_related("principle_set")
