"""Re-score stories after the STAR checker changed."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db.models import Q

from stories.models import Story
from stories.services import stories_rescore
from stories.star import CHECKER_VERSION


class Command(BaseCommand):
    help = (
        "Re-run the STAR checker on stories scored by another checker version "
        "(or on every story with --all) and store the new scores."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="Re-score every story.")

    def handle(self, *args, all: bool, **options) -> None:
        stories = Story.objects.all()
        if not all:
            stories = stories.filter(~Q(star_version=CHECKER_VERSION) | Q(star_score__isnull=True))
        total = stories.count()
        changed = stories_rescore(stories=stories.order_by("pk").iterator(chunk_size=500))
        self.stdout.write(
            self.style.SUCCESS(
                f"Checked {total} stor{'y' if total == 1 else 'ies'} with checker "
                f"{CHECKER_VERSION}; {changed} score{'' if changed == 1 else 's'} changed."
            )
        )
