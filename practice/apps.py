"""App configuration."""

from __future__ import annotations

from django.apps import AppConfig


class PracticeConfig(AppConfig):
    """Timed mock-interview rounds, their history and the review schedule."""

    name = "practice"

    def ready(self) -> None:
        """Tell the loop planner how to read practice (planning may not import practice)."""
        from planning.practice_state import register_reader
        from practice.selectors import planning_practice_state

        register_reader(planning_practice_state)
