"""The follow-up schema: every rule, with the precise reason a person reads."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.base import TARGET_PARTS, FollowUp
from coach.schema import (
    MAX_ITEMS,
    SchemaError,
    looks_like_refusal,
    normalise_question,
    parse_followups,
)

GOOD_ITEM = {
    "question": "What baseline did you compare the new model against?",
    "part": "action",
    "reason": "No baseline is given.",
}


def item(**overrides: object) -> dict:
    """A valid item with some fields replaced (None removes the field)."""
    merged = {**GOOD_ITEM, **overrides}
    return {key: value for key, value in merged.items() if value is not None}


def items(count: int) -> list[dict]:
    """``count`` distinct valid items."""
    return [
        item(question=f"What exactly happened in step {i} of the rollout?") for i in range(count)
    ]


def dump(followups: object) -> str:
    return json.dumps({"followups": followups})


def reason_of(raw: str, n: int = 3) -> str:
    with pytest.raises(SchemaError) as info:
        parse_followups(raw, n)
    assert str(info.value) == info.value.reason
    return info.value.reason


# --- valid answers -----------------------------------------------------------------


def test_valid_answer_becomes_followups():
    result = parse_followups(dump([GOOD_ITEM]), 3)
    assert result == [
        FollowUp(
            question="What baseline did you compare the new model against?",
            part="action",
            reason="No baseline is given.",
        )
    ]


def test_schema_error_is_a_value_error():
    assert issubclass(SchemaError, ValueError)


def test_json_fence_is_tolerated():
    raw = "```json\n" + dump([GOOD_ITEM]) + "\n```"
    assert len(parse_followups(raw, 3)) == 1
    assert len(parse_followups("```\n" + dump([GOOD_ITEM]) + "\n```", 3)) == 1


def test_leading_think_block_is_tolerated():
    raw = "<think>The story lacks a baseline.</think>\n" + dump([GOOD_ITEM])
    assert len(parse_followups(raw, 3)) == 1


def test_prose_around_the_object_is_rejected():
    assert reason_of("Here you go: " + dump([GOOD_ITEM])) == "the answer was not valid JSON"


def test_unknown_keys_are_ignored_and_text_is_trimmed():
    raw = json.dumps(
        {
            "followups": [item(question="  What was the p-value threshold you used?  ", extra=1)],
            "note": "ignored",
        }
    )
    (result,) = parse_followups(raw, 3)
    assert result.question == "What was the p-value threshold you used?"


@pytest.mark.parametrize(
    ("given_part", "expected"),
    [
        ("Result", "result"),
        ("  ACTION ", "action"),
        ("results", "result"),
        ("Whole story", "story"),
        ("overall", "story"),
        *[(part, part) for part in TARGET_PARTS],
    ],
)
def test_part_is_mapped_case_insensitively(given_part, expected):
    (result,) = parse_followups(dump([item(part=given_part)]), 3)
    assert result.part == expected


def test_more_items_than_asked_keeps_the_first_n():
    result = parse_followups(dump(items(4)), 2)
    assert [f.question for f in result] == [i["question"] for i in items(4)[:2]]


def test_never_more_than_five_items():
    assert len(parse_followups(dump(items(8)), 10)) == MAX_ITEMS


def test_fewer_items_than_asked_are_accepted():
    assert len(parse_followups(dump(items(2)), 4)) == 2


def test_extra_items_must_be_valid_too():
    followups = [*items(2), item(question="http://evil.example/?")]
    assert reason_of(dump(followups), 2) == "item 3: question contains a URL"


def test_n_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        parse_followups(dump([GOOD_ITEM]), 0)


def test_lt_sign_that_is_not_a_tag_is_fine():
    (result,) = parse_followups(
        dump([item(question="Was the p95 latency < 200 ms after launch?")]), 1
    )
    assert "<" in result.question


# --- rejected answers: one precise reason per rule ----------------------------------


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "the answer was empty"),
        ("   \n", "the answer was empty"),
        ("not json at all", "the answer was not valid JSON"),
        ("I'm sorry, I can't help with that.", "the model refused"),
        ("As an AI language model, I cannot evaluate people.", "the model refused"),
        ('{"followups": [', "the answer was not valid JSON"),
        ("[1, 2]", "the answer is not a JSON object"),
        ('"a string"', "the answer is not a JSON object"),
        ("{}", 'the answer has no "followups" list'),
        ('{"questions": []}', 'the answer has no "followups" list'),
        ('{"followups": "What?"}', '"followups" is not a list'),
        ('{"followups": []}', '"followups" is empty'),
        ('{"followups": ["What was the baseline?"]}', "item 1 is not an object"),
        ("[" * 100_000, "the answer is longer than 20000 characters"),
    ],
)
def test_answer_level_rules(raw, reason):
    assert reason_of(raw) == reason


def test_deep_nesting_is_a_schema_error():
    depth = 9_000
    raw = '{"followups": ' + "[" * depth + "]" * depth + "}"
    assert reason_of(raw) in {"the answer was not valid JSON", "item 1 is not an object"}


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"question": None}, "item 1: question is missing"),
        ({"question": 42}, "item 1: question is not text"),
        ({"question": ["What?"]}, "item 1: question is not text"),
        ({"question": "Why?"}, "item 1: question is shorter than 10 characters"),
        ({"question": "W" * 300 + "?"}, "item 1: question is longer than 300 characters"),
        (
            {"question": "What was the baseline model"},
            "item 1: question does not end with a question mark",
        ),
        ({"question": "See https://example.com for what?"}, "item 1: question contains a URL"),
        ({"question": "See http://example.com for what?"}, "item 1: question contains a URL"),
        ({"question": "Did you read www.example.com first?"}, "item 1: question contains a URL"),
        ({"question": "What did <b>you</b> decide then?"}, "item 1: question contains HTML"),
        ({"question": "What <script>alert(1)</script> now?"}, "item 1: question contains HTML"),
        (
            {"question": "What was the baseline\nyou used?"},
            "item 1: question contains a control character",
        ),
        (
            {"question": "What was the\tbaseline you used?"},
            "item 1: question contains a control character",
        ),
        (
            {"question": "What was the \x00 baseline?"},
            "item 1: question contains a control character",
        ),
        (
            {"question": "What was the \ud800 baseline?"},
            "item 1: question contains a control character",
        ),
        (
            {"question": "What was the \u202e baseline?"},
            "item 1: question contains a control character",
        ),
        ({"part": None}, "item 1: part is missing"),
        ({"part": 3}, "item 1: part is not text"),
        (
            {"part": "conclusion"},
            "item 1: part is not one of situation, task, action, result, reflection, story",
        ),
        (
            {"part": ""},
            "item 1: part is not one of situation, task, action, result, reflection, story",
        ),
        ({"reason": None}, "item 1: reason is missing"),
        ({"reason": ""}, "item 1: reason is shorter than 1 character"),
        ({"reason": "   "}, "item 1: reason is shorter than 1 character"),
        ({"reason": False}, "item 1: reason is not text"),
        ({"reason": "r" * 201}, "item 1: reason is longer than 200 characters"),
        ({"reason": "See https://example.com"}, "item 1: reason contains a URL"),
        ({"reason": "<i>vague</i>"}, "item 1: reason contains HTML"),
        ({"reason": "vague\r\nresult"}, "item 1: reason contains a control character"),
    ],
)
def test_item_rules(overrides, reason):
    assert reason_of(dump([item(**overrides)])) == reason


def test_boundaries_are_inclusive():
    ten = "What then?"
    assert len(ten) == 10
    longest = "W" * 299 + "?"
    raw = dump([item(question=ten, reason="r"), item(question=longest, reason="r" * 200)])
    assert [f.question for f in parse_followups(raw, 2)] == [ten, longest]


def test_reason_names_the_failing_item():
    followups = [*items(1), item(question="W" * 301 + "?")]
    assert reason_of(dump(followups)) == "item 2: question is longer than 300 characters"


def test_duplicate_questions_are_rejected():
    followups = [
        item(question="What was the baseline you used?"),
        item(question="What was the impact?"),
        item(question="  what was the BASELINE   you used ? "),
    ]
    assert reason_of(dump(followups)) == "item 3: question repeats item 1"


def test_reasons_never_quote_the_model():
    raw = dump([item(part="<script>alert(1)</script>")])
    assert "<script>" not in reason_of(raw)


# --- helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("I'm sorry, I can't help with that.", True),
        ("I cannot assist with this request.", True),
        ("As an AI, I do not judge people.", True),
        ("I\u2019m unable to do that.", True),
        ("What was the baseline?", False),
        ("Icantaloupe", False),
    ],
)
def test_looks_like_refusal(text, refused):
    assert looks_like_refusal(text) is refused


def test_normalise_question():
    assert normalise_question("  What  WAS it? ") == normalise_question("what was it")


# --- properties ----------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=20,
)
followup_like = st.fixed_dictionaries(
    {},
    optional={
        "question": st.one_of(st.text(max_size=320), json_values),
        "part": st.one_of(st.sampled_from([*TARGET_PARTS, "Result", "overall", "x"]), json_values),
        "reason": st.one_of(st.text(max_size=220), json_values),
    },
)
answers = st.one_of(
    st.text(max_size=300),
    json_values.map(json.dumps),
    st.lists(st.one_of(followup_like, json_values), max_size=7).map(
        lambda followups: json.dumps({"followups": followups})
    ),
    st.builds(
        lambda prefix, body, suffix: prefix + body + suffix,
        st.sampled_from(["", "```json\n", "```", "<think>x</think>", "{", "["]),
        json_values.map(json.dumps),
        st.sampled_from(["", "\n```", "}", "]", "```"]),
    ),
)


@settings(max_examples=300, deadline=None)
@given(raw=answers, n=st.integers(min_value=1, max_value=8))
def test_arbitrary_answers_only_ever_raise_schema_error(raw, n):
    try:
        result = parse_followups(raw, n)
    except SchemaError as exc:
        assert exc.reason
        return
    assert 1 <= len(result) <= min(n, MAX_ITEMS)
    for followup in result:
        assert isinstance(followup, FollowUp)
        assert followup.part in TARGET_PARTS
        assert 10 <= len(followup.question) <= 300
        assert followup.question.endswith("?")
        assert 1 <= len(followup.reason) <= 200


plain = st.text(
    alphabet=st.characters(
        whitelist_categories=("Lu", "Ll", "Nd", "Zs"), min_codepoint=32, max_codepoint=0x2FF
    ),
    min_size=0,
    max_size=150,
)


@settings(max_examples=150, deadline=None)
@given(
    questions=st.lists(plain, min_size=1, max_size=5, unique_by=normalise_question),
    part=st.sampled_from(TARGET_PARTS),
    reason=plain,
)
def test_valid_answers_round_trip(questions, part, reason):
    followups = [
        {"question": f"Q{i} {text}".strip() + " and why?", "part": part, "reason": f"r {reason}"}
        for i, text in enumerate(questions)
    ]
    result = parse_followups(json.dumps({"followups": followups}), 5)
    assert [f.question for f in result] == [f["question"].strip() for f in followups]
    assert {f.part for f in result} == {part}
