"""The quick read of a short answer to a follow-up question: a number, who acted,
concrete or vague, hedged or hypothetical, a reason, an outcome, a lesson, its length.

The same analysis the checker runs on one part (``analysis.analyse_part``), read for
what a probing interviewer listens for, and said in plain words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .analysis import analyse_part
from .patterns import PROPER_NOUN_RE
from .textutil import lower_same_length

#: "I don't remember", "no idea": the answer says it cannot answer.
_UNSURE_RE = re.compile(
    r"\b(?:i\s+(?:do\s*n[o']?t|don't|can't|cannot|can\s*not)\s+(?:really\s+)?"
    r"(?:remember|recall|say|know)|i\s+forget|no\s+idea|not\s+sure|hard\s+to\s+say|"
    r"(?:do\s*n[o']?t|don't)\s+have\s+(?:the|that|those|exact)\s+(?:number|figure|data)s?|"
    r"(?:can't|cannot|can\s+not)\s+share|confidential|not\s+allowed\s+to\s+say)\b",
)
#: A reason or a trade-off: why this and not something else.
_REASON_RE = re.compile(
    r"\b(?:because|since|so\s+that|the\s+reason|reasoning|trade-?offs?|instead\s+of|"
    r"rather\s+than|over\s+the|chose|picked|decided|the\s+risk|otherwise|weigh(?:ed|ing)?|"
    r"the\s+alternative|cheaper|faster|safer|simpler)\b",
)
#: A concrete instance offered as one: "for example", "one time", "the first was".
_EXAMPLE_RE = re.compile(
    r"\b(?:for\s+example|for\s+instance|e\.g\.|one\s+(?:time|case|customer|day|week)|"
    r"the\s+(?:first|second)\s+(?:one|was|case)|specifically|in\s+particular|"
    r"on\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|last\s+(?:week|month|"
    r"quarter|year))\b",
)
#: Talk about habits and generalities instead of this case: "I always", "every project".
_GENERIC_RE = re.compile(
    r"\b(?:always|every\s+(?:project|time|team|job|case)|usually|in\s+general|generally|"
    r"typically|(?:it's|it\s+is)\s+well\s+known|you\s+have\s+to|you\s+need\s+to|"
    r"my\s+approach|that\s+kind\s+of\s+thing|kind\s+of\s+thing|stuff|loads|"
    r"(?:hundreds|thousands|dozens)\s+of|all\s+of\s+it|the\s+whole\s+thing|"
    r"very\s+consistent|naturally|in\s+the\s+industry|as\s+a\s+rule)\b",
)
#: The team as one actor: "a team thing", "a joint effort", "we all", "together".
_JOINT_RE = re.compile(
    r"\b(?:team\s+(?:thing|effort)|joint\s+effort|together|we\s+all|the\s+team,?\s+mostly|"
    r"between\s+us|collectively)\b",
)
#: How a disagreement ended: "we agreed", "in the end", "since then".
_RESOLVED_RE = re.compile(
    r"\b(?:agreed|in\s+the\s+end|ended\s+up|settled|since\s+then|came\s+(?:round|around)|"
    r"signed\s+off|turned\s+it|went\s+with|backed|accepted|compromise|after\s+that|"
    r"(?:nobody|no\s+one)\s+(?:complained|objected))\b",
)
#: A lesson put to use: "since then", "now I", "on the next project".
_APPLIED_RE = re.compile(
    r"\b(?:since\s+then|now\s+i|these\s+days|on\s+the\s+next|"
    r"the\s+next\s+(?:time|month|week|quarter|year|project|team)|"
    r"last\s+(?:month|quarter|year|week)|when\s+i\s+(?:joined|started|took))\b",
)
#: A lesson said as one: "I learned", "it taught me".
_LESSON_RE = re.compile(
    r"\b(?:i\s+learn(?:ed|t)|taught\s+me|my\s+lesson|the\s+lesson|i\s+realised|i\s+realized|"
    r"next\s+time\s+i|i\s+would\s+(?:now|always))\b",
)
#: A habit taken up since: "it's become a habit", "I always ask now".
_HABIT_RE = re.compile(r"\b(?:habit|i\s+always\s+\w+\s+now|now\s+i\s+always|i\s+now\s+\w+)\b")
#: Kinds of things offered instead of one: "things like", "such as".
_CATEGORIES_RE = re.compile(r"\b(?:things\s+like|stuff\s+like|such\s+as)\b")
#: A whole count said in a word: "both stayed", "none of them".
_ALL_OR_NONE_RE = re.compile(
    r"\b(?:both|neither|none|nobody|no\s+one|all\s+of\s+them|every\s+one)\b"
)
#: Words that say nothing checkable on their own.
_VAGUE_OUTCOME_RE = re.compile(
    r"\b(?:it\s+went\s+(?:well|fine|ok(?:ay)?)|it\s+worked\s+out|(?:things|it)\s+improved|"
    r"a\s+lot\s+better|good\s+results?|positive\s+(?:impact|feedback|results?)|"
    r"everyone\s+was\s+happy|successful(?:ly)?)\b",
)


@dataclass(frozen=True)
class QuickRead:
    """What one short answer gives a probing interviewer."""

    words: int
    numbers: tuple[str, ...]
    i_actions: int
    we_actions: int
    i_subjects: int
    we_subjects: int
    hedges: tuple[str, ...]
    hypotheticals: tuple[str, ...]
    vague: tuple[str, ...]
    unsure: bool  # "I don't remember", "no idea"
    reason: bool  # a because, a trade-off, an alternative weighed
    example: bool  # a named thing, a number, or an instance offered as one
    outcome: bool  # an outcome that says what changed
    measured: bool  # an outcome with a quantity in it
    lesson: bool  # what was learned or would be done differently
    generic: tuple[str, ...] = ()  # habits and generalities ("I always", "every project")
    habit: bool = False  # a habit taken up ("it's become a habit", "I always ask now")
    joint: bool = False  # the team as one actor ("a joint effort", "together")
    resolved: bool = False  # how a disagreement ended ("we agreed", "in the end")
    applied: bool = False  # a lesson put to use ("since then", "now I")
    number_sentences: tuple[str, ...] = ()  # the sentences the numbers are in
    categories: bool = False  # kinds of things, not one ("things like", "such as")
    all_or_none: bool = False  # "both stayed", "none of them", "all of them"

    @property
    def mostly_we(self) -> bool:
        """The team, not the speaker, does most of what is done (or, when nobody acts,
        is most often the subject)."""
        if self.i_actions or self.we_actions:
            return self.we_actions > self.i_actions
        return self.we_subjects > self.i_subjects

    def plain(self) -> list[str]:
        """The read in plain words, most telling first."""
        said = []
        if self.numbers:
            shown = ", ".join(f"“{n}”" for n in self.numbers[:3])
            said.append(f"a number: {shown}" if len(self.numbers) == 1 else f"numbers: {shown}")
        else:
            said.append("no number yet")
        if self.mostly_we:
            we = self.we_actions or self.we_subjects
            said.append(f"you said “we” {we} time{'s' if we != 1 else ''}: say what you did")
        elif self.i_actions:
            said.append("you say what you did")
        if self.unsure:
            said.append("you say you do not remember: give what you do know")
        if self.hypotheticals:
            said.append(f"hypothetical: “{self.hypotheticals[0]}”: say what happened")
        if self.hedges:
            said.append(f"hedged: “{self.hedges[0]}”")
        if self.vague:
            said.append(f"vague: “{self.vague[0]}”")
        said.append(f"{self.words} word{'s' if self.words != 1 else ''}")
        return said


def _before(text: str, end: int) -> str:
    """The last character before ``end`` that is not a space ("" at the start)."""
    index = end - 1
    while index >= 0 and text[index].isspace():
        index -= 1
    return text[index] if index >= 0 else ""


def quick_read(text: str) -> QuickRead:
    """Read one answer to a follow-up (linear in its length; no Django)."""
    part = analyse_part("action", text)
    low = lower_same_length(text)  # the cue patterns are lowercase: one case to match
    hits = part.hits
    units = part.units
    vague = [text[s:e] for s, e, _ in part.vague]
    vague += [text[m.start() : m.end()] for m in _VAGUE_OUTCOME_RE.finditer(low)]
    named = any(  # a capital that does not start a sentence: a name, a product, a place
        _before(text, m.start() + 1) not in ("", ".", "!", "?", ":", ";")
        for m in PROPER_NOUN_RE.finditer(text)
    )
    return QuickRead(
        words=part.words,
        numbers=tuple(q.text for q in part.quantities),
        i_actions=sum(u.i_actions for u in units),
        we_actions=sum(u.we_actions for u in units),
        i_subjects=sum(u.i_subjects for u in units),
        we_subjects=sum(u.we_subjects for u in units),
        hedges=tuple(text[start:end] for start, end in hits.hedges),
        hypotheticals=tuple(text[start:end] for start, end in hits.hypotheticals),
        vague=tuple(vague),
        unsure=_UNSURE_RE.search(low) is not None,
        reason=_REASON_RE.search(low) is not None,
        example=bool(part.quantities) or named or _EXAMPLE_RE.search(low) is not None,
        outcome=any(u.role == "outcome" and u.concrete for u in units),
        measured=any(u.role == "outcome" and u.measured for u in units),
        lesson=any(u.role == "lesson" for u in units) or _LESSON_RE.search(low) is not None,
        habit=_HABIT_RE.search(low) is not None,
        generic=tuple(text[m.start() : m.end()] for m in _GENERIC_RE.finditer(low)),
        joint=_JOINT_RE.search(low) is not None,
        resolved=_RESOLVED_RE.search(low) is not None,
        applied=_APPLIED_RE.search(low) is not None,
        categories=_CATEGORIES_RE.search(low) is not None,
        all_or_none=_ALL_OR_NONE_RE.search(low) is not None,
        number_sentences=tuple(
            dict.fromkeys(
                text[slice(*part.sentences.spans[part.sentences.index(q.start)])]
                for q in part.quantities
            )
        ),
    )
