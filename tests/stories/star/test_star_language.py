"""Ownership (we/I), passive voice, hedging, hypotheticals and vague claims."""

from __future__ import annotations

import pytest

from stories.star import check
from stories.star.checks import we_ratio

FILLER_RESULT = "Errors fell by 30% within a month."


def codes_for(**parts: str) -> set[str]:
    return set(check(**parts).codes)


def finding(report, code: str, part: str | None = None):
    matches = [f for f in report.findings if f.code == code and (part is None or f.part == part)]
    assert matches, f"{code} not in {report.codes}"
    return matches[0]


# --- we / I ---------------------------------------------------------------------------


def test_we_ratio_function() -> None:
    assert we_ratio(1, 3) == 0.75
    assert we_ratio(3, 0) == 0.0
    assert we_ratio(0, 0) is None


def test_we_ratio_metrics_count_first_person_forms() -> None:
    report = check(
        action="I wrote the plan, we tested it, our team shipped it, and they thanked us."
    )
    assert report.metrics["first_person"] == {"i": 1, "we": 3}
    assert report.metrics["we_ratio"] == 0.75
    assert report.metrics["we_ratio_action"] == 0.75
    assert report.metrics["i_in_action"] == 1


def test_contractions_and_myself_count_as_i() -> None:
    report = check(action="I'm the owner; I've fixed it myself and I'll keep my notes.")
    assert report.metrics["first_person"]["i"] == 5  # I'm, I've, myself, I'll, my
    assert report.metrics["i_in_action"] == 4


def test_country_us_and_ie_are_not_pronouns() -> None:
    report = check(action="The team launched in the US, i.e. the largest market, then in the UK.")
    assert report.metrics["first_person"] == {"i": 0, "we": 0}
    assert report.metrics["we_ratio"] is None
    assert "ownership_no_i" in report.codes


def test_we_heavy_action_is_flagged_with_spans_on_we() -> None:
    action = "We designed it and we built it, then we tested our work. I reviewed it."
    report = check(action=action, result=FILLER_RESULT)
    found = finding(report, "ownership_we_heavy", "action")
    assert {action[s:e].lower() for s, e in found.spans} == {"we", "our"}
    assert report.highlights("action")[0] == (0, 2, "we")


def test_balanced_i_and_we_is_ok() -> None:
    action = "I proposed the design, I wrote the code, and we tested it together."
    report = check(action=action, result=FILLER_RESULT)
    assert "ownership_ok" in report.codes
    assert "ownership_we_heavy" not in report.codes


# --- passive voice ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "passive"),
    [
        ("The API was implemented in a week.", "was implemented"),
        ("The services were migrated over a weekend.", "were migrated"),
        ("It was decided to roll back the release.", "was decided"),
        ("The tests had been written before the launch.", "been written"),
        ("The old data got deleted on Friday.", "got deleted"),
        ("The plan was quickly approved.", "was quickly approved"),
    ],
)
def test_passive_in_action_is_flagged(action: str, passive: str) -> None:
    report = check(action=action)
    found = finding(report, "passive_action", "action")
    assert [action[s:e] for s, e in found.spans] == [passive]
    assert (action.index(passive), action.index(passive) + len(passive), "passive") in (
        report.highlights("action")
    )


@pytest.mark.parametrize(
    "action",
    [
        "I was asked to lead the migration.",
        "We were told to wait for approval.",
        "The scheduler was rewritten by me in two weeks.",
        "The client was excited about the pilot.",
        "There were limited options, so I chose the simplest.",
        "The design was based on the paper diary.",
        "When the data was migrated, I checked every record.",
        "More testing was needed, so I wrote the tests.",
    ],
)
def test_passive_that_names_or_needs_no_actor_is_not_flagged(action: str) -> None:
    assert "passive_action" not in codes_for(action=action)


def test_passive_outside_the_action_is_not_flagged() -> None:
    report = check(situation="It was decided that the service was rebuilt.", action="I rebuilt it.")
    assert "passive_action" not in report.codes


