"""Generated input to the loop forms: never a server error, and a refused pin writes
nothing (property tests, run by `make test`)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from planning.models import LoopPin
from planning.services import loop_create_from_template
from principles.models import Principle
from stories.services import story_set_principles
from tests.robustness.support import (
    ROBUST,
    assert_not_server_error,
    odd_text,
    post,
    rolled_back,
    wire_value,
)
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db

EXAMPLES = settings(ROBUST, max_examples=min(ROBUST.max_examples, 200))


@pytest.fixture
def scene(user, other_user, client_for, amazon):
    loop = loop_create_from_template(user=user, template_key="amazon-onsite")
    dive = Principle.objects.get(principle_set=amazon, slug="dive-deep")
    story = StoryFactory(owner=user)
    story_set_principles(story=story, mappings={dive.pk: "primary"})
    theirs = StoryFactory(owner=other_user)
    slot = loop.slots.get(label="Peer interviewer")
    ids = [str(v) for v in (slot.pk, dive.pk, story.pk, theirs.pk, loop.pk, 0, -1)]
    return client_for(user), loop, slot, ids


def field(ids):
    return st.one_of(wire_value(), st.sampled_from(ids), st.none())


def form(names, ids):
    return st.fixed_dictionaries({}, optional={name: field(ids) for name in names}).map(
        lambda data: {k: v for k, v in data.items() if v is not None}
    )


@EXAMPLES
@given(data=st.data(), encoding=st.sampled_from(["multipart", "urlencoded"]))
def test_loop_forms_never_fail_on_odd_input(scene, data, encoding):
    client, loop, slot, ids = scene
    targets = {
        reverse("loops:create"): ["template", "name", "date", "principle_set"],
        reverse("loops:edit", args=[loop.pk]): ["name", "date"],
        reverse("loops:slot_add", args=[loop.pk]): [
            "new-label", "new-principles", "new-unknown", "new-unknown_count",
        ],
        reverse("loops:slot_update", args=[loop.pk, slot.pk]): [
            "action", f"slot-{slot.pk}-label", f"slot-{slot.pk}-principles",
            f"slot-{slot.pk}-unknown", f"slot-{slot.pk}-unknown_count",
        ],
        reverse("loops:pin", args=[loop.pk]): ["slot", "principle", "story"],
        reverse("loops:done", args=[loop.pk]): ["done"],
    }  # fmt: skip
    url = data.draw(st.sampled_from(sorted(targets)))
    sent = data.draw(form(targets[url], ids))
    with rolled_back():
        response = post(client, url, sent, encoding=encoding)
        assert_not_server_error(response, url)


@EXAMPLES
@given(story=st.one_of(odd_text(), st.integers(-5, 10**20).map(str)))
def test_a_pin_of_anything_but_an_own_story_writes_nothing(scene, story):
    client, loop, slot, ids = scene
    dive = ids[1]
    try:
        own = int(story.strip()) == int(ids[2])
    except ValueError:
        own = story.strip() == ""
    if own:  # the user's own story (or none: unpin) is a real pin or unpin
        return
    with rolled_back():
        response = post(
            client,
            reverse("loops:pin", args=[loop.pk]),
            {"slot": str(slot.pk), "principle": dive, "story": story},
            encoding="urlencoded",
        )
        assert response.status_code in (302, 404)
        assert not LoopPin.objects.exists()
