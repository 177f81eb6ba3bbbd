"""What each clause of an answer does: sets the scene, states a goal, acts, reports an outcome.

An answer is cut into sentences, and run-on sentences (dictated speech, "I led the
analysis and revenue grew 5%") into clauses at conjunctions and discourse markers.
Each clause gets one role from cues a linguist would recognise:

- ``goal``: an assignment, aim or responsibility ("I was asked to", "my goal was");
- ``lesson``: what was learned or would change ("I learned", "looking back", "next time");
- ``outcome``: a change in the world ("churn fell", "as a result", a measured "I cut
  costs by 30%"); ``concrete`` unless it is only "it went well";
- ``action``: a person as the subject of a past-tense action verb ("I pulled", "we
  shipped"); who that person is (I or we) is counted per clause for ownership;
- ``filler``: "Sure.", "Great question.";
- ``context``: everything else.

Neighbouring clauses with the same role (or a clause with no cue after another)
are merged, so a unit is the longest run that does one thing.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from itertools import pairwise

from . import lexicon as lx
from .patterns import (
    ARROW_AFTER_RE,
    ARROW_BEFORE_RE,
    ARROWS,
    COMPARISON_GAP_RE,
    COMPARISON_RE,
    SIGNED_CHANGE_RE,
    STATE_AFTER_NOW_RE,
    STATE_BEFORE_COMPARATIVE_RE,
    STATE_BEFORE_NOW_RE,
    normalise_phrase,
    phrase_alternation,
    phrase_spans,
)
from .quantities import Quantity

# The roles, weakest first: when clauses merge, the stronger role names the unit.
ROLES = ("filler", "context", "action", "outcome", "goal", "lesson")

_KINDS: dict[str, set[str]] = {}
for _kind, _phrases in (
    ("goal", lx.GOAL_CUES),
    ("lesson", lx.LESSON_CUES),
    ("outcome", lx.OUTCOME_CUES),
    ("marker", lx.OUTCOME_MARKERS),
    ("generic", lx.GENERIC_OUTCOMES),
    ("team", lx.TEAM_EFFORT_PHRASES),
    ("opener", lx.CLAUSE_OPENERS),
    ("verb", lx.OUTCOME_VERBS),
    ("more", lx.COMPARATIVES),
    ("now", lx.NOW_WORDS),
    ("direction", lx.DIRECTION_WORDS),
    ("closing", lx.CLOSING_PHRASES),
    ("completion", lx.COMPLETION_WORDS),
    ("modal", lx.PREDICTION_MODALS),
    ("forecast", lx.FORECAST_PHRASES),
    ("career", lx.CAREER_CLAIM_PHRASES),
    ("evaluation", lx.EVALUATION_MARKERS),
):
    for _phrase in _phrases:
        _KINDS.setdefault(_phrase, set()).add(_kind)
_ACTORS = {**{a: "we" for a in lx.WE_ACTORS}, **{a: "i" for a in lx.I_ACTORS}}
for _phrase in _ACTORS:
    if " " in _phrase or _phrase not in ("i", "we"):
        _KINDS.setdefault(_phrase, set()).add("actor")
# "I" and "we" as subjects, found by their own fast pattern (first letter i or w).
PRONOUN_RE = re.compile(r"[iw](?<![\w'\u2019][iw])(?:(?<=i)|e)(?=[ \t,'\u2019])")
# A phrase also carries the kinds of the phrases it starts with ("my goal was" is a goal).
ROLE_KINDS = {
    phrase: frozenset(
        kind for size in range(1, len(words) + 1) for kind in _KINDS.get(" ".join(words[:size]), ())
    )
    for phrase, words in ((phrase, phrase.split(" ")) for phrase in _KINDS)
}
ROLE_RE = re.compile(phrase_alternation(ROLE_KINDS))
# Who acts in a phrase: a subject ("the team"), a subject at its end ("so i"), or a
# subject and its verb inside it ("i took on", "i volunteered to").
_ACTOR_AT_END: dict[str, str] = {}
_ACTION_INSIDE: dict[str, str] = {}
for _phrase in ROLE_KINDS:
    _words = _phrase.split()
    if _phrase in _ACTORS:
        _ACTOR_AT_END[_phrase] = _ACTORS[_phrase]
    elif _words[-1] in _ACTORS:
        _ACTOR_AT_END[_phrase] = _ACTORS[_words[-1]]
    elif (
        len(_words) > 1
        and _words[0] in _ACTORS
        and _words[1] not in lx.NON_ACTION_VERBS
        and (_words[1] in lx.IRREGULAR_PAST or _words[1].endswith("ed"))
    ):
        _ACTION_INSIDE[_phrase] = _ACTORS[_words[0]]
_FILLER_ALT = "|".join(re.escape(w) for w in sorted(lx.ACTOR_FILLERS, key=lambda w: -len(w)))
# After a subject: optional adverbs, then the word that decides whether it acted.
ACTOR_TAIL_RE = re.compile(
    rf"(?=[ \t,'\u2019])(?:[ \t,]+(?:{_FILLER_ALT})(?![\w'\u2019]))*"
    r"(?P<modal>['\u2019]d|['\u2019]ll)?[ \t]+(?P<verb>[a-z'\u2019]+)"
)
_LINK_ALT = "|".join(sorted(lx.CLAUSE_LINKS, key=lambda w: -len(w)))
# The first word of a clause after any linking words ("and then pulled").
FIRST_WORD_RE = re.compile(rf"(?:(?:{_LINK_ALT})[ \t,]+)*(?P<word>[a-z'\u2019]+)")
_HYPOTHETICAL_MODALS = frozenset({"would", "will", "might", "could", "'d", "'ll"})
_TOKEN_RE = re.compile(r"[a-z0-9'\u2019%$]+")
# Clause punctuation: ";", ": ", a dash between spaces, an em dash.
_CUT_PUNCT_RE = re.compile(r"[;:\u2013\u2014-](?:(?<=;)|(?<=\u2014)|(?<=:)(?=\s)|(?<=\s.)(?=\s))")
_PREVIOUS_WORD_RE = re.compile(r"([a-z']+)[ \t]*$")
# A comma before a clause of its own that reports a state or a change ("we processed 2.7
# times our old peak, p99 latency was 45 ms"): a cut, so the state is read on its own.
_COMMA_CLAUSE_RE = re.compile(
    r",(?=[ \t]+(?!(?:and|but|so|which|who|that|then|i|we|you|he|she|they)\b)"
    r"[a-z0-9][\w\-]*(?:[ \t]+[a-z0-9][\w\-]*){0,6}[ \t]+"
    r"(?:was|were|went|fell|rose|dropped|grew|doubled|halved|came|stayed)\b)"
)
_INERT_KINDS = frozenset({"opener"})
_MIN_UNIT_WORDS = 3
_FILLER_MAX_CHARS = 48
_FILLER_MAX_WORDS = 6
_CONCRETE_MIN_WORDS = 6
_CONCRETE_COMPLETION_WORDS = 8
# Evidence that an outcome says what changed, beyond "it shipped".
_MEASURING_KINDS = frozenset({"change", "outcome", "marker", "now", "more"})
# Quantities that can only size the work when nothing but a completion is said.
_SIZE_KINDS = frozenset({"count", "duration", "rank"})
# Right after a duration: it is measured against a plan ("two weeks early").
_AHEAD_RE = re.compile(r"[ \t]+(?:" + "|".join(sorted(lx.AHEAD_WORDS)) + r")(?![a-z])")
# Right before a duration: the time the work took ("it took us about", "took nearly").
_TOOK_BEFORE_RE = re.compile(
    r"(?<![a-z])took(?:[ \t]+(?:us|me|them|him|her))?"
    r"(?:[ \t]+(?:about|around|roughly|nearly|almost|over|under|just|like|only))*[ \t]+$"
)
# Hours of someone's time spent on the work ("it took six weeks and about 400 hours of
# staff time", "we spent 30 engineer-days"): the cost of the work, not what it changed.
_EFFORT_VERB_RE = re.compile(r"(?<![a-z])(?:took|spent|cost|invested|put in|needed|required)\b")
_EFFORT_REACH = 80
_TIME_OF_AFTER_RE = re.compile(r"[ \t]+of[ \t]+(?:[a-z']+[ \t]+)?(?:time|effort|work)\b")
# After a count, in notes: the thing counted and a participle of doing it ("40+ tickets
# closed", "12 PRs merged"): how much work was done.
_WORK_COUNTED_AFTER_RE = re.compile(r"\+?[ \t]+[a-z/-]+[ \t]+([a-z]+)(?![a-z])")
_WORK_PARTICIPLES = (lx.WORK_DONE_VERBS - {"ran", "run", "wrote", "rewrote"}) | {
    "closed", "merged", "filed", "completed", "done", "logged", "opened",
}  # fmt: skip
# Right after a duration: it is compared ("three weeks less", "two days fewer than").
_LESS_AFTER_RE = re.compile(r"[ \t]+(?:less|fewer|shorter|longer|more|instead|rather|down|up)\b")
_THAT_BEFORE_RE = re.compile(r"(?<![a-z])that[ \t]+$")
# Right before a percentage: how far a rollout reached ("launched to 100% of sellers").
_ROLLOUT_BEFORE_RE = re.compile(
    r"(?<![a-z])(?:launch|roll|ramp|releas|expand|ship|open|exposed|went live)[a-z]*"
    r"(?:[ \t]+(?:it|them|out|up|back))*[ \t]+(?:to|for)[ \t]+(?:about[ \t]+)?$"
)
# A forecast's condition: what the figure waits for ("once it's rolled out", "if rolled").
_CONDITION_RE = re.compile(r"(?<![a-z])(?:once|if|when|until)(?![a-z])")
_APPROXIMATE_WORDS = frozenset({"about", "around", "roughly", "nearly", "almost", "another"})
# Right before a verb: a comma, "and" or "+" that joins it to the clause's last action.
_CONTINUED_VERB_RE = re.compile(r"(?:,|[ \t]and|[ \t]\+)[ \t]+$")
# A measured null: "zero customer complaints", "not a single outage" (a change, like "-30%").
_NULL_OUTCOME_RE = re.compile(
    r"(?<![a-z0-9.,])(?:zero|not a single|0)(?:[ \t]+[a-z-]+){0,2}?[ \t]+(?:"
    + "|".join(lx.NULL_OUTCOME_NOUNS)
    + r")(?![a-z])"
)
# A failure that has not come back over a measured time ("it hasn't failed once in three
# months", "not a single page since"): zero events, measured.
_NOT_AGAIN_RE = re.compile(
    r"(?<![a-z])(?:hasn['\u2019]?t|has not|haven['\u2019]?t|have not|hadn['\u2019]?t|had not|never)"
    r"(?:[ \t]+(?:once|again|really|actually|even))?"
    r"[ \t]+(?:failed|broken|broke|crashed|gone down|went down|recurred|come back|happened"
    r"|missed|slipped|paged|fired|timed out|errored)"
    r"(?:[ \t]+(?:once|again|even once|a single time))?[ \t]+(?:in|for|since|over|across)"
    r"(?:[ \t]+(?:the|about|over|almost|nearly|last|past)){0,2}[ \t]+[0-9a-z]"
)
# Words of roughness between a verb and its count ("launched like six").
_ROUGH_WORDS = frozenset(
    {"about", "around", "roughly", "nearly", "almost", "over", "like", "some", "something"}
    | {"another", "just"}
)
_WHICH_WAS_RE = re.compile(r"(?:which|that|this|and that)[ \t]+(?:was|were|is|hit|met)\b")
# Before a duration: "to revisit it in", "to ship in": when something is to be done.
_PLAN_IN_RE = re.compile(r"(?<![a-z])to(?:[ \t]+[a-z']+){1,4}[ \t]+in[ \t]+(?:about[ \t]+)?$")
# After a count: people, then what they did ("customers opened", "clinicians now use").
_ADOPTION_AFTER_RE = re.compile(
    r"(?:[ \t]+[a-z-]+)?[ \t]+(?:"
    + "|".join(lx.ADOPTER_NOUNS)
    + r")(?:[ \t]+(?:have|had|now|all|then|already))*[ \t]+(?:"
    + "|".join(sorted(lx.ADOPTION_VERBS, key=len, reverse=True))
    + r")(?![a-z])"
)
# Words after "going to" that make it a direction, not the future ("going to the depots").
_NOT_VERBS = frozenset(
    {"the", "a", "an", "our", "their", "his", "her", "my", "your", "its", "this", "that"}
    | {"these", "those", "each", "every", "all", "some", "customers", "users", "people"}
)
# Figures said as "N before, M after" (notes): how far apart the words may stand.
_BEFORE_AFTER_REACH = 24
_BEFORE_WORD_RE = re.compile(r"(?<![a-z])before(?![a-z])")
# A figure set against the same measure at an earlier time (or against its standard),
# named between the two figures:
# "ninety percent back within 36 hours, the storm before that one it took four days",
# "we raised 82 thousand, the year before was fifty something".
_BASELINE_REACH = 80
_BASELINE_RE = re.compile(
    r"(?<![a-z])(?:before that(?: one)?|the (?:[a-z]+ )?(?:year|month|quarter|week|season|cycle"
    r"|time|round|term|release|one) before|(?:a|the) (?:year|month|quarter|week) earlier"
    r"|(?:the )?previous (?:[a-z]+ )?(?:year|quarter|month|cycle|time|round|season|release"
    r"|one)|last (?:year|time|quarter|cycle|season|round|month|spring|summer|autumn|fall"
    r"|winter)"
    # ... or against the standard it is held to ("fifty two minutes when the standard is
    # ninety")
    r"|(?:the|a|our|their) (?:[a-z]+ )?(?:standard|target|benchmark|norm|average|guideline"
    r"|sla) (?:is|was|of))(?![a-z])"
)
_AFTER_WORD_RE = re.compile(r"[^\n]{0,16}?(?<![a-z])after(?![a-z])")
# The one or two words after a count: what it counts.
_TWO_WORDS_AFTER_RE = re.compile(r"[ \t]+([a-z-]+)(?:[ \t]+([a-z]+))?")
_DIRECTION_REACH = 32  # characters after "up"/"down" in which its figure must start
# Between "up"/"down" and its figure: only "by", "to", "from" and words of roughness.
_DIRECTION_LINK_RE = re.compile(
    r"(?:[ \t,]+(?:by|to|from|about|around|roughly|nearly|almost|over|under|another"
    r"|a further|further|just|some|like|um|uh)(?![a-z]))*[ \t,]*[$€£¥₹~]?"
)
_FIGURE_BEFORE_REACH = 26  # characters before an arrow or "vs" in which a figure must stand


@dataclass(slots=True)
class Unit:
    """A run of text that does one thing; offsets into the text it came from.

    Treated as a value and never changed after it is made (not frozen only because a
    frozen dataclass is several times slower to build, and the checker builds many).
    """

    start: int
    end: int
    role: str
    i_actions: int = 0
    we_actions: int = 0
    hypothetical: int = 0
    concrete: bool = False  # an outcome that says what changed, not "it went well"
    measured: bool = False  # an outcome with a quantity in it
    team_effort: bool = False
    quantity: bool = False  # a quantity anywhere in the unit
    forecast: bool = False  # a prediction ("it will save $300k"): never part of an outcome
    # Where counts and durations only size what was done ("went live on three wards",
    # "shipped it in six weeks"): an outcome that is only a completion measures nothing.
    scope: tuple[int, ...] = ()
    # "I" and "we" as subjects of any verb ("we always hit", "we'd start"): who the
    # answer is about when nobody acts.
    i_subjects: int = 0
    we_subjects: int = 0

    def shifted(self, by: int) -> Unit:
        """The same unit, its offsets moved by ``by`` (into another text)."""
        scope = tuple([offset + by for offset in self.scope]) if self.scope else ()
        return self._spanning(self.start + by, self.end + by, scope)

    def extended(self, end: int) -> Unit:
        """The same unit, running on to ``end``."""
        return self._spanning(self.start, end, self.scope)

    def _spanning(self, start: int, end: int, scope: tuple[int, ...]) -> Unit:
        return Unit(
            start,
            end,
            self.role,
            self.i_actions,
            self.we_actions,
            self.hypothetical,
            self.concrete,
            self.measured,
            self.team_effort,
            self.quantity,
            self.forecast,
            scope,
            self.i_subjects,
            self.we_subjects,
        )


@dataclass(slots=True)
class _Scan:
    """Everything found once in the whole text, with sorted start offsets to slice by."""

    low: str
    hits: list[tuple[int, int, frozenset[str]]]
    hit_starts: list[int]
    actors: list[tuple[int, str, bool]]  # (verb start, "i"/"we", hypothetical)
    actor_starts: list[int]
    cuts: list[int]
    q_starts: list[int]
    quantities: list[Quantity]
    changes: list[int]  # where an arrow or a signed figure states a change
    comparisons: list[int]  # where two figures are compared ("0 vs 7"): a change if no one acts
    subjects: list[str]  # "i"/"we" for each subject, in order of where it ends
    subject_ends: list[int]


def units(
    text: str,
    low: str,
    sentences: list[tuple[int, int]],
    quantities: list[Quantity],
) -> list[Unit]:
    """The text's units, in order (``low`` is its same-length lowercase twin)."""
    scan = _scan(low, quantities)
    found: list[Unit] = []
    for sent_start, sent_end in sentences:
        merged: list[Unit] = []
        actor = ""  # who acted last in the sentence, for a clause with no subject
        for start, end in _pieces(scan, sent_start, sent_end):
            first = FIRST_WORD_RE.match(low, start, end)
            if merged and merged[-1].role != "filler" and _inert(scan, start, end, first):
                merged[-1] = merged[-1].extended(end)  # plain context: it joins
                continue
            unit, actor = _classify(scan, start, end, actor, first)
            if merged and merged[-1].forecast and _continues_forecast(scan, unit, first):
                unit = _as_forecast(unit)  # "projects 30 fewer outages and €1.1M saved"
            elif merged and unit.forecast and _forecast_of(merged[-1], low, unit):
                # "modelled at £120k a year in avoided returns and re-deliveries once it's
                # rolled out": the condition makes the figure before it a forecast too
                merged[-1] = _as_forecast(merged[-1])
            if merged and merged[-1].scope and unit.role == "goal" and _says_it_was(low, unit):
                # "we migrated about 60 jobs, which was the goal": the count is the outcome
                merged[-1] = replace(merged[-1], scope=())
            if merged and _joins(merged[-1], unit, low):
                merged[-1] = _merge(merged[-1], unit)
            else:
                merged.append(unit)
        found.extend(merged)
    return found


