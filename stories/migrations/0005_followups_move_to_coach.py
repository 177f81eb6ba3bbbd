"""FollowUpJob and FollowUp now belong to the coach app (see coach 0001): state only.

Their tables, rows, indexes and constraints stay as they are.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0004_followup_job_owner_and_round"),
        ("coach", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="followup",
                    name="unique_followup_position",
                ),
                migrations.RemoveIndex(
                    model_name="followupjob",
                    name="followupjob_status_created",
                ),
                migrations.RemoveConstraint(
                    model_name="followupjob",
                    name="followupjob_status_valid",
                ),
                migrations.RemoveConstraint(
                    model_name="followupjob",
                    name="followupjob_has_a_subject",
                ),
                migrations.RemoveField(
                    model_name="followupjob",
                    name="owner",
                ),
                migrations.RemoveField(
                    model_name="followupjob",
                    name="practice_round",
                ),
                migrations.RemoveField(
                    model_name="followupjob",
                    name="principle",
                ),
                migrations.RemoveField(
                    model_name="followupjob",
                    name="story",
                ),
                migrations.DeleteModel(
                    name="FollowUp",
                ),
                migrations.DeleteModel(
                    name="FollowUpJob",
                ),
            ],
            database_operations=[],
        ),
    ]
