"""App configuration."""

from __future__ import annotations

from django.apps import AppConfig


class PracticeConfig(AppConfig):
    """Timed mock-interview rounds, their history and the review schedule."""

    name = "practice"
