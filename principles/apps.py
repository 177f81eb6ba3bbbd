"""App configuration."""

from __future__ import annotations

from django.apps import AppConfig


class PrinciplesConfig(AppConfig):
    """The principles app."""

    name = "principles"
