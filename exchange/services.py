"""Export a user's whole bank to a dict, and import one: all of it, or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import count
from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from coach.models import FollowUp, FollowUpJob
from planning.models import CoverageTarget, Loop, LoopPin, LoopSlot
from planning.services import coverage_target_set
from practice.models import MockLoop, PracticeRound, ReviewItem
from principles.models import Principle, PrincipleSet
from principles.services import RESERVED_SLUGS, PrincipleData, principle_set_import
from stories.models import CONTENT_FIELDS, TITLE_MAX, Story, StoryRevision
from stories.scoring import heard, key_flags
from stories.services import story_create
from stories.star import check

from . import selectors
from .schema import FORMAT, MAX_PROBLEMS, SET_NAME_MAX, SET_SLUG_MAX, VERSION, parse_bank
from .validation import Path, Problem, Problems, TooManyProblems

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


def _principle_ref(principle: Principle | None, user: User) -> dict[str, Any] | None:
    """How the file names a principle: its set's slug and its own (None for none, and
    for a principle of another user's set, which the app never links to)."""
    if principle is None or principle.principle_set.owner_id not in (None, user.pk):
        return None
    pset = principle.principle_set
    return {"set": pset.slug, "principle": principle.slug, "builtin": pset.is_builtin}


def _local_refs(prefix: str, objects: Iterable[Any]) -> dict[int, str]:
    """``{database id: ref}``: "s1", "s2"... in the order written (no database id leaks)."""
    return {obj.pk: f"{prefix}{n}" for n, obj in enumerate(objects, start=1)}


def _ask_data(job: FollowUpJob, user: User) -> dict[str, Any]:
    return {
        "principle": _principle_ref(job.principle, user),
        "requested_backend": job.requested_backend,
        "backend": job.backend_used or None,
        "model": job.model,
        "status": job.status,
        "error": job.error,
        "fallback_reason": job.fallback_reason,
        "created_at": _iso(job.created_at),
        "finished_at": _iso(job.finished_at),
        "questions": [
            {
                "question": f.question,
                "part": f.part,
                "reason": f.reason,
                "answer": f.answer,
                "rating": f.rating or None,
                "answered_at": _iso(f.answered_at),
            }
            for f in job.followups.all()
        ],
    }


def _round_data(
    practice_round: PracticeRound, user: User, stories: dict[int, str], mocks: dict[int, str]
) -> dict[str, Any]:
    r = practice_round
    return {
        "question": r.question_text,
        "from_question_bank": r.question_id is not None,
        "principle": _principle_ref(r.principle, user),
        "story": stories.get(r.story_id) if r.story_id else None,
        "status": r.status,
        "target_seconds": r.target_seconds,
        "answer": r.answer,
        "seconds_taken": r.seconds_taken,
        "self_rating": r.self_rating,
        "notes": r.notes,
        "mock_loop": mocks.get(r.mock_loop_id) if r.mock_loop_id else None,
        "mock_interviewer": r.mock_interviewer,
        "mock_position": r.mock_position,
        "created_at": _iso(r.created_at),
        "finished_at": _iso(r.finished_at),
        "followups": [_ask_data(job, user) for job in r.followup_jobs.all()],
    }


def _review_data(item: ReviewItem, user: User, stories: dict[int, str]) -> dict[str, Any] | None:
    principle = _principle_ref(item.principle, user)
    if principle is None or item.story_id not in stories:
        return None
    return {
        "story": stories[item.story_id],
        "principle": principle,
        "box": item.box,
        "due_on": item.due_on.isoformat(),
        "last_practised_at": _iso(item.last_practised_at),
    }


def _target_data(target: CoverageTarget | None, user: User) -> dict[str, Any] | None:
    if target is None or target.principle_set.owner_id not in (None, user.pk):
        return None
    return {
        "set": target.principle_set.slug,
        "builtin": target.principle_set.is_builtin,
        "principles": [
            p.slug for p in target.principles.all() if p.principle_set_id == target.principle_set_id
        ],
    }


