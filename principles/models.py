"""Principle sets, their principles and the interview question bank."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

#: A principle's lists (signals, probes, keywords): at most this many lines, each this long.
LIST_MAX_LINES = 20
LIST_LINE_MAX = 300


class PrincipleSetQuerySet(models.QuerySet):
    """Queries over principle sets."""

    def visible_to(self, user) -> PrincipleSetQuerySet:
        """Built-in sets plus the user's own custom sets."""
        return self.filter(Q(owner__isnull=True) | Q(owner=user))


class PrincipleSet(models.Model):
    """A company's values, e.g. the Amazon Leadership Principles.

    Built-in sets have no owner and are edited by staff in the admin; a user's
    custom set belongs to them alone.
    """

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120)
    description = models.TextField(max_length=2000, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="principle_sets",
    )
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PrincipleSetQuerySet.as_manager()

    class Meta:
        ordering = ["owner_id", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=Q(owner__isnull=True), name="unique_builtin_set_slug"
            ),
            models.UniqueConstraint(fields=["owner", "slug"], name="unique_owned_set_slug"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_builtin(self) -> bool:
        """True for sets shipped with Storybank (no owner)."""
        return self.owner_id is None


class Principle(models.Model):
    """One principle of a set, with what an interviewer listens for."""

    principle_set = models.ForeignKey(
        PrincipleSet, on_delete=models.CASCADE, related_name="principles"
    )
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)
    description = models.TextField(max_length=2000, blank=True)
    signals = models.JSONField(
        default=list, blank=True, help_text="What an interviewer listens for (short sentences)."
    )
    keywords = models.JSONField(
        default=list,
        blank=True,
        help_text="Cue words and phrases a story showing this principle tends to contain.",
    )
    probes = models.JSONField(
        default=list, blank=True, help_text="Follow-up probe questions for this principle."
    )

    class Meta:
        ordering = ["principle_set_id", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["principle_set", "slug"], name="unique_principle_slug_in_set"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """An interview question in the bank, filed under one principle."""

    principle = models.ForeignKey(Principle, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=500)
    source = models.CharField(max_length=120, blank=True, default="general")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["principle_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["principle", "text"], name="unique_question_text"),
        ]

    def __str__(self) -> str:
        return self.text
