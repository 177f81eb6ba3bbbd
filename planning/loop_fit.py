"""How well each story fits each principle of a loop: the numbers the planner maximises.

A story's fit for a principle adds (constants below, the matcher's own points reused):
- the mapping, primary beating secondary, and the principle's signal cues found in the
  story (``matcher.principle_points``); a story with neither cannot serve the principle;
  one with cues but no mapping is a *stretch* and counts half of them;
- the stored STAR score (``matcher.score_points``) and a step for its band;
- recency: a story from this month gets the most, one older than the checker's age
  limit (``STORY_MAX_AGE_DAYS``) none;
- practice: each follow-up marked shaky takes points off, up to a cap.

Pure computation over rows already fetched, so a page's query count does not grow
with the bank.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from planning.matcher import (
    MIN_POINTS,
    Cues,
    haystack,
    principle_cues,
    principle_points,
    score_points,
    stems,
)
from planning.practice_state import PracticeState
from stories.star.bands import NEEDS_WORK, READY, SOLID, band_for
from stories.star.thresholds import STORY_MAX_AGE_DAYS

#: Points for the story's band, on top of its score.
BAND_POINTS = {READY.key: 1.0, SOLID.key: 0.5, NEEDS_WORK.key: 0.0}
#: Points for a story from this month, falling to 0 at the age limit.
MAX_RECENCY_POINTS = 1.0
#: Points off per follow-up marked shaky, and the most taken off.
POINTS_PER_SHAKY = 0.75
MAX_SHAKY_PENALTY = 2.25
#: A stretch (cues, no mapping) counts this share of its cue points: a mapped story wins.
STRETCH_SHARE = 0.5
#: A story that can serve a principle keeps at least this fit, so it is still planned.
MIN_FIT = 0.1


@dataclass(frozen=True)
class FitStory:
    """What the fit needs of a story."""

    pk: int
    title: str
    text: str
    score: int | None
    happened_on: dt.date | None
    weights: Mapping[int, str]  # principle pk -> "primary" / "secondary"
    parts: Mapping[str, str] = field(default_factory=dict)  # situation, task, ... by name


@dataclass(frozen=True)
class Fit:
    """A story's fit for one principle, and why."""

    value: float
    weight: str | None  # None: a stretch (cues, no mapping)
    reasons: tuple[str, ...]

    @property
    def stretch(self) -> bool:
        return self.weight is None


def recency_points(happened_on: dt.date | None, today: dt.date) -> float:
    """Most for a story from this month, none for one past the age limit or undated."""
    if happened_on is None:
        return 0.0
    age = max(0, (today - happened_on).days)
    return MAX_RECENCY_POINTS * max(0.0, 1 - age / STORY_MAX_AGE_DAYS)


def shaky_penalty(shaky: int) -> float:
    """Points off for follow-ups marked shaky."""
    return min(MAX_SHAKY_PENALTY, POINTS_PER_SHAKY * shaky)


#: Why a story past the age limit gains nothing for recency.
_TOO_OLD = f"Older than {STORY_MAX_AGE_DAYS // 365} years"


@dataclass(frozen=True)
class StoryPoints:
    """The part of a story's fit that is the same for every principle: its score and
    band, its recency and its shaky follow-ups, with the reasons."""

    points: float
    reasons: tuple[str, ...]


def story_points(story: FitStory, *, shaky: int, today: dt.date) -> StoryPoints:
    """What the story brings to any principle it can serve."""
    return _story_points(story.score, story.happened_on, shaky, today)


@lru_cache(maxsize=4096)
def _story_points(
    score: int | None, happened_on: dt.date | None, shaky: int, today: dt.date
) -> StoryPoints:
    """``story_points`` by what it reads, remembered: the same object comes back for the
    same story on the same day, so ``loop_fits`` knows at once its fits still hold."""
    points, reasons = 0.0, []
    if score is not None:
        points += score_points(score) + BAND_POINTS[band_for(score).key]
    recency = recency_points(happened_on, today)
    points += recency
    if happened_on is not None and recency == 0:
        reasons.append(_TOO_OLD)
    if shaky:
        points -= shaky_penalty(shaky)
        reasons.append(f"{shaky} follow-up{'s' if shaky != 1 else ''} marked shaky")
    return StoryPoints(points, tuple(reasons))


def _fit(weight: str | None, text_stems: str, cues: Cues, own: StoryPoints) -> Fit | None:
    points, shown = _principle_points(text_stems, cues, weight)
    if points < MIN_POINTS:
        return None
    return _with_own(weight, points, shown, own)


