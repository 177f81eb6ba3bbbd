"""Property tests: any input gives a valid report, never an exception."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stories.star import PrincipleCues, StarReport, check, suggest_principles

PARTS = ("situation", "task", "action", "result", "reflection")
KINDS = {"quantity", "we", "i", "vague", "hedge", "passive"}
BIG = 100_000

# Words and fragments that exercise the checks, mixed with arbitrary text.
TOKENS = [
    "I", "we", "our", "us", "US", "i.e.", "I'm", "was", "were", "implemented", "decided",
    "by me", "it", "kind of", "what kind of", "I would", "every week", "significantly",
    "aligned stakeholders", "best practices", "40%", "$2M", "\u20ac1.5bn", "2x",
    "from 40 to 12 minutes", "in 2021", "Python 3.11", "v2.3.1", "one of the", "team of 6",
    "March 3", "10:30", "3pm", "doubled", "a dozen", "twenty five", "two years ago", "24/7",
    "Q3", "COVID-19", "Situation:", "Task:", "Action:", "Result:", "Reflection:",
    "As a result", "Looking back", "My task was", "First,", ".", "!", "?", ",", "\n", "-",
    "\u2014", "'", "\u2019", "\"", "\u0130", "\U0001f600", "e.g.", "...", "1,000", "3.5", "#1",
    "top 5%",
]  # fmt: skip
wordy = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=8)), max_size=60).map(" ".join)
any_text = st.one_of(st.text(), wordy)


def assert_valid(report: StarReport) -> None:
    assert isinstance(report.score, int)
    assert 0 <= report.score <= 100
    assert 100 + sum(points for _, points, _ in report.score_breakdown) == report.score
    assert 0.0 <= report.split_confidence <= 1.0
    assert set(report.parts) == set(PARTS)
    for finding in report.findings:
        assert finding.severity in ("ok", "info", "warn", "error")
        assert finding.part in (*PARTS, "story")
        text = report.parts.get(finding.part, "")
        for start, end in finding.spans:
            assert 0 <= start < end <= len(text)
    for part in PARTS:
        text = report.parts[part]
        previous_end = 0
        for start, end, kind in report.highlights(part):
            assert kind in KINDS
            assert previous_end <= start < end <= len(text)
            previous_end = end
    for quantity, part, (start, end) in report.metrics["quantities"]:
        assert report.parts[part][start:end] == quantity
    assert set(report.missing_parts) <= set(PARTS)
    json.dumps(report.to_dict())


@settings(max_examples=200, deadline=None)
@given(situation=any_text, task=any_text, action=any_text, result=any_text, reflection=any_text)
def test_any_parts_give_a_valid_report(
    situation: str, task: str, action: str, result: str, reflection: str
) -> None:
    assert_valid(
        check(situation=situation, task=task, action=action, result=result, reflection=reflection)
    )


@settings(max_examples=200, deadline=None)
@given(text=any_text)
def test_any_undivided_text_gives_a_valid_report(text: str) -> None:
    report = check(text=text)
    assert_valid(report)
    assert report.split_method in ("labels", "cues", "empty")


@settings(max_examples=200, deadline=None)
@given(part=st.sampled_from(PARTS), text=any_text)
def test_single_part_and_empty_others(part: str, text: str) -> None:
    report = check(**{part: text})
    assert_valid(report)
    assert report.parts[part] == text


@settings(max_examples=8, deadline=None)
@given(seed=st.text(min_size=1, max_size=30))
def test_huge_parts_do_not_raise(seed: str) -> None:
    big = (seed * (BIG // len(seed) + 1))[:BIG]
    assert_valid(check(action=big, result=big, situation=big))
    assert_valid(check(text=big))


@pytest.mark.parametrize(
    "unit",
    ["a", " ", "1", ".", ". ", "I would ", "it was done ", "from 1 to ", "1,", "$", "-",
     "kind ", "significantly various ", "\n", "İ", "twenty ", "5% ", '."', "e.g. "],
)  # fmt: skip
def test_repetitive_100k_parts_do_not_raise(unit: str) -> None:
    big = (unit * (BIG // len(unit) + 1))[:BIG]
    report = check(situation=big, task=big, action=big, result=big, reflection=big)
    assert_valid(report)
    assert_valid(check(text=big))


@settings(max_examples=200, deadline=None)
@given(action=any_text, result=any_text, limit=st.integers(min_value=-1, max_value=5))
def test_suggestions_are_bounded_and_sorted(action: str, result: str, limit: int) -> None:
    principles = [
        PrincipleCues("dive", "Dive Deep", ("root cause", "logs", "metrics")),
        PrincipleCues("own", "Ownership", ("i", "owned", "task")),
        PrincipleCues("empty", "Empty", ("", "  ")),
    ]
    suggestions = suggest_principles(
        action=action, result=result, principles=principles, limit=limit
    )
    assert len(suggestions) <= max(0, limit)
    scores = [s.score for s in suggestions]
    assert scores == sorted(scores, reverse=True)
    for suggestion in suggestions:
        assert suggestion.key != "empty"
        assert suggestion.reasons and suggestion.matched
        json.dumps(suggestion.to_dict())
