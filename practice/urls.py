"""Practice URLs."""

from __future__ import annotations

from django.urls import path

from practice import views

app_name = "practice"

urlpatterns = [
    path("", views.practice_home, name="home"),
    path("start/", views.practice_start, name="start"),
    path("history/", views.history, name="history"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/answer/", views.round_answer, name="answer"),
    path("rounds/<int:pk>/finish/", views.round_finish, name="finish"),
    path("rounds/<int:pk>/save-as-story/", views.round_save_as_story, name="save_as_story"),
    path("rounds/<int:pk>/offline-coach/", views.round_rules, name="rules"),
    path("rounds/<int:pk>/followups/<int:followup_pk>/", views.round_followup, name="followup"),
    path(
        "rounds/<int:pk>/followups/<int:followup_pk>/offline/",
        views.round_followup_offline,
        name="followup_offline",
    ),
    path(
        "rounds/<int:pk>/followups/<int:followup_pk>/verdict/",
        views.round_followup_verdict,
        name="followup_verdict",
    ),
    path("loops/<int:loop_pk>/rehearse/", views.mock_loop_start, name="mock_loop_start"),
    path("mock-loops/<int:mock_pk>/", views.mock_loop_detail, name="mock_loop"),
]
