"""Bank URLs: export, import and the cheat sheet."""

from __future__ import annotations

from django.urls import path

from exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.bank, name="bank"),
    path("storybank-bank.json", views.export_json, name="export_json"),
    path("storybank-stories.md", views.export_markdown, name="export_markdown"),
    path("cheat-sheet/", views.cheat_sheet, name="cheat_sheet"),
]