def _loop_data(loop: Loop, ref: str, stories: dict[int, str]) -> dict[str, Any]:
    def in_set(principle: Principle) -> bool:
        return principle.principle_set_id == loop.principle_set_id

    return {
        "ref": ref,
        "name": loop.name,
        "date": loop.date.isoformat() if loop.date else None,
        "set": loop.principle_set.slug,
        "builtin": loop.principle_set.is_builtin,
        "done_on": loop.done_on.isoformat() if loop.done_on else None,
        "created_at": _iso(loop.created_at),
        "updated_at": _iso(loop.updated_at),
        "slots": [
            {
                "label": slot.label,
                "principles": [
                    p.slug for p in slot.principles.all() if in_set(p) and not slot.unknown
                ],
                "unknown": slot.unknown,
                "unknown_count": slot.unknown_count,
                "pins": [
                    {"principle": pin.principle.slug, "story": stories[pin.story_id]}
                    for pin in slot.pins.all()
                    if in_set(pin.principle) and pin.story_id in stories
                ],
            }
            for slot in loop.slots.all()
        ],
    }


def bank_export(*, user: User) -> dict[str, Any]:
    """Everything the user owns, as a version 2 bank (see exchange/SCHEMA.md): stories,
    own sets, practice rounds, follow-ups, the review schedule, the coverage target and
    interview loops, in a fixed number of queries whatever the bank holds.

    No database ids (objects name each other by refs local to the file), no user
    names, nothing of another user's.
    """
    stories = list(selectors.bank_stories(user=user))
    story_refs = _local_refs("s", stories)
    loops = [
        loop
        for loop in selectors.bank_loops(user=user)
        if loop.principle_set.owner_id in (None, user.pk)
    ]
    loop_refs = _local_refs("l", loops)
    mocks = list(selectors.bank_mock_loops(user=user))
    mock_refs = _local_refs("m", mocks)
    reviews = (_review_data(i, user, story_refs) for i in selectors.bank_review_items(user=user))
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(timezone.now()),
        "principle_sets": [_set_data(s) for s in selectors.custom_sets(user=user)],
        "stories": [
            {
                "ref": story_refs[s.pk],
                **_story_data(s, user),
                "followups": [_ask_data(job, user) for job in s.followup_jobs.all()],
            }
            for s in stories
        ],
        "practice_rounds": [
            _round_data(r, user, story_refs, mock_refs) for r in selectors.bank_rounds(user=user)
        ],
        "mock_loops": [
            {
                "ref": mock_refs[m.pk],
                "name": m.name,
                "loop": loop_refs.get(m.loop_id) if m.loop_id else None,
                "created_at": _iso(m.created_at),
            }
            for m in mocks
        ],
        "review_items": [item for item in reviews if item is not None],
        "coverage_target": _target_data(selectors.bank_coverage_target(user=user), user),
        "loops": [_loop_data(loop, loop_refs[loop.pk], story_refs) for loop in loops],
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
    rounds_created: int = 0
    questions_created: int = 0  # follow-up questions, on stories and in rounds
    review_items_created: int = 0
    loops_created: int = 0
    mock_loops_created: int = 0
    #: Rounds, follow-up asks, loops, rehearsals and review items already in the account.
    already_there: int = 0
    #: "set": the file's coverage target is now the user's; "kept": the user's stayed.
    coverage_target: Literal["", "set", "kept"] = ""

    @property
    def ok(self) -> bool:
        """True when the import was written."""
        return not self.problems

    def summary(self) -> str:
        """One or two sentences for the user: "Imported 3 stories, skipped 1 ..."."""
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
        text += ("; " + ", ".join(sets) if sets else "") + "."
        return text + self._activity()

    def _activity(self) -> str:
        """The version 2 part: practice, follow-ups, schedule, loops and the target."""
        counts = [
            (self.rounds_created, "practice round", "practice rounds"),
            (self.questions_created, "follow-up question", "follow-up questions"),
            (self.review_items_created, "review item", "review items"),
            (self.loops_created, "interview loop", "interview loops"),
            (self.mock_loops_created, "loop rehearsal", "loop rehearsals"),
        ]
        parts = [_count(n, one, many) for n, one, many in counts if n]
        if self.coverage_target == "set":
            parts.append("your coverage target")
        text = f" Also imported {_and(parts)}." if parts else ""
        if self.already_there:
            text += f" Left out {self.already_there} already in your account."
        if self.coverage_target == "kept":
            text += " Kept your own coverage target."
        return text


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


