"""Helpers for the bank commands."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def get_user(username: str):
    """The account with this user name, or a CommandError saying there is none."""
    try:
        return get_user_model().objects.get_by_natural_key(username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"No user named {username!r}.") from None
