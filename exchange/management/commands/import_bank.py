"""Import a bank file into a user's account: all of it, or nothing."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchange.schema import MAX_FILE_BYTES, too_large_message
from exchange.services import DUPLICATE_CHOICES, bank_import

from ._shared import get_user


class Command(BaseCommand):
    help = (
        'Import a Storybank JSON bank from FILE ("-": stdin) into USER\'s account. '
        "If anything in the file is wrong, nothing is imported and every problem is listed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("user", help="User name of the account to import into.")
        parser.add_argument("file", help='The JSON file; "-" for standard input.')
        parser.add_argument(
            "--on-duplicate",
            choices=DUPLICATE_CHOICES,
            default="skip",
            help="Stories whose title the user already has: skip them (default) or "
            'import them as "Title (imported)".',
        )

    def _read(self, file: str) -> bytes:
        if file == "-":
            # One byte over the limit is enough for the import to refuse the file.
            return sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {file}.")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CommandError(f"Nothing was imported: {too_large_message(size)}.")
        return path.read_bytes()

    def handle(self, *args, user: str, file: str, on_duplicate: str, **options) -> None:
        owner = get_user(user)
        result = bank_import(user=owner, data=self._read(file), on_duplicate=on_duplicate)
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            n = len(result.problems)
            raise CommandError(f"Nothing was imported: {n} problem{'' if n == 1 else 's'}.")
        self.stdout.write(self.style.SUCCESS(result.summary()))
