"""Export a user's whole bank to a dict, and import one: all of it, or nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import count
from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from principles.models import PrincipleSet
from principles.services import RESERVED_SLUGS, PrincipleData, principle_set_import
from stories.models import CONTENT_FIELDS, TITLE_MAX, Story, StoryRevision
from stories.services import story_create

from . import selectors
from .schema import FORMAT, MAX_PROBLEMS, SET_NAME_MAX, SET_SLUG_MAX, VERSION, parse_bank
from .validation import Problem, Problems, TooManyProblems

if TYPE_CHECKING:
    from django.contrib.auth.models import User

OnDuplicate = Literal["skip", "rename"]
DUPLICATE_CHOICES: tuple[OnDuplicate, ...] = ("skip", "rename")
IMPORTED = "imported"

# --- Export ---------------------------------------------------------------------------


def _iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _month(day: dt.date | None) -> str | None:
    return f"{day.year:04d}-{day.month:02d}" if day else None


def _set_data(pset: PrincipleSet) -> dict[str, Any]:
    return {
        "name": pset.name,
        "slug": pset.slug,
        "description": pset.description,
        "principles": [
            {
                "name": p.name,
                "slug": p.slug,
                "description": p.description,
                "signals": list(p.signals),
                "keywords": list(p.keywords),
                "probes": list(p.probes),
                "questions": [q.text for q in p.questions.all()],
            }
            for p in pset.principles.all()
        ],
    }


def _story_data(story: Story, user: User) -> dict[str, Any]:
    # A mapping to someone else's custom set cannot be made through the app; if one
    # exists anyway, leave it out rather than name another user's set.
    mappings = [
        m for m in story.mappings.all() if m.principle.principle_set.owner_id in (None, user.pk)
    ]
    mappings.sort(
        key=lambda m: (
            not m.principle.principle_set.is_builtin,
            m.principle.principle_set.slug,
            m.principle.position,
            m.principle.slug,
        )
    )
    return {
        **story.content(),
        "happened_on": _month(story.happened_on),
        "organisation": story.organisation,
        "role": story.role,
        "tags": sorted((t.name for t in story.tags.all()), key=str.lower),
        "principles": [
            {
                "set": m.principle.principle_set.slug,
                "principle": m.principle.slug,
                "builtin": m.principle.principle_set.is_builtin,
                "weight": m.weight,
            }
            for m in mappings
        ],
        "revisions": [
            {
                "created_at": _iso(r.created_at),
                "content": {name: str(r.content.get(name, "")) for name in CONTENT_FIELDS},
            }
            for r in story.revisions.all()
        ],
        "archived_at": _iso(story.archived_at),
        "created_at": _iso(story.created_at),
        "updated_at": _iso(story.updated_at),
    }


def bank_export(*, user: User) -> dict[str, Any]:
    """Everything the user owns, as a version 1 bank (see exchange/SCHEMA.md).

    No ids, no user names, nothing of another user's.
    """
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(timezone.now()),
        "principle_sets": [_set_data(s) for s in selectors.custom_sets(user=user)],
        "stories": [_story_data(s, user) for s in selectors.bank_stories(user=user)],
    }


# --- Import ---------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did, or every problem that stopped it (then nothing was written)."""

    problems: list[Problem] = field(default_factory=list)
    stories_created: int = 0
    stories_renamed: int = 0
    stories_skipped: int = 0
    sets_created: int = 0
    sets_renamed: int = 0
    sets_reused: int = 0

    @property
    def ok(self) -> bool:
        """True when the import was written."""
        return not self.problems

    def summary(self) -> str:
        """One sentence for the user: "Imported 3 stories, skipped 1 ..."."""
        text = f"Imported {_count(self.stories_created, 'story', 'stories')}"
        if self.stories_renamed:
            text += f" ({self.stories_renamed} renamed “… ({IMPORTED})”)"
        text += (
            f", skipped {self.stories_skipped} already in your bank or repeated in the file "
            "(same title)"
        )
        sets = []
        if self.sets_created:
            sets.append(f"added {_count(self.sets_created, 'principle set', 'principle sets')}")
        if self.sets_renamed:
            sets.append(f"{self.sets_renamed} of them under a new name")
        if self.sets_reused:
            sets.append(f"reused {self.sets_reused} of your own")
        return text + ("; " + ", ".join(sets) if sets else "") + "."


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


#: A principle to map: its id, or (index of a set created by this import, principle slug).
Ref = int | tuple[int, str]


