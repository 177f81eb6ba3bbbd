"""Browsing principle sets and keeping custom sets private."""

from __future__ import annotations

import pytest
from django.urls import reverse

from principles.models import Principle, PrincipleSet, Question
from principles.services import principle_save, principle_set_create

pytestmark = pytest.mark.django_db


def test_set_list_and_detail_show_the_amazon_principles(client_for, user, amazon):
    client = client_for(user)
    assert (
        "Amazon Leadership Principles"
        in client.get(reverse("principles:set_list")).content.decode()
    )
    body = client.get(reverse("principles:set_detail", args=["amazon"])).content.decode()
    assert body.index("Customer Obsession") < body.index("Success and Scale Bring Broad")
    assert "What an interviewer listens for" in body


def test_principle_page_lists_questions_and_my_stories(client_for, user, amazon):
    from stories.services import story_set_principles
    from tests.stories.factories import StoryFactory

    principle = Principle.objects.get(principle_set=amazon, slug="dive-deep")
    mine = StoryFactory(owner=user, title="My deep dive")
    theirs = StoryFactory(title="Their deep dive")
    for s in (mine, theirs):
        story_set_principles(story=s, mappings={principle.pk: "primary"})
    body = (
        client_for(user)
        .get(reverse("principles:principle_detail", args=["amazon", "dive-deep"]))
        .content.decode()
    )
    assert principle.questions.first().text.replace("'", "&#x27;") in body
    assert "My deep dive" in body
    assert "Their deep dive" not in body


def test_user_adds_a_custom_set_with_principles(client_for, user):
    client = client_for(user)
    response = client.post(reverse("principles:set_create"), {"name": "Acme Values"})
    acme = PrincipleSet.objects.get(owner=user)
    assert response.url == reverse("principles:principle_create", args=[acme.slug])
    client.post(
        reverse("principles:principle_create", args=[acme.slug]),
        {
            "name": "Customers First",
            "signals": "Talks to users\nMeasures satisfaction",
            "questions": "Tell me about a customer you won back.",
        },
    )
    principle = acme.principles.get()
    assert principle.signals == ["Talks to users", "Measures satisfaction"]
    assert list(principle.questions.values_list("text", flat=True)) == [
        "Tell me about a customer you won back."
    ]
    # The new principle can be mapped from the story form.
    form = client.get(reverse("stories:create")).context["form"]
    assert f"principle_{principle.pk}" in form.fields


def test_reserved_words_never_become_slugs(user):
    s = principle_set_create(owner=user, name="New")
    assert s.slug != "new"
    p = principle_save(principle_set=s, name="Edit")
    assert p.slug != "edit"


def test_custom_set_is_private(client_for, user, other_user):
    acme = principle_set_create(owner=user, name="Acme Values")
    principle = principle_save(principle_set=acme, name="Grit", questions=["Q1?"])
    client = client_for(other_user)
    urls = [
        reverse("principles:set_detail", args=[acme.slug]),
        reverse("principles:set_edit", args=[acme.slug]),
        reverse("principles:set_delete", args=[acme.slug]),
        reverse("principles:principle_create", args=[acme.slug]),
        reverse("principles:principle_detail", args=[acme.slug, principle.slug]),
        reverse("principles:principle_edit", args=[acme.slug, principle.slug]),
        reverse("principles:principle_delete", args=[acme.slug, principle.slug]),
    ]
    for url in urls:
        for method in ("get", "post"):
            assert getattr(client, method)(url, {"name": "x"}).status_code == 404, url
    assert "Acme Values" not in client.get(reverse("principles:set_list")).content.decode()
    assert (
        f"principle_{principle.pk}"
        not in client.get(reverse("stories:create")).context["form"].fields
    )
    acme.refresh_from_db()
    assert acme.name == "Acme Values"
    assert Question.objects.filter(principle=principle).count() == 1


def test_builtin_set_cannot_be_edited_by_users(client_for, user, amazon):
    client = client_for(user)
    for url in (
        reverse("principles:set_edit", args=["amazon"]),
        reverse("principles:set_delete", args=["amazon"]),
        reverse("principles:principle_create", args=["amazon"]),
        reverse("principles:principle_edit", args=["amazon", "frugality"]),
    ):
        assert client.post(url, {"name": "Hacked"}).status_code == 404
    amazon.refresh_from_db()
    assert amazon.name == "Amazon Leadership Principles"
    assert amazon.principles.count() == 16


def test_deleting_a_custom_set_keeps_the_stories(client_for, user):
    from stories.services import story_set_principles
    from tests.stories.factories import StoryFactory

    acme = principle_set_create(owner=user, name="Acme")
    principle = principle_save(principle_set=acme, name="Grit")
    story = StoryFactory(owner=user)
    story_set_principles(story=story, mappings={principle.pk: "primary"})
    client_for(user).post(reverse("principles:set_delete", args=[acme.slug]))
    assert not PrincipleSet.objects.filter(pk=acme.pk).exists()
    story.refresh_from_db()
    assert story.mappings.count() == 0
