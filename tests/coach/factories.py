"""Follow-up jobs and their follow-ups, in any state (the job service makes them in use)."""

from __future__ import annotations

import datetime as dt

import factory
from django.conf import settings
from django.utils import timezone

from coach.models import CoachBackend, FollowUp, FollowUpJob, JobStatus
from tests.stories.factories import StoryFactory


class FollowUpJobFactory(factory.django.DjangoModelFactory):
    """A job on a story, owned by the story's owner; pending unless told otherwise."""

    class Meta:
        model = FollowUpJob

    story = factory.SubFactory(StoryFactory)
    owner = factory.SelfAttribute("story.owner")
    requested_backend = CoachBackend.LLM
    status = JobStatus.PENDING
    started_at = None
    #: A running job holds a lease for a hard time limit from when it started.
    lease_expires_at = factory.LazyAttribute(
        lambda job: (
            (job.started_at or timezone.now())
            + dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
            if job.status == JobStatus.RUNNING
            else None
        )
    )


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    job = factory.SubFactory(FollowUpJobFactory)
    story = factory.SelfAttribute("job.story")
    position = factory.Sequence(lambda n: n + 1)
    question = factory.Sequence(lambda n: f"What was the baseline before change {n}?")
    part = "result"
    reason = "The result needs a baseline."
