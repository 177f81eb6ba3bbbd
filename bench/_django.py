"""Helpers for benchmarks that need the Django app and a throwaway database."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


@contextmanager
def test_database() -> Iterator[None]:
    """Set Django up against a fresh test database, of the bench's own.

    Django's test environment is deliberately not installed: it instruments every
    template render, which would distort server times. Use ``bench_client()``.
    """
    import django

    django.setup()
    from django.db import connection

    if connection.vendor == "sqlite":
        # A file of its own: the tests' database file may be in use by a test run.
        test = connection.settings_dict.setdefault("TEST", {})
        test["NAME"] = str(ROOT / f".bench-db-{os.getpid()}.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def mapped_bank(stories: int):
    """A new user with ``stories`` stories, each mapped to two Amazon principles
    (primary and secondary, spread evenly over the 16); inside ``test_database()``."""
    from principles.models import Principle
    from stories.services import story_set_principles
    from tests.accounts.factories import UserFactory
    from tests.stories.factories import StoryFactory

    user = UserFactory()
    principles = list(Principle.objects.filter(principle_set__slug="amazon"))
    for i in range(stories):
        story = StoryFactory(owner=user, title=f"Story {i:02d}")
        story_set_principles(
            story=story,
            mappings={
                principles[i % 16].pk: "primary",
                principles[(i + 5) % 16].pk: "secondary",
            },
        )
    return user


def bench_client(user=None):
    """A test client that talks to the app as a browser on localhost would."""
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    if user is not None:
        client.force_login(user)
    return client


def interleaved_medians(
    subjects: dict[str, Callable[[], object]], *, rounds: int, warmup: int = 5
) -> dict[str, float]:
    """Median seconds per call of each subject, measured in alternation in one run."""
    for _ in range(warmup):
        for run in subjects.values():
            run()
    samples: dict[str, list[float]] = {name: [] for name in subjects}
    for _ in range(rounds):
        for name, run in subjects.items():
            start = time.perf_counter()
            run()
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in samples.items()}
