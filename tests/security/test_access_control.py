"""Another user's objects answer 404 to every method and stay unchanged; anonymous
visitors are sent to log in. The URL list comes from the URLconf (see routes.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.security.routes import all_routes, owned_objects, routes_with_ids, snapshot, url_for
from tests.stories.factories import StoryFactory

METHODS = ("get", "post", "put", "patch", "delete")
#: A payload that would change something if any view accepted it.
HOSTILE_FORM = {
    "title": "hijacked", "situation": "x", "task": "x", "action": "x", "result": "x",
    "name": "hijacked", "description": "x", "answer": "hijacked", "rating": "nailed",
    "backend": "rules", "unarchive": "1", "self_rating": "5", "notes": "x", "confirm": "1",
}  # fmt: skip


def test_the_generated_list_holds_every_kind_of_object():
    names = {str(route) for route in routes_with_ids()}
    assert {
        "stories:detail", "stories:edit", "stories:delete", "stories:revision_restore",
        "coach:followup_job", "coach:followup_answer", "practice:round", "practice:answer",
        "practice:followup", "principles:set_detail", "principles:set_edit",
        "principles:set_delete", "principles:principle_edit", "questions:detail",
        "loops:detail", "loops:pin", "loops:sheet", "loops:slot_update",
    } <= names  # fmt: skip
    assert not any(str(route).startswith("admin:") for route in all_routes())


@pytest.mark.django_db
@pytest.mark.parametrize("route", routes_with_ids(), ids=str)
def test_another_user_gets_404_for_every_method_and_changes_nothing(
    route, user, other_user, client_for
):
    url = url_for(route, owned_objects(user))
    before = snapshot()
    client = client_for(other_user)
    for method in METHODS:
        response = getattr(client, method)(url, HOSTILE_FORM)
        assert response.status_code == 404, f"{method.upper()} {url}"
        assert b"Owner&#x27;s" not in response.content and b"Owner's" not in response.content
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("route", routes_with_ids(), ids=str)
def test_the_owner_is_not_refused(route, user, client_for):
    """The 404s above are about ownership: the owner's own GET is never a 404."""
    url = url_for(route, owned_objects(user))
    assert client_for(user).get(url).status_code in {200, 302, 405}


@pytest.mark.django_db
@pytest.mark.parametrize("route", routes_with_ids(), ids=str)
def test_anonymous_visitor_is_sent_to_login_and_changes_nothing(route, user, client):
    url = url_for(route, owned_objects(user))
    before = snapshot()
    for method in METHODS:
        response = getattr(client, method)(url, HOSTILE_FORM)
        assert response.status_code == 302, f"{method.upper()} {url}"
        assert response.url.startswith(reverse("login") + "?next=")
    assert snapshot() == before


@pytest.mark.django_db
def test_lists_never_include_another_users_stories(client_for, user, other_user):
    mine = StoryFactory(owner=user, title="Mine: cut the query time")
    theirs = StoryFactory(owner=other_user, title="Theirs: secret migration")
    theirs.tags.set(["secret-tag"])
    client = client_for(user)
    for params in ({}, {"q": "secret"}, {"q": "migration"}, {"archived": "on"}, {"sort": "title"}):
        body = client.get(reverse("stories:list"), params).content.decode()
        assert theirs.title not in body
        assert "secret-tag" not in body
    assert mine.title in client.get(reverse("stories:list")).content.decode()
