"""Threads of follow-ups: the verdict on one answer and the probe that comes next.

A bar raiser does not work from a list: an answer with no number gets "what was the
number?", "we" gets "what did you do?", a vague claim "give me an example", a complete
answer a deeper "why that and not the obvious thing?". This module decides that from the
checker's quick read of the answer (``stories.star.quick``); pure Python, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from coach.base import ThreadInput
from stories.star.quick import QuickRead, quick_read

#: What a question probes.
QUESTION_KINDS = ("number", "ownership", "example", "why", "outcome", "conflict", "learning",
                  "deeper")  # fmt: skip
#: What an answer can leave open.
MISSING = ("number", "own_action", "example", "reason", "outcome", "specifics", "relevance")
ANSWERED, PARTLY, DODGED = "answered", "partly", "dodged"
VERDICTS = (ANSWERED, PARTLY, DODGED)
#: How deep a thread goes by default (``FOLLOWUP_THREAD_LEVELS`` overrides it).
MAX_LEVELS = 3

#: What each kind of question needs from its answer, most important first.
NEEDS: dict[str, tuple[str, ...]] = {
    "number": ("number",),
    "ownership": ("own_action",),
    "example": ("example",),
    "why": ("reason",),
    "outcome": ("outcome",),
    "conflict": ("own_action", "outcome"),
    "learning": ("specifics",),
    "deeper": ("reason",),
}
#: The probe that asks for what is missing, and its kind.
PROBE_FOR: dict[str, str] = {
    "number": "number",
    "own_action": "ownership",
    "example": "example",
    "reason": "why",
    "outcome": "outcome",
    "specifics": "example",
    "relevance": "relevance",
}
PROBES: dict[str, str] = {
    "number": "What was the number? Before and after, or how much it changed.",
    "ownership": "What did you do yourself, not the team? Walk me through your part.",
    "example": "Give me one concrete example: what happened, when, with whom?",
    "why": "Why that approach, and not the obvious alternative? What did you weigh?",
    "outcome": "How did it end? What changed because of what you did?",
    "relevance": "Let me ask again, more plainly: {question}",
    "deeper": "Why that approach and not the obvious one? What would you do differently now?",
}
#: Why a probe is asked, as the page says it beside the question.
PROBE_REASONS: dict[str, str] = {
    "number": "no number yet",
    "ownership": "the team acted, not you",
    "example": "no concrete example",
    "why": "no reason given",
    "outcome": "no outcome yet",
    "relevance": "it answered another question",
    "deeper": "a complete answer: one level deeper",
}
#: The same probe asked again, because its answer did not give it, in other words.
PRESSES: dict[str, str] = {
    "number": "You have not given me a figure yet. Roughly how big was it, and how do you know?",
    "ownership": "I still hear what the team did. Which part was yours, in your own words?",
    "example": "Still general: take one case and tell me exactly what happened.",
    "why": "You have told me what you did; I am asking why. What made it the right call?",
    "outcome": "And in the end? What was different afterwards?",
    "deeper": "Go one step further: what was the hardest part of that, and how did you handle it?",
}
#: A short answer this long or less gives an interviewer nothing to hold on to.
TOO_SHORT_WORDS = 6
#: An answer this long with numbers or named things in it gives its reasons as evidence.
DETAILED_WORDS = 40
#: A reason-less answer to "why" shorter than this is a dodge ("a judgment call").
SHORT_REASON_WORDS = 20
#: An answer shorter than this has not had room to wander off the question.
OFF_TOPIC_WORDS = 15
#: A lesson told with an example at this length says what changes, concretely.
LESSON_WORDS = 30
#: An answer with no outcome this long describes what was done instead: a dodge.
OUTCOME_DODGE_WORDS = 20
#: An "I don't remember" this long or less is a dodge.
UNSURE_DODGE_WORDS = 30

_WORD = re.compile(r"[a-z][a-z']+")
#: Words an answer opens with when it points back at the question.
_POINTING_BACK = frozenset(
    (
        "it",
        "it's",
        "that",
        "this",
        "they",
        "these",
        "those",
        "there",
        "because",
        "i",
        "we",
        "yes",
        "not",
        "both",
        "most",
    )
)
#: Pronouns that stand for what the question named ("It went from 3.4% to 2.3%").
_ANAPHORS = frozenset(["it", "it's", "that", "this", "they", "these", "those", "both"])
_FILLERS = frozenset(["well", "so", "um", "uh", "yeah", "honestly", "oh", "ok", "okay", "right"])
_RULE_OF_THUMB = re.compile(r"well\s+known|industry|typically|usually|generally|general|rule")
_STOP = frozenset(
    (
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "at",
        "by",
        "from",
        "that",
        "this",
        "it",
        "was",
        "were",
        "is",
        "are",
        "be",
        "you",
        "your",
        "i",
        "we",
        "our",
        "my",
        "me",
        "did",
        "do",
        "does",
        "how",
        "what",
        "why",
        "when",
        "who",
        "which",
        "there",
        "their",
        "they",
        "about",
        "so",
        "as",
        "if",
        "then",
        "than",
        "had",
        "have",
        "has",
        "not",
        "no",
        "yes",
        "just",
    )
)


#: What a question asks for, read from its words when the coach did not say.
_KIND_CUES = (
    ("number", re.compile(r"\bhow\s+(?:much|many|big|long|often|fast)\b|\bnumber|figure|"
                          r"\bpercent|\bfrom\s+what\s+to\s+what|\bcost", re.I)),
    ("ownership", re.compile(r"\bwhat\s+did\s+you\s+(?:do|build|write|decide)|\byou\s+"
                             r"yourself|\bwho\s+(?:built|wrote|did|decided|rebuilt)|\byour\s+"
                             r"(?:part|role|contribution)|\bwhose\b", re.I)),
    ("example", re.compile(r"\bexample|\bone\s+(?:time|case)|\bwalk\s+me\s+through|"
                           r"\bspecifically", re.I)),
    ("conflict", re.compile(r"\bdisagree|push(?:ed)?\s+back|\breact|\bfriction|\bconflict|"
                            r"\bobject|\bconvince", re.I)),
    ("learning", re.compile(r"\blearn|\bdifferently|\bagain\b|\blooking\s+back", re.I)),
    ("why", re.compile(r"\bwhy\b|\bwhat\s+made\s+you|\bhow\s+did\s+you\s+decide|"
                       r"\binstead\b|\brather\s+than", re.I)),
    ("outcome", re.compile(r"\bwhat\s+happened|\bresult|\bhow\s+did\s+it\s+(?:end|go)|"
                           r"\bimpact|\bchange[ds]?\b", re.I)),
)  # fmt: skip


#: When its words do not say, what a question on a part of the story asks for.
_KIND_BY_PART = {
    "situation": "example",
    "task": "why",
    "action": "ownership",
    "result": "outcome",
    "reflection": "learning",
}


def question_kind(question: str, part: str = "") -> str:
    """What a question probes, from its words ("How much...?" asks for a number), else
    from the part of the story it is about; "deeper" when neither says."""
    for kind, cue in _KIND_CUES:
        if cue.search(question):
            return kind
    return _KIND_BY_PART.get(part, "deeper")


@dataclass(frozen=True)
class Verdict:
    """answered / partly / dodged, what the answer left open, and the words it rests on."""

    verdict: str
    missing: tuple[str, ...]
    evidence: str


@dataclass(frozen=True)
class Probe:
    """The next question of a thread, and what it asks for."""

    kind: str
    question: str


def _content(text: str) -> set[str]:
    """The meaningful words of a text, cut to four letters (a cheap stem)."""
    return {w[:4] for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 3}


#: A question with fewer meaningful words than this ("How much is 'not much'?") takes
#: any number as on topic.
TOPIC_WORDS = 3


def _on_topic_number(read: QuickRead, question: str) -> bool:
    """A number in a sentence that talks about what the question asked."""
    asked = _content(question)
    if len(asked) < TOPIC_WORDS or len(_content(_last_question(question))) < TOPIC_WORDS:
        return bool(read.numbers)  # "Not many: how many?" takes any number
    return any(
        _content(sentence) & asked or _points_back(sentence, _ANAPHORS)
        for sentence in read.number_sentences
    )


def _points_back(text: str, openers: frozenset[str]) -> bool:
    """Does the text open by pointing back at the question ("It went from...")?"""
    first = _WORD.findall(text.lower())[:3]
    while first and first[0] in _FILLERS:
        first = first[1:]
    return bool(first) and first[0] in openers


def _last_question(text: str) -> str:
    """The last question of a thread's questions ("... ? Roughly how many?")."""
    asked = [q for q in text.split("?") if q.strip()]
    return asked[-1] if asked else text


