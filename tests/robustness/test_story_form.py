"""The story form under generated input: saved whole and exactly as cleaned, or refused
with errors and nothing written.

Each example posts to the create or the edit page. A small oracle, written from the
form's documented rules rather than by calling the form, predicts which fields are in
error; the test then checks the page said exactly that and the database agrees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.text import slugify
from hypothesis import event, example, given
from hypothesis import strategies as st
from taggit.models import Tag
from taggit.utils import parse_tags

from stories import scoring
from stories.models import CONTENT_FIELDS, FIELD_LIMITS, Story
from tests.robustness.conftest import Scene
from tests.robustness.support import (
    INVALID,
    MONTHS,
    ODD_TEXT,
    ROBUST,
    SENTENCES,
    VALID_MONTHS,
    FormValue,
    as_received,
    assert_no_raw_markup,
    assert_not_server_error,
    body_size,
    capture,
    expected_month,
    long_text,
    month_text,
    odd_text,
    plausible_text,
    post,
    rolled_back,
    row_counts,
    urlencoded,
    wire_value,
    writes,
)

pytestmark = pytest.mark.django_db

REQUIRED = ("title", "situation", "task", "action", "result")
TEXT_FIELDS = (*REQUIRED, "reflection", "organisation", "role")
FORM_FIELDS = (*TEXT_FIELDS, "happened_on", "tags")
MAX_TAGS, TAG_MAX = 20, 50
#: Fields a form must never let a client set, whatever it posts.
PROTECTED = ("owner", "owner_id", "id", "pk", "star_score", "star_version", "archived_at")

# --- What the form should do (from its rules, not its code) --------------------------


def expected_text(raw: str | None, name: str) -> Any:
    """CharField: stripped; required ones non-blank; within the limit; no NUL."""
    text = (raw or "").strip()
    if "\x00" in text or len(text) > FIELD_LIMITS[name]:
        return INVALID
    if name in REQUIRED and not text:
        return INVALID
    return text


def expected_tags(raw: str | None) -> Any:
    """taggit's parsing; no NUL; at most 20 tags, each at most 50 characters both as typed
    and as its slug (which must fit taggit's 100); a sorted set."""
    text = (raw or "").strip()
    if "\x00" in text:
        return INVALID
    tags = parse_tags(text)
    too_long = [t for t in tags if max(len(t), len(slugify(t, allow_unicode=True))) > TAG_MAX]
    if len(tags) > MAX_TAGS or too_long:
        return INVALID
    return sorted({t.strip() for t in tags if t.strip()}, key=str.lower)


@dataclass
class Expected:
    """The oracle's verdict on one post."""

    errors: set[str] = field(default_factory=set)
    fields: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    mappings: dict[int, str] = field(default_factory=dict)


def expect(data: dict[str, FormValue], principle_ids: list[int]) -> Expected:
    """Which fields the form must reject, or what it must save."""
    out = Expected()
    received = {name: as_received(value) for name, value in data.items()}
    for name in TEXT_FIELDS:
        out.fields[name] = expected_text(received.get(name), name)
    out.fields["happened_on"] = expected_month(received.get("happened_on"))
    out.errors = {name for name, value in out.fields.items() if value is INVALID}
    out.tags = expected_tags(received.get("tags"))
    if out.tags is INVALID:
        out.errors.add("tags")
    for pk in principle_ids:
        name = f"principle_{pk}"
        weight = received.get(name) or ""
        if weight in ("primary", "secondary"):
            out.mappings[pk] = weight
        elif weight:
            out.errors.add(name)
    return out


def body_refused(data: dict[str, FormValue], encoding: str) -> bool | None:
    """Must the body be refused as too large (True), must it not (False), or either?"""
    limit = django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    size = body_size(data, encoding)
    if size > limit + 64 * 1024:
        return True
    if size < limit - 64 * 1024:
        return False
    return None


# --- Generated posts -------------------------------------------------------------------


def tag_word() -> st.SearchStrategy[str]:
    """One tag as typed: ordinary, odd, spelled-out-long or over the limit."""
    return st.one_of(
        st.sampled_from(["ml", "ML", "fraud", "Fraud", "incident", "İ", "ß", "SS", "a b"]),
        st.text(max_size=12),
        st.sampled_from(ODD_TEXT),
        st.integers(1, 12).map(lambda n: "ﷺ" * n),
        long_text(),
    )


def tags_text() -> st.SearchStrategy[str]:
    """Comma-, space- or quote-separated tags, as people (and attackers) type them."""
    words = st.lists(tag_word(), max_size=24)
    return st.one_of(
        words.map(", ".join),
        words.map(" ".join),
        words.map(lambda ts: ", ".join(f'"{t}"' for t in ts)),
        odd_text(),
    )


FIELD_NAMES = st.from_regex(r"\A[a-z_][a-z0-9_\-\[\]]{0,15}\Z")


#: Principle fields are generated as ``principle_#N`` (the N-th principle the user can
#: see) or ``principle_#foreign`` (another user's), and resolved to ids per test.
MINE = st.integers(0, 40).map(lambda n: f"principle_#{n}")
NOT_MINE = st.sampled_from(["principle_#foreign", "principle_0", "principle_x", "principle_"])


@st.composite
def story_posts(draw: st.DrawFn) -> dict[str, FormValue]:
    """A story form post: mostly plausible, then 0-4 mutations of any kind."""
    data: dict[str, FormValue] = {name: draw(plausible_text()) for name in TEXT_FIELDS}
    data["happened_on"] = draw(st.sampled_from(MONTHS[:VALID_MONTHS]))
    data["tags"] = draw(st.lists(tag_word(), max_size=4).map(", ".join))
    for name in draw(st.lists(MINE, max_size=5, unique=True)):
        data[name] = draw(st.sampled_from(["", "primary", "secondary"]))
    targets = st.sampled_from(FORM_FIELDS) | MINE
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["drop", "wire", "long", "month", "tags", "extra", "weight"]))
        if kind == "drop":
            data.pop(draw(targets), None)
        elif kind == "wire":
            data[draw(targets)] = draw(wire_value())
        elif kind == "long":
            data[draw(st.sampled_from(FORM_FIELDS))] = draw(long_text())
        elif kind == "month":
            data["happened_on"] = draw(month_text())
        elif kind == "tags":
            data["tags"] = draw(tags_text())
        elif kind == "extra":
            name = draw(FIELD_NAMES | st.sampled_from(PROTECTED) | NOT_MINE)
            if name not in data:
                data[name] = draw(wire_value())
        else:
            data[draw(targets)] = draw(st.sampled_from(["PRIMARY", " primary", "tertiary", "1"]))
    if draw(st.integers(0, 49)) == 49:  # now and then, more than a form may carry
        data[draw(targets)] = "x" * (django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 200_000)
    return data