def _predicts(low: str, start: int, end: int, clause_end: int) -> bool:
    """Whether a modal says what will or would happen: not "would have" (the past), and
    "going to" only before a verb ("the food going to the two counties" is a direction)."""
    after = _next_word(low, end, clause_end)
    if after == "have":
        return False
    return not (low.startswith("going to", start) and (after in _NOT_VERBS or after[:1].isdigit()))


def _says_it_was(low: str, unit: Unit) -> bool:
    """Whether a goal clause names what came before as the goal ("which was the goal")."""
    return _WHICH_WAS_RE.match(low, unit.start, unit.end) is not None


def _continues_forecast(scan: _Scan, unit: Unit, first: re.Match[str] | None) -> bool:
    """Whether ``unit``, right after a forecast, is its next figure ("and around €1.1M
    saved"): no one acts in it and it opens with the figure."""
    if unit.role == "lesson" or unit.i_actions or unit.we_actions or first is None:
        return False
    word_start = first.start("word")
    index = bisect_left(scan.q_starts, word_start)
    if index == len(scan.q_starts):
        return False
    figure = scan.q_starts[index]
    if first.group("word") in _APPROXIMATE_WORDS:
        return figure <= first.end("word") + 2  # "and around €1.1M saved"
    return figure - word_start <= 1  # "and €1.1M saved", "and $1.1M"


