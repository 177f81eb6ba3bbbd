"""Ids typed into URLs and forms: anything but a plain number is ignored or a 404, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from common.http import parse_id

ODD = ["²", "٣", "1" * 40, "-1", "1.5", " 7", "", "0x10", "1e3"]


@pytest.mark.parametrize(("text", "expected"), [("42", 42), ("0", 0), ("9" * 18, 10**18 - 1)])
def test_plain_numbers_are_ids(text, expected):
    assert parse_id(text) == expected


@pytest.mark.parametrize("text", [*ODD, None, "9" * 19])
def test_anything_else_is_not(text):
    assert parse_id(text) is None


@pytest.mark.django_db
@pytest.mark.parametrize("odd", ODD)
def test_odd_ids_never_break_a_page(odd, story, user, client_for):
    client = client_for(user)
    assert client.get(reverse("stories:create"), {"principle": odd}).status_code == 200
    history = client.get(reverse("practice:history"), {"principle": odd, "story": odd})
    assert history.status_code == 200
    toggle = client.post(reverse("coverage:toggle"), {"cell": f"{odd}:{odd}"})
    assert toggle.status_code == 404
    target = client.post(reverse("coverage:target"), {"set": "amazon", "principles": [odd]})
    assert target.status_code in {200, 302}
