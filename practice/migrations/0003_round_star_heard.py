"""A round keeps what the check heard in its answer (the page no longer runs the
checker on every view); rounds answered before now get it from their answer once."""

from django.db import migrations, models


def backfill(apps, schema_editor) -> None:
    from stories.scoring import heard
    from stories.star import check

    rounds = apps.get_model("practice", "PracticeRound").objects.using(
        schema_editor.connection.alias
    )
    for practice_round in rounds.exclude(answer="").only("pk", "answer").iterator():
        practice_round.star_heard = heard(check(text=practice_round.answer))
        practice_round.save(update_fields=["star_heard"])


class Migration(migrations.Migration):
    dependencies = [("practice", "0002_followups_move_to_coach")]

    operations = [
        migrations.AddField(
            model_name="practiceround",
            name="star_heard",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
