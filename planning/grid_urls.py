"""Coverage grid URLs."""

from __future__ import annotations

from django.urls import path

from planning import grid_views as views

app_name = "coverage"

urlpatterns = [
    path("", views.grid, name="grid"),
    path("toggle/", views.toggle, name="toggle"),
    path("target/", views.set_target, name="target"),
    path("grid.csv", views.grid_csv, name="csv"),
]
