"""The JSON import under generated files: all of it or none of it, never a server error.

Three kinds of upload: arbitrary bytes, arbitrary JSON, and bank files built to the
schema (exchange/SCHEMA.md) with random mutations. For a built file the test knows
whether it is valid: a valid one must import exactly (every story created or skipped,
with its tags, mappings, revisions and dates), a broken one must import nothing and
say why. For any upload, a success must account for every story in the file and a
failure must leave every table as it was.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from hypothesis import event, example, given
from hypothesis import strategies as st

from stories.models import Story
from tests.robustness.conftest import Scene
from tests.robustness.support import (
    NEXT_MONTH,
    ODD_TEXT,
    ROBUST,
    SENTENCES,
    THIS_MONTH,
    assert_not_server_error,
    rolled_back,
    row_counts,
)

pytestmark = pytest.mark.django_db

FORMAT = "storybank-bank"
MAX_FILE_BYTES = 5 * 1024 * 1024
PARTS = ("situation", "task", "action", "result")
CONTENT = ("title", *PARTS, "reflection")
LIMITS = {"title": 200, **dict.fromkeys(PARTS, 5000), "reflection": 3000}
LIMITS |= {"organisation": 200, "role": 200}
#: The user's own set (made by the scene fixture) and the principles it has.
USER_SET = ("acme-values", ("grit", "candour"))
#: Sets a file may carry: one the user also has, a new one, one named like a built-in.
FILE_SETS = {
    "team-values": ("focus", "grit"),
    "acme-values": ("grit", "candour"),
    "amazon": ("focus",),
}
AMAZON = ("dive-deep", "ownership", "customer-obsession", "bias-for-action", "frugality")
EXISTING_TITLE = "Rebuilt the nightly pipeline"  # the scene's story
TIMESTAMPS = (
    "2024-01-02T03:04:05Z",
    "2024-05-01T00:00:00+02:00",
    "2023-12-31T23:59:59.999999",
    "2024-02-29",
    "1999-01-01T00:00:00-11:30",
)
TAGS = ("ml", "ML", "fraud", "İ", "ß", "SS", "Straße", "STRASSE", "👍🏽", "<b>x</b>", "ǅ", "ǆ")
SUMMARY_RE = re.compile(r"Imported (\d+) stor(?:y|ies)(?: \((\d+) renamed .*?\))?, skipped (\d+) ")


# --- Valid bank files ----------------------------------------------------------------


def clean_text(*, min_size: int = 1) -> st.SearchStrategy[str]:
    """Text the schema accepts: no NUL, no lone surrogate, not blank (unless min_size=0)."""
    text = st.one_of(
        st.sampled_from(SENTENCES),
        st.text(max_size=40).map(lambda s: "I " + s.replace("\x00", "")),
        st.lists(st.sampled_from(ODD_TEXT), min_size=1, max_size=4).map(
            lambda parts: "We " + " ".join(parts).replace("\x00", "")
        ),
    )
    return st.just("") | text if min_size == 0 else text


def mapping_refs(sets_in_file: list[str]) -> st.SearchStrategy[tuple[bool, str, str]]:
    """(builtin, set, principle) that name a real principle for this file and user."""
    refs = [(True, "amazon", slug) for slug in AMAZON]
    refs += [(False, USER_SET[0], slug) for slug in USER_SET[1]]
    refs += [(False, s, slug) for s in sets_in_file for slug in FILE_SETS[s]]
    return st.sampled_from(refs)


@st.composite
def story_docs(draw: st.DrawFn, sets_in_file: list[str]) -> dict[str, Any]:
    """A story as the schema wants it; optional fields present or not."""
    title = draw(
        clean_text()
        | st.sampled_from([EXISTING_TITLE, EXISTING_TITLE.upper(), "Cut build times", "T" * 200])
    )
    doc: dict[str, Any] = {"title": title, **{p: draw(clean_text()) for p in PARTS}}
    optional = {
        "reflection": clean_text(min_size=0),
        "happened_on": st.sampled_from([None, "2024-03", "1950-01", f"{THIS_MONTH:%Y-%m}"]),
        "organisation": clean_text(min_size=0).map(lambda s: s[:200]),
        "role": clean_text(min_size=0).map(lambda s: s[:200]),
        "tags": st.lists(st.sampled_from(TAGS) | st.from_regex(r"\A[a-z0-9]{1,12}\Z"), max_size=6),
        "principles": st.lists(mapping_refs(sets_in_file), max_size=4, unique=True).map(
            lambda refs: [
                {"set": s, "principle": p, "builtin": b, "weight": "primary"} for b, s, p in refs
            ]
        ),
        "revisions": st.lists(
            st.fixed_dictionaries(
                {
                    "created_at": st.sampled_from(TIMESTAMPS),
                    "content": st.fixed_dictionaries(
                        {name: clean_text(min_size=0) for name in CONTENT}
                    ),
                }
            ),
            max_size=2,
        ),
        "archived_at": st.sampled_from([None, *TIMESTAMPS]),
        "created_at": st.sampled_from(TIMESTAMPS),
        "updated_at": st.sampled_from(TIMESTAMPS),
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            doc[name] = draw(strategy)
    for mapping in doc.get("principles", []):
        mapping["weight"] = draw(st.sampled_from(["primary", "secondary"]))
    return doc


def lines() -> st.SearchStrategy[list[str]]:
    """Signals or probes: a few valid lines."""
    return st.lists(clean_text().map(lambda s: s[:300]), max_size=3)


def set_doc(slug: str) -> dict[str, Any]:
    """A valid principle set for a file, by slug (its principles from FILE_SETS)."""
    return {
        "name": f"{slug.title()} (from a file)",
        "slug": slug,
        "description": "What they hire for.",
        "principles": [
            {
                "name": p.title(),
                "slug": p,
                "description": "",
                "signals": [],
                "keywords": ["Persisted"],
                "probes": [],
                "questions": ["Tell me about a setback.", "Tell me about a setback."],
            }
            for p in FILE_SETS[slug]
        ],
    }


@st.composite
def bank_docs(draw: st.DrawFn) -> dict[str, Any]:
    """A valid version 1 bank file with 0-3 stories and 0-3 principle sets."""
    sets = draw(st.lists(st.sampled_from(sorted(FILE_SETS)), max_size=3, unique=True))
    doc: dict[str, Any] = {"format": FORMAT, "version": 1}
    if sets or draw(st.booleans()):
        doc["principle_sets"] = [set_doc(s) for s in sets]
        for pset in doc["principle_sets"]:
            for principle in pset["principles"]:
                principle["signals"] = draw(lines())
                principle["probes"] = draw(lines())
    if draw(st.booleans()):
        doc["exported_at"] = draw(st.sampled_from(TIMESTAMPS))
    doc["stories"] = draw(
        st.lists(story_docs(sets), min_size=draw(st.sampled_from([0, 1, 1])), max_size=3)
    )
    return doc


# --- Mutations that must make a file invalid -------------------------------------------

#: Each returns False when the file has no place for it (then another one is tried).
WRONG_TYPES = (0, 1.5, None, True, [], {}, ["a"], {"a": 1})


def _stories(doc: dict) -> list[dict]:
    """The file's stories, or none when an earlier mutation broke the list."""
    stories = doc.get("stories")
    return stories if isinstance(stories, list) else []