def _with_own(weight: str | None, points: float, shown: tuple[str, ...], own: StoryPoints) -> Fit:
    """The fit from a principle's points (at least ``MIN_POINTS``) and the story's own."""
    if weight is None:
        reasons = (*shown, "A stretch: not mapped to it yet", *own.reasons)
        points *= STRETCH_SHARE
    else:
        reasons = (*shown[1:], *own.reasons)  # the page shows the mapping itself
    return Fit(round(max(MIN_FIT, points + own.points), 3), weight, reasons)


def story_fit(
    story: FitStory,
    text_stems: str,
    principle_pk: int,
    cues: Cues,
    *,
    shaky: int,
    today: dt.date,
) -> Fit | None:
    """The story's fit for the principle (its pk and ``matcher.principle_cues``), given
    the story's ``matcher.haystack``; None when it cannot serve it."""
    own = story_points(story, shaky=shaky, today=today)
    return _fit(story.weights.get(principle_pk), text_stems, cues, own)


@lru_cache(maxsize=8192)
def _principle_points(
    text_stems: str, cues: Cues, weight: str | None
) -> tuple[float, tuple[str, ...]]:
    """``matcher.principle_points``, remembered: a story's text and a principle's cues
    change far less often than a plan is drawn."""
    points, reasons = principle_points(text_stems, cues, weight)
    return points, tuple(reasons)


@lru_cache(maxsize=2048)
def _haystack(title: str, text: str) -> str:
    return haystack(stems(f"{title} {text}"))


def story_haystack(story: FitStory) -> str:
    """The story's stems as the cue search reads them (remembered per text)."""
    return _haystack(story.title, story.text)


#: Stories remembered per set of principles by ``_servable`` (for the 8 sets used last),
#: before it starts afresh: a few times what ``_haystack`` keeps, whose texts it shares.
_SERVABLE_MAX = 1024

#: The principles a story can serve (pk, weight, the principle's points and reasons).
Servable = tuple[tuple[int, str | None, float, tuple[str, ...]], ...]
#: What ``_servable`` remembers of a story: that, and the fits it last gave with the
#: story's own points then.
Served = tuple[Servable, StoryPoints | None, tuple[tuple[int, Fit], ...]]


@lru_cache(maxsize=8)
def _servable(
    cues: tuple[tuple[int, Cues], ...],
) -> dict[tuple[str, tuple[str | None, ...]], Served]:
    """For these principles (pk and cues): a story's text and weights -> what it can
    serve (filled as stories are read). Most of a loop's (story, principle) pairs cannot
    serve, and a loop's page reads every story on each view."""
    return {}


def loop_fits(
    stories: Iterable[FitStory],
    principles: Sequence[object],
    *,
    practice: PracticeState,
    today: dt.date,
) -> dict[int, dict[int, Fit]]:
    """story pk -> {principle pk: fit} for every principle the story can serve."""
    cues = tuple((getattr(p, "pk", 0), principle_cues(p)) for p in principles)
    known = _servable(cues)
    pks = [pk for pk, _ in cues]
    fits: dict[int, dict[int, Fit]] = {}
    for story in stories:
        text_stems = story_haystack(story)
        key = (text_stems, tuple(map(story.weights.get, pks)))
        entry = known.get(key)
        if entry is None:
            if len(known) >= _SERVABLE_MAX:
                known.clear()
            servable = tuple(
                (pk, weight, points, shown)
                for (pk, cue), weight in zip(cues, key[1], strict=True)
                for points, shown in [_principle_points(text_stems, cue, weight)]
                if points >= MIN_POINTS
            )
            entry = known[key] = (servable, None, ())
        servable, last_own, row = entry
        if not servable:
            continue
        own = story_points(story, shaky=practice.shaky_count(story.pk), today=today)
        if own is not last_own and own != last_own:  # replaced whole: safe between threads
            row = tuple((pk, _with_own(w, points, shown, own)) for pk, w, points, shown in servable)
            known[key] = (servable, own, row)
        fits[story.pk] = dict(row)
    return fits


def fit_numbers(fits: Mapping[int, Mapping[int, Fit]]) -> dict[str, dict[str, float]]:
    """The fits as ``plan_loop`` takes them: string ids, plain numbers."""
    return {
        str(story): {str(principle): fit.value for principle, fit in row.items()}
        for story, row in fits.items()
    }
