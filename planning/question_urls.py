"""Question URLs: match any question to your stories (under /principles/questions/)."""

from __future__ import annotations

from django.urls import path

from planning import question_views as views

app_name = "questions"

urlpatterns = [
    path("match/", views.question_match, name="match"),
    path("<int:pk>/", views.question_detail, name="detail"),
]
