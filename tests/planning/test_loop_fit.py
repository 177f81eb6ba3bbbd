"""Fit: how well a story serves a principle, the numbers the planner maximises."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import pytest

from planning.loop_fit import FitStory, loop_fits, recency_points, story_fit, story_haystack
from planning.matcher import principle_cues
from planning.practice_state import PracticeState
from stories.star.thresholds import STORY_MAX_AGE_DAYS

TODAY = dt.date(2026, 12, 1)


class PrincipleInfo(NamedTuple):
    pk: int
    name: str
    slug: str
    keywords: tuple[str, ...]
    position: int


DIVE = PrincipleInfo(1, "Dive Deep", "dive-deep", ("root cause", "dug into"), 0)
FRUGAL = PrincipleInfo(2, "Frugality", "frugality", ("cut costs", "cheaper"), 1)


def story(pk: int, weights=None, *, score=80, text="We shipped it.", month=None) -> FitStory:
    return FitStory(pk, f"Story {pk}", text, score, month or dt.date(2026, 6, 1), weights or {}, {})


def fit(s: FitStory, principle=DIVE, *, shaky=0, today=TODAY):
    return story_fit(
        s, story_haystack(s), principle.pk, principle_cues(principle), shaky=shaky, today=today
    )


def test_primary_beats_secondary_beats_a_stretch():
    primary = fit(story(1, {1: "primary"}))
    secondary = fit(story(2, {1: "secondary"}))
    stretch = fit(story(3, text="I dug into the root cause of the drop."))
    assert primary.value > secondary.value > stretch.value > 0
    assert (primary.weight, secondary.weight, stretch.weight) == ("primary", "secondary", None)
    assert stretch.stretch and "A stretch: not mapped to it yet" in stretch.reasons


def test_a_story_with_no_mapping_and_no_cue_cannot_serve():
    assert fit(story(1, text="We shipped a dashboard.")) is None


def test_a_higher_score_and_band_fit_better():
    ready = fit(story(1, {1: "primary"}, score=90))
    needs_work = fit(story(2, {1: "primary"}, score=50))
    assert ready.value > needs_work.value


def test_recent_stories_fit_better_and_old_ones_say_so():
    recent = fit(story(1, {1: "primary"}, month=dt.date(2026, 11, 1)))
    old = fit(story(2, {1: "primary"}, month=dt.date(2019, 1, 1)))
    assert recent.value > old.value
    assert "Older than 3 years" in old.reasons
    assert recency_points(None, TODAY) == 0
    assert recency_points(TODAY - dt.timedelta(days=STORY_MAX_AGE_DAYS), TODAY) == 0


def test_shaky_follow_ups_lower_the_fit_down_to_a_floor():
    steady = fit(story(1, {1: "primary"}))
    shaky = fit(story(1, {1: "primary"}), shaky=2)
    assert shaky.value < steady.value
    assert "2 follow-ups marked shaky" in shaky.reasons
    weak = fit(story(1, {1: "secondary"}, score=None, month=dt.date(2010, 1, 1)), shaky=9)
    assert weak.value == pytest.approx(0.1)  # still servable


def test_loop_fits_reads_shakiness_from_the_practice_state():
    bank = [story(1, {1: "primary"}), story(2, {1: "primary"})]
    practice = PracticeState(shaky={1: ("Why that metric?", "What did you do?")})
    fits = loop_fits(bank, [DIVE, FRUGAL], practice=practice, today=TODAY)
    assert set(fits) == {1, 2}
    assert set(fits[1]) == {1}  # Frugality: no mapping, no cue
    assert fits[1][1].value < fits[2][1].value
