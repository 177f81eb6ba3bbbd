"""Importing a bank: the whole file is checked first; on any problem nothing is written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

import exchange
from exchange import services
from exchange.schema import MAX_FILE_BYTES
from exchange.services import bank_import
from principles.models import Principle, PrincipleSet
from principles.services import principle_save, principle_set_create
from stories.models import Story
from tests.exchange.conftest import acme_doc, bank_doc, db_state, dumps, story_doc
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


def messages(result) -> list[str]:
    return [str(p) for p in result.problems]


def test_import_creates_stories_with_history_tags_and_mappings(user, amazon):
    doc = bank_doc(
        story_doc(
            happened_on="2023-11",
            organisation="Acme",
            role="Lead",
            reflection="Cache first.",
            tags=["ci", "CI", "speed"],
            principles=[
                {"set": "amazon", "principle": "dive-deep", "builtin": True, "weight": "primary"},
                {"set": "acme", "principle": "grit", "builtin": False, "weight": "secondary"},
            ],
            revisions=[
                {
                    "created_at": "2024-01-02T03:04:05.123456Z",
                    "content": {k: f"old {k}" for k in story_doc()} | {"reflection": ""},
                }
            ],
            archived_at="2024-05-01T00:00:00+02:00",
            created_at="2024-01-01T00:00:00Z",
            updated_at="2024-02-01T00:00:00",
        ),
        sets=[acme_doc()],
    )

    result = bank_import(user=user, data=dumps(doc).encode())

    assert result.ok, messages(result)
    assert result.summary().startswith("Imported 1 story, skipped 0")
    story = Story.objects.get(owner=user)
    assert story.title == "Cut build times"
    assert story.happened_on == dt.date(2023, 11, 1)
    assert story.star_score is not None
    assert sorted(story.tags.names()) == ["ci", "speed"]
    assert story.created_at == dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    assert story.updated_at == dt.datetime(2024, 2, 1, tzinfo=dt.UTC)  # no offset: UTC
    assert story.archived_at == dt.datetime(2024, 4, 30, 22, tzinfo=dt.UTC)
    assert sorted(story.mappings.values_list("principle__slug", "weight")) == [
        ("dive-deep", "primary"),
        ("grit", "secondary"),
    ]
    revision = story.revisions.get()
    assert revision.content["title"] == "old title"
    assert revision.created_at == dt.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=dt.UTC)
    acme = PrincipleSet.objects.get(owner=user, slug="acme")
    grit = acme.principles.get()
    assert (grit.keywords, grit.probes) == (["persisted"], ["What kept you going?"])
    assert list(grit.questions.values_list("text", "source")) == [
        ("Tell me about a setback.", "mine")
    ]


def _with_story(**fields) -> dict:
    return bank_doc(story_doc("A fine story"), story_doc(**fields))


BROKEN = '{"format": "storybank-bank",\n "version": 1,\n "stories": [\n}'
AMAZON = {"set": "amazon", "builtin": True, "weight": "primary"}

FAILURES = {
    "broken JSON": (BROKEN, "(file): not valid JSON at line 4 column 1"),
    "not UTF-8": (b'{"format": "\xff"}', "(file): not UTF-8 text"),
    "NaN": ('{"format": NaN}', "(file): not usable JSON: NaN is not allowed"),
    "not an object": ("[1, 2]", "(file): expected an object with format and version"),
    "wrong format": (
        bank_doc(format="something-else"),
        'format: expected "storybank-bank", found "something-else"',
    ),
    "format missing": ({"version": 1, "stories": []}, "format: required field is missing"),
    "version 3": (
        bank_doc(version=3),
        "version: 3 is not supported (this Storybank reads versions 1 and 2)",
    ),
    "version as text": (bank_doc(version="1"), "version: expected a whole number, found text"),
    "result too long": (
        _with_story(result="x" * 5001),
        "stories[1].result: longer than 5,000 characters (it has 5,001)",
    ),
    "title too long": (
        _with_story(title="t" * 201),
        "stories[1].title: longer than 200 characters",
    ),
    "reflection too long": (
        _with_story(reflection="r" * 3001),
        "stories[1].reflection: longer than 3,000 characters",
    ),
    "role too long": (_with_story(role="r" * 201), "stories[1].role: longer than 200 characters"),
    "empty action": (_with_story(action="  "), "stories[1].action: must not be empty"),
    "missing result": (
        bank_doc({k: v for k, v in story_doc().items() if k != "result"}),
        "stories[0].result: required field is missing",
    ),
    "unknown field": (_with_story(reflektion="typo"), "stories[1].reflektion: unknown field"),
    "title not text": (_with_story(title=42), "stories[1].title: expected text, found a number"),
    "stories not a list": (
        bank_doc() | {"stories": {"title": "x"}},
        "stories: expected a list, found an object",
    ),
    "tags not a list": (_with_story(tags="ml"), "stories[1].tags: expected a list, found text"),
    "builtin not a bool": (
        _with_story(principles=[AMAZON | {"principle": "ownership", "builtin": "yes"}]),
        "stories[1].principles[0].builtin: expected true or false, found text",
    ),
    "bad month": (
        _with_story(happened_on="2024-13"),
        'stories[1].happened_on: "2024-13": enter a real month',
    ),
    "month not YYYY-MM": (
        _with_story(happened_on="March 2024"),
        'stories[1].happened_on: "March 2024" is not a month as "YYYY-MM"',
    ),
    "future month": (_with_story(happened_on="2999-01"), "that month is in the future"),
    "bad timestamp": (
        _with_story(created_at="yesterday"),
        'stories[1].created_at: "yesterday" is not an ISO 8601 date and time',
    ),
    "too many tags": (
        _with_story(tags=[f"tag{i}" for i in range(21)]),
        "stories[1].tags: more than 20 tags (it has 21)",
    ),
    "tag too long": (
        _with_story(tags=["ok", "t" * 51]),
        "stories[1].tags[1]: longer than 50 characters",
    ),
    "unknown weight": (
        _with_story(principles=[AMAZON | {"principle": "ownership", "weight": "tertiary"}]),
        'stories[1].principles[0].weight: unknown weight "tertiary" (use "primary" or "secondary")',
    ),
    "principle does not exist": (
        _with_story(
            principles=[AMAZON | {"principle": "ownership"}, AMAZON | {"principle": "dive-deeper"}]
        ),
        'stories[1].principles[1]: principle "amazon/dive-deeper" does not exist',
    ),
    "custom principle not in the file's set": (
        bank_doc(
            story_doc(
                principles=[
                    {"set": "acme", "principle": "nope", "builtin": False, "weight": "primary"}
                ]
            ),
            sets=[acme_doc()],
        ),
        'stories[0].principles[0]: principle "acme/nope" does not exist in principle_sets[0]',
    ),
    "custom set nowhere": (
        _with_story(
            principles=[{"set": "zeta", "principle": "x", "builtin": False, "weight": "primary"}]
        ),
        'principle "zeta/x" does not exist in this file or in your own sets',
    ),
    "same mapping twice": (
        _with_story(principles=[AMAZON | {"principle": "ownership"}] * 2),
        'stories[1].principles[1]: "amazon/ownership" is also principles[0] of this story',
    ),
    "same set slug twice": (
        bank_doc(sets=[acme_doc(), acme_doc()]),
        'principle_sets[1].slug: "acme" is also principle_sets[0]',
    ),
    "bad set slug": (bank_doc(sets=[acme_doc(slug="Acme Values")]), '"Acme Values" is not a slug'),
    "too many questions": (
        bank_doc(
            sets=[
                acme_doc()
                | {"principles": [acme_doc()["principles"][0] | {"questions": ["q?"] * 21}]}
            ]
        ),
        "principle_sets[0].principles[0].questions: more than 20 questions (it has 21)",
    ),
    "NUL character": (_with_story(task="a\x00b"), "stories[1].task: contains a NUL character"),
    "lone surrogate": (
        dumps(_with_story()).replace("Cut build times", "Cut \\ud800 times"),
        "stories[1].title: contains a character that is not valid Unicode",
    ),
}


@pytest.mark.parametrize(("data", "expected"), FAILURES.values(), ids=FAILURES.keys())
def test_a_broken_file_writes_nothing_and_says_where(user, amazon, data, expected):
    StoryFactory(owner=user, title="Already here")
    before = db_state()
    payload = data if isinstance(data, str | bytes) else dumps(data)

    result = bank_import(user=user, data=payload)

    assert not result.ok
    assert any(expected in m for m in messages(result)), messages(result)
    assert db_state() == before


def test_every_problem_is_listed_at_once(user):
    doc = bank_doc(
        story_doc(title=""),
        story_doc(happened_on="2024/03", tags=[1]),
        story_doc(principles=[{"set": "amazon", "principle": "ownership", "builtin": True}]),
    )
    assert messages(bank_import(user=user, data=dumps(doc))) == [
        "stories[0].title: must not be empty",
        'stories[1].happened_on: "2024/03" is not a month as "YYYY-MM" (e.g. 2024-03)',
        "stories[1].tags[0]: expected text, found a number",
        "stories[2].principles[0].weight: required field is missing",
    ]


def test_a_file_over_5_mb_is_refused_before_parsing(user):
    result = bank_import(user=user, data=b"{" * (MAX_FILE_BYTES + 1))
    assert messages(result) == ["(file): the file is over the 5 MB limit (it is 5.1 MB)"]
    assert Story.objects.count() == 0


def test_problem_list_stops_at_a_cap(user):
    doc = bank_doc(*[story_doc(title=7) for _ in range(300)])
    problems = messages(bank_import(user=user, data=dumps(doc)))
    assert len(problems) == 201
    assert problems[-1] == "(file): stopped after 200 problems; fix these and try again"


def test_a_failure_while_writing_rolls_everything_back(user, amazon, monkeypatch):
    real = services.story_create
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise ValidationError("database said no")
        return real(**kwargs)

    monkeypatch.setattr(services, "story_create", flaky)
    before = db_state()
    doc = bank_doc(story_doc("One"), story_doc("Two"), sets=[acme_doc()])

    result = bank_import(user=user, data=dumps(doc))

    assert messages(result) == ["(file): could not be saved: database said no"]
    assert db_state() == before


def test_duplicate_titles_are_skipped_ignoring_case(user):
    StoryFactory(owner=user, title="Cut Build Times")
    result = bank_import(
        user=user, data=dumps(bank_doc(story_doc("cut build times"), story_doc("New one")))
    )
    assert result.ok
    assert (result.stories_created, result.stories_skipped) == (1, 1)
    assert result.summary().startswith("Imported 1 story, skipped 1 already in your bank")
    assert sorted(Story.objects.filter(owner=user).values_list("title", flat=True)) == [
        "Cut Build Times",
        "New one",
    ]


def test_duplicate_titles_are_renamed_when_asked(user, other_user):
    StoryFactory(owner=user, title="Cut build times")
    StoryFactory(owner=other_user, title="New one")  # someone else's title is no duplicate
    data = dumps(bank_doc(story_doc("CUT BUILD TIMES"), story_doc("New one")))

    first = bank_import(user=user, data=data, on_duplicate="rename")
    second = bank_import(user=user, data=data, on_duplicate="rename")

    assert (first.stories_created, first.stories_renamed) == (2, 1)
    assert (second.stories_created, second.stories_renamed) == (2, 2)
    assert set(Story.objects.filter(owner=user).values_list("title", flat=True)) == {
        "CUT BUILD TIMES (imported)",
        "CUT BUILD TIMES (imported 2)",
        "Cut build times",
        "New one",
        "New one (imported)",
    }


def test_a_renamed_long_title_stays_within_the_limit(user):
    title = "x" * 200
    StoryFactory(owner=user, title=title)
    bank_import(user=user, data=dumps(bank_doc(story_doc(title))), on_duplicate="rename")
    renamed = Story.objects.filter(owner=user).exclude(title=title).get().title
    assert len(renamed) == 200
    assert renamed.endswith("x (imported)")


def _acme_mapping(principle: str = "grit") -> dict:
    return {"set": "acme", "principle": principle, "builtin": False, "weight": "primary"}


def _own_acme(user) -> Principle:
    acme = principle_set_create(owner=user, name="Acme")
    assert acme.slug == "acme"
    return principle_save(principle_set=acme, name="Grit")


def test_skip_reuses_my_set_with_the_same_slug(user):
    grit = _own_acme(user)
    doc = bank_doc(story_doc(principles=[_acme_mapping()]), sets=[acme_doc()])

    result = bank_import(user=user, data=dumps(doc), on_duplicate="skip")

    assert (result.sets_created, result.sets_reused) == (0, 1)
    assert PrincipleSet.objects.filter(owner=user).count() == 1
    assert list(Story.objects.get(owner=user).principles.all()) == [grit]


def test_skip_refuses_a_principle_my_reused_set_lacks(user):
    _own_acme(user)
    doc = bank_doc(
        story_doc(principles=[_acme_mapping("candour")]), sets=[acme_doc(principles=("candour",))]
    )
    before = db_state()
    result = bank_import(user=user, data=dumps(doc), on_duplicate="skip")
    assert messages(result)[0].startswith(
        'stories[0].principles[0]: principle "acme/candour" does not exist in your own set "acme"'
    )
    assert db_state() == before


def test_rename_imports_the_files_set_under_a_new_slug(user):
    grit = _own_acme(user)
    doc = bank_doc(story_doc(principles=[_acme_mapping()]), sets=[acme_doc()])

    result = bank_import(user=user, data=dumps(doc), on_duplicate="rename")

    assert (result.sets_created, result.sets_renamed, result.sets_reused) == (1, 1, 0)
    new = PrincipleSet.objects.get(owner=user, slug="acme-2")
    assert new.name == "Acme Values (imported)"
    [mapped] = Story.objects.get(owner=user).principles.all()
    assert mapped.principle_set == new
    assert mapped != grit


def test_a_custom_set_named_like_a_builtin_set_is_renamed(user, amazon):
    doc = bank_doc(
        story_doc(
            principles=[
                {"set": "amazon", "principle": "grit", "builtin": False, "weight": "primary"}
            ]
        ),
        sets=[acme_doc(slug="amazon")],
    )
    result = bank_import(user=user, data=dumps(doc))
    assert result.ok, messages(result)
    new = PrincipleSet.objects.get(owner=user)
    assert new.slug == "amazon-2"
    assert list(Story.objects.get(owner=user).principles.all()) == list(new.principles.all())


def test_a_story_may_map_to_one_of_my_sets_not_in_the_file(user):
    grit = _own_acme(user)
    result = bank_import(user=user, data=dumps(bank_doc(story_doc(principles=[_acme_mapping()]))))
    assert result.ok, messages(result)
    assert list(Story.objects.get(owner=user).principles.all()) == [grit]


def test_another_users_set_cannot_be_mapped(user, other_user):
    _own_acme(other_user)
    result = bank_import(user=user, data=dumps(bank_doc(story_doc(principles=[_acme_mapping()]))))
    assert messages(result) == [
        'stories[0].principles[0]: principle "acme/grit" does not exist '
        "in this file or in your own sets"
    ]


def test_unknown_duplicate_mode_is_a_programming_error(user):
    with pytest.raises(ValueError, match="on_duplicate"):
        bank_import(user=user, data="{}", on_duplicate="merge")


def test_the_example_in_schema_md_imports(user, amazon):
    text = (Path(exchange.__file__).parent / "SCHEMA.md").read_text(encoding="utf-8")
    example = text.split("## Example", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    result = bank_import(user=user, data=example)
    assert result.ok, messages(result)
    assert (result.stories_created, result.sets_created) == (1, 1)


def test_skip_imports_a_title_repeated_in_the_file_once(user):
    """The issue's defect: the same title three times in one file gave three copies."""
    doc = bank_doc(
        story_doc("Cut build times", result="Builds fell from 40 to 9 minutes."),
        story_doc("CUT BUILD TIMES", result="A second telling."),
        story_doc("cut build times", result="A third telling."),
        story_doc("Another story"),
    )

    result = bank_import(user=user, data=dumps(doc), on_duplicate="skip")

    assert result.ok, messages(result)
    assert (result.stories_created, result.stories_skipped) == (2, 2)
    stories = Story.objects.filter(owner=user).order_by("title")
    assert [(s.title, s.result) for s in stories] == [
        ("Another story", story_doc()["result"]),
        ("Cut build times", "Builds fell from 40 to 9 minutes."),  # the first one wins
    ]


def test_skip_imports_nothing_twice_when_the_repeat_is_already_in_my_bank(user):
    StoryFactory(owner=user, title="Cut build times", result="Mine, kept.")
    doc = bank_doc(story_doc("Cut Build Times"), story_doc("cut build times"))

    result = bank_import(user=user, data=dumps(doc), on_duplicate="skip")

    assert (result.stories_created, result.stories_skipped) == (0, 2)
    assert list(Story.objects.filter(owner=user).values_list("result", flat=True)) == [
        "Mine, kept."
    ]
