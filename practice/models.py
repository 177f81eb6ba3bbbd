"""Practice rounds: a question, a timed answer, the coach's follow-ups on it (jobs
the round owns), a self-rating; and the review schedule (Leitner boxes) over (story,
principle) pairs."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models

from coach.models import FollowUpJob
from planning.models import SLOT_LABEL_MAX, Loop
from principles.models import Principle, Question
from stories.models import PART_MAX, Story

DEFAULT_TARGET_SECONDS = 120


class RoundStatus(models.TextChoices):
    """Where a round is."""

    ANSWERING = "answering", "Answering"
    FOLLOWUPS = "followups", "Follow-ups"
    DONE = "done", "Done"


class MockLoop(models.Model):
    """A rehearsal of an interview loop: one round per interviewer, each on a principle
    that interviewer probes and the story planned for it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mock_loops"
    )
    loop = models.ForeignKey(
        Loop, null=True, blank=True, on_delete=models.SET_NULL, related_name="mock_loops"
    )
    name = models.CharField(max_length=120)  # the loop's name when it was rehearsed
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class PracticeRound(models.Model):
    """One mock-interview question, answered against the clock."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_rounds"
    )
    principle = models.ForeignKey(
        Principle, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    question_text = models.CharField(max_length=500)
    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.SET_NULL, related_name="practice_rounds"
    )
    status = models.CharField(
        max_length=10, choices=RoundStatus.choices, default=RoundStatus.ANSWERING
    )
    target_seconds = models.PositiveSmallIntegerField(
        default=DEFAULT_TARGET_SECONDS, validators=[MinValueValidator(30), MaxValueValidator(900)]
    )
    answer = models.TextField(blank=True, validators=[MaxLengthValidator(PART_MAX)])
    seconds_taken = models.PositiveIntegerField(null=True, blank=True)
    star_score = models.PositiveSmallIntegerField(null=True, blank=True)
    star_flags = models.JSONField(default=list, blank=True)
    star_heard = models.JSONField(default=dict, blank=True)  # stories.scoring.heard()
    self_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    notes = models.TextField(blank=True, validators=[MaxLengthValidator(PART_MAX)])
    followup_jobs = models.ManyToManyField(
        FollowUpJob, blank=True, related_name="practice_rounds"
    )  # the coach's jobs on this answer, oldest first by their own order
    mock_loop = models.ForeignKey(
        MockLoop, null=True, blank=True, on_delete=models.CASCADE, related_name="rounds"
    )
    mock_interviewer = models.CharField(max_length=SLOT_LABEL_MAX, blank=True)
    mock_position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="round_user_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(self_rating__isnull=True)
                | models.Q(self_rating__gte=1, self_rating__lte=5),
                name="round_self_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.question_text


class ReviewItem(models.Model):
    """A (story, principle) pair in the Leitner review schedule."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_items"
    )
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+")
    principle = models.ForeignKey(Principle, on_delete=models.CASCADE, related_name="+")
    box = models.PositiveSmallIntegerField(default=1)
    due_on = models.DateField()
    last_practised_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "box", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "story", "principle"], name="unique_review_item"
            ),
            models.CheckConstraint(
                condition=models.Q(box__gte=1, box__lte=5), name="review_box_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.story} / {self.principle}: box {self.box}"