def _forecast_of(unit: Unit, low: str, condition: Unit) -> bool:
    """Whether the forecast clause ``condition``, right after ``unit``, makes the figure
    in it one: it states the condition the figure waits for ("once it's rolled out"; not
    "and it will keep growing"), and ``unit`` is an outcome with a figure and no actor."""
    return (
        unit.role == "outcome"
        and unit.quantity
        and not (unit.i_actions or unit.we_actions)
        and _CONDITION_RE.search(low, condition.start, condition.end) is not None
    )


def _as_forecast(unit: Unit) -> Unit:
    return Unit(
        unit.start,
        unit.end,
        "context",
        hypothetical=unit.hypothetical,
        quantity=unit.quantity,
        forecast=True,
        i_subjects=unit.i_subjects,
        we_subjects=unit.we_subjects,
    )


def _scan(low: str, quantities: list[Quantity]) -> _Scan:
    hits: list[tuple[int, int, frozenset[str]]] = []
    raw_hits = [
        (start, end, raw if raw in ROLE_KINDS else normalise_phrase(raw))
        for start, end, raw in phrase_spans(ROLE_RE, low)
    ]
    # "The result: churn fell": a marker that leads into its clause is not cut from it.
    lead_ins = {end for _, end, raw in raw_hits if "marker" in ROLE_KINDS.get(raw, ())}
    cuts = [
        match.start()
        for match in _CUT_PUNCT_RE.finditer(low)
        if not (low[match.start()] == ":" and match.start() in lead_ins)
    ]
    cuts += [match.start() for match in _COMMA_CLAUSE_RE.finditer(low)]
    for start, end, raw in raw_hits:
        kinds = ROLE_KINDS.get(raw, frozenset())
        hits.append((start, end, kinds))
        if "opener" in kinds:
            cuts.append(start)
    actors: list[tuple[int, str, bool]] = []
    # Subject by where it ends: a phrase ("so i", "my team and i") and the pronoun at
    # its end are one subject, and the phrase says who it is.
    subjects = {m.end(): _ACTORS[m.group()] for m in PRONOUN_RE.finditer(low)}
    for start, end, raw in raw_hits:
        if raw in _ACTION_INSIDE:
            actors.append((start + raw.index(" ") + 1, _ACTION_INSIDE[raw], False))
        elif raw in _ACTOR_AT_END:
            subjects[end] = _ACTOR_AT_END[raw]
    for end, actor in subjects.items():
        tail = ACTOR_TAIL_RE.match(low, end)
        if tail is None:
            continue
        verb = tail.group("verb").replace("\u2019", "'")
        modal = tail.group("modal")
        # "we'd moved" is "we had moved" (an action); "we'd move" is hypothetical.
        had = modal is not None and "d" in modal and _is_action_verb(verb)
        hypothetical = not had and (modal is not None or verb in _HYPOTHETICAL_MODALS)
        acts = _is_action_verb(verb) or (
            verb in lx.ACTION_WITH_PARTICLE
            and _next_word(low, tail.end("verb"), len(low)) in lx.ACTION_WITH_PARTICLE[verb]
        )  # "I looked into it", "I worked with design" (not "I worked at a bank")
        if hypothetical or acts:
            actors.append((tail.start("verb"), actor, hypothetical))
    actors.sort()
    cuts.sort()
    changes = [m.start() for m in SIGNED_CHANGE_RE.finditer(low)]
    changes += _state_changes(low, hits)
    changes += [match.start() for match in _NULL_OUTCOME_RE.finditer(low)]
    changes += [match.start() for match in _NOT_AGAIN_RE.finditer(low)]
    changes += [
        q.start for q in quantities if q.kind == "count" and _ADOPTION_AFTER_RE.match(low, q.end)
    ]
    for arrow in ARROWS:
        at = low.find(arrow)
        while at >= 0:
            if ARROW_BEFORE_RE.search(
                low, max(0, at - _FIGURE_BEFORE_REACH), at
            ) and ARROW_AFTER_RE.match(low, at + len(arrow)):
                changes.append(at)
            at = low.find(arrow, at + 1)
    changes.sort()
    subject_ends = sorted(subjects)
    comparisons = [
        m.start()
        for m in COMPARISON_RE.finditer(low)
        if ARROW_BEFORE_RE.search(low, max(0, m.start() - _FIGURE_BEFORE_REACH), m.start())
    ]
    for before, after in pairwise(quantities):
        if after.start - before.end <= _BASELINE_REACH and _against_baseline(low, before, after):
            comparisons += [before.end, after.start]
            continue
        if after.start - before.end > _BEFORE_AFTER_REACH:
            continue
        gap = COMPARISON_GAP_RE.match(low, before.end, after.start)
        if (gap is not None and gap.end() == after.start) or _before_and_after(low, before, after):
            comparisons.append(before.end)
    comparisons.sort()
    return _Scan(
        low,
        hits,
        [start for start, _, _ in hits],
        actors,
        [start for start, _, _ in actors],
        cuts,
        [q.start for q in quantities],
        quantities,
        changes,
        comparisons,
        [subjects[end] for end in subject_ends],
        subject_ends,
    )