def _generic_number(read: QuickRead) -> bool:
    """A figure given as a rule of thumb ("it's well known... a hundred euros a minute")."""
    rules = [g.lower() for g in read.generic if _RULE_OF_THUMB.search(g)]
    return bool(rules) and all(  # every figure given comes with a rule of thumb
        any(rule in sentence.lower() for rule in rules) for sentence in read.number_sentences
    )


def _elsewhere(question: str, answer: str, read: QuickRead) -> bool:
    """Does the answer talk about something else? It shares no meaningful word with the
    question, is long enough to have said one, and does not open by pointing back
    ("It got scaled back", "They were defensive", "Because...")."""
    asked = _content(question)
    if len(asked) < TOPIC_WORDS or read.words < OFF_TOPIC_WORDS or asked & _content(answer):
        return False
    return not _points_back(answer, _POINTING_BACK)


def _evidence(read: QuickRead, answer: str) -> str:
    """The words the verdict rests on, quoted from the answer."""
    for found in (read.numbers, read.hypotheticals, read.generic, read.hedges, read.vague):
        if found:
            return found[0]
    return answer.strip().split(".")[0][:120]


def _verdict(verdict: str, missing: list[str], read: QuickRead, answer: str) -> Verdict:
    return Verdict(verdict, tuple(dict.fromkeys(missing)), _evidence(read, answer))


