"""CoverageTarget moves here from the principles app: its tables and rows stay as they are.

Only Django's picture of the models changes (state operations); the database is not
touched, except that the model's content type (and so its permissions) follows it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _move_content_type(apps, schema_editor, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.using(schema_editor.connection.alias).filter(
        app_label=old, model="coveragetarget"
    ).update(app_label=new)


def forwards(apps, schema_editor) -> None:
    _move_content_type(apps, schema_editor, "principles", "planning")


def backwards(apps, schema_editor) -> None:
    _move_content_type(apps, schema_editor, "planning", "principles")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("principles", "0003_coverage_target"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CoverageTarget",
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
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "principle_set",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="principles.principleset",
                            ),
                        ),
                        (
                            "principles",
                            models.ManyToManyField(
                                blank=True,
                                db_table="principles_coveragetarget_principles",
                                to="principles.principle",
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="coverage_target",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"db_table": "principles_coveragetarget"},
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
