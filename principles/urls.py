"""Principle URLs."""

from __future__ import annotations

from django.urls import path

from principles import views

app_name = "principles"

urlpatterns = [
    path("", views.set_list, name="set_list"),
    path("new/", views.set_create, name="set_create"),
    path("<slug:slug>/", views.set_detail, name="set_detail"),
    path("<slug:slug>/edit/", views.set_edit, name="set_edit"),
    path("<slug:slug>/delete/", views.set_delete, name="set_delete"),
    path("<slug:set_slug>/new/", views.principle_create, name="principle_create"),
    path("<slug:set_slug>/<slug:slug>/", views.principle_detail, name="principle_detail"),
    path("<slug:set_slug>/<slug:slug>/edit/", views.principle_edit, name="principle_edit"),
    path("<slug:set_slug>/<slug:slug>/delete/", views.principle_delete, name="principle_delete"),
]