def _acts_alone(read: QuickRead) -> bool:
    return read.i_actions > 0 and not read.mostly_we and not read.joint


def judge(kind: str, question: str, answer: str, read: QuickRead | None = None) -> Verdict:
    """The verdict on one answer to a question of this kind, and what it left open."""
    read = read or quick_read(answer)
    if kind == "deeper":  # "61% to 83%: how many surveys?" asks for a number all the same
        kind = question_kind(question.split("?")[-2] if "?" in question else question)
    unsure_dodge = read.unsure and read.words <= UNSURE_DODGE_WORDS and not read.hedges
    if unsure_dodge and not read.numbers and kind != "outcome":
        return _verdict(DODGED, [NEEDS.get(kind, ("specifics",))[0]], read, answer)
    verdict, missing = _JUDGES.get(kind, _judge_deeper)(question, read)
    if verdict != ANSWERED and _elsewhere(question, answer, read):
        verdict, missing = DODGED, [*missing, "relevance"]  # it answers another question
    if verdict == ANSWERED and read.hypotheticals and not read.i_actions:
        verdict, missing = PARTLY, ["specifics"]
    return _verdict(verdict, missing, read, answer)


Judged = tuple[str, list[str]]


def _judge_number(question: str, read: QuickRead) -> Judged:
    if read.numbers:
        if not _on_topic_number(read, question):
            return DODGED, ["number", "relevance"]
        if _generic_number(read):  # a rule of thumb, not this case's figure
            return DODGED, ["number", "specifics"]
        if len(read.hedges) >= 2:
            return PARTLY, ["specifics"]
        return ANSWERED, []
    return PARTLY, ["number"]  # a size in words ("a little", "enough"), not a figure


def _judge_ownership(question: str, read: QuickRead) -> Judged:
    if _acts_alone(read):
        return (PARTLY, ["specifics"]) if len(read.hedges) >= 2 else (ANSWERED, [])
    if read.i_actions or read.we_actions or read.we_subjects or read.joint:
        return PARTLY, ["own_action"]
    return DODGED, ["own_action"]  # nobody acts: the system, the committee, luck


def _judge_example(question: str, read: QuickRead) -> Judged:
    if read.example and (read.words >= DETAILED_WORDS or (not read.generic and read.words > 15)):
        return ANSWERED, []
    if read.generic and not read.categories:
        return DODGED, ["example"]  # a habit or a claim about all of them, not one case
    return PARTLY, ["example"]


