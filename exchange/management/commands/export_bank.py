"""Export a user's whole bank as JSON (the format in exchange/SCHEMA.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from exchange.schema import dump_bank
from exchange.services import bank_export

from ._shared import get_user


class Command(BaseCommand):
    help = (
        "Write USER's bank (stories, their history, own principle sets, practice rounds, "
        "follow-ups, the review schedule, the coverage target and interview loops) as "
        'JSON to FILE ("-": standard output).'
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("user", help="User name of the account to export.")
        parser.add_argument("file", help='Where to write the JSON; "-" for standard output.')

    def handle(self, *args, user: str, file: str, **options) -> None:
        bank = bank_export(user=get_user(user))
        text = dump_bank(bank) + "\n"
        if file == "-":
            self.stdout.write(text, ending="")
            return
        Path(file).write_text(text, encoding="utf-8")
        stories = len(bank["stories"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {stories} stor{'y' if stories == 1 else 'ies'} and "
                f"{len(bank['principle_sets'])} principle set(s), "
                f"{len(bank['practice_rounds'])} practice round(s) and "
                f"{len(bank['loops'])} interview loop(s) to {file}."
            )
        )
