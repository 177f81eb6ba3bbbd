"""Request-wide guards: refuse oversized bodies early; never cache private pages; tell a
page whose background request finds the user signed out, instead of answering with the
login page."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.html import format_html

from common.sizes import megabytes

Handler = Callable[[HttpRequest], HttpResponse]


def request_body_limit(request: HttpRequest) -> int:
    """The largest body this request may carry: uploads get more room than forms."""
    if request.content_type == "multipart/form-data":
        return settings.MAX_UPLOAD_REQUEST_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_large_response(request: HttpRequest, size: int, limit: int) -> HttpResponse:
    """A 413 that says what was too big; htmx gets a fragment it can show in place."""
    context = {"size": megabytes(size) if size else "", "limit": megabytes(limit)}
    if request.headers.get("HX-Request") == "true":
        body = format_html(
            '<p class="text-danger small mb-0">This text is {} and the limit is {}: it was '
            "not checked. Shorten it; nothing you typed was changed.</p>",
            context["size"] or "too long",
            context["limit"],
        )
        return HttpResponse(body, status=413)
    return HttpResponse(render_to_string("413.html", context), status=413)


class RequestSizeLimitMiddleware:
    """Refuse a body over the limit with a 413 that says so, instead of Django's bare 400.

    The Content-Length is checked before anything reads the body. A form post is then
    parsed here (CSRF protection would parse it next anyway), so that text fields over
    Django's limit inside an upload, or a body sent without a length, get the same page.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        limit = request_body_limit(request)
        if size > limit:
            return too_large_response(request, size, limit)
        if request.method == "POST":
            try:
                request.POST  # noqa: B018 - parse now, so a RequestDataTooBig is answered here
            except RequestDataTooBig:
                return too_large_response(request, size, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return self.get_response(request)


class PrivatePagesNoStoreMiddleware:
    """Pages for a signed-in user show their stories: no browser or proxy may keep them."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
            patch_vary_headers(response, ["Cookie"])
        return response


class SignedOutAwareLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Django's ``LoginRequiredMiddleware``, except for background requests (htmx).

    Redirected to the login page, htmx would put that whole page where the live check
    or the draft status goes. A 401 with a short note says what happened instead; the
    page keeps every character typed, and the note links to signing in in a new tab.
    """

    def handle_no_permission(self, request: HttpRequest, view_func: Callable) -> HttpResponse:
        if request.headers.get("HX-Request") == "true":
            return HttpResponse(render_to_string("_signed_out.html", request=request), status=401)
        return super().handle_no_permission(request, view_func)
