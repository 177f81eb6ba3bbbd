"""Moving CoverageTarget from principles to planning keeps every row (state-only move)."""

from __future__ import annotations

import pytest

BEFORE = ("principles", "0003_coverage_target")
AFTER = [("principles", "0004_coverage_target_moves_to_planning"), ("planning", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_coverage_targets_survive_the_move_to_planning(migrator) -> None:
    old = migrator.apply_initial_migration(BEFORE)
    user_model = old.apps.get_model("auth", "User")
    principle_set_model = old.apps.get_model("principles", "PrincipleSet")
    principle_model = old.apps.get_model("principles", "Principle")
    old_target = old.apps.get_model("principles", "CoverageTarget")
    content_type = old.apps.get_model("contenttypes", "ContentType")
    content_type.objects.get_or_create(app_label="principles", model="coveragetarget")
    custom = principle_set_model.objects.create(name="Our values", slug="our-values")
    chosen = [
        principle_model.objects.create(principle_set=custom, name=name, slug=name.lower())
        for name in ("Candour", "Craft", "Care")
    ]
    targets = {}
    for index, username in enumerate(("ada", "grace")):
        user = user_model.objects.create(username=username)
        target = old_target.objects.create(user=user, principle_set=custom)
        target.principles.set(chosen[: index + 1])
        targets[username] = {p.pk for p in chosen[: index + 1]}

    new = migrator.apply_tested_migration(AFTER)

    new_target = new.apps.get_model("planning", "CoverageTarget")
    found = {
        target.user.username: {p.pk for p in target.principles.all()}
        for target in new_target.objects.select_related("user")
    }
    assert found == targets
    assert {t.principle_set_id for t in new_target.objects.all()} == {custom.pk}
    moved = new.apps.get_model("contenttypes", "ContentType").objects
    assert moved.filter(app_label="planning", model="coveragetarget").exists()
    assert not moved.filter(app_label="principles", model="coveragetarget").exists()
    migrator.reset()
