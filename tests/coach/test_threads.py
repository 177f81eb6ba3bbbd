"""Follow-up threads: the quick read of an answer, the verdict on it, and the probe that
comes next (pure rules, no Django)."""

from __future__ import annotations

import pytest

from coach.threads import ANSWERED, DODGED, PARTLY, judge, next_probe
from stories.star.quick import quick_read


def test_the_quick_read_says_in_plain_words_what_an_answer_gives():
    read = quick_read("We roughly doubled it, I think. We were all on it together.")
    plain = read.plain()
    assert plain[0] == "a number: “doubled”"
    assert any(line.startswith("you said “we” ") for line in plain)
    assert read.hedges and read.joint and read.mostly_we
    empty = quick_read("it went fine honestly")
    assert empty.plain()[0] == "no number yet"
    assert empty.vague


@pytest.mark.parametrize(
    ("kind", "question", "answer", "verdict", "missing"),
    [
        ("number", "How much did churn drop?",
         "It went from 3.4% to 2.3% a month within a quarter.", ANSWERED, ()),
        ("number", "How many deliveries were affected that morning?",
         "We had about 1,400 couriers on shift that day, it was a big operation.", DODGED,
         ("number", "relevance")),
        ("number", "What did it cost?", "It was a big commitment. I can't share the figure.",
         DODGED, ("number",)),
        ("number", "What did the change do to picking speed?",
         "A little bit slower, but not much, because it only hit a few products.", PARTLY,
         ("number",)),
        ("ownership", "Who rebuilt the mapping?", "It was a joint effort with their IT team.",
         PARTLY, ("own_action",)),
        ("ownership", "What did you do yourself?",
         "I wrote the matcher, I tested it on six months of invoices and I ran it beside the "
         "team for two weeks.", ANSWERED, ()),
        ("why", "Why a holdout and not a before-and-after comparison?",
         "Because the pricing page changed the same month, a before-and-after would have "
         "credited us with their change; keeping 10% out for six weeks cost a few hundred "
         "renewals.", ANSWERED, ()),
        ("why", "Why did you break the process?",
         "In my opinion processes are there to help you, and I've always been someone who "
         "takes initiative.", DODGED, ("reason",)),
        ("outcome", "What happened to top-seller listings after the launch?",
         "I built a dashboard for the seller team so they could track the listings every week "
         "and get an alert if anything moved.", DODGED, ("outcome",)),
    ],
)  # fmt: skip
def test_verdicts(kind, question, answer, verdict, missing):
    judged = judge(kind, question, answer)
    assert judged.verdict == verdict
    assert judged.missing == missing
    assert judged.evidence  # quoted from the answer
    assert judged.evidence in answer or judged.evidence.lower() in answer.lower()


def test_the_next_probe_asks_for_what_is_missing_then_goes_deeper():
    number = judge("outcome", "What happened to churn?", "It went down a lot after that.")
    assert number.verdict == PARTLY
    probe = next_probe(number, question="What happened to churn?")
    assert probe is not None and probe.kind == "number"
    complete = judge("number", "How much?", "From 3.4% to 2.3% in one quarter.")
    deeper = next_probe(complete, question="How much?")
    assert deeper is not None and deeper.kind == "deeper"


def test_a_thread_stops_at_its_depth_and_never_repeats_an_answered_probe():
    complete = judge("number", "How much?", "From 3.4% to 2.3% in one quarter.")
    assert next_probe(complete, question="How much?", level=3) is None
    assert next_probe(complete, question="How much?", level=2, max_levels=2) is None
    assert next_probe(complete, question="How much?", asked=["deeper"]) is None
    partly = judge("outcome", "What happened to churn?", "It went down a lot after that.")
    # The number was asked and answered earlier in the thread: go deeper instead.
    probe = next_probe(partly, question="What happened to churn?", asked=["number"])
    assert probe is not None and probe.kind == "deeper"