def _against_baseline(low: str, first: Quantity, second: Quantity) -> bool:
    """The second figure is the same measure at an earlier time, named between the two
    ("..., the year before was fifty")."""
    between = low[first.end : second.start]
    return "\n" not in between and "." not in between and bool(_BASELINE_RE.search(between))


def _before_and_after(low: str, first: Quantity, second: Quantity) -> bool:
    """Two figures said as before and after, on one line: "~1,100/wk before, ~350/wk
    after", "before: 40 min, after: 5 min"."""
    if "after" not in low[first.end : second.end + _BEFORE_AFTER_REACH]:
        return False
    between = low[first.end : second.start]
    if "\n" in between:
        return False
    ahead = low[max(0, first.start - _BEFORE_AFTER_REACH) : first.start]
    behind = low[second.end : second.end + _BEFORE_AFTER_REACH]
    return bool(
        (_BEFORE_WORD_RE.search(between) and _AFTER_WORD_RE.match(behind))
        or (_BEFORE_WORD_RE.search(ahead.rsplit("\n", 1)[-1]) and _AFTER_WORD_RE.search(between))
    )


def _sizes_change(scan: _Scan, start: int, end: int) -> bool:
    """Whether a quantity in the clause says how much something changed ("by 30%",
    "from 40 to 5"), not only how many things were touched ("cut two of the filters")."""
    index = bisect_left(scan.q_starts, start)
    for quantity in scan.quantities[index:]:
        if quantity.start >= end:
            break
        if quantity.kind != "count":
            return True
        before = _PREVIOUS_WORD_RE.search(scan.low, max(0, quantity.start - 24), quantity.start)
        if before is not None and before.group(1) in lx.CHANGE_PREPOSITIONS:
            return True
    return False


