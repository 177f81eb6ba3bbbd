"""A job can be on an answer (question and text kept on the job) as well as on a story,
and a follow-up can be skipped: the one follow-up model takes over the practice rounds'."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coach", "0001_initial"),
        ("practice", "0001_initial"),
        ("stories", "0005_followups_move_to_coach"),
    ]

    operations = [
        # Rounds' jobs are about to keep their answer; the rule comes back in 0003.
        migrations.RemoveConstraint(model_name="followupjob", name="followupjob_has_a_subject"),
        # The round's own list of jobs takes the name "followup_jobs" next.
        migrations.AlterField(
            model_name="followupjob",
            name="practice_round",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="practice.practiceround",
            ),
        ),
        migrations.AddField(
            model_name="followupjob",
            name="answer_question",
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name="followupjob",
            name="answer_text",
            field=models.TextField(
                blank=True, validators=[django.core.validators.MaxLengthValidator(5000)]
            ),
        ),
        migrations.AddField(
            model_name="followupjob",
            name="avoid_questions",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AlterField(
            model_name="followup",
            name="story",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="followups",
                to="stories.story",
            ),
        ),
        migrations.AlterField(
            model_name="followup",
            name="rating",
            field=models.CharField(
                blank=True,
                choices=[("nailed", "Nailed it"), ("shaky", "Shaky"), ("skipped", "Skipped")],
                max_length=10,
            ),
        ),
    ]
