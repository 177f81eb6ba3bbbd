"""Server-side timing for the capacity run (loaded only by ``bench.load.timing_settings``).

``TimingMiddleware`` (first in the chain) writes one tab-separated line per request to
``LOAD_TIMING_LOG``: start time, method, view name, htmx or not, status, and the ms spent
in all, in SQL (``connection.execute_wrapper``) and in the password hasher
(``TimedHasher``, the configured hasher with its ``verify`` timed). Each gunicorn worker
appends to the same file; a line is one ``write`` to a file opened with ``O_APPEND``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string

_spent = threading.local()
_fd: int | None = None


def _add(kind: str, seconds: float) -> None:
    setattr(_spent, kind, getattr(_spent, kind, 0.0) + seconds)


class TimedHasher(import_string(settings.LOAD_TIMED_HASHER)):  # type: ignore[misc]
    """The configured hasher, same algorithm and cost; ``verify`` adds to the request's sum."""

    def verify(self, password: str, encoded: str) -> bool:
        started = time.perf_counter()
        try:
            return super().verify(password, encoded)
        finally:
            _add("hash", time.perf_counter() - started)


def _sql(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        _add("sql", time.perf_counter() - started)
        _add("queries", 1)


class TimingMiddleware:
    """Times each request in all, in SQL and in the hasher; one log line per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        global _fd
        _spent.sql = _spent.hash = _spent.queries = 0.0
        wall, started = time.time(), time.perf_counter()
        with connection.execute_wrapper(_sql):
            response = self.get_response(request)
        total = time.perf_counter() - started
        match = request.resolver_match
        view = match.view_name if match else "-"
        htmx = int(request.headers.get("HX-Request") == "true")
        line = (
            f"{wall:.6f}\t{request.method}\t{view}\t{htmx}\t{response.status_code}\t"
            f"{total * 1000:.3f}\t{_spent.sql * 1000:.3f}\t{_spent.hash * 1000:.3f}\t"
            f"{int(_spent.queries)}\n"
        )
        if _fd is None:
            _fd = os.open(os.environ["LOAD_TIMING_LOG"], os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.write(_fd, line.encode())
        return response