def _a_story(draw: st.DrawFn, doc: dict) -> dict | None:
    """One of the file's stories to break, if it has any."""
    stories = _stories(doc)
    return draw(st.sampled_from(stories)) if stories else None


def _a_list(story: dict, name: str) -> list:
    """The story's list field, made a list again if an earlier mutation broke it."""
    if not isinstance(story.get(name), list):
        story[name] = []
    return story[name]


def m_wrong_type(draw: st.DrawFn, doc: dict) -> bool:
    """A story field of the wrong JSON type."""
    story = _a_story(draw, doc)
    if story is None:
        return False
    name = draw(st.sampled_from(["title", *PARTS, "tags", "principles", "revisions"]))
    value = draw(st.sampled_from(WRONG_TYPES))
    if name in ("tags", "principles", "revisions") and isinstance(value, list):
        value = "not a list"
    story[name] = value
    return True


def m_missing(draw: st.DrawFn, doc: dict) -> bool:
    """A required story field left out."""
    story = _a_story(draw, doc)
    if story is None:
        return False
    story.pop(draw(st.sampled_from(["title", *PARTS])), None)
    return True


def m_unknown_key(draw: st.DrawFn, doc: dict) -> bool:
    """A field the schema does not know, anywhere in the file."""
    key = draw(st.sampled_from(["reflektion", "owner", "id", "star_score", "", "Title", "\x00"]))
    places = [doc, *_stories(doc)]
    for story in _stories(doc):
        places += [m for m in _a_list(story, "principles") if isinstance(m, dict)]
        for revision in _a_list(story, "revisions"):
            places += [r for r in (revision, revision.get("content")) if isinstance(r, dict)]
    places += [s for s in doc.get("principle_sets", []) if isinstance(s, dict)]
    draw(st.sampled_from(places))[key] = draw(st.sampled_from(["x", 1, None]))
    return True