@dataclass
class _SetPlan:
    index: int
    data: dict[str, Any]
    slug: str
    name: str
    existing_id: int | None = None
    renamed: bool = False


@dataclass
class _StoryPlan:
    data: dict[str, Any]
    title: str
    skip: bool = False
    renamed: bool = False
    mappings: list[tuple[Ref, str]] = field(default_factory=list)


def _new_slug(slug: str, taken: set[str]) -> str:
    for n in count(2):
        candidate = f"{slug[: SET_SLUG_MAX - len(str(n)) - 1]}-{n}"
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable")


def _new_title(title: str, taken: set[str], limit: int = TITLE_MAX) -> str:
    for n in count(1):
        suffix = f" ({IMPORTED})" if n == 1 else f" ({IMPORTED} {n})"
        candidate = title[: limit - len(suffix)].rstrip() + suffix
        if candidate.casefold() not in taken:
            return candidate
    raise AssertionError("unreachable")


def _plan_sets(
    *, user: User, sets: list[dict[str, Any]], on_duplicate: OnDuplicate
) -> list[_SetPlan]:
    """Which sets to create, under which slug, and which of the user's own to reuse."""
    own = selectors.set_slugs(user=user)
    blocked = selectors.builtin_set_slugs() | RESERVED_SLUGS
    taken = set(own) | blocked | {s["slug"] for s in sets}
    plans = []
    for i, data in enumerate(sets):
        slug = data["slug"]
        if slug in own and on_duplicate == "skip":
            plans.append(_SetPlan(i, data, slug, data["name"], existing_id=own[slug]))
        elif slug in own or slug in blocked:
            new = _new_slug(slug, taken)
            taken.add(new)
            name = _new_title(data["name"], set(), limit=SET_NAME_MAX)
            plans.append(_SetPlan(i, data, new, name, renamed=True))
        else:
            plans.append(_SetPlan(i, data, slug, data["name"]))
    return plans


def _resolve(
    mapping: dict[str, Any],
    path: tuple[str | int, ...],
    *,
    ids: dict[tuple[bool, str, str], int],
    file_sets: dict[str, _SetPlan],
    problems: Problems,
) -> Ref | None:
    """The principle a mapping names, or None with a problem recorded."""
    builtin, set_slug, slug = mapping["builtin"], mapping["set"], mapping["principle"]
    name = f'principle "{set_slug}/{slug}"'
    plan = None if builtin else file_sets.get(set_slug)
    if plan is None:
        found = ids.get((builtin, set_slug, slug))
        if found is None:
            where = "" if builtin else " in this file or in your own sets"
            problems.add(path, f"{name} does not exist{where}")
        return found
    if plan.existing_id is not None:
        found = ids.get((False, set_slug, slug))
        if found is None:
            problems.add(
                path,
                f'{name} does not exist in your own set "{set_slug}", which this import '
                "reuses (import with “rename” to add the file's set as a new one)",
            )
        return found
    if slug not in {p["slug"] for p in plan.data["principles"]}:
        problems.add(path, f"{name} does not exist in principle_sets[{plan.index}]")
        return None
    return (plan.index, slug)


def _plan_stories(
    *,
    user: User,
    stories: list[dict[str, Any]],
    set_plans: list[_SetPlan],
    on_duplicate: OnDuplicate,
    problems: Problems,
) -> list[_StoryPlan]:
    """Which stories to create (under which title), which to skip, and their principles."""
    existing = {t.casefold() for t in selectors.story_titles(user=user)}
    taken = existing | {s["title"].casefold() for s in stories}
    ids = selectors.principle_ids(user=user)
    file_sets = {p.data["slug"]: p for p in set_plans}
    seen: set[str] = set()  # titles met earlier in this file
    plans = []
    for i, data in enumerate(stories):
        plan = _StoryPlan(data, data["title"])
        title = data["title"].casefold()
        if on_duplicate == "skip" and (title in existing or title in seen):
            plan.skip = True  # a repeat inside the file is imported once, the first time
        elif title in existing:  # and on_duplicate == "rename"
            plan.title, plan.renamed = _new_title(data["title"], taken), True
            taken.add(plan.title.casefold())
        seen.add(title)
        for j, mapping in enumerate(data["principles"]):
            ref = _resolve(
                mapping,
                ("stories", i, "principles", j),
                ids=ids,
                file_sets=file_sets,
                problems=problems,
            )
            if ref is not None:
                plan.mappings.append((ref, mapping["weight"]))
        plans.append(plan)
    return plans