def _inert(scan: _Scan, start: int, end: int, first: re.Match[str] | None) -> bool:
    """True when a clause holds no cue, subject, figure or leading verb: plain context."""
    if _any_in(scan.actor_starts, start, end) or _any_in(scan.q_starts, start, end):
        return False
    if _any_in(scan.changes, start, end):
        return False
    lo = bisect_left(scan.hit_starts, start)
    hi = bisect_left(scan.hit_starts, end, lo)
    if any(not kinds <= _INERT_KINDS for _, _, kinds in scan.hits[lo:hi]):
        return False
    return first is None or not _is_action_verb(first.group("word"))


def _any_in(starts: list[int], start: int, end: int) -> bool:
    index = bisect_left(starts, start)
    return index < len(starts) and starts[index] < end


def _state_changes(low: str, hits: list[tuple[int, int, frozenset[str]]]) -> list[int]:
    """Where a state is said to have changed without a number ("the page was faster")."""
    found = []
    for start, end, kinds in hits:
        if "more" in kinds:
            be = STATE_BEFORE_COMPARATIVE_RE.search(low, max(0, start - 40), start)
            if be is None:
                continue
            subject = _PREVIOUS_WORD_RE.search(low, max(0, be.start() - 24), be.start() + 1)
            if subject is None or subject.group(1) not in lx.GENERIC_SUBJECTS:
                found.append(be.start())  # "the page was faster", not "it got better"
        elif (
            "now" in kinds
            and low.startswith("now", start)
            and (
                STATE_AFTER_NOW_RE.match(low, end)
                or STATE_BEFORE_NOW_RE.search(low, max(0, start - 12), start)
            )
        ):
            found.append(start)
    return found


