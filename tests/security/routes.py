"""Every URL of the app, read from the URLconf, and one owner's objects to fill them in.

Tests built on this cover a new URL without being edited. A URL whose parameter is
not known here fails the tests with a message saying where to add it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.core import serializers
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from coach.jobs import followup_job_start
from coach.models import FollowUp, FollowUpJob
from planning.models import CoverageTarget, Loop, LoopPin, LoopSlot
from planning.services import loop_create, pin_set, slot_add
from practice.models import MockLoop, PracticeRound, ReviewItem
from practice.selectors import round_followups
from practice.services import round_ask_followups, round_start, round_submit_answer
from principles.models import Principle, PrincipleSet, Question
from principles.services import principle_save, principle_set_create
from stories.models import Story, StoryDraft, StoryPrinciple, StoryRevision
from stories.services import story_update
from tests.stories.factories import StoryFactory

#: Everything a user owns; a snapshot of these tables shows whether a request changed anything.
OWNED_MODELS = (
    Story, StoryRevision, StoryPrinciple, FollowUpJob, FollowUp, PracticeRound,
    ReviewItem, PrincipleSet, Principle, Question, CoverageTarget, Loop, LoopSlot, LoopPin,
    MockLoop, StoryDraft,
)  # fmt: skip
SKIPPED_NAMESPACES = {"admin"}  # Django's own admin, staff only and tested by Django.


@dataclass(frozen=True)
class Route:
    """One named URL pattern: ``namespace:name`` and the parameters it takes."""

    name: str
    params: tuple[str, ...]

    @property
    def namespace(self) -> str:
        return self.name.partition(":")[0] if ":" in self.name else ""

    def __str__(self) -> str:
        return self.name


def all_routes() -> list[Route]:
    """Every named URL of the app, walking includes, except the admin's."""
    routes: list[Route] = []

    def walk(patterns: list, namespace: str, inherited: tuple[str, ...]) -> None:
        for entry in patterns:
            params = inherited + tuple(entry.pattern.converters)
            if isinstance(entry, URLResolver):
                if entry.namespace in SKIPPED_NAMESPACES:
                    continue
                inner = ":".join(filter(None, (namespace, entry.namespace)))
                walk(entry.url_patterns, inner, params)
            elif isinstance(entry, URLPattern) and entry.name:
                full = f"{namespace}:{entry.name}" if namespace else entry.name
                routes.append(Route(full, params))

    walk(get_resolver().url_patterns, "", ())
    return sorted(routes, key=str)


def routes_with_ids() -> list[Route]:
    """The URLs that name one object (a story, job, round, principle set...)."""
    return [route for route in all_routes() if route.params]


def owned_objects(
    user, *, story: Story | None = None, text: str = "Owner's"
) -> dict[tuple[str, str], object]:
    """One of each object a URL can name, owned by ``user``: (namespace, param) -> value.

    ``story`` replaces the default story; ``text`` goes into names and answers.
    """
    if story is None:
        story = StoryFactory(owner=user, title=f"{text} story: cut churn 12%")
        story.tags.set(["owner-tag"])
        story_update(story=story, fields={"title": f"{text} story: cut churn 14%"})
    job = followup_job_start(user=user, story=story, principle=None, backend="rules")
    name = text[:100]  # names are short (the forms enforce it; services trust them)
    custom = principle_set_create(owner=user, name=f"{name} values")
    principle = principle_save(
        principle_set=custom,
        name=f"{name} frugal focus",
        description=text,
        signals=[text],
        questions=[f"When did you do more with less? {text}"],
    )
    StoryPrinciple.objects.create(story=story, principle=principle)
    practice_round = round_start(
        user=user, principle=principle, question=principle.questions.get(), target_seconds=120
    )
    round_submit_answer(
        practice_round=practice_round,
        answer=f"I cut costs by 20%. {text}",
        seconds_taken=60,
        story=story,
    )
    round_ask_followups(practice_round=practice_round, backend="rules")
    loop = loop_create(user=user, name=f"{name} loop", date=None, principle_set=custom)
    slot = slot_add(loop=loop, label=f"{text[:60]} interviewer", principles=[principle])
    pin_set(slot=slot, principle=principle, story=story)
    mock = MockLoop.objects.create(user=user, loop=loop, name=loop.name)
    return {
        ("stories", "pk"): story.pk,
        ("stories", "revision_pk"): story.revisions.get().pk,
        ("coach", "pk"): story.pk,
        ("coach", "job_pk"): job.pk,
        ("coach", "followup_pk"): job.followups.first().pk,
        ("practice", "pk"): practice_round.pk,
        ("practice", "followup_pk"): round_followups(practice_round=practice_round)[0].pk,
        ("principles", "slug"): custom.slug,
        ("principles", "set_slug"): custom.slug,
        ("principles", "principle_slug"): principle.slug,
        ("questions", "pk"): principle.questions.get().pk,
        ("loops", "pk"): loop.pk,
        ("loops", "slot_pk"): slot.pk,
        ("practice", "loop_pk"): loop.pk,
        ("practice", "mock_pk"): mock.pk,
    }


def url_for(route: Route, objects: dict) -> str:
    """The route's URL, filled in with the owner's objects."""
    kwargs: dict[str, object] = {}
    for param in route.params:
        # Under a set, "slug" names a principle of that set.
        wanted = "principle_slug" if param == "slug" and "set_slug" in route.params else param
        key = (route.namespace, wanted)
        assert key in objects, (
            f"{route} takes '{param}', which tests/security/routes.py does not know: add an "
            "object for it to owned_objects() so the access and CSRF tests cover this URL."
        )
        kwargs[param] = objects[key]
    return reverse(route.name, kwargs=kwargs)


def pages_that_answer(client, objects: dict) -> Iterator[tuple[Route, HttpResponse]]:
    """Every URL the client can GET with a 200, with its response."""
    for route in all_routes():
        response = client.get(url_for(route, objects))
        if response.status_code == 200:
            yield route, response


def snapshot() -> str:
    """Every owned row, serialised: equal snapshots mean nothing changed."""
    rows = []
    for model in OWNED_MODELS:
        rows.append(serializers.serialize("json", model.objects.order_by("pk")))
    rows.append(repr(sorted(Story.tags.through.objects.values_list("object_id", "tag__name"))))
    return "\n".join(rows)
