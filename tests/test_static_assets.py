"""Bootstrap, icons and htmx are served by the app itself; pages load nothing external."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

VENDORED = [
    "/static/vendor/bootstrap/bootstrap.min.css",
    "/static/vendor/bootstrap/bootstrap.bundle.min.js",
    "/static/vendor/htmx/htmx.min.js",
    "/static/vendor/bootstrap-icons/bootstrap-icons.min.css",
    "/static/vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "/static/js/app.js",
    "/static/css/app.css",
]


@pytest.mark.parametrize("path", VENDORED)
def test_vendored_asset_is_served(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "logged_in"),
    [
        ("home", False),
        ("login", False),
        ("signup", False),
        ("stories:list", True),
        ("stories:create", True),
        ("principles:set_list", True),
    ],
)
def test_pages_reference_no_external_assets(client, user, name, logged_in):
    if logged_in:
        client.force_login(user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    body = response.content.decode()
    external = re.findall(r'(?:src|href)="((?:https?:)?//[^"]+)"', body)
    assert external == []
    assert "/static/vendor/htmx/htmx.min.js" in body
