"""Splitting one undivided answer into parts, with a confidence."""

from __future__ import annotations

import itertools
import random

import pytest

from stories.star import check, split_answer
from stories.star import splitter as sp
from stories.star import thresholds as th
from stories.star.report import PART_NAMES
from stories.star.textutil import sentence_spans

CUED = (
    "At my previous company I was the only data engineer on the marketing team, and our "
    "nightly jobs failed twice a week. My task was to make the pipeline reliable before the "
    "spring campaign. First, I grouped three months of failure logs by cause. Then I added a "
    "sensor that waited for the late vendor file, and I wrote alerts that named the failing "
    "step. As a result, failed nights went from nine a month to one. Looking back, I learned "
    "that clear alerts save more time than clever retries."
)


def test_labelled_answer_is_split_by_labels() -> None:
    text = (
        "Situation: Our store's checkout failed for one card type.\n"
        "Task: I had to fix it before the sale.\n"
        "Action: I read the logs and wrote a fix.\n"
        "Result: Failed payments fell by 90%.\n"
        "Reflection: I learned to test every card type."
    )
    result = split_answer(text)
    assert result.method == "labels"
    assert result.confidence >= 0.9
    assert result.parts == {
        "situation": "Our store's checkout failed for one card type.",
        "task": "I had to fix it before the sale.",
        "action": "I read the logs and wrote a fix.",
        "result": "Failed payments fell by 90%.",
        "reflection": "I learned to test every card type.",
    }
    for part, start, end in result.segments:
        assert text[start:end] == result.parts[part]


def test_markdown_and_dash_labels() -> None:
    text = (
        "**Situation:** A slow build.\n**Task** - Make it fast.\n"
        "ACTION: I cached it.\nOutcome: 3x faster."
    )
    result = split_answer(text)
    assert result.method == "labels"
    assert result.parts["task"] == "Make it fast."
    assert result.parts["action"] == "I cached it."
    assert result.parts["result"] == "3x faster."


def test_labels_inside_a_paragraph() -> None:
    text = (
        "Situation: The site was down. Task: Restore it. "
        "Action: I rolled back. Result: Up in 9 minutes."
    )
    result = split_answer(text)
    assert result.method == "labels"
    assert result.parts["task"] == "Restore it."
    assert result.parts["result"] == "Up in 9 minutes."


def test_one_label_is_not_enough_to_trust_labels() -> None:
    result = split_answer("Result: it went well. Then we celebrated.")
    assert result.method == "cues"


def test_cued_answer_is_split_in_order_with_good_confidence() -> None:
    result = split_answer(CUED)
    assert result.method == "cues"
    assert result.confidence >= 0.6
    assert result.parts["situation"].startswith("At my previous company")
    assert result.parts["task"].startswith("My task was")
    assert result.parts["action"].startswith("First, I grouped")
    assert result.parts["result"].startswith("As a result")
    assert result.parts["reflection"].startswith("Looking back")
    order = [PART_NAMES.index(part) for part, _, _ in result.segments]
    assert order == sorted(order)
    for part, start, end in result.segments:
        assert CUED[start:end] == result.parts[part]


def test_check_on_text_reports_parts_and_confidence() -> None:
    report = check(text=CUED)
    assert report.split_method == "cues"
    assert report.split_confidence >= 0.6
    assert report.parts["result"].startswith("As a result")
    assert "split_info" in report.codes
    assert report.quantified is True
    assert report.missing_parts == []


def test_answer_without_cues_has_low_confidence() -> None:
    report = check(text="The project was hard. Things happened. It was fine in the end I guess.")
    assert report.split_confidence < th.SPLIT_CONFIDENCE_WARN
    assert "split_low_confidence" in report.codes
    assert "split_info" not in report.codes


def test_single_sentence_has_very_low_confidence() -> None:
    result = split_answer("As a result of my work the team shipped on time.")
    assert result.confidence <= 0.2
    assert sum(1 for text in result.parts.values() if text) == 1


def test_empty_answer() -> None:
    result = split_answer("   \n ")
    assert result.method == "empty"
    assert result.confidence == 0.0
    report = check(text="")
    assert report.missing_parts == ["situation", "task", "action", "result"]
    assert report.score <= 10


def test_text_and_parts_together_are_refused() -> None:
    with pytest.raises(TypeError):
        check(text="Situation: x", action="I did it.")


def test_sentence_ends_ignore_abbreviations_and_decimals() -> None:
    text = "I used e.g. caching. It went from 3.5 s to 1.2 s! Done? Yes.\nNext line"
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "I used e.g. caching.",
        "It went from 3.5 s to 1.2 s!",
        "Done?",
        "Yes.",
        "Next line",
    ]


def _brute_force(cues: list[list[float]]) -> float:
    count = len(cues)
    penalty = th.SPLIT_SKIP_PENALTY
    best = float("-inf")
    for combo in itertools.combinations_with_replacement(range(5), count):
        total, previous = 0.0, -1
        for index, part in enumerate(combo):
            prior = sp._priors(count)[index][part]
            total += cues[index][part] + prior - penalty * max(0, part - previous - 1)
            previous = part
        best = max(best, total - penalty * max(0, 4 - previous - 1))
    return best


