"""A round's follow-ups become the coach's follow-ups, under jobs the round owns.

Every job that was asked for a round is linked to it and keeps the round's question and
answer itself (so the coach never reads the round again). Each round's follow-ups, with
their answers and ratings, go under the round's latest finished job, or under a finished
offline-coach job made for them when the round had none (the offline coach wrote them
without a job before). Then the practice-only follow-up table goes.
"""

from django.db import migrations, models


def _holder(round_, jobs, job_model):
    """The job a round's follow-ups go under."""
    done = [job for job in jobs if job.status == "done"]
    if done:
        return max(done, key=lambda job: (job.created_at, job.pk))
    job = job_model.objects.create(
        owner_id=round_.user_id,
        practice_round_id=round_.pk,  # the old rule (a job has a subject) still holds here
        answer_question=round_.question_text,
        answer_text=round_.answer or round_.question_text,  # the rule: never empty
        principle_id=round_.principle_id,
        requested_backend="rules",
        backend_used="rules",
        status="done",
        attempts=1,
        started_at=round_.created_at,
        finished_at=round_.created_at,
    )
    round_.followup_jobs.add(job)
    return job


def forwards(apps, schema_editor) -> None:
    db = schema_editor.connection.alias
    job_model = apps.get_model("coach", "FollowUpJob")
    followup_model = apps.get_model("coach", "FollowUp")
    round_model = apps.get_model("practice", "PracticeRound")
    old_followup = apps.get_model("practice", "RoundFollowUp")
    for round_ in round_model.objects.using(db).order_by("pk").iterator():
        jobs = list(job_model.objects.using(db).filter(practice_round_id=round_.pk))
        for job in jobs:
            job.answer_question = round_.question_text
            job.answer_text = round_.answer or round_.question_text
            job.save(update_fields=["answer_question", "answer_text"])
        if jobs:
            round_.followup_jobs.add(*jobs)
        followups = list(old_followup.objects.using(db).filter(round_id=round_.pk))
        if not followups:
            continue
        holder = _holder(round_, jobs, job_model)
        start = followup_model.objects.using(db).filter(job_id=holder.pk).count()
        followup_model.objects.using(db).bulk_create(
            followup_model(
                job_id=holder.pk,
                story_id=None,
                position=start + offset,
                question=old.question,
                part=old.part,
                reason=old.reason,
                answer=old.answer,
                rating=old.rating,
            )
            for offset, old in enumerate(sorted(followups, key=lambda f: f.position), start=1)
        )


def backwards(apps, schema_editor) -> None:
    db = schema_editor.connection.alias
    followup_model = apps.get_model("coach", "FollowUp")
    round_model = apps.get_model("practice", "PracticeRound")
    old_followup = apps.get_model("practice", "RoundFollowUp")
    for round_ in round_model.objects.using(db).order_by("pk").iterator():
        jobs = list(round_.followup_jobs.order_by("created_at", "pk"))
        for job in jobs:
            job.practice_round_id = round_.pk
            job.save(update_fields=["practice_round"])
        followups = followup_model.objects.using(db).filter(job__in=jobs)
        old_followup.objects.using(db).bulk_create(
            old_followup(
                round_id=round_.pk,
                position=position,
                question=f.question,
                part=f.part,
                reason=f.reason,
                answer=f.answer,
                rating=f.rating,
            )
            for position, f in enumerate(
                followups.order_by("job__created_at", "job_id", "position"), 1
            )
        )
        followups.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("coach", "0002_answer_subject"),
        ("practice", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="practiceround",
            name="followup_jobs",
            field=models.ManyToManyField(
                blank=True, related_name="practice_rounds", to="coach.followupjob"
            ),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
        migrations.DeleteModel(name="RoundFollowUp"),
    ]
