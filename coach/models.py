"""Follow-up jobs (the row is the truth about a request to the coach) and follow-ups."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models

from coach import threads
from coach.base import LLM_BACKEND, RULES_BACKEND
from principles.models import Principle
from stories.models import PART_MAX, Story


class JobStatus(models.TextChoices):
    """Where a follow-up job is."""

    PENDING = "pending", "Queued"
    RUNNING = "running", "Thinking"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class CoachBackend(models.TextChoices):
    """Which coach asks the follow-ups."""

    RULES = RULES_BACKEND, "Offline coach"
    LLM = LLM_BACKEND, "AI coach"


class FollowUpJob(models.Model):
    """A request for follow-up questions on a story, or on an answer given to a
    question: the row is the truth about it, and holds all the coach is asked (the job
    does not know who asked: a practice round owns its jobs). A turn job (``turn_of``)
    asks for the verdict on one answered follow-up and the next probe of its thread."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followup_jobs"
    )
    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.CASCADE, related_name="followup_jobs"
    )
    answer_question = models.CharField(max_length=500, blank=True)
    answer_text = models.TextField(
        blank=True, validators=[MaxLengthValidator(PART_MAX)]
    )  # a job on an answer rather than a story
    avoid_questions = models.JSONField(default=list, blank=True)  # asked elsewhere already
    principle = models.ForeignKey(
        Principle, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_backend = models.CharField(max_length=10, choices=CoachBackend.choices)
    status = models.CharField(
        max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING, db_index=True
    )
    backend_used = models.CharField(max_length=10, choices=CoachBackend.choices, blank=True)
    model = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    fallback_reason = models.CharField(max_length=500, blank=True)
    enqueue_error = models.CharField(max_length=300, blank=True)
    prompt_tokens = models.PositiveIntegerField(null=True, blank=True)
    completion_tokens = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A running job has one owner at a time: the process running it ("node:pid"), until
    # the lease expires or that process's worker gives the lease back when it dies.
    lease_owner = models.CharField(max_length=255, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # A turn job: the AI coach judges this answered follow-up and asks the thread's next
    # probe (written into the follow-up's own job); one per answer.
    turn_of = models.OneToOneField(
        "FollowUp", null=True, blank=True, on_delete=models.CASCADE, related_name="turn_job"
    )

    class Meta:
        db_table = "stories_followupjob"  # moved from stories with its rows
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="followupjob_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=JobStatus.values), name="followupjob_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(story__isnull=False)
                | ~models.Q(answer_text="")
                | models.Q(turn_of__isnull=False),
                name="followupjob_story_answer_or_turn",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=JobStatus.RUNNING)
                | models.Q(lease_expires_at__isnull=False),
                name="followupjob_running_has_lease",
            ),
        ]

    def __str__(self) -> str:
        if self.turn_of_id:
            return f"The AI coach's turn on follow-up {self.turn_of_id} ({self.status})"
        subject = f"story {self.story_id}" if self.story_id else "an answer"
        return f"Follow-ups on {subject} ({self.status})"

    @property
    def finished(self) -> bool:
        """Done or failed: nothing more will happen to it."""
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def progress_key(self) -> str:
        """What a page shows of the job on its way (status, attempts, broker reached):
        a poll that finds the same key has nothing new to show."""
        return f"{self.status}:{self.attempts}:{int(bool(self.enqueue_error))}"


class Rating(models.TextChoices):
    """How the candidate felt their answer to a follow-up went."""

    NAILED = "nailed", "Nailed it"
    SHAKY = "shaky", "Shaky"
    SKIPPED = "skipped", "Skipped"


class Verdict(models.TextChoices):
    """How an answer to a follow-up held up."""

    ANSWERED = threads.ANSWERED, "Answered"
    PARTLY = threads.PARTLY, "Partly"
    DODGED = threads.DODGED, "Dodged"


#: The Bootstrap colour a verdict is shown in.
VERDICT_STYLES = {Verdict.ANSWERED: "success", Verdict.PARTLY: "warning", Verdict.DODGED: "danger"}


class FollowUp(models.Model):
    """One probing question asked about a story or an answer, with the candidate's
    answer and how it went."""

    job = models.ForeignKey(FollowUpJob, on_delete=models.CASCADE, related_name="followups")
    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.CASCADE, related_name="followups"
    )
    position = models.PositiveSmallIntegerField()
    question = models.CharField(max_length=300)
    part = models.CharField(max_length=12)
    reason = models.CharField(max_length=300, blank=True)
    answer = models.TextField(
        max_length=PART_MAX, blank=True, validators=[MaxLengthValidator(PART_MAX)]
    )
    rating = models.CharField(max_length=10, choices=Rating.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Threads: a probe asked because of the answer to ``parent`` (``coach.threads``).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="probes"
    )
    level = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=12, blank=True)  # what the question probes
    verdict = models.CharField(max_length=10, choices=Verdict.choices, blank=True)
    verdict_missing = models.JSONField(default=list, blank=True)
    verdict_evidence = models.CharField(max_length=300, blank=True)
    verdict_by_user = models.BooleanField(default=False)  # the candidate overruled it

    class Meta:
        db_table = "stories_followup"  # moved from stories with its rows
        ordering = ["job_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="unique_followup_position"),
            # A thread asks one probe per answer, whichever coach asked it.
            models.UniqueConstraint(fields=["parent"], name="followup_one_probe_per_answer"),
        ]

    def __str__(self) -> str:
        return self.question

    @property
    def verdict_style(self) -> str:
        """The colour of the verdict's badge and border ("" when not judged yet)."""
        return VERDICT_STYLES.get(self.verdict, "")