def _pieces(scan: _Scan, start: int, end: int) -> list[tuple[int, int]]:
    """Cut a sentence at clause punctuation and before clause openers ("so", "as a result")."""
    low = scan.low
    inner = scan.cuts[bisect_right(scan.cuts, start) : bisect_left(scan.cuts, end)]
    pieces = []
    for left, right in zip([start, *inner], [*inner, end], strict=True):
        chunk = low[left:right]
        lead = len(chunk) - len(chunk.lstrip(" \t\n,;:-\u2013\u2014"))
        trail = len(chunk.rstrip())
        if lead < trail:
            pieces.append((left + lead, left + trail))
    return pieces or [(start, end)]


def _joins(previous: Unit, unit: Unit, low: str) -> bool:
    """Whether ``unit`` belongs with the unit before it."""
    if unit.role == previous.role:
        return True
    if previous.role == "filler" or unit.role == "filler":
        return False
    if previous.role == "lesson" and not (unit.i_actions or unit.we_actions):
        # "what I learned is X, and a coffee beats ten arguments": one lesson; but after
        # a bare "Looking back," a measured outcome stands on its own
        bare = low.count(" ", previous.start, previous.end) + 1 <= _MIN_UNIT_WORDS
        return not (bare and unit.role == "outcome" and unit.measured)
    if unit.role == "context":
        return not unit.forecast  # a forecast stands alone: its figures measure nothing yet
    return low.count(" ", unit.start, unit.end) + 1 < _MIN_UNIT_WORDS


def _merge(first: Unit, second: Unit) -> Unit:
    role = first.role if second.role == "context" else _stronger(first.role, second.role)
    quantity = first.quantity or second.quantity
    return Unit(
        first.start,
        second.end,
        role,
        first.i_actions + second.i_actions,
        first.we_actions + second.we_actions,
        first.hypothetical + second.hypothetical,
        first.concrete or second.concrete,
        role == "outcome" and quantity,
        first.team_effort or second.team_effort,
        quantity,
        role == "context" and (first.forecast or second.forecast),
        first.scope + second.scope,
        first.i_subjects + second.i_subjects,
        first.we_subjects + second.we_subjects,
    )


_PRIORITY = {role: rank for rank, role in enumerate(ROLES)}


def _stronger(a: str, b: str) -> str:
    return a if _PRIORITY[a] >= _PRIORITY[b] else b


