"""Seed the built-in Amazon Leadership Principles and their question bank."""

from django.db import migrations

from principles.seeding import load_set_data, seed_builtin_set


def seed(apps, schema_editor):
    seed_builtin_set(apps, load_set_data())


def unseed(apps, schema_editor):
    apps.get_model("principles", "PrincipleSet").objects.filter(
        owner=None, slug=load_set_data()["slug"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("principles", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