def m_too_long(draw: st.DrawFn, doc: dict) -> bool:
    """A story text over its limit (whitespace counts too)."""
    story = _a_story(draw, doc)
    if story is None:
        return False
    name = draw(st.sampled_from(sorted(LIMITS)))
    unit = draw(st.sampled_from(["x", "é", "👍", " "]))
    story[name] = "I" + unit * (LIMITS[name] + draw(st.integers(0, 3)))
    return True


def m_blank(draw: st.DrawFn, doc: dict) -> bool:
    """A required story text that is empty or blank."""
    story = _a_story(draw, doc)
    if story is None:
        return False
    story[draw(st.sampled_from(["title", *PARTS]))] = draw(st.sampled_from(["", " ", "\n\t"]))
    return True


def m_bad_char(draw: st.DrawFn, doc: dict) -> bool:
    """A NUL or a lone surrogate in a story text."""
    story = _a_story(draw, doc)
    if story is None:
        return False
    name = draw(st.sampled_from([*LIMITS]))
    char = draw(st.sampled_from(["\x00", "\ud800", "\udfff"]))
    base = story.get(name)
    story[name] = (base[:10] if isinstance(base, str) else "x") + char
    return True


def m_bad_mapping(draw: st.DrawFn, doc: dict) -> bool:
    """A principle mapping that names nothing, or is malformed."""
    story = _a_story(draw, doc)
    if story is None:
        return False
    mapping = draw(
        st.sampled_from(
            [
                {"set": "amazon", "principle": "dive-deeper", "builtin": True},
                {"set": "nope-set", "principle": "grit", "builtin": False},
                {"set": USER_SET[0], "principle": "focus-x", "builtin": False},
                {"set": "amazon", "principle": "dive deep", "builtin": True},
                {"set": "amazon", "principle": "dive-deep", "builtin": "yes"},
                {"set": "amazon", "principle": "dive-deep", "builtin": True, "weight": "tertiary"},
                {"set": "amazon", "principle": "dive-deep", "builtin": True, "weight": None},
                {"set": "amazon", "principle": "", "builtin": True},
                {"set": 7, "principle": "dive-deep", "builtin": True},
                {"principle": "dive-deep", "builtin": True},
            ]
        )
    )
    _a_list(story, "principles").append({"weight": "primary", **mapping})
    return True


def m_duplicate_mapping(draw: st.DrawFn, doc: dict) -> bool:
    """The same principle mapped twice in one story."""
    story = _a_story(draw, doc)
    mappings = _a_list(story, "principles") if story is not None else []
    if not mappings or not isinstance(mappings[0], dict):
        return False
    mappings.append({**mappings[0], "weight": "secondary"})
    return True


def m_header(draw: st.DrawFn, doc: dict) -> bool:
    """A wrong or missing format, version or story list."""
    kind = draw(st.sampled_from(["version", "format", "no version", "no format", "no stories"]))
    if kind == "version":
        doc["version"] = draw(st.sampled_from([2, 0, -1, "1", 1.0, True, None, 10**30, [1]]))
    elif kind == "format":
        doc["format"] = draw(st.sampled_from(["storybank", "", None, 1, "STORYBANK-BANK"]))
    else:
        doc.pop(kind.removeprefix("no "), None)
    return True


def m_month(draw: st.DrawFn, doc: dict) -> bool:
    """A month that is not one, too early or in the future."""
    story = _a_story(draw, doc)
    if story is None:
        return False
    story["happened_on"] = draw(
        st.sampled_from(
            ["2024-13", "2024-00", "2024-3", "1949-12", f"{NEXT_MONTH:%Y-%m}", "March", 202403]
        )
    )
    return True


def m_timestamp(draw: st.DrawFn, doc: dict) -> bool:
    """A timestamp that is not ISO 8601."""
    story = _a_story(draw, doc)
    if story is None:
        return False
    name = draw(st.sampled_from(["archived_at", "created_at", "updated_at"]))
    story[name] = draw(st.sampled_from(["yesterday", "2024-13-01T00:00:00", 1700000000, ""]))
    return True


