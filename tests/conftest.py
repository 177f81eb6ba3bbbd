"""Shared fixtures: users, stories and logged-in clients."""

from __future__ import annotations

import pytest

from tests.factories import StoryFactory, UserFactory


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
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
