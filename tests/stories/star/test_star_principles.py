"""suggest_principles: few, right suggestions from cue data."""

from __future__ import annotations

from stories.star import PrincipleCues, Suggestion, suggest_principles
from stories.star.textutil import stem

PRINCIPLES = [
    PrincipleCues(
        "customer",
        "Customer Obsession",
        ("customer feedback", "churn", "customer", "user interviews", "pain point", "satisfaction"),
    ),
    PrincipleCues("dive", "Dive Deep", ("root cause", "postmortem", "logs", "metrics", "trace")),
    PrincipleCues("own", "Ownership", ("on call", "owned", "end to end", "accountable")),
    PrincipleCues("develop", "Hire and Develop", ("mentor", "coach", "hiring", "promoted")),
    PrincipleCues("frugal", "Frugality", ("cost", "budget", "saved money")),
]


def keys(suggestions: list[Suggestion]) -> list[str]:
    return [s.key for s in suggestions]


def test_ranks_the_principle_with_most_evidence_first_with_reasons() -> None:
    suggestions = suggest_principles(
        situation="Churn was rising among small shops.",
        action="I ran user interviews with 12 customers and rebuilt onboarding around their "
        "customer feedback.",
        result="Churn fell from 4% to 3%.",
        principles=PRINCIPLES,
    )
    assert keys(suggestions) == ["customer"]
    top = suggestions[0]
    assert top.name == "Customer Obsession"
    assert set(top.matched) == {"customer feedback", "user interviews", "churn", "customer"}
    assert '"customer feedback" in Action' in top.reasons
    assert '"churn" in Situation and Result' in top.reasons
    assert top.score > 5


def test_weak_evidence_returns_nothing() -> None:
    # one single-word cue
    assert suggest_principles(action="I looked at the logs.", principles=PRINCIPLES) == []
    # two single words, but only in the Situation (low weight)
    assert (
        suggest_principles(situation="Our cost and budget were tight.", principles=PRINCIPLES) == []
    )
    # nothing at all
    assert suggest_principles(action="", principles=PRINCIPLES) == []


def test_one_phrase_in_the_action_is_enough() -> None:
    suggestions = suggest_principles(
        action="I found the root cause in a day.", principles=PRINCIPLES
    )
    assert keys(suggestions) == ["dive"]
    assert suggestions[0].matched == ["root cause"]


def test_stemming_matches_plural_ing_and_ed_forms() -> None:
    suggestions = suggest_principles(
        action="I mentored two juniors and kept coaching them weekly.",
        result="Both were promoted, and I traced the root causes of their blockers.",
        principles=PRINCIPLES,
    )
    assert keys(suggestions)[0] == "develop"
    assert set(suggestions[0].matched) == {"mentor", "coach", "promoted"}
    assert "dive" in keys(suggestions)
    assert stem("churned") == stem("churn")
    assert stem("customers") == stem("customer")
    assert stem("mentoring") == stem("mentored") == stem("mentors") == stem("mentor")
    assert stem("causes") == stem("cause")


def test_matching_is_whole_word() -> None:
    text = "I designed costumes and customised the accountability chart."
    assert suggest_principles(action=text, result=text, principles=PRINCIPLES) == []


def test_action_and_result_weigh_more_than_situation() -> None:
    in_action = suggest_principles(
        action="I owned it as the accountable lead.", principles=PRINCIPLES
    )
    in_situation = suggest_principles(
        situation="I owned it as the accountable lead.",
        action="I did the work.",
        principles=PRINCIPLES,
    )
    assert keys(in_action) == ["own"]
    assert in_situation == []


def test_limit_exclude_and_deterministic_order() -> None:
    story = {
        "action": "I mentored a junior and found the root cause from the logs; "
        "I owned the fix end to end and cut cost within budget.",
        "result": "She was promoted, and the postmortem became a template.",
    }
    everything = suggest_principles(**story, principles=PRINCIPLES, limit=10)
    assert len(everything) == 4
    scores = [s.score for s in everything]
    assert scores == sorted(scores, reverse=True)
    assert suggest_principles(**story, principles=PRINCIPLES) == everything[:3]
    assert (
        suggest_principles(**story, principles=list(reversed(PRINCIPLES)), limit=10) == everything
    )
    excluded = suggest_principles(**story, principles=PRINCIPLES, limit=10, exclude=["dive"])
    assert "dive" not in keys(excluded)
    assert len(excluded) == 3
    assert suggest_principles(**story, principles=PRINCIPLES, limit=0) == []


def test_ties_are_broken_by_key() -> None:
    principles = [
        PrincipleCues("b", "B", ("alpha beta",)),
        PrincipleCues("a", "A", ("alpha beta",)),
    ]
    suggestions = suggest_principles(action="We did alpha beta.", principles=principles)
    assert keys(suggestions) == ["a", "b"]


def test_text_mode_and_list_cues() -> None:
    principles = [PrincipleCues("dive", "Dive Deep", ["root cause", "logs"])]  # type: ignore[arg-type]
    assert principles[0].cues == ("root cause", "logs")
    text = (
        "Situation: The site was down. Task: I had to restore it. "
        "Action: I read the logs and found the root cause. Result: It was back in 10 minutes."
    )
    suggestions = suggest_principles(text=text, principles=principles)
    assert keys(suggestions) == ["dive"]
    assert suggestions[0].to_dict()["matched"] == ["root cause", "logs"]
