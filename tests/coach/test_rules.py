"""The offline coach: which follow-ups it asks, in what order, and that it never breaks."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from coach import rules_data as data
from coach.base import TARGET_PARTS, CoachResult, FollowUp, PrincipleInput, StoryInput
from coach.rules import QUOTE_MAX, rules_followups
from coach.schema import normalise_question as normalise

PRINCIPLES_JSON = (
    Path(__file__).resolve().parents[2] / "principles/data/amazon_leadership_principles.json"
)

DELIVER = PrincipleInput(
    name="Deliver Results",
    probes=(
        "What exactly was the target, and did you hit it?",
        "What was the biggest obstacle, and how did you get past it?",
        "What did you personally do versus the rest of the team?",
        "What did you cut or sacrifice to deliver, and why was that the right trade?",
    ),
)

# Clean except for what each test changes: "I" in the Action, numbers in the Result,
# a reflection, no data-science words.
CLEAN = StoryInput(
    title="Month-end close",
    situation="The finance team's month-end close kept slipping because reconciliations were "
    "done by hand in spreadsheets.",
    task="As the analyst on the team I owned the reconciliation step and had to make it "
    "reliable before the audit.",
    action="I mapped every manual step with the accountants, I wrote scripts that matched "
    "invoices to payments automatically, I reviewed the exceptions with the controller each "
    "morning and I trained two colleagues to run the scripts themselves.",
    result="Churn fell 12% among the client accounts we reconciled, and the close finished in "
    "3 days instead of 8.",
    reflection="I learned to automate the boring parts first; next time I would involve the "
    "auditors from the start.",
)
NO_NUMBERS = dataclasses.replace(
    CLEAN,
    result="The close became faster and the accountants were much happier with the process.",
)
WE_HEAVY = dataclasses.replace(
    CLEAN,
    action="We mapped every manual step together, we wrote scripts that matched invoices to "
    "payments, our team reviewed the exceptions each morning and we trained two colleagues "
    "to run the scripts while I kept the notes.",
)
DATA_SCIENCE = dataclasses.replace(
    CLEAN,
    action="I built a gradient boosting model to flag risky invoices, I compared it with the "
    "rules the accountants used, and I ran an A/B test on half of the accounts for four "
    "weeks before rolling it out.",
)

DS_QUESTIONS = {question for _, _, probes in data.DS_GROUPS for question, _ in probes}
CHECKER_REASONS = (
    "missing",
    "very thin",
    "no number",
    "'we'",
    "'I'",
    "vague",
    "Hedging",
    "would do",
    "Passive",
    "shorter than",
    "no reflection",
)
QUOTE_BACK_REASONS = {
    data.RESULT_NUMBER_ATTRIBUTION_REASON,
    data.RESULT_NUMBER_MEASURE_REASON,
    data.RESULT_CLAIM_REASON,
    data.ACTION_NUMBER_REASON,
}
QUOTED = re.compile(r"\AYou (?:said|mentioned) '(.+?)': ")


def tier(followup: FollowUp) -> int:
    """Which source a follow-up came from, in the promised order."""
    reason = followup.reason
    if reason in QUOTE_BACK_REASONS:
        return 1
    if reason.startswith("A common") and reason != data.GENERIC_REASON:
        return 2
    if reason.startswith("Your story mentions"):
        return 3
    if reason == data.GENERIC_REASON:
        return 4
    assert any(marker in reason for marker in CHECKER_REASONS), reason
    return 0


def ask_until_exhausted(
    story: StoryInput, principle: PrincipleInput | None, n: int = 5
) -> list[list[FollowUp]]:
    """Ask again and again, feeding every question back as asked."""
    asked: list[str] = []
    rounds: list[list[FollowUp]] = []
    for _ in range(50):
        followups = rules_followups(story, principle, n, asked).followups
        if not followups:
            return rounds
        rounds.append(followups)
        asked += [followup.question for followup in followups]
    raise AssertionError("the coach never ran out of questions")


def assert_valid(result: CoachResult) -> None:
    assert isinstance(result, CoachResult)
    assert result.backend == "rules"
    for followup in result.followups:
        assert isinstance(followup, FollowUp)
        assert 10 <= len(followup.question) < 300
        assert followup.question.endswith("?")
        assert "<" not in followup.question
        assert "http" not in followup.question.lower()
        assert "\n" not in followup.question
        assert followup.part in TARGET_PARTS
        assert 0 < len(followup.reason) <= 200
        assert followup.reason.endswith(".")
        quoted = QUOTED.match(followup.question)
        if quoted:
            assert len(quoted.group(1)) <= QUOTE_MAX
    keys = [normalise(followup.question) for followup in result.followups]
    assert len(keys) == len(set(keys))


# --- checker-driven questions ---------------------------------------------------------------------


def test_story_without_numbers_is_asked_for_a_measurable_result_first():
    result = rules_followups(NO_NUMBERS, DELIVER)
    first = result.followups[0]
    assert first.part == "result"
    assert first.question == "What changed, in numbers, because of what you did?"
    assert first.reason == "Your Result has no number."


def test_unquantified_result_claim_is_quoted_back():
    questions = [f.question for f in rules_followups(NO_NUMBERS, DELIVER).followups]
    assert (
        "You said 'The close became faster': what evidence showed that, and who would confirm it?"
        in (questions)
    )


def test_we_heavy_story_is_asked_what_you_did_yourself():
    first = rules_followups(WE_HEAVY, DELIVER).followups[0]
    assert "yourself" in first.question
    assert first.part == "action"
    assert "'we'" in first.reason


def test_story_with_no_i_in_the_action_gets_the_same_question():
    story = dataclasses.replace(
        CLEAN, action="The scripts were written over two weeks and the team reviewed them daily."
    )
    followups = rules_followups(story, None).followups
    assert any("yourself" in f.question and f.part == "action" for f in followups)


def test_vague_phrase_is_quoted_back():
    story = dataclasses.replace(
        CLEAN, action=CLEAN.action + " Along the way I aligned stakeholders on the new process."
    )
    questions = [f.question for f in rules_followups(story, DELIVER).followups]
    assert "You said 'aligned stakeholders': who exactly, and what did each of them agree to?" in (
        questions
    )


def test_intensifier_is_quoted_with_its_context():
    story = dataclasses.replace(
        CLEAN, situation="Reconciliation errors had grown significantly over the previous year."
    )
    questions = [f.question for f in rules_followups(story, DELIVER).followups]
    assert any(
        q.startswith("You said 'errors had grown significantly': by how much") for q in questions
    )


def test_at_most_two_vague_phrases_per_answer_and_the_rest_later():
    story = dataclasses.replace(
        CLEAN,
        action=CLEAN.action + " I aligned stakeholders, followed best practices, leveraged "
        "synergies and drove consensus.",
    )
    rounds = ask_until_exhausted(story, DELIVER)
    assert sum(f.reason == "Your Action uses vague wording." for f in rounds[0]) == 2
    vague = [f.question for followups in rounds for f in followups if "vague" in f.reason]
    assert len(vague) == 5  # leveraged, synergies: two phrases
    assert "'aligned stakeholders'" in vague[0]


def test_passive_voice_asks_who_decided():
    story = dataclasses.replace(
        CLEAN, action=CLEAN.action + " In the end it was decided to drop the old spreadsheet."
    )
    followups = rules_followups(story, DELIVER).followups
    passive = [f for f in followups if "who decided that" in f.question]
    assert passive
    assert passive[0].part == "action"
    assert "'it was decided" in passive[0].question


def test_hypothetical_action_asks_what_actually_happened():
    story = dataclasses.replace(
        CLEAN,
        action="I would have mapped every manual step. Then we could have written scripts to "
        "match invoices to payments, and I will train two colleagues.",
    )
    followups = rules_followups(story, DELIVER).followups
    assert any("what did you actually do" in f.question and f.part == "action" for f in followups)


def test_hedging_asks_what_actually_happened():
    story = dataclasses.replace(
        CLEAN, result="I think churn fell 12% among the accounts, and the close got kind of faster."
    )
    followups = rules_followups(story, DELIVER).followups
    hedge = [f for f in followups if "what actually happened" in f.question]
    assert hedge
    assert hedge[0].part == "result"
    assert hedge[0].question.startswith("You said 'I think churn fell 12%")


def test_missing_part_comes_before_warnings():
    story = dataclasses.replace(NO_NUMBERS, task="")
    followups = rules_followups(story, DELIVER).followups
    assert followups[0].part == "task"
    assert followups[0].reason == "Your Task is missing."
    assert followups[1].part == "result"


def test_missing_reflection_asks_what_you_would_do_differently():
    story = dataclasses.replace(CLEAN, reflection="")
    followups = rules_followups(story, None, 5).followups
    redo = [f for f in followups if "differently" in f.question]
    assert [f.part for f in redo] == ["reflection"]  # and only once: no near-duplicate


def test_length_problems_are_not_questions():
    story = StoryInput(
        title="t",
        situation="Close was late.",
        task="I fixed it.",
        action="I wrote scripts.",
        result="It got 40% faster.",
        reflection="Automate early.",
    )
    followups = rules_followups(story, DELIVER, 5).followups
    assert all("short" not in f.reason.lower() for f in followups)
    assert len(followups) == 5


# --- quote-backs ----------------------------------------------------------------------------------


def test_quote_back_uses_the_storys_own_number_exactly():
    followups = rules_followups(CLEAN, DELIVER).followups
    quote_backs = [f for f in followups if f.reason in QUOTE_BACK_REASONS]
    assert quote_backs[0].question.startswith("You said 'Churn fell 12%': how do you know")
    assert "12%" in quote_backs[0].question
    assert quote_backs[0].part == "result"
    assert quote_backs[0].reason == data.RESULT_NUMBER_ATTRIBUTION_REASON


def test_percentage_or_money_is_quoted_before_a_plain_count():
    story = dataclasses.replace(
        CLEAN, result="We closed 14 tickets, and it saved $40k in overtime over the year."
    )
    followups = rules_followups(story, DELIVER).followups
    attribution = [f for f in followups if f.reason == data.RESULT_NUMBER_ATTRIBUTION_REASON]
    assert "'it saved $40k in overtime'" in attribution[0].question


def test_second_number_is_quoted_for_how_it_was_measured():
    followups = rules_followups(CLEAN, DELIVER, 5).followups
    measured = [f for f in followups if f.reason == data.RESULT_NUMBER_MEASURE_REASON]
    assert measured
    assert "3 days instead of 8" in measured[0].question


def test_quotes_from_a_huge_clause_stay_short():
    words = " ".join(f"word{i}" for i in range(3000))
    story = dataclasses.replace(CLEAN, result=f"{words} fell 12% {words}")
    result = rules_followups(story, DELIVER)
    assert_valid(result)
    assert any("12%" in f.question for f in result.followups)
    for followup in result.followups:
        assert len(followup.question) < 300


def test_user_html_and_urls_are_never_echoed():
    story = dataclasses.replace(
        CLEAN,
        result="<b>Churn</b> fell 12% per https://example.com/report and saved $40k.",
        action=CLEAN.action + " See www.example.com for the <script>alert(1)</script> scripts.",
    )
    for followups in ask_until_exhausted(story, DELIVER):
        for followup in followups:
            assert "<" not in followup.question
            assert "http" not in followup.question.lower()
            assert "www." not in followup.question


# --- principle probes, asked questions, near-duplicates -------------------------------------------


def test_principle_probes_appear_in_order_after_the_story_questions():
    sequence = [f for round_ in ask_until_exhausted(CLEAN, DELIVER) for f in round_]
    probes = [f.question for f in sequence if tier(f) == 2]
    assert probes == [
        "What exactly was the target, and did you hit it?",
        "What was the biggest obstacle, and how did you get past it?",
        "What did you personally do versus the rest of the team?",
        "What did you cut or sacrifice to deliver, and why was that the right trade?",
    ]
    target = next(f for f in sequence if f.question == probes[0])
    assert target.part == "result"
    assert target.reason == "A common Deliver Results follow-up."


def test_sources_come_in_the_promised_order():
    story = dataclasses.replace(
        DATA_SCIENCE, situation=DATA_SCIENCE.situation + " It was kind of a mess.", reflection=""
    )
    rounds = ask_until_exhausted(story, DELIVER)
    for followups in rounds:
        tiers = [tier(f) for f in followups]
        assert tiers == sorted(tiers)
    # "an A/B test on half of the accounts": "half" is a number, so quoted back too
    assert [tier(f) for f in rounds[0]] == [0, 0, 1, 1, 1]
    assert {tier(f) for followups in rounds for f in followups} == {0, 1, 2, 3, 4}


def test_one_answer_quotes_back_one_number_of_each_kind_and_the_rest_later():
    story = dataclasses.replace(
        CLEAN, result="Churn fell 12%, we saved $40k, and the close took 3 days instead of 8."
    )
    rounds = ask_until_exhausted(story, DELIVER)
    first = [f.reason for f in rounds[0]]
    assert first.count(data.RESULT_NUMBER_ATTRIBUTION_REASON) == 1
    assert first.count(data.RESULT_NUMBER_MEASURE_REASON) == 1
    attributions = [
        f.question
        for followups in rounds
        for f in followups
        if f.reason == data.RESULT_NUMBER_ATTRIBUTION_REASON
    ]
    assert len(attributions) == 3
    assert "'Churn fell 12%'" in attributions[0]
    assert "'we saved $40k'" in attributions[1]


def test_asked_questions_never_repeat_until_exhausted():
    rounds = ask_until_exhausted(NO_NUMBERS, DELIVER)
    seen: set[str] = set()
    for followups in rounds:
        for followup in followups:
            assert normalise(followup.question) not in seen
            seen.add(normalise(followup.question))
    assert all(len(followups) == 5 for followups in rounds[:-1])
    assert len(rounds) >= 3
    assert len(seen) >= 4 + len(data.GENERIC_QUESTIONS)


def test_fewer_than_three_only_when_nothing_is_left():
    rounds = ask_until_exhausted(CLEAN, DELIVER, n=3)
    assert all(len(followups) == 3 for followups in rounds[:-1])
    assert 1 <= len(rounds[-1]) <= 3


def test_asked_is_compared_ignoring_case_spacing_and_punctuation():
    first = rules_followups(NO_NUMBERS, DELIVER).followups[0].question
    mangled = "  " + first.upper().replace(",", "").replace("?", " !") + " "
    followups = rules_followups(NO_NUMBERS, DELIVER, asked=[mangled]).followups
    assert all(normalise(f.question) != normalise(first) for f in followups)
    assert len(followups) == 4


def test_a_near_identical_probe_is_not_asked_after_the_ownership_question():
    sequence = [f.question for round_ in ask_until_exhausted(WE_HEAVY, DELIVER) for f in round_]
    assert "What did you do yourself, as opposed to the team?" in sequence
    assert "What did you personally do versus the rest of the team?" not in sequence


def test_every_real_principle_gives_valid_distinct_questions():
    principles = json.loads(PRINCIPLES_JSON.read_text(encoding="utf-8"))["principles"]
    assert len(principles) == 16
    for raw in principles:
        principle = PrincipleInput(name=raw["name"], probes=tuple(raw["probes"]))
        result = rules_followups(CLEAN, principle)
        assert_valid(result)
        assert len(result.followups) == 4
        sequence = [f.question for round_ in ask_until_exhausted(CLEAN, principle) for f in round_]
        assert len(sequence) == len({normalise(q) for q in sequence})
        assert any(q in raw["probes"] for q in sequence)


def test_untidy_probes_are_tidied_or_skipped():
    principle = PrincipleInput(
        name="<b>Custom</b>",
        probes=(
            "Tell me how you measured it.",
            "Open <a href='x'>this</a>?",
            "See https://example.com?",
            "x" * 400 + "?",
            42,  # type: ignore[arg-type]
            "   ",
        ),
    )
    followups = rules_followups(CLEAN, principle, 5).followups
    probes = [f for f in followups if tier(f) == 2]
    assert [f.question for f in probes] == ["Could you tell me how you measured it?"]
    assert probes[0].reason == data.PROBE_REASON_NO_NAME


# --- data-science probes --------------------------------------------------------------------------


def test_data_science_probes_appear_when_the_story_mentions_models_and_experiments():
    sequence = [f for round_ in ask_until_exhausted(DATA_SCIENCE, DELIVER) for f in round_]
    ds = [f.question for f in sequence if f.question in DS_QUESTIONS]
    assert "What was the baseline, and how did you choose it?" in ds
    assert "How did you decide on the sample size and how long to run the experiment?" in ds
    assert ds[:2] == [  # one from each mentioned topic before a second from either
        "What was the baseline, and how did you choose it?",
        "How did you decide on the sample size and how long to run the experiment?",
    ]


def test_no_data_science_probes_without_data_science_words():
    for story in (CLEAN, NO_NUMBERS, WE_HEAVY):
        for followups in ask_until_exhausted(story, DELIVER):
            assert not [f for f in followups if f.question in DS_QUESTIONS]


def test_a_business_model_is_not_a_model():
    story = dataclasses.replace(
        CLEAN, situation="Our business model depended on a fast close, and it kept slipping."
    )
    for followups in ask_until_exhausted(story, DELIVER):
        assert not [f for f in followups if f.question in DS_QUESTIONS]


def test_forecast_story_gets_forecast_probes():
    story = dataclasses.replace(
        CLEAN, action=CLEAN.action + " I also built a cash forecast for the controller."
    )
    sequence = [f.question for round_ in ask_until_exhausted(story, DELIVER) for f in round_]
    assert "How did you backtest the forecast before people relied on it?" in sequence


# --- shape, determinism, robustness ---------------------------------------------------------------


def test_normal_story_gets_three_to_five_valid_questions():
    for story in (CLEAN, NO_NUMBERS, WE_HEAVY, DATA_SCIENCE):
        for n, expected in ((-3, 3), (0, 3), (3, 3), (4, 4), (5, 5), (99, 5)):
            result = rules_followups(story, DELIVER, n)
            assert_valid(result)
            assert len(result.followups) == expected


def test_same_input_gives_the_same_output():
    first = rules_followups(DATA_SCIENCE, DELIVER, 5, asked=["What changed?"])
    second = rules_followups(DATA_SCIENCE, DELIVER, 5, asked=["What changed?"])
    assert first.followups == second.followups
    assert first.backend == second.backend == "rules"


def test_without_a_principle_there_are_still_questions():
    result = rules_followups(CLEAN, None)
    assert_valid(result)
    assert len(result.followups) == 4


def test_empty_story_asks_for_the_missing_parts():
    result = rules_followups(StoryInput("", "", "", "", ""), None, 5)
    assert_valid(result)
    assert [f.part for f in result.followups] == [
        "situation",
        "task",
        "action",
        "result",
        "reflection",
    ]


def test_odd_inputs_never_crash():
    odd = StoryInput(
        title=None,  # type: ignore[arg-type]
        situation="\x00\u202e\u0130\U0001f600" * 50,
        task=None,  # type: ignore[arg-type]
        action="we " * 30_000,
        result="x" * 100_000,
        reflection="\ud800 lone surrogate",
        when="yesterday",  # type: ignore[arg-type]
    )
    result = rules_followups(odd, DELIVER, asked=[None, 3, "What changed?"])  # type: ignore[list-item]
    assert_valid(result)
    assert len(result.followups) >= 3


any_text = st.text(max_size=400)


@settings(max_examples=150, deadline=None)
@given(
    parts=st.tuples(any_text, any_text, any_text, any_text, any_text, any_text),
    probes=st.lists(any_text, max_size=5),
    asked=st.lists(any_text, max_size=5),
    n=st.integers(min_value=-5, max_value=20),
)
def test_any_text_gives_valid_followups(parts, probes, asked, n):
    story = StoryInput(*parts)
    principle = PrincipleInput(name=parts[0][:20], probes=tuple(probes))
    result = rules_followups(story, principle, n, asked)
    assert_valid(result)
    assert 3 <= len(result.followups) <= 5
    asked_keys = {normalise(text) for text in asked}
    assert not [f for f in result.followups if normalise(f.question) in asked_keys]
