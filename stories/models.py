"""Stories, their principle mappings and their revision history."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from taggit.managers import TaggableManager

from principles.models import Principle
from stories.star.report import PART_NAMES
from stories.values import validate_visible

# Limits for the free-text fields; forms and imports enforce the same numbers.
TITLE_MAX = 200
PART_MAX = 5000
REFLECTION_MAX = 3000
META_MAX = 200

#: The longest each free-text story field may be (forms, imports and the model agree).
FIELD_LIMITS = {
    "title": TITLE_MAX,
    "situation": PART_MAX,
    "task": PART_MAX,
    "action": PART_MAX,
    "result": PART_MAX,
    "reflection": REFLECTION_MAX,
    "organisation": META_MAX,
    "role": META_MAX,
}

#: The story fields that make up its text; revisions snapshot exactly these.
CONTENT_FIELDS = ("title", *PART_NAMES)


class StoryQuerySet(models.QuerySet):
    """Queries over stories."""

    def owned_by(self, user) -> StoryQuerySet:
        """Only the user's own stories."""
        return self.filter(owner=user)

    def active(self) -> StoryQuerySet:
        """Stories that are not archived."""
        return self.filter(archived_at__isnull=True)


class Story(models.Model):
    """A candidate's story in STAR form."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stories"
    )
    title = models.CharField(max_length=TITLE_MAX, validators=[validate_visible])
    situation = models.TextField(max_length=PART_MAX, validators=[MaxLengthValidator(PART_MAX)])
    task = models.TextField(max_length=PART_MAX, validators=[MaxLengthValidator(PART_MAX)])
    action = models.TextField(max_length=PART_MAX, validators=[MaxLengthValidator(PART_MAX)])
    result = models.TextField(max_length=PART_MAX, validators=[MaxLengthValidator(PART_MAX)])
    reflection = models.TextField(
        max_length=REFLECTION_MAX, blank=True, validators=[MaxLengthValidator(REFLECTION_MAX)]
    )
    happened_on = models.DateField(
        null=True, blank=True, help_text="First day of the month the story happened."
    )
    organisation = models.CharField(max_length=META_MAX, blank=True)
    role = models.CharField(max_length=META_MAX, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    # The STAR checker's verdict, stored on save so lists never re-run it per row.
    star_score = models.PositiveSmallIntegerField(null=True, blank=True)
    star_flags = models.JSONField(default=list, blank=True)
    star_quantified = models.BooleanField(default=False)
    star_version = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    principles = models.ManyToManyField(
        Principle, through="StoryPrinciple", related_name="stories", blank=True
    )
    # In the order they were added (the order typed), also when prefetched for a list.
    tags = TaggableManager(blank=True, ordering=["taggit_taggeditem_items__id"])

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name_plural = "stories"
        indexes = [models.Index(fields=["owner", "-updated_at"], name="story_owner_updated")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(star_score__isnull=True) | models.Q(star_score__lte=100),
                name="story_star_score_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_archived(self) -> bool:
        """True when the story is hidden from lists."""
        return self.archived_at is not None

    def content(self) -> dict[str, str]:
        """The text fields as a dict, as stored in revisions."""
        return {name: getattr(self, name) for name in CONTENT_FIELDS}


class Weight(models.TextChoices):
    """How strongly a story shows a principle."""

    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"


class StoryPrinciple(models.Model):
    """A story mapped to a principle, as primary or secondary evidence."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="mappings")
    principle = models.ForeignKey(Principle, on_delete=models.CASCADE, related_name="mappings")
    weight = models.CharField(max_length=10, choices=Weight.choices, default=Weight.PRIMARY)

    class Meta:
        ordering = ["principle__principle_set_id", "principle__position"]
        constraints = [
            models.UniqueConstraint(fields=["story", "principle"], name="unique_story_principle"),
            models.CheckConstraint(
                condition=models.Q(weight__in=Weight.values), name="story_principle_weight_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.story} -> {self.principle} ({self.weight})"


class StoryRevision(models.Model):
    """The text of a story as it was before one save."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="revisions")
    content = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Revision {self.pk} of {self.story_id}"


class StoryDraft(models.Model):
    """What the user typed into a story form and has not saved yet, kept as they type.

    One per user and story, and one for the story being written (``story`` empty).
    ``data`` holds the form's fields exactly as typed (text may be over the limits the
    form enforces on save: a draft keeps every character).
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="story_drafts"
    )
    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.CASCADE, related_name="drafts"
    )
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "story"], name="unique_story_draft"),
            models.UniqueConstraint(
                fields=["owner"],
                condition=models.Q(story__isnull=True),
                name="unique_new_story_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"Draft of {self.story or 'a new story'} by {self.owner}"