#: A principle to map: its id, or (index of a set created by this import, principle slug).
Ref = int | tuple[int, str]


@dataclass(frozen=True)
class _NewSet:
    """A principle set this import creates: its place in the file's principle_sets."""

    index: int


#: A principle set: its id, or one this import creates.
SetRef = int | _NewSet


@dataclass
class _SetPlan:
    index: int
    data: dict[str, Any]
    slug: str
    name: str
    existing_id: int | None = None
    renamed: bool = False


@dataclass
class _AskPlan:
    data: dict[str, Any]
    principle: Ref | None


@dataclass
class _StoryPlan:
    data: dict[str, Any]
    title: str
    skip: bool = False
    renamed: bool = False
    mappings: list[tuple[Ref, str]] = field(default_factory=list)
    same_as: int | None = None  # skipped: the user's story with this title
    first: int | None = None  # skipped: the earlier story of the file with this title
    asks: list[_AskPlan] = field(default_factory=list)


@dataclass
class _RoundPlan:
    data: dict[str, Any]
    principle: Ref | None
    asks: list[_AskPlan]
    skip: bool = False


@dataclass
class _LoopPlan:
    data: dict[str, Any]
    principle_set: SetRef | None
    slots: list[list[Ref]]  # each interviewer's principles
    pins: list[list[tuple[Ref, str]]]  # each interviewer's (principle, story ref)
    existing_id: int | None = None  # skipped: this loop is in the account already


@dataclass
class _MockPlan:
    data: dict[str, Any]
    existing_id: int | None = None  # skipped: this rehearsal is in the account already


@dataclass
class _TargetPlan:
    principle_set: SetRef | None
    principles: list[Ref]


@dataclass
class _Plan:
    """Everything the import will write, every reference resolved."""

    sets: list[_SetPlan]
    stories: list[_StoryPlan]
    rounds: list[_RoundPlan] = field(default_factory=list)
    mocks: list[_MockPlan] = field(default_factory=list)
    reviews: list[tuple[dict[str, Any], Ref | None]] = field(default_factory=list)
    target: _TargetPlan | None = None
    loops: list[_LoopPlan] = field(default_factory=list)


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
    path: Path,
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


@dataclass
class _Lookup:
    """What the file's principles and sets are looked up in, and where problems go."""

    ids: dict[tuple[bool, str, str], int]
    file_sets: dict[str, _SetPlan]
    own_sets: dict[str, int]
    builtin_sets: dict[str, int]
    problems: Problems

    def principle(self, ref: dict[str, Any] | None, path: Path) -> Ref | None:
        """The principle a reference names (None: none named, or a problem recorded)."""
        if ref is None:
            return None
        return _resolve(ref, path, ids=self.ids, file_sets=self.file_sets, problems=self.problems)

    def in_set(self, owner: dict[str, Any], slug: str, path: Path) -> Ref | None:
        """A principle named by its slug alone, in the set ``owner`` names."""
        ref = {"builtin": owner["builtin"], "set": owner["set"], "principle": slug}
        return self.principle(ref, path)

    def principle_set(self, owner: dict[str, Any], path: Path) -> SetRef | None:
        """The set an object (a loop, the coverage target) names, or None with a problem."""
        slug = owner["set"]
        if owner["builtin"]:
            found = self.builtin_sets.get(slug)
            if found is None:
                self.problems.add(path, f'built-in principle set "{slug}" does not exist')
            return found
        plan = self.file_sets.get(slug)
        if plan is not None:
            return plan.existing_id if plan.existing_id is not None else _NewSet(plan.index)
        found = self.own_sets.get(slug)
        if found is None:
            self.problems.add(
                path, f'principle set "{slug}" does not exist in this file or in your own sets'
            )
        return found

    def asks(self, asks: list[dict[str, Any]], path: Path) -> list[_AskPlan]:
        return [
            _AskPlan(ask, self.principle(ask["principle"], (*path, k, "principle")))
            for k, ask in enumerate(asks)
        ]


