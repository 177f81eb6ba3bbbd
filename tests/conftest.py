"""Shared fixtures: users, stories and logged-in clients.

Nothing here imports Django at module level, so the pure checker's tests
(``tests/stories/star/``) also run without it: ``pytest -p no:django tests/stories/star``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

#: Redis, a Celery worker and the fake LLM server, for the job and browser tests.
pytest_plugins = ["tests.coach.jobs.fixtures"]

TESTS = Path(__file__).resolve().parent
#: Folders (and files) whose tests are slow because they start real processes.
MARKED_BY_PATH = {
    "e2e": [TESTS / "e2e"],
    "worker": [TESTS / "coach" / "jobs", TESTS / "test_dev_server.py"],
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the slow tests by where they live, so `make check` can leave them out."""
    for item in items:
        path = Path(item.fspath)
        for marker, places in MARKED_BY_PATH.items():
            if any(path == place or place in path.parents for place in places):
                item.add_marker(marker)


@pytest.fixture
def user(db):
    from tests.accounts.factories import UserFactory

    return UserFactory()


@pytest.fixture
def other_user(db):
    from tests.accounts.factories import UserFactory

    return UserFactory()


@pytest.fixture
def client_for(client):
    """Log the test client in as the given user and return it."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def story(user):
    from tests.stories.factories import StoryFactory

    return StoryFactory(owner=user)


@pytest.fixture
def amazon(db):
    from principles.models import PrincipleSet

    return PrincipleSet.objects.get(slug="amazon", owner__isnull=True)


@pytest.fixture
def builtin_principles(transactional_db):
    """Transactional tests end in a flush, which also empties the principles the data
    migration seeded; put them back before the test."""
    from django.apps import apps

    from principles.seeding import load_set_data, seed_builtin_set

    seed_builtin_set(apps, load_set_data())


def pytest_report_header(config) -> str:
    """Say which database the run uses (CI runs on PostgreSQL, local runs on SQLite)."""
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']}"
