"""Help URL."""

from __future__ import annotations

from django.urls import path

from planning import help_views

urlpatterns = [path("", help_views.help_page, name="help")]