def _plan_stories(
    *,
    user: User,
    stories: list[dict[str, Any]],
    lookup: _Lookup,
    on_duplicate: OnDuplicate,
) -> list[_StoryPlan]:
    """Which stories to create (under which title), which to skip, and their principles."""
    existing = selectors.story_ids_by_title(user=user)
    taken = set(existing) | {s["title"].casefold() for s in stories}
    seen: dict[str, int] = {}  # title -> the first story of the file with it
    plans = []
    for i, data in enumerate(stories):
        plan = _StoryPlan(data, data["title"])
        title = data["title"].casefold()
        if on_duplicate == "skip" and title in existing:
            plan.skip, plan.same_as = True, existing[title]
        elif on_duplicate == "skip" and title in seen:
            # A repeat inside the file is imported once, the first time.
            plan.skip, plan.first = True, seen[title]
        elif title in existing:  # and on_duplicate == "rename"
            plan.title, plan.renamed = _new_title(data["title"], taken), True
            taken.add(plan.title.casefold())
        seen.setdefault(title, i)
        for j, mapping in enumerate(data["principles"]):
            ref = lookup.principle(mapping, ("stories", i, "principles", j))
            if ref is not None:
                plan.mappings.append((ref, mapping["weight"]))
        plan.asks = lookup.asks(data["followups"], ("stories", i, "followups"))
        plans.append(plan)
    return plans


def _plan_loops(
    *, user: User, loops: list[dict[str, Any]], lookup: _Lookup, skip: bool
) -> list[_LoopPlan]:
    """Each loop's set, interviewers' principles and pins; under skip, which loops the
    account already has (same name and same creation time)."""
    existing = selectors.loop_keys(user=user) if skip else {}
    plans = []
    for i, data in enumerate(loops):
        path = ("loops", i)
        plan = _LoopPlan(data, lookup.principle_set(data, (*path, "set")), [], [])
        plan.existing_id = existing.get((data["name"], data["created_at"]))
        for j, slot in enumerate(data["slots"]):
            where = (*path, "slots", j)
            principles = [
                lookup.in_set(data, slug, (*where, "principles", k))
                for k, slug in enumerate(slot["principles"])
            ]
            plan.slots.append([p for p in principles if p is not None])
            pins = []
            for k, pin in enumerate(slot["pins"]):
                principle = lookup.in_set(data, pin["principle"], (*where, "pins", k, "principle"))
                if principle is not None:
                    pins.append((principle, pin["story"]))
            plan.pins.append(pins)
        plans.append(plan)
    return plans


