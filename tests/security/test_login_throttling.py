"""Wrong passwords pause one username at one address for a cool-off, never for good."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory

PASSWORD = "correct horse battery staple"
HOME = "10.0.0.1"


@pytest.fixture
def member(db):
    user = UserFactory(username="casey")
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(client: Client, password: str, username: str = "casey", address: str = HOME, **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail_until_locked(client: Client, settings, **extra) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "wrong", **extra).status_code == 200
    response = log_in(client, "wrong", **extra)
    assert response.status_code == 429


def test_five_wrong_passwords_pause_logins_even_with_the_right_one(member, client, settings):
    fail_until_locked(client, settings)
    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert "Too many wrong passwords" in text and "15 minutes" in text
    assert not signed_in(client)


def test_the_pause_ends_after_the_cool_off(member, client, settings):
    fail_until_locked(client, settings)
    later = dt.timedelta(minutes=16)
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            attempt_time=attempt.attempt_time - later
        )
    assert log_in(client, PASSWORD).status_code == 302
    assert signed_in(client)


def test_a_stranger_elsewhere_cannot_lock_the_owner_out(member, settings):
    fail_until_locked(Client(), settings, address="203.0.113.9")
    owner = Client()
    assert log_in(owner, PASSWORD, address=HOME).status_code == 302
    assert signed_in(owner)


def test_a_forged_forwarded_for_header_does_not_reset_the_count(member, client, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(member, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.9.9.9"
    fail_until_locked(Client(), settings, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    owner = Client()
    response = log_in(owner, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert response.status_code == 302


def test_unknown_usernames_are_paused_alike(db, client, settings):
    """The pause does not tell whether an account exists."""
    fail_until_locked(client, settings, username="nobody-by-this-name")


def test_a_success_resets_the_count(member, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "wrong")
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()
    assert log_in(client, "wrong").status_code == 200  # counting starts again


@pytest.mark.parametrize("password", ["password123", "12345678901", "caseyjones1", "short1!"])
def test_weak_passwords_are_refused_at_signup(db, client, password):
    response = client.post(
        reverse("signup"), {"username": "caseyjones", "password1": password, "password2": password}
    )
    assert response.status_code == 200
    assert not signed_in(client)