def m_tags(draw: st.DrawFn, doc: dict) -> bool:
    """Too many tags, or one too long (as typed or spelled out), blank or not text."""
    story = _a_story(draw, doc)
    if story is None:
        return False
    story["tags"] = draw(
        st.sampled_from(
            [
                [f"t{i}" for i in range(21)],
                ["x" * 51],
                ["ﷺ" * 3],  # 3 characters, 54 once spelled out as a slug
                ["㍿" * 13],
                [" "],
                [""],
                ["ok", None],
            ]
        )
    )
    return True


def m_sets(draw: st.DrawFn, doc: dict) -> bool:
    """A principle set repeated, badly slugged, incomplete or not a list."""
    if not isinstance(doc.get("principle_sets"), list):
        doc["principle_sets"] = []
    sets = doc["principle_sets"]
    kind = draw(st.sampled_from(["dup slug", "bad slug", "dup principle", "no name", "not list"]))
    if kind == "dup slug":
        sets += [set_doc("team-values"), set_doc("team-values")]
    elif kind == "bad slug":
        sets.append({**set_doc("team-values"), "slug": draw(st.sampled_from(["a b", "é", ""]))})
    elif kind == "dup principle":
        pset = set_doc("team-values")
        pset["principles"].append(dict(pset["principles"][0]))
        sets.append(pset)
    elif kind == "no name":
        sets.append({k: v for k, v in set_doc("team-values").items() if k != "name"})
    else:
        doc["principle_sets"] = draw(st.sampled_from([{}, "sets", 3]))
    return True


def m_stories_not_list(draw: st.DrawFn, doc: dict) -> bool:
    """Stories that are not a list."""
    doc["stories"] = draw(st.sampled_from([{}, "stories", None, 1, {"0": {}}]))
    return True


def m_nested(draw: st.DrawFn, doc: dict) -> bool:
    """A nested value (up to 200 deep) where text or a list of objects belongs."""
    story = _a_story(draw, doc)
    if story is None:
        return False
    value: Any = 0  # not text, not an object: wrong wherever it ends up
    for _ in range(draw(st.sampled_from([1, 10, 200]))):
        value = [value] if draw(st.booleans()) else {"k": value}
    story[draw(st.sampled_from(["title", "tags", "principles"]))] = value
    return True


def m_revision(draw: st.DrawFn, doc: dict) -> bool:
    """A revision without a part or a time, too long, or not an object."""
    story = _a_story(draw, doc)
    if story is None:
        return False
    revision = {"created_at": TIMESTAMPS[0], "content": {n: "" for n in CONTENT}}
    kind = draw(st.sampled_from(["missing", "no time", "long", "type"]))
    if kind == "missing":
        del revision["content"][draw(st.sampled_from(CONTENT))]
    elif kind == "no time":
        del revision["created_at"]
    elif kind == "long":
        revision["content"]["action"] = "x" * 5001
    else:
        revision["content"] = draw(st.sampled_from(["text", [], None]))
    _a_list(story, "revisions").append(revision)
    return True


BREAKERS = (
    m_wrong_type,
    m_missing,
    m_unknown_key,
    m_too_long,
    m_blank,
    m_bad_char,
    m_bad_mapping,
    m_duplicate_mapping,
    m_header,
    m_month,
    m_timestamp,
    m_tags,
    m_sets,
    m_stories_not_list,
    m_nested,
    m_revision,
)


@dataclass
class Upload:
    """A generated upload, and what the test knows about it."""

    content: bytes | None  # None: no file at all
    doc: dict[str, Any] | None  # the bank as built (None: arbitrary bytes or JSON)
    valid: bool | None  # None: the test does not know
    on_duplicate: str | None


