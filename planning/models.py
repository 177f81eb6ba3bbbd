"""What planning stores: the coverage target a user prepares for."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from principles.models import Principle, PrincipleSet


class CoverageTarget(models.Model):
    """What a user is preparing for: a principle set, or a subset of it for one role.

    The coverage grid and its advice follow it. No principles chosen means the
    whole set.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coverage_target"
    )
    principle_set = models.ForeignKey(PrincipleSet, on_delete=models.CASCADE)
    principles = models.ManyToManyField(
        Principle, blank=True, db_table="principles_coveragetarget_principles"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Moved from the principles app with its rows: the tables keep their names.
        db_table = "principles_coveragetarget"

    def __str__(self) -> str:
        return f"{self.user} -> {self.principle_set}"
