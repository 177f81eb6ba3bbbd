"""A loop's plan as a page shows it: per interviewer and principle the primary story,
the backup and the other choices, and the clashes and gaps said plainly.

Pure computation over rows already fetched (``selectors.loop_plan``): the fits
(``loop_fit``), the solver (``loop_plan``) and the spreading of unknown principles
(``loop_templates``) meet here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from planning.loop_fit import Fit, FitStory, fit_numbers
from planning.loop_plan import plan_backups, plan_loop
from planning.loop_templates import spread_unknown

#: A story that is the only one for this many planned principles or more is flagged.
LEANED_ON_FROM = 2


@dataclass(frozen=True)
class PrincipleInfo:
    """What the plan needs of a principle."""

    pk: int
    name: str
    slug: str
    keywords: tuple[str, ...] = ()
    position: int = 0  # in the set's order


@dataclass(frozen=True)
class SlotRow:
    """An interviewer as stored: principle pks in the set's order, or None (unknown)."""

    pk: int
    label: str
    order: int
    principles: tuple[int, ...] | None
    unknown_count: int = 2

    @property
    def unknown(self) -> bool:
        return self.principles is None


@dataclass(frozen=True)
class Choice:
    """A story that can serve a cell, with its fit."""

    story: FitStory
    fit: Fit

    @property
    def pk(self) -> int:
        return self.story.pk

    @property
    def title(self) -> str:
        return self.story.title


@dataclass(frozen=True)
class PlannedCell:
    """One principle of one interviewer."""

    slot_pk: int
    principle: PrincipleInfo
    primary: Choice | None
    backup: Choice | None
    pinned: bool
    choices: list[Choice]
    told_elsewhere: Mapping[int, str]  # story pk -> the interviewer it is planned for


@dataclass(frozen=True)
class PlannedSlot:
    """One interviewer and their planned cells."""

    row: SlotRow
    cells: list[PlannedCell]

    @property
    def pk(self) -> int:
        return self.row.pk

    @property
    def label(self) -> str:
        return self.row.label


@dataclass(frozen=True)
class Note:
    """A clash or a gap, said plainly, with the principle and story it is about."""

    kind: str  # "gap", "stretch", "clash", "used", "leaned", "pin"
    text: str
    principle_pk: int | None = None
    story_pk: int | None = None


@dataclass(frozen=True)
class Plan:
    """The whole loop's plan."""

    slots: list[PlannedSlot]
    notes: list[Note] = field(default_factory=list)

    @property
    def cells(self) -> list[PlannedCell]:
        return [cell for slot in self.slots for cell in slot.cells]

    @property
    def planned(self) -> int:
        return sum(1 for cell in self.cells if cell.primary is not None)


#: Choices remembered by ``_choice``, before it starts afresh.
_CHOICES_MAX = 4096
_choices: dict[int, Choice] = {}


def _choice(story: FitStory, fit: Fit) -> Choice:
    """``Choice(story, fit)``, the same object again while ``loop_fits`` hands out the
    same fit (it keeps a story's fits while nothing about it changes): a plan lists
    every story that can serve each cell. Keyed by the fit's identity and checked
    against both objects, which the remembered choice keeps alive."""
    found = _choices.get(id(fit))
    if found is None or found.fit is not fit or found.story is not story:
        if len(_choices) >= _CHOICES_MAX:
            _choices.clear()
        found = _choices[id(fit)] = Choice(story, fit)
    return found


def _plural(count: int, word: str) -> str:
    if count == 1:
        return f"1 {word}"
    return f"{count} {word[:-1]}ies" if word.endswith("y") else f"{count} {word}s"


def _told_to(choices: Sequence[Choice], told: Mapping[int, str]) -> str:
    said = ", ".join(f"'{c.title}' is told to {told[c.pk]}" for c in choices[:2])
    return said or "every story for it is told to another interviewer"


def _weight_word(fit: Fit) -> str:
    return fit.weight if fit.weight else "a stretch"


def resolve_slots(slots: Sequence[SlotRow], principles: Sequence[PrincipleInfo]) -> list[list[str]]:
    """Every slot's principle keys (str pks): its own, or for an unknown one the likely
    principles spread (``principles`` come most likely asked first)."""
    known = {p.pk for p in principles}
    return spread_unknown(
        [
            None if s.principles is None else [str(pk) for pk in s.principles if pk in known]
            for s in slots
        ],
        [s.unknown_count for s in slots],
        [str(p.pk) for p in principles],
    )


