"""Give the demo account a planned interview loop (after ``seed_demo``)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from planning.models import Loop
from planning.services import loop_create_from_template

DEMO_LOOP = "Amazon DS onsite, March"


class Command(BaseCommand):
    help = "Create the demo account's interview loop from the data-scientist template."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="demo", help="Account name (default: demo).")

    def handle(self, *args, username: str, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}: run `manage.py seed_demo` first.")
        if Loop.objects.filter(owner=user, name=DEMO_LOOP).exists():
            self.stdout.write(f"{username!r} already has the loop {DEMO_LOOP!r}.")
            return
        today = timezone.localdate()
        march = dt.date(today.year + (today.month > 3), 3, 12)
        loop = loop_create_from_template(
            user=user, template_key="data-scientist", name=DEMO_LOOP, date=march
        )
        self.stdout.write(
            self.style.SUCCESS(f"Loop {DEMO_LOOP!r} planned for {username!r}: /loops/{loop.pk}/")
        )