def _classify(
    scan: _Scan, start: int, end: int, actor: str, first: re.Match[str] | None
) -> tuple[Unit, str]:
    """The unit ``low[start:end]`` and who acts last in it (for the next clause).

    ``actor`` is the last subject seen in the sentence ("i", "we" or "" for none);
    ``first`` is the clause's ``FIRST_WORD_RE`` match.
    """
    low = scan.low
    i_actions = we_actions = hypothetical = 0
    acted: set[int] = set()
    lo = bisect_left(scan.actor_starts, start)
    hi = bisect_left(scan.actor_starts, end, lo)
    for verb_start, who, hypo in scan.actors[lo:hi] if hi > lo else ():
        actor = who
        if hypo:
            hypothetical += 1
        else:
            acted.add(verb_start)
            if who == "i":
                i_actions += 1
            else:
                we_actions += 1
    lo = bisect_left(scan.hit_starts, start)
    hi = bisect_left(scan.hit_starts, end, lo)
    clause_hits = scan.hits[lo:hi]
    if first is not None and first.start("word") not in acted:
        word = first.group("word")
        # A clause that opens with a past-tense verb continues the last subject ("I
        # profiled it and fixed the queries"), or is a note in the candidate's own voice
        # ("- rewrote the job"); an outcome verb with no subject before it is an outcome
        # ("latency went from 1.8 s to 300 ms and stayed there"), and so is a clause
        # whose opening word only describes the subject of an outcome verb ("Failed
        # payments fell 90%").
        after = first.end("word")
        describes = not actor and any(s >= after and "verb" in k for s, _, k in clause_hits)
        # "and that saved $40k a year": "that" is the subject of an outcome verb
        thing_did = word in lx.OUTCOME_VERBS and _THAT_BEFORE_RE.search(
            low, max(start, first.start("word") - 6), first.start("word")
        )
        if (
            _is_action_verb(word)
            and not describes
            and not thing_did
            and (actor or word not in lx.OUTCOME_VERBS)
        ):
            acted.add(first.start("word"))
            if actor in ("i", ""):
                i_actions += 1
            else:
                we_actions += 1
    quantity = _any_in(scan.q_starts, start, end)
    kinds: set[str] = set()
    changed = goal_met = False
    for hit_start, hit_end, hit_kinds in clause_hits:
        kinds |= hit_kinds
        if (
            "verb" in hit_kinds
            and acted
            and hit_start not in acted
            and _CONTINUED_VERB_RE.search(low, max(start, hit_start - 6), hit_start)
        ):
            acted.add(hit_start)  # "we tested it with 5 people, fixed the labels": one subject
            if actor == "we":
                we_actions += 1
            else:
                i_actions += 1
        if "verb" in hit_kinds and (
            hit_start not in acted or (quantity and _sizes_change(scan, start, end))
        ):
            # "churn fell"; "I cut costs by 30%" measures an action, "I cut two filters" not
            changed = True
            if "completion" not in hit_kinds:
                kinds.add("change")  # more than "it shipped"
        if "direction" in hit_kinds and quantity and _direction(scan, hit_start, hit_end, end):
            changed = True
            kinds.add("change")
        if "goal" in hit_kinds and _next_word(low, hit_end, end) in lx.GOAL_MET_WORDS:
            goal_met = True
        if "modal" in hit_kinds and _predicts(low, hit_start, hit_end, end):
            kinds.add("prediction")  # "that would cut it in half"; "would have" is past
        if "forecast" in hit_kinds:
            kinds.add("prediction")  # "finance expects it to save $200k"
    if "career" in kinds:
        # "At every company I've worked for I've cut costs by 30%": a claim, not an event
        return _career_claim(scan, start, end, hypothetical), actor
    if _any_in(scan.changes, start, end) or (not acted and _any_in(scan.comparisons, start, end)):
        changed = True
        kinds.add("change")
    if "more" in kinds and quantity:
        changed = True
        kinds.add("change")
    role, concrete = _role(
        low, start, end, kinds, changed, goal_met, quantity, i_actions + we_actions, hypothetical
    )
    subjects = _subjects_in(scan, start, end)
    scope = (
        _sizes_only(
            scan,
            start,
            end,
            completion_only=(
                role == "outcome"
                and "completion" in kinds
                and not kinds & _MEASURING_KINDS
                and not goal_met
            ),
            evaluation="evaluation" in kinds,
            goal_met=goal_met or "goal" in kinds,
        )
        if quantity
        else ()
    )
    unit = Unit(
        start,
        end,
        role,
        i_actions,
        we_actions,
        hypothetical,
        concrete,
        role == "outcome" and quantity,
        "team" in kinds,
        quantity,
        role == "context" and "prediction" in kinds,
        scope,
        subjects.count("i"),
        subjects.count("we"),
    )
    return unit, actor


def _subjects_in(scan: _Scan, start: int, end: int) -> list[str]:
    """ "i"/"we" for each subject that ends inside ``[start, end)``, in order."""
    lo = bisect_left(scan.subject_ends, start)
    return scan.subjects[lo : bisect_left(scan.subject_ends, end, lo)]


def _career_claim(scan: _Scan, start: int, end: int, hypothetical: int) -> Unit:
    """A claim about a whole career: context, with its "I" counted as a subject only."""
    subjects = _subjects_in(scan, start, end)
    quantity = _any_in(scan.q_starts, start, end)
    return Unit(
        start,
        end,
        "context",
        hypothetical=hypothetical,
        quantity=quantity,
        i_subjects=subjects.count("i"),
        we_subjects=subjects.count("we"),
    )


def _role(
    low: str,
    start: int,
    end: int,
    kinds: set[str],
    changed: bool,
    goal_met: bool,
    quantity: bool,
    acted: int,
    hypothetical: int,
) -> tuple[str, bool]:
    """(role, concrete) from the evidence, strongest role first."""
    if end - start <= _FILLER_MAX_CHARS:
        tokens = _TOKEN_RE.findall(low, start, end)
        if tokens and len(tokens) <= _FILLER_MAX_WORDS and lx.FILLER_WORDS.issuperset(tokens):
            return "filler", False
        if "closing" in kinds and not (acted or quantity or changed):
            return "filler", False
    if "lesson" in kinds:
        return "lesson", False
    if "goal" in kinds and not goal_met:
        return "goal", False
    if "forecast" in kinds or ((hypothetical or "prediction" in kinds) and not acted):
        # "I'd aim to cut the backlog by 20%", "that would halve waits": a plan, not an outcome
        return ("action", False) if hypothetical else ("context", False)
    measured_now = "now" in kinds and quantity
    marked = "marker" in kinds
    cue = "outcome" in kinds
    changed = changed or "completion" in kinds  # "went live" (not with "I"/"we": see below)
    if (cue or marked or goal_met or changed or measured_now) and (
        not acted or quantity or cue or marked
    ):
        # Only "it shipped": done, but not what changed because of it.
        words = low.count(" ", start, end) + 1
        generic = "generic" in kinds or (
            "completion" in kinds
            and not quantity
            and not kinds & {"outcome", "change"}
            and words < _CONCRETE_COMPLETION_WORDS
        )  # "it shipped", not "the auditors signed off document control on their first visit"
        concrete = (
            quantity
            or goal_met
            or (not generic and (changed or cue or words >= _CONCRETE_MIN_WORDS))
        )
        return "outcome", bool(concrete)
    if acted:
        return "action", False
    if "generic" in kinds:
        return "outcome", False
    return "context", False