# --- The world the posts land in -----------------------------------------------------


def story_state(pk: int) -> dict[str, Any]:
    """Everything stored about one story: its row, tags, mappings and revisions."""
    story = Story.objects.get(pk=pk)
    return {
        "row": Story.objects.filter(pk=pk).values().get(),
        "tags": sorted(story.tags.names()),
        "mappings": sorted(story.mappings.values_list("principle_id", "weight")),
        "revisions": list(story.revisions.values_list("pk", "content")),
    }


def check_saved(story: Story, want: Expected, tags_before: set[str]) -> None:
    """The stored story is complete and is exactly what the form cleaned."""
    for name, value in want.fields.items():
        assert getattr(story, name) == value, name
    assert dict(story.mappings.values_list("principle_id", "weight")) == want.mappings
    stored = set(story.tags.names())
    for tag in want.tags:  # tags ignore case: an existing spelling may win
        assert story.tags.filter(name__iexact=tag).exists(), tag
    assert stored <= set(want.tags) | tags_before
    assert len(stored) <= len(want.tags)
    probe = Story(**{name: getattr(story, name) for name in scoring.CHECKED_FIELDS})
    scoring.apply_score(probe)
    for name in scoring.SCORE_FIELDS:
        assert getattr(story, name) == getattr(probe, name), name


def check_response(
    scene: Scene, response: HttpResponse, data: dict, encoding: str, want: Expected
) -> bool:
    """What every post must satisfy; True when the story was saved."""
    assert_not_server_error(response, "story form")
    refused = body_refused(data, encoding)
    event(f"status {response.status_code}")
    if response.status_code in (400, 413):
        assert refused is not False, f"refused a body that fits ({response.status_code})"
        return False
    assert refused is not True, "accepted a body over the limit"
    sent = [v for v in map(as_received, data.values()) if v]
    if response.status_code == 200:
        for name in sorted(want.errors):
            event(f"error: {name.split('_')[0]}")
        assert set(response.context["form"].errors) == want.errors
        assert want.errors, "a valid post was not saved"
        assert_no_raw_markup(response.content.decode(), sent)
        return False
    assert response.status_code == 302, response.status_code
    assert not want.errors, f"saved although {sorted(want.errors)} should be refused"
    page = scene.client.get(response.url)
    assert page.status_code == 200
    assert_no_raw_markup(page.content.decode(), sent)
    return True


