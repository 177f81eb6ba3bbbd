"""Follow-up jobs get an owner (for the rate limit) and may be about a practice answer."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_owner(apps, schema_editor):
    FollowUpJob = apps.get_model("stories", "FollowUpJob")
    for job in FollowUpJob.objects.select_related("story").filter(owner__isnull=True):
        job.owner_id = job.story.owner_id
        job.save(update_fields=["owner"])


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("practice", "0001_initial"),
        ("stories", "0003_followups"),
    ]

    operations = [
        migrations.AddField(
            model_name="followupjob",
            name="owner",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="followup_jobs",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(fill_owner, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="followupjob",
            name="owner",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="followup_jobs",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="followupjob",
            name="practice_round",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="followup_jobs",
                to="practice.practiceround",
            ),
        ),
        migrations.AlterField(
            model_name="followupjob",
            name="story",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="followup_jobs",
                to="stories.story",
            ),
        ),
        migrations.AddConstraint(
            model_name="followupjob",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("story__isnull", False), ("practice_round__isnull", False), _connector="OR"
                ),
                name="followupjob_has_a_subject",
            ),
        ),
    ]