def _create_set(*, user: User, plan: _SetPlan, position: int) -> dict[tuple[int, str], int]:
    """Create one custom set with its principles and questions; returns the new ids."""
    ids = principle_set_import(
        owner=user,
        name=plan.name,
        slug=plan.slug,
        description=plan.data["description"],
        position=position,
        principles=[
            PrincipleData(
                name=data["name"],
                slug=data["slug"],
                description=data["description"],
                signals=data["signals"],
                keywords=data["keywords"],
                probes=data["probes"],
                questions=data["questions"],
            )
            for data in plan.data["principles"]
        ],
    )
    return {(plan.index, slug): pk for slug, pk in ids.items()}


def _create_story(*, user: User, plan: _StoryPlan, new_ids: dict[tuple[int, str], int]) -> None:
    """Create one story through ``story_create``, then restore its recorded history."""
    data = plan.data
    tags: dict[str, str] = {}
    for tag in data["tags"]:  # tags ignore case: keep the first spelling
        tags.setdefault(tag.casefold(), tag)
    story = story_create(
        owner=user,
        fields={
            **{name: data[name] for name in CONTENT_FIELDS},
            "title": plan.title,
            "happened_on": data["happened_on"],
            "organisation": data["organisation"],
            "role": data["role"],
        },
        tags=list(tags.values()),
        mappings={
            (new_ids[ref] if isinstance(ref, tuple) else ref): weight
            for ref, weight in plan.mappings
        },
    )
    stamps = {"archived_at": data["archived_at"]}
    stamps.update({k: data[k] for k in ("created_at", "updated_at") if data[k] is not None})
    Story.objects.filter(pk=story.pk).update(**stamps)
    revisions = StoryRevision.objects.bulk_create(
        StoryRevision(story=story, content=r["content"]) for r in data["revisions"]
    )
    for revision, recorded in zip(revisions, data["revisions"], strict=True):
        revision.created_at = recorded["created_at"]
    StoryRevision.objects.bulk_update(revisions, ["created_at"])


def _write(*, user: User, set_plans: list[_SetPlan], story_plans: list[_StoryPlan]) -> ImportResult:
    result = ImportResult()
    new_ids: dict[tuple[int, str], int] = {}
    position = PrincipleSet.objects.filter(owner=user).count()
    for set_plan in set_plans:
        if set_plan.existing_id is not None:
            result.sets_reused += 1
            continue
        new_ids |= _create_set(user=user, plan=set_plan, position=position)
        position += 1
        result.sets_created += 1
        result.sets_renamed += set_plan.renamed
    for story_plan in story_plans:
        if story_plan.skip:
            result.stories_skipped += 1
            continue
        _create_story(user=user, plan=story_plan, new_ids=new_ids)
        result.stories_created += 1
        result.stories_renamed += story_plan.renamed
    return result


def bank_import(
    *, user: User, data: bytes | str, on_duplicate: OnDuplicate = "skip"
) -> ImportResult:
    """Import a bank file into ``user``'s account: the whole file, or nothing at all.

    The file is validated entirely first; every problem is listed with its place in
    the file and nothing is written. Stories whose title the user already has
    (ignoring case) are skipped or renamed "Title (imported)"; a custom set whose
    slug the user already has is reused (skip) or imported under a new slug (rename).
    """
    if on_duplicate not in DUPLICATE_CHOICES:
        raise ValueError(f"on_duplicate must be one of {DUPLICATE_CHOICES}")
    parsed = parse_bank(data)
    bank = parsed.bank
    if parsed.problems or bank is None:
        return ImportResult(problems=parsed.problems)
    problems = Problems(limit=MAX_PROBLEMS)
    try:
        set_plans = _plan_sets(user=user, sets=bank["principle_sets"], on_duplicate=on_duplicate)
        story_plans = _plan_stories(
            user=user,
            stories=bank["stories"],
            set_plans=set_plans,
            on_duplicate=on_duplicate,
            problems=problems,
        )
    except TooManyProblems:
        problems.items.append(Problem("(file)", f"stopped after {MAX_PROBLEMS} problems"))
    if problems:
        return ImportResult(problems=problems.items)
    try:
        with transaction.atomic():
            return _write(user=user, set_plans=set_plans, story_plans=story_plans)
    except (ValidationError, IntegrityError) as exc:  # a check the file validation missed, a race
        detail = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return ImportResult(problems=[Problem("(file)", f"could not be saved: {detail}")])