def _plan_activity(
    *, user: User, bank: dict[str, Any], plan: _Plan, lookup: _Lookup, skip: bool
) -> None:
    """Version 2's sections: practice, rehearsals, the schedule, the target, loops."""
    rounds = selectors.round_keys(user=user) if skip else set()
    for i, data in enumerate(bank["practice_rounds"]):
        path = ("practice_rounds", i)
        plan.rounds.append(
            _RoundPlan(
                data,
                lookup.principle(data["principle"], (*path, "principle")),
                lookup.asks(data["followups"], (*path, "followups")),
                skip=(data["question"], data["created_at"]) in rounds,
            )
        )
    mocks = selectors.mock_loop_ids(user=user) if skip else {}
    plan.mocks = [_MockPlan(m, mocks.get((m["name"], m["created_at"]))) for m in bank["mock_loops"]]
    plan.reviews = [
        (item, lookup.principle(item["principle"], ("review_items", i, "principle")))
        for i, item in enumerate(bank["review_items"])
    ]
    target = bank["coverage_target"]
    if target is not None:
        plan.target = _TargetPlan(
            lookup.principle_set(target, ("coverage_target", "set")),
            [
                ref
                for k, slug in enumerate(target["principles"])
                if (ref := lookup.in_set(target, slug, ("coverage_target", "principles", k)))
                is not None
            ],
        )
    plan.loops = _plan_loops(user=user, loops=bank["loops"], lookup=lookup, skip=skip)


def _plan(*, user: User, bank: dict[str, Any], on_duplicate: OnDuplicate) -> _Plan | list[Problem]:
    """Resolve every reference of the file against the account, or list the problems."""
    problems = Problems(limit=MAX_PROBLEMS)
    set_plans = _plan_sets(user=user, sets=bank["principle_sets"], on_duplicate=on_duplicate)
    lookup = _Lookup(
        ids=selectors.principle_ids(user=user),
        file_sets={p.data["slug"]: p for p in set_plans},
        own_sets=selectors.set_slugs(user=user),
        builtin_sets=selectors.builtin_set_ids(),
        problems=problems,
    )
    try:
        plan = _Plan(
            set_plans,
            _plan_stories(
                user=user, stories=bank["stories"], lookup=lookup, on_duplicate=on_duplicate
            ),
        )
        _plan_activity(user=user, bank=bank, plan=plan, lookup=lookup, skip=on_duplicate == "skip")
    except TooManyProblems:
        problems.items.append(Problem("(file)", f"stopped after {MAX_PROBLEMS} problems"))
    return problems.items if problems else plan


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


def _create_story(*, user: User, plan: _StoryPlan, new_ids: dict[tuple[int, str], int]) -> int:
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
    return story.pk


def _restore_created_at[M: Model](
    model: type[M], rows: list[M], stamps: list[dt.datetime | None]
) -> None:
    """Put back the recorded creation times (``auto_now_add`` wrote the time of import)."""
    changed = []
    for row, stamp in zip(rows, stamps, strict=True):
        if stamp is not None:
            row.created_at = stamp  # type: ignore[attr-defined]
            changed.append(row)
    if changed:
        model._default_manager.bulk_update(changed, ["created_at"])


