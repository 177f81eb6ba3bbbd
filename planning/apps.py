"""App configuration."""

from __future__ import annotations

from django.apps import AppConfig


class PlanningConfig(AppConfig):
    """Which story to tell where: the coverage grid and the question matcher."""

    name = "planning"
