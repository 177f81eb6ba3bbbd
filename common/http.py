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