class _Writer:
    """Writes a plan's rows, turning the file's refs into the new (or kept) rows' ids."""

    def __init__(self, *, user: User, plan: _Plan, result: ImportResult) -> None:
        self.user, self.plan, self.result = user, plan, result
        self.new_ids: dict[tuple[int, str], int] = {}
        self.story_ids: list[int] = []
        self.story_refs: dict[str, int] = {}
        self.set_ids: dict[int, int] = {}
        self.loop_refs: dict[str, int] = {}
        self.mock_refs: dict[str, int] = {}
        self.asked: set[tuple[int, dt.datetime]] = set()
        self.jobs: list[tuple[FollowUpJob, _AskPlan, int | None]] = []  # job, ask, round id

    def pk(self, ref: Ref | None) -> int:
        """A principle's id (a reference left unresolved stopped the import earlier)."""
        if ref is None:
            raise ValueError("an unresolved principle reached the writer")
        return self.new_ids[ref] if isinstance(ref, tuple) else ref

    def set_pk(self, ref: SetRef | None) -> int:
        """A principle set's id (as for ``pk``)."""
        if ref is None:
            raise ValueError("an unresolved principle set reached the writer")
        return self.set_ids[ref.index] if isinstance(ref, _NewSet) else ref

    def story(self, ref: str | None) -> int | None:
        return None if ref is None else self.story_refs[ref]

    def sets(self) -> None:
        position = PrincipleSet.objects.filter(owner=self.user).count()
        for set_plan in self.plan.sets:
            if set_plan.existing_id is not None:
                self.result.sets_reused += 1
                continue
            self.new_ids |= _create_set(user=self.user, plan=set_plan, position=position)
            position += 1
            self.result.sets_created += 1
            self.result.sets_renamed += set_plan.renamed
        slugs = selectors.set_slugs(user=self.user)
        self.set_ids = {p.index: slugs[p.slug] for p in self.plan.sets if p.existing_id is None}

    def stories(self) -> None:
        for story_plan in self.plan.stories:
            if story_plan.same_as is not None:
                self.story_ids.append(story_plan.same_as)
            elif story_plan.first is not None:
                self.story_ids.append(self.story_ids[story_plan.first])
            else:
                self.story_ids.append(
                    _create_story(user=self.user, plan=story_plan, new_ids=self.new_ids)
                )
                self.result.stories_created += 1
                self.result.stories_renamed += story_plan.renamed
                continue
            self.result.stories_skipped += 1
        for story_plan, pk in zip(self.plan.stories, self.story_ids, strict=True):
            if story_plan.data["ref"] is not None:
                self.story_refs[story_plan.data["ref"]] = pk

    def job(self, ask: _AskPlan, *, story_id: int | None, answer: tuple[str, str]) -> FollowUpJob:
        data = ask.data
        return FollowUpJob(
            owner=self.user,
            story_id=story_id,
            answer_question=answer[0],
            answer_text=answer[1],
            principle_id=None if ask.principle is None else self.pk(ask.principle),
            requested_backend=data["requested_backend"],
            status=data["status"],
            backend_used=data["backend"] or "",
            model=data["model"],
            error=data["error"],
            fallback_reason=data["fallback_reason"],
            finished_at=data["finished_at"],
        )

    def story_asks(self, *, skip: bool) -> None:
        self.asked = selectors.story_ask_keys(user=self.user) if skip else set()
        for story_plan, story_id in zip(self.plan.stories, self.story_ids, strict=True):
            for ask in story_plan.asks:
                key = (story_id, ask.data["created_at"])
                if ask.data["created_at"] is not None and key in self.asked:
                    self.result.already_there += 1
                    continue
                self.asked.add(key)
                job = self.job(ask, story_id=story_id, answer=("", ""))
                self.jobs.append((job, ask, None))

    def loops(self) -> None:
        for loop_plan in self.plan.loops:
            data = loop_plan.data
            if loop_plan.existing_id is not None:
                pk = loop_plan.existing_id
                self.result.already_there += 1
            else:
                pk = self._create_loop(loop_plan)
                self.result.loops_created += 1
            if data["ref"] is not None:
                self.loop_refs[data["ref"]] = pk

    def _create_loop(self, plan: _LoopPlan) -> int:
        data = plan.data
        loop = Loop.objects.create(
            owner=self.user,
            name=data["name"],
            date=data["date"],
            principle_set_id=self.set_pk(plan.principle_set),
            done_on=data["done_on"],
        )
        stamps = {k: data[k] for k in ("created_at", "updated_at") if data[k] is not None}
        if stamps:
            Loop.objects.filter(pk=loop.pk).update(**stamps)
        slots = LoopSlot.objects.bulk_create(
            LoopSlot(
                loop=loop,
                label=slot["label"],
                order=order,
                unknown=slot["unknown"],
                unknown_count=slot["unknown_count"],
            )
            for order, slot in enumerate(data["slots"])
        )
        through = LoopSlot.principles.through
        LoopSlot.principles.through.objects.bulk_create(
            through(loopslot_id=slot.pk, principle_id=self.pk(ref))
            for slot, refs in zip(slots, plan.slots, strict=True)
            for ref in refs
        )
        pins, cells, stories = [], set(), set()
        for slot, slot_pins in zip(slots, plan.pins, strict=True):
            for principle_ref, story_ref in slot_pins:
                principle, story = self.pk(principle_ref), self.story_refs[story_ref]
                # Two refs may name one kept story (skip): one pin per cell and per story.
                if (slot.pk, principle) in cells or story in stories:
                    continue
                cells.add((slot.pk, principle))
                stories.add(story)
                pins.append(LoopPin(loop=loop, slot=slot, principle_id=principle, story_id=story))
        LoopPin.objects.bulk_create(pins)
        return loop.pk

    def mocks(self) -> None:
        new = []
        for mock_plan in self.plan.mocks:
            data = mock_plan.data
            if mock_plan.existing_id is not None:
                self.result.already_there += 1
                if data["ref"] is not None:
                    self.mock_refs[data["ref"]] = mock_plan.existing_id
                continue
            loop = data["loop"]
            row = MockLoop(
                user=self.user,
                name=data["name"],
                loop_id=None if loop is None else self.loop_refs[loop],
            )
            new.append((row, data))
        rows = MockLoop.objects.bulk_create(row for row, _ in new)
        _restore_created_at(MockLoop, rows, [data["created_at"] for _, data in new])
        for row, data in new:
            if data["ref"] is not None:
                self.mock_refs[data["ref"]] = row.pk
        self.result.mock_loops_created += len(rows)

    def rounds(self) -> None:
        new = [p for p in self.plan.rounds if not p.skip]
        self.result.already_there += len(self.plan.rounds) - len(new)
        from_bank = [p for p in new if p.data["from_question_bank"] and p.principle is not None]
        questions = selectors.bank_question_ids(  # to link each round to its question again
            principle_ids={self.pk(p.principle) for p in from_bank},
            texts={p.data["question"] for p in from_bank},
        )
        rows = []
        for round_plan in new:
            data = round_plan.data
            principle = None if round_plan.principle is None else self.pk(round_plan.principle)
            mock = data["mock_loop"]
            row = PracticeRound(
                user=self.user,
                principle_id=principle,
                question_id=questions.get((principle, data["question"]))
                if data["from_question_bank"] and principle is not None
                else None,
                question_text=data["question"],
                story_id=self.story(data["story"]),
                status=data["status"],
                target_seconds=data["target_seconds"],
                answer=data["answer"],
                seconds_taken=data["seconds_taken"],
                self_rating=data["self_rating"],
                notes=data["notes"],
                mock_loop_id=None if mock is None else self.mock_refs[mock],
                mock_interviewer=data["mock_interviewer"],
                mock_position=data["mock_position"],
                finished_at=data["finished_at"],
            )
            if data["answer"].strip():  # checked again, as answering in the app does
                report = check(text=data["answer"])
                row.star_score = report.score
                row.star_flags = key_flags(report)
                row.star_heard = heard(report)
            rows.append(row)
        rows = PracticeRound.objects.bulk_create(rows)
        _restore_created_at(PracticeRound, rows, [p.data["created_at"] for p in new])
        self.result.rounds_created += len(rows)
        for row, round_plan in zip(rows, new, strict=True):
            for ask in round_plan.asks:
                job = self.job(ask, story_id=None, answer=(row.question_text, row.answer))
                self.jobs.append((job, ask, row.pk))

    def write_jobs(self) -> None:
        """Every follow-up ask at once, then their questions and the rounds' links."""
        jobs = FollowUpJob.objects.bulk_create(job for job, _, _ in self.jobs)
        _restore_created_at(FollowUpJob, jobs, [ask.data["created_at"] for _, ask, _ in self.jobs])
        questions = FollowUp.objects.bulk_create(
            FollowUp(
                job=job,
                story_id=job.story_id,
                position=position,
                question=q["question"],
                part=q["part"],
                reason=q["reason"],
                answer=q["answer"],
                rating=q["rating"] or "",
                answered_at=q["answered_at"],
            )
            for job, (_, ask, _) in zip(jobs, self.jobs, strict=True)
            for position, q in enumerate(ask.data["questions"], start=1)
        )
        self.result.questions_created += len(questions)
        through = PracticeRound.followup_jobs.through
        through.objects.bulk_create(
            through(practiceround_id=round_id, followupjob_id=job.pk)
            for job, (_, _, round_id) in zip(jobs, self.jobs, strict=True)
            if round_id is not None
        )

    def reviews(self) -> None:
        pairs = selectors.review_pairs(user=self.user)
        rows = []
        for data, principle_ref in self.plan.reviews:
            story = self.story_refs[data["story"]]
            pair = (story, self.pk(principle_ref))
            if pair in pairs:  # kept as it is in the account (or earlier in this file)
                self.result.already_there += 1
                continue
            pairs.add(pair)
            rows.append(
                ReviewItem(
                    user=self.user,
                    story_id=pair[0],
                    principle_id=pair[1],
                    box=data["box"],
                    due_on=data["due_on"],
                    last_practised_at=data["last_practised_at"],
                )
            )
        self.result.review_items_created += len(ReviewItem.objects.bulk_create(rows))

    def target(self) -> None:
        plan = self.plan.target
        if plan is None:
            return
        if selectors.has_coverage_target(user=self.user):
            self.result.coverage_target = "kept"
            return
        coverage_target_set(
            user=self.user,
            principle_set=PrincipleSet.objects.get(pk=self.set_pk(plan.principle_set)),
            principles=list(
                Principle.objects.filter(pk__in=[self.pk(ref) for ref in plan.principles])
            ),
        )
        self.result.coverage_target = "set"