def _total(cues: list[list[float]], assignment: list[int]) -> float:
    count = len(cues)
    penalty = th.SPLIT_SKIP_PENALTY
    total, previous = 0.0, -1
    for index, part in enumerate(assignment):
        prior = sp._priors(count)[index][part]
        total += cues[index][part] + prior - penalty * max(0, part - previous - 1)
        previous = part
    return total - penalty * max(0, 4 - previous - 1)


def test_assignment_is_optimal_and_in_order() -> None:
    rng = random.Random(7)
    for _ in range(150):
        count = rng.randint(1, 6)
        cues = [
            [rng.choice([0.0, 0.0, 0.6, 1.0, 2.0, 2.5]) for _ in range(5)] for _ in range(count)
        ]
        assignment = sp._best_assignment(cues)
        assert assignment == sorted(assignment)
        assert _total(cues, assignment) == pytest.approx(_brute_force(cues))


def test_a_measured_outcome_followed_by_a_last_step_is_the_result() -> None:
    """The last measured outcome leans to the Result, even with a follow-up step after it."""
    answer = (
        "I was the on-call lead for a game's matchmaking service on its launch weekend, and "
        "my job was to get queue times back under two minutes before the evening peak. "
        "The dashboards showed the load sat in one region. I moved 30% of capacity over from "
        "a quieter region and switched off the client's automatic retry. Within forty "
        "minutes, p95 queue time went from about nine minutes to under ninety seconds. The "
        "next day the retry loop turned out to be the cause, and I wrote the change that "
        "capped it."
    )
    report = check(text=answer)
    assert "p95 queue time went from about nine minutes" in report.parts["result"]
    assert report.quantified


def test_a_claim_about_a_whole_career_is_no_story() -> None:
    answer = (
        "I'm naturally cost-conscious. Across my career I've saved my employers millions on "
        "cloud spend, because I question every new tool before we buy it."
    )
    report = check(text=answer)
    assert report.missing_parts == ["situation", "task", "action", "result"]
    assert not report.quantified


def test_a_short_answer_that_is_all_outcome_has_a_result() -> None:
    report = check(
        text="I increased sales of our add-on insurance by 25% in my first quarter as a desk "
        "agent. My manager put me forward for the team lead role after that."
    )
    assert "by 25%" in report.parts["result"]
    assert report.quantified


def test_a_stop_before_a_figure_is_no_sentence_end() -> None:
    """ "approx. $40k", "proj. ~$1.5M": an abbreviation before a figure, not two sentences."""
    assert len(sentence_spans("finance proj. ~$1.5M/yr recovered")) == 1
    assert len(sentence_spans("It broke. Then I fixed it.")) == 2


def test_dictated_outcome_with_steps_after_it_is_the_result() -> None:
    answer = (
        "so i was on the fraud rotation that week which meant i owned anything in the queue "
        "and on a monday i saw that reports of fake shipping notices had tripled so i pulled "
        "the accounts involved and put a hold on payouts for new sellers and within two days "
        "the fraud reports went from about eighty a day back down to around ten and then "
        "after that i wrote up the pattern for the ml team so they could add it as a feature"
    )
    report = check(text=answer)
    assert "went from about eighty a day" in report.parts["result"]
    assert report.quantified


def test_notes_with_a_goal_and_a_lesson_label_find_the_unlabelled_result() -> None:
    notes = (
        "site search - zero results (hardware retailer)\n"
        "- goal: cut zero-result searches before holiday traffic; me = search PM\n"
        "- read ~500 zero-result queries by hand -> mostly synonyms and spellings\n"
        "- I wrote a synonym list w/ 2 store staff, eng added a unit normaliser\n"
        "- zero-result searches 2% -> 0.5% of all searches in 6 wks\n"
        "- then: rolled the same approach to the FR + DE sites\n"
        "- lesson: read the raw queries, dashboards hide this"
    )
    report = check(text=notes)
    assert "2% -> 0.5%" in report.parts["result"]
    assert "I wrote a synonym list" in report.parts["action"]
    assert report.quantified


def test_a_spoken_outcome_followed_by_several_steps_is_the_result() -> None:
    answer = (
        "so i was a fraud analyst at a payments startup and my manager basically gave me "
        "the card fraud rules to own so first thing i did was i pulled a year of chargebacks "
        "and i matched them to the rules and i built a velocity check on new cards and when "
        "it went live chargebacks fell by like forty percent in the first month and then i "
        "handed the monitoring over to the risk ops team and i wrote up every rule"
    )
    report = check(text=answer)
    assert "forty percent" in report.parts["result"]
    assert report.quantified


def test_an_answer_that_opens_with_its_measured_outcome_is_quantified() -> None:
    answer = (
        "Headline first: patient falls on my unit went from about 6 a month to 2 over nine "
        "months. I was the nurse manager of a 32-bed ward and the chief nursing officer asked "
        "me to own the falls programme. I audited every fall of the last year, moved the "
        "highest-risk patients closer to the station and started bedside huddles at each "
        "night shift change."
    )
    report = check(text=answer)
    assert report.quantified
    finding = next(f for f in report.findings if f.code == "impact_quantified")
    assert finding.part == "situation"
    assert "say it again at the end" in finding.message
    plain = check(text=answer.removeprefix("Headline first: "))
    assert not plain.quantified
