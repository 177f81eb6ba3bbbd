"""The app's URLs plus one view that fails, to see what a server error shows."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns

SECRET_DETAIL = "db-password-hunter2-in-a-traceback"


@login_not_required
def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET_DETAIL)


urlpatterns = [*app_urlpatterns, path("boom/", boom)]
