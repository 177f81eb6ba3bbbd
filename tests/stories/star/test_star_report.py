"""The public API: report shape, scoring, highlights, dates, JSON."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from stories.star import CHECKER_VERSION, CODES, StarReport, check
from stories.star import thresholds as th
from stories.star.report import HIGHLIGHT_KINDS

STRONG = {
    "situation": (
        "Last spring I was a backend engineer at a logistics company, in a team of six. Our "
        "largest customer said tracking pages took more than eight seconds to load at peak."
    ),
    "task": "My manager asked me to own the problem and get load time under two seconds by June.",
    "action": (
        "First, I reproduced the slowness with a load test that replayed an hour of real traffic. "
        "I traced the service and found one endpoint that ran a query per shipment event. I "
        "rewrote it to fetch events in one batched query and added an index. I wrote a migration "
        "plan, rehearsed it on a copy of production data, and paired with our database "
        "administrator on the rollout. Each morning I sent the customer a short progress update, "
        "and I wrote a runbook so the on-call engineers could roll the change back in minutes."
    ),
    "result": (
        "Median load time fell from 8.2 seconds to 1.1 seconds, database load fell by 60%, and "
        "the customer renewed for three years."
    ),
    "reflection": (
        "I learned to measure before guessing: my first idea was to add servers, and the trace "
        "showed that more servers would not have helped at all."
    ),
}


def test_strong_story_scores_high_with_ok_findings() -> None:
    report = check(**STRONG)
    assert report.score >= 85
    assert report.missing_parts == []
    assert report.quantified is True
    assert {"impact_quantified", "ownership_ok", "balance_ok", "reflection_ok", "parts_ok"} <= set(
        report.codes
    )
    assert all(f.severity in ("ok", "info") for f in report.findings), report.codes


def test_empty_story_scores_very_low() -> None:
    report = check()
    assert report.score <= 10
    assert report.missing_parts == ["situation", "task", "action", "result"]
    assert report.quantified is False
    assert report.metrics["total_words"] == 0


def test_none_parts_are_empty_and_non_strings_are_refused() -> None:
    assert check(situation=None, result=None).score == check().score
    with pytest.raises(TypeError):
        check(action=42)  # type: ignore[arg-type]


def test_score_breakdown_explains_the_score() -> None:
    parts = dict(STRONG, reflection="")
    report = check(**parts)
    assert report.score == 100 - th.PENALTY_REFLECTION_MISSING
    assert report.score_breakdown == [
        ("No reflection", -th.PENALTY_REFLECTION_MISSING, "There is no reflection.")
    ]
    empty = check()
    assert 100 + sum(points for _, points, _ in empty.score_breakdown) == empty.score


def test_each_penalty_costs_its_named_weight() -> None:
    base = check(**STRONG).score
    assert base == 100
    no_numbers = dict(STRONG, result="The customer was happy and renewed the contract.")
    capped = check(**no_numbers)
    assert base - th.PENALTY_NOT_QUANTIFIED > th.CAP_SOLID
    assert capped.score == th.CAP_SOLID  # no measured outcome: never Ready
    assert capped.score_breakdown[-1][1] == th.CAP_SOLID - (base - th.PENALTY_NOT_QUANTIFIED)
    no_task = check(**dict(STRONG, task=""))  # no stated goal: never Ready either
    assert no_task.score == min(th.CAP_SOLID, base - th.PENALTY_PART_MISSING["task"])
    assert ("Part missing", -th.PENALTY_PART_MISSING["task"]) in [
        (label, points) for label, points, _ in no_task.score_breakdown
    ]


def test_score_is_clamped_and_the_breakdown_says_so() -> None:
    awful = check(
        action=" ".join(
            ["It was decided. I would maybe kind of do various things significantly."] * 8
        )
    )
    assert 0 <= awful.score <= 100
    assert 100 + sum(points for _, points, _ in awful.score_breakdown) == awful.score


def test_missing_parts_include_trivial_ones() -> None:
    report = check(**dict(STRONG, task="TBD", result="n/a"))
    assert report.missing_parts == ["task", "result"]
    assert {f.part for f in report.findings if f.code == "part_trivial"} == {"task", "result"}


def test_metrics() -> None:
    report = check(**STRONG)
    metrics = report.metrics
    words = {name: len(text.split()) for name, text in STRONG.items()}
    assert metrics["words"] == words
    assert metrics["total_words"] == sum(words.values())
    assert metrics["speaking_seconds"] == round(sum(words.values()) * 60 / th.WORDS_PER_MINUTE)
    assert 0 <= metrics["we_ratio"] <= 1
    texts = [text for text, part, _ in metrics["quantities"] if part == "result"]
    assert texts == ["from 8.2 seconds to 1.1 seconds", "60%", "three years"]
    for text, part, (start, end) in metrics["quantities"]:
        assert report.parts[part][start:end] == text


def test_findings_are_sorted_worst_first() -> None:
    report = check(situation="We had a problem.", result="It got better.")
    ranks = [("error", "warn", "info", "ok").index(f.severity) for f in report.findings]
    assert ranks == sorted(ranks)
    result_codes = [f.code for f in report.findings_for("result")]
    assert result_codes == ["impact_not_quantified", "part_trivial"]  # same severity: by code


def test_highlights_are_sorted_non_overlapping_and_typed() -> None:
    action = "I think we was implemented... I migrated 40% of our services. It helped greatly."
    report = check(action=action)
    spans = report.highlights("action")
    assert spans == sorted(spans)
    for (_, end), (start, _) in zip(
        [s[:2] for s in spans], [s[:2] for s in spans[1:]], strict=False
    ):
        assert end <= start
    kinds = {kind for _, _, kind in spans}
    assert kinds <= set(HIGHLIGHT_KINDS)
    assert {"hedge", "quantity", "i", "we", "vague"} <= kinds
    assert (action.index("I think"), action.index("I think") + 7, "hedge") in spans
    assert report.highlights("reflection") == []
    with pytest.raises(ValueError):
        report.highlights("story")


def test_to_dict_is_json_ready() -> None:
    report = check(**STRONG, when=dt.date(2024, 1, 1), today=dt.date(2024, 6, 1))
    data = report.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["score"] == report.score
    assert data["checker_version"] == CHECKER_VERSION
    assert data["parts"] == STRONG
    assert data["findings"][0]["code"] == report.findings[0].code
    assert data["highlights"]["action"] == [list(h) for h in report.highlights("action")]


def test_deterministic() -> None:
    first = check(**STRONG, today=dt.date(2024, 6, 1)).to_dict()
    second = check(**STRONG, today=dt.date(2024, 6, 1)).to_dict()
    assert first == second


def test_old_and_future_dates() -> None:
    today = dt.date(2024, 6, 1)
    old = check(**STRONG, when=dt.date(2020, 5, 1), today=today)
    assert "story_old" in old.codes
    assert old.score == check(**STRONG).score  # info only
    recent = check(**STRONG, when=dt.date(2022, 1, 1), today=today)
    assert "story_old" not in recent.codes
    future = check(**STRONG, when=dt.datetime(2030, 1, 1, 12, 0), today=today)
    assert "story_date_future" in future.codes
    assert "story_old" not in check(**STRONG).codes  # no date, no age check


def test_codes_table_and_version() -> None:
    assert isinstance(CHECKER_VERSION, str) and CHECKER_VERSION
    for code, (severity, label) in CODES.items():
        assert severity in ("ok", "info", "warn", "error")
        assert label
        assert code == code.lower()
    assert isinstance(check(), StarReport)
