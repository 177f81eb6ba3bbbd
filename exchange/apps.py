"""App configuration."""

from __future__ import annotations

from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """Export and import of a user's bank."""

    name = "exchange"
    verbose_name = "Export and import"
