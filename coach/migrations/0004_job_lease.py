"""A running job has a lease (an owner and an expiry) instead of a time window since it
started. Jobs running at the time get a lease that ends a hard time limit after they
started, which is when the old rule would have let another worker take them."""

import datetime as dt

from django.conf import settings
from django.db import migrations, models


def lease_running_jobs(apps, schema_editor):
    """Give each running job the expiry the old time window implied."""
    FollowUpJob = apps.get_model("coach", "FollowUpJob")
    limit = dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    for job in FollowUpJob.objects.filter(status="running").only("pk", "started_at"):
        expires = (job.started_at or job.created_at) + limit
        FollowUpJob.objects.filter(pk=job.pk).update(lease_expires_at=expires)


class Migration(migrations.Migration):
    dependencies = [("coach", "0003_job_forgets_its_round")]

    operations = [
        migrations.AddField(
            model_name="followupjob",
            name="lease_owner",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name="followupjob",
            name="lease_expires_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(lease_running_jobs, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="followupjob",
            constraint=models.CheckConstraint(
                condition=~models.Q(status="running") | models.Q(lease_expires_at__isnull=False),
                name="followupjob_running_has_lease",
            ),
        ),
    ]
