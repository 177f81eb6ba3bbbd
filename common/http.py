"""View helpers shared by the apps."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

View = Callable[..., HttpResponse]


def load_then_allow(loader: Callable[..., Any], *methods: str) -> Callable[[View], View]:
    """Load the object a URL names before anything else, then refuse other methods.

    ``loader(request, **url_kwargs)`` raises 404 for anything that is not the
    user's, so another user gets 404 for every method, never a 405 that would
    tell them the object exists. The view receives the loaded object after the
    request, plus the URL kwargs the loader did not take.
    """
    allowed = [*methods, "HEAD"] if "GET" in methods else list(methods)
    taken = set(inspect.signature(loader).parameters) - {"request"}

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            obj = loader(request, **{name: kwargs[name] for name in taken})
            if request.method not in allowed:
                return HttpResponseNotAllowed(allowed)
            rest = {name: value for name, value in kwargs.items() if name not in taken}
            return view(request, obj, **rest)

        return wrapper

    return decorate


#: Ids are positive 64-bit integers; 18 digits always fit.
_ID_DIGITS_MAX = 18


def parse_id(text: object) -> int | None:
    """An id typed into a URL or form ("42"), or None for anything else.

    ``str.isdigit`` alone accepts "²" and a thousand digits, which ``int()`` or the
    database then refuse with a server error.
    """
    raw = str(text or "")
    if raw.isascii() and raw.isdigit() and len(raw) <= _ID_DIGITS_MAX:
        return int(raw)
    return None