def _sizes_only(
    scan: _Scan,
    start: int,
    end: int,
    *,
    completion_only: bool,
    evaluation: bool,
    goal_met: bool,
) -> tuple[int, ...]:
    """Where the clause's quantities only size what was done, not how much it changed:
    counts of places a rollout reached ("now live in five cities"), and, in a clause
    that only says something was done, its counts and durations ("went live on three
    wards", "shipped it in six weeks"; not "three weeks early"); counts of the work
    ("launched six models"), unless that count was the goal; every figure of a
    model's offline evaluation ("an AUC of 0.86 on a held-out year")."""
    lo = bisect_left(scan.q_starts, start)
    hi = bisect_left(scan.q_starts, end, lo)
    low = scan.low
    return tuple(
        q.start
        for q in scan.quantities[lo:hi]
        if evaluation
        or (q.kind == "count" and _counts_places(low, q.end, end))
        or (completion_only and q.kind in _SIZE_KINDS and not _AHEAD_RE.match(low, q.end, end))
        or (q.kind == "duration" and _lasts_the_work(scan, q, end))
        or (q.kind == "duration" and _effort_spent(low, q))
        or (q.kind == "duration" and _to_be_done_in(low, q.start))
        or (q.kind == "count" and not goal_met and _counts_the_work(low, q.start, q.end))
        or (q.kind == "percent" and _ROLLOUT_BEFORE_RE.search(low, max(0, q.start - 32), q.start))
    )


def _effort_spent(low: str, quantity: Quantity) -> bool:
    """ "it took six weeks and like 400 hours of staff time": time spent on the work,
    said after a verb of spending in the same clause (not "saved 400 hours of time")."""
    if not _TIME_OF_AFTER_RE.match(low, quantity.end):
        return False
    # The verb may stand in the clause before ("took six weeks and 400 hours of ...").
    begin = max(0, quantity.start - _EFFORT_REACH)
    begin = max(
        begin, low.rfind(".", begin, quantity.start) + 1, low.rfind("\n", begin, quantity.start) + 1
    )
    spent = list(_EFFORT_VERB_RE.finditer(low, begin, quantity.start))
    return bool(spent) and not any(
        word in lx.OUTCOME_VERBS for word in low[spent[-1].end() : quantity.start].split()
    )


def _counts_the_work(low: str, start: int, end: int) -> bool:
    """ "i'd launched like six models", "we shipped 3 dashboards", and in notes "40+
    tickets closed", "12 PRs merged": a count of the work."""
    words = low[max(0, start - 30) : start].split()
    while words and words[-1] in _ROUGH_WORDS:
        words.pop()
    if words and words[-1] in lx.WORK_DONE_VERBS:
        return True
    done = _WORK_COUNTED_AFTER_RE.match(low, end)
    return done is not None and done.group(1) in _WORK_PARTICIPLES


def _to_be_done_in(low: str, start: int) -> bool:
    """ "to revisit it in six months": when something is to be done, not a measure."""
    before = low[max(0, start - 40) : start]
    if not (before.endswith(" in ") or before.endswith(" in about ")):
        return False
    return _PLAN_IN_RE.search(before) is not None


def _lasts_the_work(scan: _Scan, quantity: Quantity, end: int) -> bool:
    """ "it took about ten months in total": how long the work lasted, unless compared
    with something ("took two days instead of five", "took 3 weeks less")."""
    low = scan.low
    return (
        _TOOK_BEFORE_RE.search(low, max(0, quantity.start - 24), quantity.start) is not None
        and not _AHEAD_RE.match(low, quantity.end, end)
        and not _any_in(scan.comparisons, quantity.start, end)
        and not _any_in(scan.changes, quantity.start, end)
        and not _LESS_AFTER_RE.match(low, quantity.end, end)
    )


def _counts_places(low: str, offset: int, end: int) -> bool:
    """The count ending at ``offset`` counts places ("five cities", "6 pilot depots")."""
    match = _TWO_WORDS_AFTER_RE.match(low, offset, min(end, offset + 40))
    return match is not None and bool({match.group(1), match.group(2)} & lx.SCOPE_NOUNS)


def _direction(scan: _Scan, offset: int, word_end: int, end: int) -> bool:
    """ "up"/"down" as a direction of change with a figure after it ("got it down by 30%",
    "down to 4", "up about 12%"; not "wrote it up for our other two plants")."""
    before = _PREVIOUS_WORD_RE.search(scan.low, max(0, offset - 24), offset)
    if before is not None and before.group(1) in lx.PARTICLE_VERBS:
        return False
    index = bisect_right(scan.q_starts, offset)
    if index >= len(scan.q_starts) or scan.q_starts[index] >= min(end, offset + _DIRECTION_REACH):
        return False
    figure = scan.q_starts[index]
    link = _DIRECTION_LINK_RE.match(scan.low, word_end, figure)
    return link is not None and link.end() == figure


def _is_action_verb(verb: str) -> bool:
    if verb in lx.NON_ACTION_VERBS:
        return False
    if verb in lx.IRREGULAR_PAST:
        return True
    return len(verb) > 3 and verb.endswith("ed") and verb not in lx.NOT_PASSIVE


def _next_word(low: str, offset: int, end: int) -> str:
    match = _TOKEN_RE.search(low, offset, end)
    return match.group() if match else ""
