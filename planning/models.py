"""What planning stores: the coverage target a user prepares for, and interview loops."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from principles.models import Principle, PrincipleSet
from stories.models import Story


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


#: Limits for a loop's text (forms and the model agree).
LOOP_NAME_MAX = 120
SLOT_LABEL_MAX = 80
#: Interviewers in one loop at most, principles each at most.
SLOTS_MAX = 8
SLOT_PRINCIPLES_MAX = 4
#: How many principles an interviewer whose principles are unknown is planned for.
UNKNOWN_PRINCIPLES_DEFAULT = 2


class Loop(models.Model):
    """An interview loop: a day of interviewers, each probing some principles."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="loops"
    )
    name = models.CharField(max_length=LOOP_NAME_MAX)
    date = models.DateField(null=True, blank=True)
    principle_set = models.ForeignKey(PrincipleSet, on_delete=models.PROTECT, related_name="+")
    done_on = models.DateField(
        null=True, blank=True, help_text="Set when the real loop has happened (marked done)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="loop_owner_created")]

    def __str__(self) -> str:
        return self.name

    @property
    def done(self) -> bool:
        """True once the real loop has happened."""
        return self.done_on is not None


class LoopSlot(models.Model):
    """One interviewer of a loop and the principles they will probe; ``unknown``: not
    told, Storybank spreads the likely ones (``unknown_count`` of them)."""

    loop = models.ForeignKey(Loop, on_delete=models.CASCADE, related_name="slots")
    label = models.CharField(max_length=SLOT_LABEL_MAX)
    order = models.PositiveSmallIntegerField(default=0)
    principles = models.ManyToManyField(Principle, blank=True, related_name="+")
    unknown = models.BooleanField(default=False)
    unknown_count = models.PositiveSmallIntegerField(default=UNKNOWN_PRINCIPLES_DEFAULT)

    class Meta:
        ordering = ["loop_id", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unknown_count__gte=1, unknown_count__lte=SLOT_PRINCIPLES_MAX),
                name="loopslot_unknown_count_range",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class LoopPin(models.Model):
    """A story the user fixed for one interviewer's principle; the plan solves around it."""

    loop = models.ForeignKey(Loop, on_delete=models.CASCADE, related_name="pins")
    slot = models.ForeignKey(LoopSlot, on_delete=models.CASCADE, related_name="pins")
    principle = models.ForeignKey(Principle, on_delete=models.CASCADE, related_name="+")
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="loop_pins")

    class Meta:
        ordering = ["slot_id", "principle_id"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "principle"], name="unique_loop_pin_cell"),
            models.UniqueConstraint(fields=["loop", "story"], name="unique_loop_pin_story"),
        ]

    def __str__(self) -> str:
        return f"{self.slot} / {self.principle}: {self.story}"