ENCODINGS = st.sampled_from(["multipart", "urlencoded"])
#: A valid post, the base of the regression examples below.
VALID = {name: SENTENCES[2] for name in TEXT_FIELDS} | {"happened_on": "2024-03", "tags": "ml"}
PRESETS = st.none() | st.sampled_from(["1", "²", "9" * 5000]) | odd_text()


@ROBUST
@given(post_data=story_posts(), encoding=ENCODINGS, preset=PRESETS)
@example(post_data=VALID, encoding="multipart", preset="²")  # was a 500 (int("²"))
@example(post_data=VALID | {"tags": "ﷺ" * 6}, encoding="multipart", preset=None)  # was a 500
@example(  # was saved as March 2024 (only the first 20 characters were read)
    post_data=VALID | {"happened_on": "2024-03" + " " * 13 + "x"}, encoding="multipart", preset=None
)
def test_create_story_with_generated_posts(
    scene: Scene, post_data: dict[str, FormValue], encoding: str, preset: str | None
) -> None:
    """POST /stories/new/[?principle=...]: a whole new story exactly as cleaned, or
    errors and no rows written."""
    data = scene.resolve(post_data)
    want = expect(data, scene.principle_ids)
    url = reverse("stories:create")
    if preset is not None:
        url += "?" + urlencoded({"principle": preset}).decode()
    with rolled_back():
        before = row_counts()
        tags_before = set(Tag.objects.values_list("name", flat=True))
        ids_before = set(Story.objects.values_list("pk", flat=True))
        with capture() as queries:
            response = post(scene.client, url, data, encoding=encoding)
        if not check_response(scene, response, data, encoding, want):
            assert writes(queries) == []
            assert row_counts() == before
            return
        [new] = Story.objects.exclude(pk__in=ids_before)
        assert response.url == reverse("stories:detail", args=[new.pk])
        assert (new.owner_id, new.archived_at) == (scene.user.pk, None)
        check_saved(new, want, tags_before)
        after = row_counts()
        assert after["stories.Story"] == before["stories.Story"] + 1
        assert after["stories.StoryRevision"] == before["stories.StoryRevision"]
        assert after["stories.StoryPrinciple"] == (
            before["stories.StoryPrinciple"] + len(want.mappings)
        )


@ROBUST
@given(post_data=story_posts(), encoding=ENCODINGS)
@example(post_data=VALID | {"tags": "ok, " + "㍿" * 13}, encoding="urlencoded")  # was a 500
def test_edit_story_with_generated_posts(
    scene: Scene, post_data: dict[str, FormValue], encoding: str
) -> None:
    """POST /stories/<pk>/edit/: the story becomes what was cleaned (the old text kept as
    one revision when the text changed), or nothing about it changes."""
    data = scene.resolve(post_data)
    want = expect(data, scene.principle_ids)
    pk = scene.story.pk
    url = reverse("stories:edit", args=[pk])
    with rolled_back():
        before = row_counts()
        state = story_state(pk)
        tags_before = set(Tag.objects.values_list("name", flat=True))
        with capture() as queries:
            response = post(scene.client, url, data, encoding=encoding)
        if not check_response(scene, response, data, encoding, want):
            assert writes(queries) == []
            assert story_state(pk) == state
            assert row_counts() == before
            return
        assert response.url == reverse("stories:detail", args=[pk])
        story = Story.objects.get(pk=pk)
        assert (story.owner_id, story.archived_at) == (scene.user.pk, None)
        check_saved(story, want, tags_before)
        old_text = {name: state["row"][name] for name in CONTENT_FIELDS}
        revisions = list(story.revisions.values_list("pk", "content"))
        added = [content for key, content in revisions if (key, content) not in state["revisions"]]
        assert added == ([] if story.content() == old_text else [old_text])
        assert len(revisions) == len(state["revisions"]) + len(added)
        assert row_counts()["stories.Story"] == before["stories.Story"]
