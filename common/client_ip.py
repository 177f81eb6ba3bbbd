"""The client's address, for login throttling."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or the address the outermost trusted proxy saw.

    With ``TRUSTED_PROXY_COUNT`` proxies in front, each appends the address it received
    from to X-Forwarded-For, so the client is that many entries from the right; entries
    further left were written by the client and are not trusted.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
