"""Interview loop URLs."""

from __future__ import annotations

from django.urls import path

from planning import loop_views as views

app_name = "loops"

urlpatterns = [
    path("", views.loop_list, name="list"),
    path("new/", views.loop_create, name="create"),
    path("<int:pk>/", views.loop_detail, name="detail"),
    path("<int:pk>/pin/", views.loop_pin, name="pin"),
    path("<int:pk>/edit/", views.loop_edit, name="edit"),
    path("<int:pk>/slots/", views.slot_add, name="slot_add"),
    path("<int:pk>/slots/<int:slot_pk>/", views.slot_update, name="slot_update"),
    path("<int:pk>/done/", views.loop_done, name="done"),
    path("<int:pk>/delete/", views.loop_delete, name="delete"),
    path("<int:pk>/sheet/", views.loop_sheet, name="sheet"),
]
