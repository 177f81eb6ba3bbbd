"""Landing page and sign-up; login, logout and password change are Django's own views."""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import SignUpForm


@login_not_required
@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    """What Storybank is; signed-in users go straight to their stories."""
    if request.user.is_authenticated:
        return redirect("stories:list")
    return render(request, "home.html")


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Create an account and sign in."""
    if request.user.is_authenticated:
        return redirect("stories:list")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("welcome")
    return render(request, "registration/signup.html", {"form": form})


@login_not_required
@require_http_methods(["GET"])
def session_status(request: HttpRequest) -> JsonResponse:
    """Is this browser signed in, as whom, and the CSRF token its forms need now (a page
    that was signed out asks, so that it can save again once the same user signs back
    in; signed in as someone else, it must not)."""
    user = request.user.pk if request.user.is_authenticated else None
    return JsonResponse(
        {"signed_in": user is not None, "user": user, "csrf_token": get_token(request)},
        headers={"Cache-Control": "no-store"},
    )


@require_http_methods(["GET"])
def signed_in_again(request: HttpRequest) -> HttpResponse:
    """Where signing in from a signed-out page's note lands: go back to that page."""
    return render(request, "registration/signed_in_again.html")


@require_http_methods(["GET"])
def welcome(request: HttpRequest) -> HttpResponse:
    """A new user's first page: the way through Storybank in three steps."""
    return render(request, "registration/welcome.html")
