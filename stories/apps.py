"""App configuration."""

from __future__ import annotations

from django.apps import AppConfig


class StoriesConfig(AppConfig):
    """The stories app."""

    name = "stories"
