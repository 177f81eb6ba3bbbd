"""Moving FollowUpJob and FollowUp from stories to coach keeps every row (state-only move)."""

from __future__ import annotations

import pytest

BEFORE = [("stories", "0004_followup_job_owner_and_round"), ("practice", "0001_initial")]
AFTER = [("coach", "0001_initial"), ("stories", "0005_followups_move_to_coach")]


@pytest.mark.django_db(transaction=True)
def test_jobs_and_followups_survive_the_move_to_coach(migrator) -> None:
    old = migrator.apply_initial_migration(BEFORE)
    user = old.apps.get_model("auth", "User").objects.create(username="ada")
    story = old.apps.get_model("stories", "Story").objects.create(
        owner=user, title="Cut the cloud bill", situation="s", task="t", action="a", result="r"
    )
    old_job = old.apps.get_model("stories", "FollowUpJob")
    content_type = old.apps.get_model("contenttypes", "ContentType")
    for model in ("followupjob", "followup"):
        content_type.objects.get_or_create(app_label="stories", model=model)
    done = old_job.objects.create(
        owner=user, story=story, requested_backend="rules", status="done", attempts=1
    )
    old_job.objects.create(owner=user, story=story, requested_backend="llm", status="pending")
    asked = [
        ("What did you measure first?", "The p95 latency.", "nailed"),
        ("Why that order?", "", ""),
    ]
    for position, (question, answer, rating) in enumerate(asked, start=1):
        old.apps.get_model("stories", "FollowUp").objects.create(
            job=done, story=story, position=position, question=question, part="action",
            answer=answer, rating=rating,
        )  # fmt: skip

    new = migrator.apply_tested_migration(AFTER)

    new_job = new.apps.get_model("coach", "FollowUpJob")
    assert sorted(new_job.objects.values_list("status", "requested_backend", "attempts")) == [
        ("done", "rules", 1),
        ("pending", "llm", 0),
    ]
    moved = new_job.objects.get(pk=done.pk)
    followups = moved.followups.order_by("position")
    assert [(f.question, f.answer, f.rating) for f in followups] == asked
    types = new.apps.get_model("contenttypes", "ContentType").objects
    assert set(types.filter(app_label="coach").values_list("model", flat=True)) >= {
        "followupjob",
        "followup",
    }
    assert not types.filter(app_label="stories", model__in=["followupjob", "followup"]).exists()
    migrator.reset()
