"""``loop_fits`` remembers per story which principles it can serve, and the fits it
last gave: the fits stay those ``story_fit`` gives one by one, whatever changed since
(the text, a mapping, the score, the date, practice, the principles' cues)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from planning.loop_fit import FitStory, loop_fits, story_fit, story_haystack
from planning.matcher import principle_cues
from planning.practice_state import PracticeState
from tests.planning.test_loop_fit import DIVE, FRUGAL, TODAY, story

NO_PRACTICE = PracticeState()


def one_by_one(stories, principles, *, practice, today):
    found = {}
    for s in stories:
        row = {}
        for p in principles:
            fit = story_fit(
                s,
                story_haystack(s),
                p.pk,
                principle_cues(p),
                shaky=practice.shaky_count(s.pk),
                today=today,
            )
            if fit is not None:
                row[p.pk] = fit
        if row:
            found[s.pk] = row
    return found


def check(stories, principles=(DIVE, FRUGAL), *, practice=NO_PRACTICE, today=TODAY):
    expected = one_by_one(stories, principles, practice=practice, today=today)
    for _ in range(2):  # read afresh, then remembered
        assert loop_fits(stories, principles, practice=practice, today=today) == expected
    return expected


def test_remembered_fits_follow_every_change():
    stories = [
        story(1, {1: "primary"}),
        story(2, {2: "secondary"}, text="I dug into the root cause and cut costs."),
        story(3, text="We shipped a dashboard."),
    ]
    first = check(stories)
    assert set(first) == {1, 2} and set(first[2]) == {1, 2}

    edited = [*stories[:2], dataclasses.replace(stories[2], text="It was cheaper.")]
    assert set(check(edited)) == {1, 2, 3}
    remapped = [dataclasses.replace(stories[0], weights={1: "secondary", 2: "primary"})]
    assert set(check(remapped)[1]) == {1, 2}
    rescored: list[FitStory] = [dataclasses.replace(s, score=40) for s in stories]
    assert check(rescored) != first
    shaky = PracticeState(shaky={1: ("Why?", "How?")})
    assert check(stories, practice=shaky)[1] != first[1]
    assert check(stories, today=TODAY + dt.timedelta(days=900))[1] != first[1]
    cues = DIVE._replace(keywords=("dashboard",))
    assert set(check(stories, (cues, FRUGAL))) == {1, 2, 3}
    assert loop_fits(stories, (DIVE, FRUGAL), practice=NO_PRACTICE, today=TODAY) == first
