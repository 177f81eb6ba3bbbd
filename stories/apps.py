"""App configuration."""

from __future__ import annotations

from django.apps import AppConfig


class StoriesConfig(AppConfig):
    """The stories app."""

    name = "stories"

    def ready(self) -> None:
        """Import the STAR checker once, before any thread starts.

        ``runserver`` imports the URLconf in its reloader thread while its system checks
        load the template tags in another; both reach ``stories.star``, and two threads
        importing one package at once can each find it half-initialised (Python's
        import deadlock avoidance), which stopped the development server.
        """
        from stories import scoring  # noqa: F401 - imported for its side effect
