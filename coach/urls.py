"""Follow-up URLs: ask the coach about a story, watch the job, answer (under /stories/)."""

from __future__ import annotations

from django.urls import path

from coach import views

app_name = "coach"

urlpatterns = [
    path("<int:pk>/followups/", views.followup_start, name="followup_start"),
    path("<int:pk>/followups/<int:job_pk>/", views.followup_job, name="followup_job"),
    path(
        "<int:pk>/followups/<int:job_pk>/<int:followup_pk>/",
        views.followup_answer,
        name="followup_answer",
    ),
    path(
        "<int:pk>/followups/<int:job_pk>/<int:followup_pk>/turn/",
        views.followup_turn,
        name="followup_turn",
    ),
    path(
        "<int:pk>/followups/<int:job_pk>/<int:followup_pk>/offline/",
        views.followup_turn_offline,
        name="followup_turn_offline",
    ),
]