def _judge_why(question: str, read: QuickRead) -> Judged:
    specific = read.example or read.numbers
    if read.reason and read.words >= DETAILED_WORDS and not read.hypotheticals:
        return ANSWERED, []  # a reasoned answer at length
    if read.generic and not specific:
        return DODGED, ["reason"]
    if read.hypotheticals and not read.reason:
        return DODGED, ["reason"]  # what they would do, not why they did it
    if (read.reason or _on_topic_number(read, question)) and specific:
        return ANSWERED, []
    if specific and read.words >= DETAILED_WORDS and not read.generic:
        return ANSWERED, []  # the evidence is the reason
    if read.reason or specific or read.words >= SHORT_REASON_WORDS:
        return PARTLY, ["reason"]
    return DODGED, ["reason"]


def _judge_outcome(question: str, read: QuickRead) -> Judged:
    if read.measured or (read.outcome and (read.numbers or read.all_or_none)):
        return ANSWERED, []
    if read.outcome or read.vague or not read.i_actions:
        return PARTLY, ["number"]  # which way it went, not how far
    if read.unsure or read.words < OUTCOME_DODGE_WORDS:
        return PARTLY, ["outcome"]  # handed over, or not known since
    return DODGED, ["outcome"]  # what was done, at length, not what came of it


def _judge_conflict(question: str, read: QuickRead) -> Judged:
    if read.generic and not read.example:
        return DODGED, ["specifics"]  # a belief about people, not what happened
    if not read.i_actions:
        if read.we_actions:
            return PARTLY, ["own_action"]
        return PARTLY, ["specifics"]  # how they took it, with nothing behind it
    if read.resolved or read.outcome:
        if read.mostly_we or read.joint or len(read.hedges) >= 2:
            return PARTLY, ["own_action"]
        return ANSWERED, []
    if read.numbers and read.example and read.words >= DETAILED_WORDS:
        return ANSWERED, []  # who objected, the evidence, what was done: the whole exchange
    return PARTLY, ["outcome"]


def _judge_learning(question: str, read: QuickRead) -> Judged:
    if read.applied and (read.example or read.i_actions):
        return ANSWERED, []
    if read.example and read.words >= LESSON_WORDS and (read.i_actions or read.hypotheticals):
        return ANSWERED, []  # the mistake, the fix, or the change it would make, in detail
    if read.lesson or read.applied or read.habit:
        return PARTLY, ["example"]  # a lesson, with no case where it was put to use
    return DODGED, ["example"]


def _judge_deeper(question: str, read: QuickRead) -> Judged:
    verdict, missing = _judge_why(question, read)
    return verdict, missing


_JUDGES = {
    "number": _judge_number,
    "ownership": _judge_ownership,
    "example": _judge_example,
    "why": _judge_why,
    "outcome": _judge_outcome,
    "conflict": _judge_conflict,
    "learning": _judge_learning,
    "deeper": _judge_deeper,
}


def next_probe(
    verdict: Verdict, *, question: str, asked: Sequence[str] = (), level: int = 1,
    max_levels: int = MAX_LEVELS, pressing: str = "",
) -> Probe | None:  # fmt: skip
    """The next question of the thread: for what the answer left open, or one level
    deeper when it was complete; None past ``max_levels`` or when every probe it could
    ask was answered already (``asked``: the kinds answered in this thread). Asked again
    for what the last probe (of kind ``pressing``) did not get, it says so."""
    if level >= max_levels:
        return None
    wanted = [PROBE_FOR[m] for m in verdict.missing] or ["deeper"]
    for kind in (*wanted, "deeper"):
        if kind not in asked or kind == "relevance":
            wording = PRESSES[kind] if kind == pressing and kind in PRESSES else PROBES[kind]
            return Probe(kind, wording.format(question=question))
    return None


def rules_turn(thread: ThreadInput) -> tuple[Verdict, Probe | None]:
    """The rules coach's turn: the verdict on the thread's last answer and the probe
    that comes next (each kind answered in the thread is not asked for again)."""
    last = thread.last
    # A probe ("What was the number?") is about what the thread's first question named.
    topic = " ".join(turn.question for turn in thread.turns)
    judged = judge(last.kind, topic, last.answer)
    verdict = thread.overruled or judged.verdict
    answered = [turn.kind for turn in thread.turns[:-1] if turn.verdict == ANSWERED]
    if verdict == ANSWERED:
        answered.append(last.kind)
    probe = next_probe(
        judged,
        question=last.question,
        asked=answered,
        level=thread.level,
        max_levels=thread.max_levels,
        pressing=last.kind if thread.level > 1 else "",
    )
    return judged, probe
