"""Story URLs."""

from __future__ import annotations

from django.urls import path

from stories import views

app_name = "stories"

urlpatterns = [
    path("", views.story_list, name="list"),
    path("new/", views.story_create, name="create"),
    path("check/", views.story_check, name="check"),
    path("split/", views.story_split, name="split"),
    path("drafts/save/", views.draft_save, name="draft_save"),
    path("drafts/discard/", views.draft_discard, name="draft_discard"),
    path("<int:pk>/", views.story_detail, name="detail"),
    path("<int:pk>/edit/", views.story_edit, name="edit"),
    path("<int:pk>/delete/", views.story_delete, name="delete"),
    path("<int:pk>/archive/", views.story_archive, name="archive"),
    path("<int:pk>/revisions/<int:revision_pk>/", views.revision_diff, name="revision"),
    path(
        "<int:pk>/revisions/<int:revision_pk>/restore/",
        views.revision_restore,
        name="revision_restore",
    ),
]
