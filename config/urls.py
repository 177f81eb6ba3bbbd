"""Top-level URL configuration."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("principles/questions/", include("planning.question_urls")),
    path("principles/", include("principles.urls")),
    path("coverage/", include("planning.grid_urls")),
    path("help/", include("planning.help_urls")),
    path("loops/", include("planning.loop_urls")),
    path("practice/", include("practice.urls")),
    path("stories/", include("coach.urls")),
    path("stories/", include("stories.urls")),
    path("bank/", include("exchange.urls")),
    path("admin/", admin.site.urls),
]