@st.composite
def built_uploads(draw: st.DrawFn) -> Upload:
    """A bank file built to the schema, then broken (or not) by 0-2 mutations."""
    doc = draw(bank_docs())
    valid_doc = copy.deepcopy(doc)
    broken = False
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2]))):
        while not draw(st.sampled_from(BREAKERS))(draw, doc):
            pass
        broken = True
    if not broken and doc["stories"] and draw(st.booleans()):
        doc["stories"].append(copy.deepcopy(doc["stories"][0]))  # the same title twice
        valid_doc = copy.deepcopy(doc)
    text = json.dumps(
        doc,
        ensure_ascii=draw(st.booleans()),
        indent=draw(st.sampled_from([None, 2])),
    )
    data = text.encode("utf-8", "surrogatepass")
    way = draw(st.sampled_from(["as is", "as is", "bom", "not utf-8", "truncated"]))
    if way == "bom":
        data = b"\xef\xbb\xbf" + data
    elif way == "not utf-8":
        at = draw(st.integers(0, len(data)))
        data, broken = (
            data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80"])) + data[at:],
            True,
        )
    elif way == "truncated":
        data, broken = data[: draw(st.integers(0, len(data) - 1))], True
    on_duplicate = draw(st.sampled_from(["skip", "rename"]))
    return Upload(data, None if broken else valid_doc, not broken, on_duplicate)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def arbitrary_uploads(draw: st.DrawFn) -> Upload:
    """No file, bytes, JSON of any shape (with the right header or not), deep nesting,
    an absurd number, a file at and over the size limit."""
    common = ("bytes", "json", "headed json")
    kind = draw(st.sampled_from([*common, *common, "nested", "number", "no file", "huge"]))
    data: bytes | None
    if kind == "bytes":
        data = draw(st.binary(max_size=200))
    elif kind == "json":
        data = json.dumps(draw(JSON)).encode()
    elif kind == "headed json":
        top = draw(st.dictionaries(st.sampled_from(["stories", "principle_sets", "x"]), JSON))
        data = json.dumps({"format": FORMAT, "version": 1, **top}).encode()
    elif kind == "nested":
        depth = draw(st.sampled_from([100, 1000, 100_000]))
        data = ("[" * depth + "]" * depth).encode()
    elif kind == "number":
        data = ('{"format": "storybank-bank", "version": ' + "9" * 5000 + "}").encode()
    elif kind == "no file":
        data = None
    else:
        data = b'{"x": "' + b"x" * (MAX_FILE_BYTES + draw(st.sampled_from([-100, 1]))) + b'"}'
    on_duplicate = draw(st.sampled_from(["skip", "rename", "merge", "", None]))
    return Upload(data, None, None, on_duplicate)


UPLOADS = built_uploads() | arbitrary_uploads()


# --- What a finished import must look like -------------------------------------------


def moment(text: str) -> dt.datetime:
    """A timestamp as the schema reads it: without an offset, UTC."""
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def mismatches(story: Story, data: dict[str, Any], *, renamed: bool) -> list[str]:
    """How a stored story differs from the file's story (empty: it is that story)."""
    month = data.get("happened_on")
    want = {
        **{p: data[p] for p in PARTS},
        "reflection": data.get("reflection", ""),
        "organisation": data.get("organisation", ""),
        "role": data.get("role", ""),
        "happened_on": dt.date.fromisoformat(month + "-01") if month else None,
    }
    out = [name for name, value in want.items() if getattr(story, name) != value]
    if renamed:
        if not re.fullmatch(r".* \(imported( \d+)?\)", story.title) or len(story.title) > 200:
            out.append(f"renamed title {story.title!r}")
    elif story.title != data["title"]:
        out.append("title")
    if (story.archived_at is None) != (data.get("archived_at") is None):
        out.append("archived_at")
    if data.get("created_at") and story.created_at != moment(data["created_at"]):
        out.append("created_at")
    tags = {t.casefold(): t for t in reversed(data.get("tags", []))}  # the first spelling wins
    if story.tags.count() != len(tags) or not all(
        story.tags.filter(name__iexact=tag).exists() for tag in tags.values()
    ):
        out.append("tags")
    mappings = Counter(
        (m.principle.principle_set.owner_id is None, m.principle.slug, m.weight)
        for m in story.mappings.select_related("principle__principle_set")
    )
    if mappings != Counter(
        (m["builtin"], m["principle"], m["weight"]) for m in data.get("principles", [])
    ):
        out.append("principles")
    revisions = sorted(
        (r.created_at, json.dumps(r.content, sort_keys=True)) for r in story.revisions.all()
    )
    if revisions != sorted(
        (moment(r["created_at"]), json.dumps(r["content"], sort_keys=True))
        for r in data.get("revisions", [])
    ):
        out.append("revisions")
    if story.star_score is None:
        out.append("star_score")
    return out