def build_plan(
    slots: Sequence[SlotRow],
    principles: Sequence[PrincipleInfo],
    stories: Mapping[int, FitStory],
    fits: Mapping[int, Mapping[int, Fit]],
    pins: Mapping[tuple[int, int], int],
) -> Plan:
    """Solve the loop around the pins and describe it. ``principles`` come most likely
    asked first (unknown interviewers get the likely ones); ``pins`` map (slot pk,
    principle pk) to a story pk; a pin that no longer holds is dropped with a note."""
    by_pk = {p.pk: p for p in principles}
    resolved = resolve_slots(slots, principles)
    numbers = fit_numbers(fits)
    notes: list[Note] = []
    index_of = {slot.pk: index for index, slot in enumerate(slots)}
    held: dict[tuple[int, str], str] = {}
    for (slot_pk, principle_pk), story_pk in pins.items():
        key, story = str(principle_pk), str(story_pk)
        index = index_of.get(slot_pk)
        if index is None or key not in resolved[index]:
            continue
        if key not in numbers.get(story, {}) or story in held.values():
            title = stories[story_pk].title if story_pk in stories else "A pinned story"
            name = by_pk[principle_pk].name
            notes.append(Note("pin", f"'{title}' can no longer serve {name}: its pin is left out."))
            continue
        held[(index, key)] = story
    primaries = plan_loop(resolved, numbers, pins=held)
    backups = plan_backups(resolved, numbers, primaries)

    told: dict[int, str] = {}
    for slot, row in zip(slots, primaries, strict=True):
        for story in row:
            if story is not None:
                told[int(story)] = slot.label

    def choice(story: str | None, principle_pk: int) -> Choice | None:
        if story is None:
            return None
        return _choice(stories[int(story)], fits[int(story)][principle_pk])

    # Per principle, best first: (-fit, title, pk) sorts alone (a story is there once).
    ranked: dict[int, list[tuple[float, str, int, Choice]]] = {}
    for story_pk, row in fits.items():
        story = stories[story_pk]
        title = story.title.lower()
        for principle_pk, fit in row.items():
            ranked.setdefault(principle_pk, []).append(
                (-fit.value, title, story_pk, _choice(story, fit))
            )
    candidates = {
        principle_pk: [c for *_, c in sorted(found)] for principle_pk, found in ranked.items()
    }

    planned_slots = []
    for index, slot in enumerate(slots):
        cells = []
        for position, key in enumerate(resolved[index]):
            principle_pk = int(key)
            primary = choice(primaries[index][position], principle_pk)
            cells.append(
                PlannedCell(
                    slot_pk=slot.pk,
                    principle=by_pk[principle_pk],
                    primary=primary,
                    backup=choice(backups[index][position], principle_pk),
                    pinned=(index, key) in held,
                    choices=candidates.get(principle_pk, []),
                    told_elsewhere={
                        pk: label
                        for pk, label in told.items()
                        if primary is None or pk != primary.pk
                    },
                )
            )
        planned_slots.append(PlannedSlot(slot, cells))
    plan = Plan(planned_slots, notes)
    notes.extend(_notes(plan, candidates, told))
    return plan


def _notes(
    plan: Plan, candidates: Mapping[int, list[Choice]], told: Mapping[int, str]
) -> list[Note]:
    """Clashes and gaps, one note per principle, most pressing first."""
    cells_of: dict[int, list[PlannedCell]] = {}
    for cell in plan.cells:
        cells_of.setdefault(cell.principle.pk, []).append(cell)
    notes: list[Note] = []
    for principle_pk, cells in cells_of.items():
        principle = cells[0].principle
        name = principle.name
        found = candidates.get(principle_pk, [])
        mapped = [c for c in found if c.fit.weight is not None]
        primaries = [c for c in found if c.fit.weight == "primary"]
        filled = [cell.primary for cell in cells if cell.primary is not None]
        empty = [cell for cell in cells if cell.primary is None]
        if not mapped:
            stretch = filled[0] if filled else (found[0] if found else None)
            if stretch is None:
                notes.append(Note("gap", f"No story for {name} yet: write one.", principle_pk))
            else:
                notes.append(
                    Note(
                        "stretch",
                        f"No story for {name}: your best stretch is '{stretch.title}'. "
                        "Map it if it fits, or write one.",
                        principle_pk,
                        stretch.pk,
                    )
                )
            continue
        used = [c for c in mapped if c.pk in told and c not in filled]
        if len(cells) > len(primaries):
            if not primaries:
                text = f"No story shows {name} first (mapped as primary): write one"
            else:
                count = "one story" if len(primaries) == 1 else _plural(len(primaries), "story")
                text = (
                    f"{name} is probed by {_plural(len(cells), 'interviewer')} "
                    f"and you have {count} for it: write one more"
                )
            alternative = next((c for c in filled if c.fit.weight != "primary"), None)
            if alternative is not None:
                text += f", or use '{alternative.title}' ({_weight_word(alternative.fit)})"
            elif empty and used:
                text += f"; {_told_to(used, told)}"
            notes.append(Note("clash", text + ".", principle_pk, alternative and alternative.pk))
        elif empty:
            notes.append(
                Note(
                    "used",
                    f"No story left for {name}: {_told_to(used, told)}. Write one more.",
                    principle_pk,
                )
            )
    notes.sort(key=lambda n: ("gap", "clash", "used", "stretch").index(n.kind))
    return notes + _leaned_on(plan, candidates)


def _leaned_on(plan: Plan, candidates: Mapping[int, list[Choice]]) -> list[Note]:
    """A story that is the only one for several planned principles carries too much."""
    only: dict[int, list[str]] = {}
    titles: dict[int, str] = {}
    seen: set[int] = set()
    for cell in plan.cells:
        if cell.principle.pk in seen:
            continue
        seen.add(cell.principle.pk)
        found = candidates.get(cell.principle.pk, [])
        if len(found) == 1:
            only.setdefault(found[0].pk, []).append(cell.principle.name)
            titles[found[0].pk] = found[0].title
    return [
        Note(
            "leaned",
            f"'{titles[pk]}' is your only story for {' and '.join(names)}: the plan leans on "
            "it, and it can be told once. Write another for one of them.",
            story_pk=pk,
        )
        for pk, names in only.items()
        if len(names) >= LEANED_ON_FROM
    ]
