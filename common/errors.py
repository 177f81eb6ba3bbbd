"""Error views that say what to do and reveal nothing about the server."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form without a valid token (old tab, expired session): nothing was saved."""
    return render(request, "403_csrf.html", status=403)
