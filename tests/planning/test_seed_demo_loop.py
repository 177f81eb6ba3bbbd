"""The demo account gets a planned interview loop."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from planning import selectors
from planning.models import Loop

pytestmark = pytest.mark.django_db


def test_the_demo_loop_is_planned_once(capsys):
    call_command("seed_demo")
    call_command("seed_demo_loop")
    call_command("seed_demo_loop")
    loop = Loop.objects.get(name="Amazon DS onsite, March")
    assert loop.owner.username == "demo" and loop.date.month == 3
    page = selectors.loop_plan(user=loop.owner, loop=loop, today=dt.date(2026, 12, 1))
    assert len(page.plan.slots) == 6
    assert page.plan.planned >= 6  # eight demo stories, twelve questions
    told = [c.primary.pk for c in page.plan.cells if c.primary]
    assert len(told) == len(set(told))
    assert "already has the loop" in capsys.readouterr().out


def test_no_demo_user_is_a_clear_error():
    with pytest.raises(CommandError, match=r"run `manage\.py seed_demo` first"):
        call_command("seed_demo_loop", username="nobody")