def _write(*, user: User, plan: _Plan, on_duplicate: OnDuplicate) -> ImportResult:
    """Write a resolved plan (inside the caller's transaction)."""
    result = ImportResult()
    writer = _Writer(user=user, plan=plan, result=result)
    writer.sets()
    writer.stories()
    writer.story_asks(skip=on_duplicate == "skip")
    writer.loops()
    writer.mocks()
    writer.rounds()
    writer.write_jobs()
    writer.reviews()
    writer.target()
    return result


def bank_import(
    *, user: User, data: bytes | str, on_duplicate: OnDuplicate = "skip"
) -> ImportResult:
    """Import a bank file (version 1 or 2) into ``user``'s account: the whole file, or
    nothing at all.

    The file is validated entirely first; every problem is listed with its place in
    the file and nothing is written. Stories whose title the user already has
    (ignoring case), or that an earlier story of the file has, are skipped, or renamed
    "Title (imported)" when the user has it; a custom set whose slug the user already
    has is reused (skip) or imported under a new slug (rename). Under skip, rounds,
    follow-up asks, loops, rehearsals and review items the account already has are
    left out; references to a skipped story lead to the story kept.
    """
    if on_duplicate not in DUPLICATE_CHOICES:
        raise ValueError(f"on_duplicate must be one of {DUPLICATE_CHOICES}")
    parsed = parse_bank(data)
    bank = parsed.bank
    if parsed.problems or bank is None:
        return ImportResult(problems=parsed.problems)
    plan = _plan(user=user, bank=bank, on_duplicate=on_duplicate)
    if isinstance(plan, list):
        return ImportResult(problems=plan)
    try:
        with transaction.atomic():
            return _write(user=user, plan=plan, on_duplicate=on_duplicate)
    except (ValidationError, IntegrityError, DataError) as exc:  # a check missed, a race
        detail = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return ImportResult(problems=[Problem("(file)", f"could not be saved: {detail}")])
