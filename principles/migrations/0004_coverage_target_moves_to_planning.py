"""CoverageTarget now belongs to the planning app (see planning 0001): state only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("principles", "0003_coverage_target"),
        ("planning", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CoverageTarget")],
            database_operations=[],
        ),
    ]