# --- hedging ------------------------------------------------------------------------------


def test_hedges_are_flagged_per_part() -> None:
    report = check(
        situation="I think it was my first year there.",
        action="I kind of rewrote the module and maybe fixed the leak.",
    )
    assert finding(report, "hedging", "situation").severity == "warn"
    action = report.parts["action"]
    spans = finding(report, "hedging", "action").spans
    assert [action[s:e] for s, e in spans] == ["kind of", "maybe"]


def test_single_hedge_is_info() -> None:
    report = check(action="I probably saved the launch by rewriting the importer.")
    assert finding(report, "hedging", "action").severity == "info"


@pytest.mark.parametrize(
    "action",
    [
        "I asked what kind of data they needed.",
        "I built the sort of dashboard they used daily.",
        "I chose this kind of rollout because it was reversible.",
    ],
)
def test_kind_of_as_a_noun_is_not_a_hedge(action: str) -> None:
    assert "hedging" not in codes_for(action=action)


def test_hedges_in_the_reflection_are_fine() -> None:
    assert "hedging" not in codes_for(reflection="I think maybe I was lucky; probably it helped.")


# --- hypothetical framing ------------------------------------------------------------------


def test_hypothetical_action_is_flagged_and_escalates() -> None:
    single = check(action="I would call the client and explain.")
    assert finding(single, "hypothetical", "action").severity == "info"
    double = check(action="I would call the client. Then I would write a plan.")
    assert finding(double, "hypothetical", "action").severity == "warn"
    assert double.score < single.score


def test_we_could_have_in_result_is_hypothetical() -> None:
    report = check(result="We could have shipped earlier.")
    assert finding(report, "hypothetical", "result")


@pytest.mark.parametrize(
    "parts",
    [
        {"reflection": "Next time I would involve design earlier, and I would test sooner."},
        {"action": "Every Monday I would review the queue and assign the oldest tickets."},
        {"action": "I told the manager that I would deliver a pilot, and I delivered it."},
        {"action": "I told them I would fix it by Friday, and I did."},
    ],
)
def test_would_that_is_not_hypothetical(parts: dict[str, str]) -> None:
    assert "hypothetical" not in codes_for(**parts)


# --- vague claims ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "phrase"),
    [
        ("Quality improved significantly.", "significantly"),
        ("It greatly helped the team.", "greatly"),
        ("Costs dropped dramatically after launch.", "dramatically"),
        ("It saved a lot of time.", "a lot"),
        ("We applied best practices.", "best practices"),
        ("It created synergy between teams.", "synergy"),
        ("It helped various teams.", "various"),
    ],
)
def test_vague_claims_are_flagged(result: str, phrase: str) -> None:
    report = check(result=result)
    found = finding(report, "vague_claim", "result")
    assert phrase in [result[s:e] for s, e in found.spans]
    assert any(kind == "vague" for _, _, kind in report.highlights("result"))


def test_intensifier_with_a_number_in_the_same_sentence_is_fine() -> None:
    assert "vague_claim" not in codes_for(result="Costs fell significantly, by 35%, in a year.")


def test_intensifier_is_judged_per_sentence() -> None:
    report = check(result="Costs fell by 35%. Morale improved significantly.")
    result = report.parts["result"]
    spans = finding(report, "vague_claim", "result").spans
    assert [result[s:e] for s, e in spans] == ["significantly"]


def test_buzzword_anchored_by_names_is_fine() -> None:
    action = "I aligned stakeholders from Finance and Legal on one plan."
    assert "vague_claim" not in codes_for(action=action)
    assert "vague_claim" in codes_for(action="I aligned stakeholders on one plan.")


def test_vague_penalty_is_capped() -> None:
    one = check(result="It improved significantly.")
    many = check(result=" ".join(["It improved significantly."] * 10))
    lost_one = -sum(p for label, p, _ in one.score_breakdown if label == "Vague claims")
    lost_many = -sum(p for label, p, _ in many.score_breakdown if label == "Vague claims")
    assert lost_one == 3
    assert lost_many == 12
