"""The job no longer points at a practice round (the round owns its jobs now): a job
is on a story or on an answer it keeps itself."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coach", "0002_answer_subject"),
        ("practice", "0002_followups_move_to_coach"),
    ]

    operations = [
        migrations.RemoveField(model_name="followupjob", name="practice_round"),
        migrations.AddConstraint(
            model_name="followupjob",
            constraint=models.CheckConstraint(
                condition=models.Q(story__isnull=False) | ~models.Q(answer_text=""),
                name="followupjob_story_or_answer",
            ),
        ),
    ]
