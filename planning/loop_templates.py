"""Loops to start from, and how an interviewer whose principles are unknown is planned.

The templates are a typical split, written for Storybank: a recruiter's notes win,
and every loop made from a template can be edited. ``None`` as a slot's principles
means "unknown": Storybank spreads the likely principles over such slots.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SlotTemplate:
    """An interviewer in a template: a label and principle slugs (None: unknown)."""

    label: str
    principles: tuple[str, ...] | None


@dataclass(frozen=True)
class LoopTemplate:
    """A loop to start from."""

    key: str
    name: str
    description: str
    set_slug: str
    slots: tuple[SlotTemplate, ...]


TEMPLATES: tuple[LoopTemplate, ...] = (
    LoopTemplate(
        key="amazon-onsite",
        name="Amazon phone screen + onsite",
        description=(
            "A phone screen, then five onsite interviewers with two principles each; the "
            "bar raiser's principles are left open."
        ),
        set_slug="amazon",
        slots=(
            SlotTemplate("Phone screen", ("customer-obsession", "deliver-results")),
            SlotTemplate("Hiring manager", ("ownership", "have-backbone-disagree-and-commit")),
            SlotTemplate("Peer interviewer", ("dive-deep", "bias-for-action")),
            SlotTemplate("Cross-team partner", ("earn-trust", "invent-and-simplify")),
            SlotTemplate("Senior peer", ("insist-on-the-highest-standards", "think-big")),
            SlotTemplate("Bar raiser", None),
        ),
    ),
    LoopTemplate(
        key="data-scientist",
        name="Data-scientist loop (ML, coding, behavioral)",
        description=(
            "Technical rounds that still ask behavioral questions: ML depth and breadth, "
            "coding, a behavioral round and the bar raiser."
        ),
        set_slug="amazon",
        slots=(
            SlotTemplate("Phone screen", ("customer-obsession", "dive-deep")),
            SlotTemplate("ML depth", ("are-right-a-lot", "insist-on-the-highest-standards")),
            SlotTemplate("ML breadth", ("learn-and-be-curious", "invent-and-simplify")),
            SlotTemplate("Coding", ("bias-for-action", "deliver-results")),
            SlotTemplate("Behavioral", ("ownership", "earn-trust")),
            SlotTemplate("Bar raiser", None),
        ),
    ),
)
TEMPLATES_BY_KEY = {template.key: template for template in TEMPLATES}

#: For a set, the principles interviewers tend to ask first (by slug); principles of a
#: set not named here, or of another set, follow by their number of bank questions.
LIKELY_FIRST: Mapping[str, tuple[str, ...]] = {
    "amazon": (
        "customer-obsession",
        "ownership",
        "dive-deep",
        "deliver-results",
        "bias-for-action",
        "earn-trust",
        "have-backbone-disagree-and-commit",
        "insist-on-the-highest-standards",
        "learn-and-be-curious",
        "invent-and-simplify",
        "are-right-a-lot",
        "think-big",
        "hire-and-develop-the-best",
        "frugality",
        "strive-to-be-earths-best-employer",
        "success-and-scale-bring-broad-responsibility",
    )
}


def likely_order[T](principles: Sequence[T], *, set_slug: str, slug_of, questions_of) -> list[T]:
    """The principles, most likely asked first: the set's known order, then by how many
    bank questions they have, then in the set's order."""
    known = {slug: rank for rank, slug in enumerate(LIKELY_FIRST.get(set_slug, ()))}
    indexed = list(enumerate(principles))
    indexed.sort(
        key=lambda item: (
            known.get(slug_of(item[1]), len(known)),
            -questions_of(item[1]),
            item[0],
        )
    )
    return [principle for _, principle in indexed]


def spread_unknown(
    known: Sequence[Sequence[str] | None], counts: Sequence[int], likely: Sequence[str]
) -> list[list[str]]:
    """Principle keys for every slot: a known slot keeps its own; each unknown one
    (None) gets ``counts[i]`` of the likely keys, those no slot probes yet first (most
    likely first), then the least probed."""
    probed: dict[str, int] = {key: 0 for key in likely}
    for keys in known:
        for key in keys or ():
            probed[key] = probed.get(key, 0) + 1
    rank = {key: index for index, key in enumerate(likely)}
    resolved: list[list[str]] = []
    for keys, count in zip(known, counts, strict=True):
        if keys is not None:
            resolved.append(list(keys))
            continue
        chosen = sorted(likely, key=lambda key: (probed[key], rank[key]))[:count]
        for key in chosen:
            probed[key] += 1
        resolved.append(chosen)
    return resolved
