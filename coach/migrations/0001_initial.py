"""FollowUpJob and FollowUp move here from the stories app: their tables and rows stay.

Only Django's picture of the models changes (state operations); the database is not
touched, except that the models' content types (and so their permissions) follow them.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("followupjob", "followup")


def _move_content_types(apps, schema_editor, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.using(schema_editor.connection.alias).filter(
        app_label=old, model__in=MODELS
    ).update(app_label=new)


def forwards(apps, schema_editor) -> None:
    _move_content_types(apps, schema_editor, "stories", "coach")


def backwards(apps, schema_editor) -> None:
    _move_content_types(apps, schema_editor, "coach", "stories")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("practice", "0001_initial"),
        ("principles", "0003_coverage_target"),
        ("stories", "0004_followup_job_owner_and_round"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="FollowUpJob",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "requested_backend",
                            models.CharField(
                                choices=[("rules", "Offline coach"), ("llm", "AI coach")],
                                max_length=10,
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Queued"),
                                    ("running", "Thinking"),
                                    ("done", "Done"),
                                    ("failed", "Failed"),
                                ],
                                db_index=True,
                                default="pending",
                                max_length=10,
                            ),
                        ),
                        (
                            "backend_used",
                            models.CharField(
                                blank=True,
                                choices=[("rules", "Offline coach"), ("llm", "AI coach")],
                                max_length=10,
                            ),
                        ),
                        ("model", models.CharField(blank=True, max_length=200)),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("error", models.CharField(blank=True, max_length=500)),
                        ("fallback_reason", models.CharField(blank=True, max_length=500)),
                        ("enqueue_error", models.CharField(blank=True, max_length=300)),
                        ("prompt_tokens", models.PositiveIntegerField(blank=True, null=True)),
                        ("completion_tokens", models.PositiveIntegerField(blank=True, null=True)),
                        ("latency_ms", models.PositiveIntegerField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("enqueued_at", models.DateTimeField(blank=True, null=True)),
                        ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "owner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="followup_jobs",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "practice_round",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="followup_jobs",
                                to="practice.practiceround",
                            ),
                        ),
                        (
                            "principle",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="principles.principle",
                            ),
                        ),
                        (
                            "story",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="followup_jobs",
                                to="stories.story",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "stories_followupjob",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="FollowUp",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("position", models.PositiveSmallIntegerField()),
                        ("question", models.CharField(max_length=300)),
                        ("part", models.CharField(max_length=12)),
                        ("reason", models.CharField(blank=True, max_length=300)),
                        (
                            "answer",
                            models.TextField(
                                blank=True,
                                max_length=5000,
                                validators=[django.core.validators.MaxLengthValidator(5000)],
                            ),
                        ),
                        (
                            "rating",
                            models.CharField(
                                blank=True,
                                choices=[("nailed", "Nailed it"), ("shaky", "Shaky")],
                                max_length=10,
                            ),
                        ),
                        ("answered_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "story",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="followups",
                                to="stories.story",
                            ),
                        ),
                        (
                            "job",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="followups",
                                to="coach.followupjob",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "stories_followup",
                        "ordering": ["job_id", "position"],
                    },
                ),
                migrations.AddIndex(
                    model_name="followupjob",
                    index=models.Index(
                        fields=["status", "created_at"], name="followupjob_status_created"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="followupjob",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("status__in", ["pending", "running", "done", "failed"])
                        ),
                        name="followupjob_status_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="followupjob",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("story__isnull", False),
                            ("practice_round__isnull", False),
                            _connector="OR",
                        ),
                        name="followupjob_has_a_subject",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="followup",
                    constraint=models.UniqueConstraint(
                        fields=("job", "position"), name="unique_followup_position"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
