"""Create a demo account with a bank of realistic stories mapped to principles."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from stories import services

DEMO_FILE = Path(__file__).resolve().parents[2] / "demo_data.json"
DEFAULT_PASSWORD = "storybank-demo"  # noqa: S105 - a documented demo login, not a secret


class Command(BaseCommand):
    help = "Create (or, with --reset, recreate) the demo account and its stories."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default=None, help="Account name (default: demo).")
        parser.add_argument("--password", default=DEFAULT_PASSWORD)
        parser.add_argument(
            "--reset", action="store_true", help="Delete the account's stories first."
        )

    @transaction.atomic
    def handle(self, *args, username: str | None, password: str, reset: bool, **options) -> None:
        data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
        username = username or data["username"]
        user, created = get_user_model().objects.get_or_create(username=username)
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        elif user.stories.exists():
            if not reset:
                raise CommandError(
                    f"{username!r} already has stories; use --reset to replace them."
                )
            user.stories.all().delete()
        slugs = services.principle_ids_by_slug(set_slug="amazon")
        for item in data["stories"]:
            year, month = (int(part) for part in item["happened"].split("-"))
            unknown = [m["slug"] for m in item["principles"] if m["slug"] not in slugs]
            if unknown:
                raise CommandError(f"Unknown principles in demo data: {', '.join(unknown)}")
            services.story_create(
                owner=user,
                fields={
                    "title": item["title"],
                    "situation": item["situation"],
                    "task": item["task"],
                    "action": item["action"],
                    "result": item["result"],
                    "reflection": item.get("reflection", ""),
                    "happened_on": dt.date(year, month, 1),
                    "organisation": item.get("organisation", ""),
                    "role": item.get("role", ""),
                },
                tags=item.get("tags", []),
                mappings={slugs[m["slug"]]: m["weight"] for m in item["principles"]},
            )
        login = f"password {password!r}" if created else "its existing password"
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo account {username!r} has {len(data['stories'])} stories. "
                f"Log in with {login}."
            )
        )
