"""Sign up, log in and out, change password; pages need a login."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db

PUBLIC = ["home", "login", "signup"]
PRIVATE = ["stories:list", "stories:create", "principles:set_list", "password_change"]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_pages_need_no_login(client, name):
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", PRIVATE)
def test_other_pages_send_anonymous_visitors_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse(name)}"


def test_signup_creates_the_account_and_logs_in(client):
    response = client.post(
        reverse("signup"),
        {"username": "newcandidate", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(username="newcandidate").exists()
    assert client.get(reverse("stories:list")).status_code == 200


def test_signup_applies_password_validators(client):
    response = client.post(
        reverse("signup"), {"username": "weak", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 200
    assert "password2" in response.context["form"].errors
    assert not get_user_model().objects.filter(username="weak").exists()


def test_login_and_logout(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.url == reverse("stories:list")
    assert client.get(reverse("stories:list")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("stories:list")).status_code == 302


def test_password_change(client_for, user):
    client = client_for(user)
    new = "a-brand-new-passphrase-42"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.url == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(new)


def test_home_sends_a_logged_in_user_to_their_stories(client_for, user):
    assert client_for(user).get(reverse("home")).url == reverse("stories:list")