def check_imported(
    upload: Upload, new: list[Story], summary: tuple[int, int, int], added: dict[str, int]
) -> None:
    """Every story and set of a valid file is in the bank as the file says, or skipped."""
    doc = upload.doc
    assert doc is not None
    skip = upload.on_duplicate == "skip"
    existing = {EXISTING_TITLE.casefold()}
    duplicates = []
    for story in doc["stories"]:
        title = story["title"].casefold()
        if title in existing:
            duplicates.append(story)
        elif skip:  # under skip, a title the file repeats is imported once, the first
            existing.add(title)
    repeated = {id(s) for s in duplicates}  # by identity: two stories may be equal
    wanted = [s for s in doc["stories"] if not (skip and id(s) in repeated)]
    assert summary == (
        len(wanted),
        0 if skip else len(duplicates),
        len(duplicates) if skip else 0,
    )
    unmatched = list(new)
    for data in wanted:
        renamed = id(data) in repeated
        found = [s for s in unmatched if not mismatches(s, data, renamed=renamed)]
        assert found, (data, [mismatches(s, data, renamed=renamed) for s in unmatched])
        unmatched.remove(found[0])
    created_sets = [
        pset
        for pset in doc.get("principle_sets", [])
        if not (skip and pset["slug"] == USER_SET[0])  # the user's own: reused
    ]
    assert added["principles.PrincipleSet"] == len(created_sets)
    assert added["principles.Principle"] == sum(len(p["principles"]) for p in created_sets)
    assert added["principles.Question"] == sum(
        len(set(q["questions"])) for pset in created_sets for q in pset["principles"]
    )


@ROBUST
@given(upload=UPLOADS)
@example(  # was a 500: a 6-character tag whose slug is 108 characters
    upload=Upload(
        json.dumps(
            {
                "format": FORMAT,
                "version": 1,
                "stories": [{"title": "t", **dict.fromkeys(PARTS, "p"), "tags": ["ﷺ" * 6]}],
            }
        ).encode(),
        None,
        False,
        "skip",
    )
)
def test_import_generated_files(scene: Scene, upload: Upload) -> None:
    """POST /bank/ with a generated file: imported whole (the summary accounts for every
    story and the rows agree) or refused, saying why, with every table untouched."""
    form: dict[str, Any] = {}
    if upload.content is not None:
        form["file"] = SimpleUploadedFile("bank.json", upload.content, "application/json")
    if upload.on_duplicate is not None:
        form["on_duplicate"] = upload.on_duplicate
    with rolled_back():
        before = row_counts()
        ids_before = set(Story.objects.values_list("pk", flat=True))
        response = scene.client.post(reverse("exchange:bank"), form)
        assert_not_server_error(response, "import")
        kind = {True: "valid file", False: "broken file", None: "arbitrary upload"}[upload.valid]
        event(f"{kind}: status {response.status_code}")
        messages = [str(m) for m in get_messages(response.wsgi_request)]
        scene.client.cookies.pop("messages", None)
        after = row_counts()
        if response.status_code != 302:
            assert response.status_code == 200, response.status_code
            assert after == before
            assert messages == []
            body = response.content.decode()
            problems = response.context["problems"]
            errors = response.context["form"].errors
            if problems:  # every problem listed, with its place in the file
                assert "Nothing was imported" in body
                assert all(escape(p.place) in body and escape(p.message) in body for p in problems)
            else:  # the form's own errors: no file, an empty or too large one, a bad choice
                assert errors, "refused without saying why"
                assert all(escape(m) in body for field in errors.values() for m in field)
            assert upload.valid is not True, f"a valid file was refused: {problems or errors}"
            return
        assert upload.valid is not False, "a broken file was imported"
        assert response.url == reverse("stories:list")
        [message] = messages
        match = SUMMARY_RE.match(message)
        assert match, message
        created, renamed, skipped = (int(g or 0) for g in match.groups())
        event(f"stories created: {min(created, 3)}{'+' if created > 3 else ''}")
        new = list(Story.objects.exclude(pk__in=ids_before))
        assert len(new) == created
        assert all(s.owner_id == scene.user.pk for s in new)
        assert after["stories.Story"] - before["stories.Story"] == created
        assert upload.content is not None
        assert created + skipped == len(json.loads(upload.content.decode("utf-8-sig"))["stories"])
        if upload.doc is not None:
            added = {label: after[label] - before[label] for label in after}
            check_imported(upload, new, (created, renamed, skipped), added)
