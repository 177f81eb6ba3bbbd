"""The individual checks.  Each returns ``Issue``s: a finding and its penalty."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from . import lexicon as lx
from . import thresholds as th
from .analysis import PartAnalysis
from .codes import CODES
from .patterns import HEADLINE_RE, TARGET_NOTATION_RE, TYPED_TASK_RE, phrase_spans
from .quantities import AMOUNT_KINDS, Quantity
from .report import CORE_PARTS, Finding
from .roles import Unit
from .textutil import is_placeholder, opens_with_placeholder

Analyses = dict[str, PartAnalysis]


@dataclass(frozen=True, slots=True)
class Issue:
    """A finding plus the points it costs (0 for ok/most info findings)."""

    finding: Finding
    penalty: int = 0


def _issue(
    code: str,
    part: str,
    message: str,
    suggestion: str = "",
    spans: list[tuple[int, int]] | None = None,
    penalty: int = 0,
    severity: str | None = None,
) -> Issue:
    finding = Finding(
        code=code,
        severity=severity or CODES[code][0],
        part=part,
        message=message,
        suggestion=suggestion,
        spans=list(spans or []),
    )
    return Issue(finding, penalty)


def _quote(phrases: list[str], limit: int = 4) -> str:
    unique = list(dict.fromkeys(phrases))
    shown = ", ".join(f'"{phrase}"' for phrase in unique[:limit])
    return shown + (f" and {len(unique) - limit} more" if len(unique) > limit else "")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _trimmed_span(text: str) -> list[tuple[int, int]]:
    stripped = text.strip()
    if not stripped:
        return []
    start = len(text) - len(text.lstrip())
    return [(start, start + len(stripped))]


@dataclass(frozen=True, slots=True)
class PartVerdict:
    """Why a core part counts as missing: "absent", "trivial" or "empty" (no content)."""

    status: str
    message: str


def missing_core_parts(parts: Analyses, *, from_text: bool) -> dict[str, PartVerdict]:
    """The core parts that are missing, each with the reason, in S/T/A/R order.

    A part is missing when it is absent, placeholder text, too short, or holds no
    content of its kind: a Task needs a stated goal (before the Result), an
    Action a step someone took, a Result an outcome that says what changed.
    """
    verdicts: dict[str, PartVerdict] = {}
    tells_events = _tells_events(parts)
    if not tells_events and from_text:
        # No one did anything, one time: a goal or an outcome said in general ("I always
        # make sure the customer is happy") is not the Task or Result of a story.
        general = "the answer says what you do in general (or would do), not what happened"
        return {
            "situation": PartVerdict("empty", f"No specific situation: {general} one time."),
            "task": PartVerdict("empty", f"No Task of a story: {general}."),
            "action": PartVerdict("empty", f"No Action: {general}."),
            "result": PartVerdict("empty", f"No Result of a story: {general}."),
        }
    if not tells_events:
        verdicts["situation"] = PartVerdict(
            "empty",
            "No specific situation: the answer says what you do in general (or would do), "
            "not what happened one time.",
        )
    for name in CORE_PARTS:
        if name in verdicts:
            continue
        verdict = _part_verdict(name, parts, from_text)
        if verdict is not None:
            verdicts[name] = verdict
    return verdicts


def _part_verdict(name: str, parts: Analyses, from_text: bool) -> PartVerdict | None:
    part = parts[name]
    label = name.capitalize()
    if name == "task" and any(parts[p].has_role("goal") for p in _GOAL_PARTS):
        return None  # a goal in the Result is a later ask ("the VP then asked me to...")
    if name == "situation" and from_text and _scene_words(parts) >= th.MIN_PART_WORDS[name]:
        return None
    if not part.text.strip():
        if name == "task":
            return PartVerdict(
                "absent", "No Task: you never say what you were asked or aimed to do."
            )
        return PartVerdict("absent", f"The {label} is missing.")
    if is_placeholder(part.text) or (not from_text and opens_with_placeholder(part.text)):
        return PartVerdict("trivial", f"The {label} is only a placeholder.")
    if name == "action":
        return _action_verdict(part, from_text)
    if name == "result":
        return _result_verdict(part, from_text)
    if name == "task":
        if not from_text and _states_typed_task(part.text):
            return None  # "Cut SaaS costs.", "me = support lead, VP: backlog < 200"
        return PartVerdict(
            "empty",
            "The Task states no goal: say what you were asked, or set out, to achieve.",
        )
    if part.words < th.MIN_PART_WORDS[name]:
        return PartVerdict(
            "trivial",
            f"The {label} is too thin ({_plural(part.words, 'word')}; "
            f"aim for at least {th.MIN_PART_WORDS[name]}).",
        )
    return None


_GOAL_PARTS = ("situation", "task", "action")


def _states_typed_task(text: str) -> bool:
    """Whether a Task the candidate typed (or labelled) says what the work had to do:
    an instruction ("Cut SaaS costs."), whose it was or who asked ("me = support lead",
    "asked by the CMO"), or a target in note form ("backlog < 200 before Sept 15")."""
    words = text.split(maxsplit=1)
    if words and words[0].strip("*-:\u2022").lower() in lx.TASK_VERBS:
        return True
    low = text.lower()
    return bool(phrase_spans(TYPED_TASK_RE, low)) or TARGET_NOTATION_RE.search(low) is not None


def _scene_words(parts: Analyses) -> int:
    """Words that set the scene: the Situation's, plus a goal sentence's beyond its cue.

    A goal sentence often sets the scene too ("I was the designer who owned...").
    """
    return parts["situation"].words + max(0, parts["task"].words - th.GOAL_SENTENCE_WORDS)


def _tells_events(parts: Analyses) -> bool:
    """True when someone does something in the past tense, or a measured outcome is reported.

    A telling answer ("I always step in until it's solved") has neither.
    """
    return any(
        unit.i_actions or unit.we_actions or unit.measured
        for part in parts.values()
        for unit in part.units
    )


def _action_verdict(part: PartAnalysis, from_text: bool) -> PartVerdict | None:
    acted = sum(u.i_actions + u.we_actions for u in part.units)
    would = max(sum(u.hypothetical for u in part.units), len(part.hits.hypotheticals))
    if would and would > th.HYPOTHETICAL_ACTIONS_RATIO * acted:
        return PartVerdict("empty", "The Action says what you would do, not what you did.")
    if from_text and not acted:
        return PartVerdict("empty", "No Action: no step that you (or anyone) took.")
    if part.words < th.MIN_PART_WORDS["action"]:
        return PartVerdict(
            "trivial",
            f"The Action is too thin ({_plural(part.words, 'word')}; "
            f"aim for at least {th.MIN_PART_WORDS['action']}).",
        )
    return None


def _result_verdict(part: PartAnalysis, from_text: bool) -> PartVerdict | None:
    if part.has_role("outcome", concrete=True):
        return None
    roles = {u.role for u in part.units}
    if "lesson" in roles and roles <= {"lesson", "filler", "context"}:
        return PartVerdict(
            "empty", "The Result is only a lesson: say what changed because of what you did."
        )
    if "outcome" in roles:
        return PartVerdict(
            "trivial", "The Result says it went well, not what changed: name the outcome."
        )
    if not from_text and part.words >= th.RESULT_BENEFIT_OF_DOUBT_WORDS:
        return None  # a typed Result of some length, in words the cues do not know
    return PartVerdict(
        "trivial", "The Result names no outcome: say what changed because of what you did."
    )


def check_parts(parts: Analyses, missing: dict[str, PartVerdict]) -> list[Issue]:
    """part_missing / part_trivial / parts_ok."""
    issues = []
    for name, verdict in missing.items():
        trivial = verdict.status == "trivial"
        points = th.PENALTY_PART_TRIVIAL if trivial else th.PENALTY_PART_MISSING
        issues.append(
            _issue(
                "part_trivial" if trivial else "part_missing",
                name,
                verdict.message,
                _PART_HINTS[name],
                spans=[] if verdict.status == "absent" else _trimmed_span(parts[name].text),
                penalty=points[name],
            )
        )
    if not missing:
        issues.append(
            _issue("parts_ok", "story", "Situation, Task, Action and Result are all there.")
        )
    return issues


_PART_HINTS = {
    "situation": "Set the scene in one or two sentences: where you were, what was at stake.",
    "task": "Say what you personally had to achieve and why it mattered.",
    "action": "Describe the steps you took, in the first person, in order.",
    "result": "Say what changed because of your actions, with numbers if you can.",
}


def check_reflection(reflection: PartAnalysis) -> list[Issue]:
    """reflection_missing / reflection_ok."""
    if reflection.words < th.MIN_REFLECTION_WORDS or is_placeholder(reflection.text):
        return [
            _issue(
                "reflection_missing",
                "reflection",
                "There is no reflection.",
                "Add a sentence or two on what you learned or would do differently.",
                penalty=th.PENALTY_REFLECTION_MISSING,
            )
        ]
    return [_issue("reflection_ok", "reflection", "You reflect on what you learned.")]


def check_balance(parts: Analyses, absent: list[str]) -> list[Issue]:
    """balance_action_not_largest / balance_setup_heavy / balance_ok."""
    words = {name: parts[name].words for name in CORE_PARTS}
    core = sum(words.values())
    if "action" in absent or core < th.BALANCE_MIN_WORDS:
        return []
    issues = []
    largest = max(("situation", "task", "result"), key=lambda name: (words[name], name))
    if words[largest] > words["action"]:
        issues.append(
            _issue(
                "balance_action_not_largest",
                "action",
                f"The Action has {_plural(words['action'], 'word')} but the "
                f"{largest.capitalize()} has {words[largest]}.",
                "Spend most of the story on what you did; trim the other parts.",
                penalty=th.PENALTY_ACTION_NOT_LARGEST,
            )
        )
    setup = (words["situation"] + words["task"]) / core
    if setup > th.SETUP_SHARE_MAX:
        issues.append(
            _issue(
                "balance_setup_heavy",
                "story",
                f"Situation and Task take {setup:.0%} of the story "
                f"(keep them under {th.SETUP_SHARE_MAX:.0%}).",
                "Cut background detail the listener does not need to follow your actions.",
                penalty=th.PENALTY_SETUP_HEAVY,
            )
        )
    if not issues:
        share = words["action"] / core
        issues.append(
            _issue(
                "balance_ok",
                "story",
                f"Well balanced: the Action is the largest part ({share:.0%}).",
            )
        )
    return issues


def we_ratio(i_count: int, we_count: int) -> float | None:
    """Share of we/us/our among first-person forms (None when there are none)."""
    total = i_count + we_count
    return round(we_count / total, 2) if total else None


#: Parts whose clauses count for ownership: the Situation is context.
OWNERSHIP_PARTS = ("task", "action", "result")


@dataclass(frozen=True, slots=True)
class Actions:
    """Who is the subject of the action clauses: "I" and "we"/"the team" counts."""

    i: int
    we: int
    # When (almost) nobody acts ("we would start...", "we always hit our dates"): "I" and "we"
    # as subjects of any verb, anywhere in the answer.
    i_subjects: int = 0
    we_subjects: int = 0

    @property
    def mostly_we(self) -> bool:
        """Collective phrasing carries most of the actions (or, with no actions, most of
        what the answer says anyone does or would do)."""
        if self.judged_by_actions:
            return self.we >= th.WE_ACTIONS_MIN and self.we > self.i * th.WE_ACTIONS_RATIO
        return self.we_subjects >= th.WE_SUBJECTS_MIN and self.we_subjects > self.i_subjects

    @property
    def judged_by_actions(self) -> bool:
        """Enough actions to say who carries them; else the subjects of any verb decide."""
        return self.i + self.we >= th.ACTIONS_TO_JUDGE_OWNERSHIP


def count_actions(parts: Analyses) -> Actions:
    """Count I- and we-actions in the Task, Action and Result ("a team effort" is we)."""
    i = we = 0
    for name in OWNERSHIP_PARTS:
        for unit in parts[name].units:
            i += unit.i_actions
            we += unit.we_actions + th.TEAM_EFFORT_WE_ACTIONS * unit.team_effort
    units_ = [unit for part in parts.values() for unit in part.units]
    return Actions(
        i,
        we,
        sum(unit.i_subjects for unit in units_),
        sum(unit.we_subjects for unit in units_),
    )


def check_ownership(action: PartAnalysis, actions: Actions) -> list[Issue]:
    """ownership_we_heavy / ownership_no_i / ownership_ok, judged on the action clauses."""
    if not action.text.strip():
        return []
    hits = action.hits
    if actions.i == 0 and hits.i_subjects == 0:
        return [
            _issue(
                "ownership_no_i",
                "action",
                'The Action never says what you did: there is no "I".',
                'Rewrite the steps as "I ...": the interviewer is hiring you, not the team.',
                spans=sorted(hits.we_spans),
                penalty=th.PENALTY_NO_I_IN_ACTION,
            )
        ]
    if actions.mostly_we:
        carried = (
            f'"We" carries {actions.we} of the {actions.i + actions.we} actions '
            f'(you said "I" did {actions.i}).'
            if actions.judged_by_actions
            else f'"We" is who acts {_plural(actions.we_subjects, "time")}, "I" '
            f"{_plural(actions.i_subjects, 'time')}, and "
            + ("no step is one you took." if not actions.i else "only one step is yours.")
        )
        return [
            _issue(
                "ownership_we_heavy",
                "action",
                carried,
                'Say which steps were yours: "I proposed", "I wrote", "I convinced".',
                spans=sorted(hits.we_spans),
                penalty=th.PENALTY_WE_HEAVY,
            )
        ]
    count = actions.i or hits.i_subjects
    return [
        _issue(
            "ownership_ok",
            "action",
            f'Clear ownership: "I" is the one acting {_plural(count, "time")}.',
        )
    ]


def measured_outcomes(result: PartAnalysis, *, from_text: bool) -> list[Quantity]:
    """The Result's quantities that measure the outcome (not team sizes, evidence, dates).

    A quantity counts inside an outcome clause; in a Result typed as its own field, a
    percentage, amount, multiplier, change or range counts in any clause that is not a
    lesson or a goal.
    """
    found = []
    for quantity in result.quantities:
        unit = _unit_at(result, quantity.start)
        if unit is None or quantity.start in unit.scope:
            continue
        if unit.role == "outcome" or (
            not from_text
            and unit.role not in ("lesson", "goal")
            and not unit.forecast
            and quantity.kind in AMOUNT_KINDS
        ):
            found.append(quantity)
    return found


def outcome_elsewhere(parts: Analyses) -> tuple[str, list[Quantity]] | None:
    """In the form's fields, when the Result field holds no outcome (empty, "See above.",
    only a lesson): the measured outcome typed into the Reflection, or into the Action
    after its first step ("Retraining now takes 3 hours instead of 14"), and where."""
    reflection = parts["reflection"]
    found = [
        q
        for q in reflection.quantities
        if (unit := _unit_at(reflection, q.start)) is not None
        and unit.role == "outcome"
        and not unit.forecast
        and q.start not in unit.scope
    ]
    if found:
        return "reflection", found
    action = parts["action"]
    started = False
    for unit in action.units:
        if unit.role == "action":
            started = True
        elif started and _measures_alone(unit, action.quantities):
            found += [
                q
                for q in action.quantities
                if unit.start <= q.start < unit.end and q.start not in unit.scope
            ]
    return ("action", found) if found else None


def _measures_alone(unit: Unit, quantities: list[Quantity]) -> bool:
    """An outcome clause that measures a state or a change, not a step someone took
    ("churn fell from 4% to 3%"; "I cut costs by 30%" is an amount; "I ran 12 tests" not)."""
    if unit.role != "outcome" or not unit.measured or unit.forecast:
        return False
    if not (unit.i_actions or unit.we_actions):
        return True
    return any(
        unit.start <= q.start < unit.end and q.kind in AMOUNT_KINDS and q.start not in unit.scope
        for q in quantities
    )


def headline_outcomes(situation: PartAnalysis) -> list[Quantity]:
    """The measure of an outcome said first, as a headline, in an undivided answer
    ("Headline first: falls went from 6 per 1,000 patient-days to just under 2")."""
    if not situation.sentences.spans or HEADLINE_RE.match(situation.text.lower()) is None:
        return []
    _, first_end = situation.sentences.spans[0]
    return [
        q
        for q in situation.quantities
        if q.start < first_end
        and (unit := _unit_at(situation, q.start)) is not None
        and unit.role == "outcome"
        and q.start not in unit.scope
    ]


def _unit_at(part: PartAnalysis, offset: int) -> Unit | None:
    for unit in part.units:
        if unit.start <= offset < unit.end:
            return unit
    return None


def check_impact(
    result: PartAnalysis,
    action: PartAnalysis,
    measured: list[Quantity],
    headline: list[Quantity] | None = None,
    elsewhere: tuple[str, list[Quantity]] | None = None,
) -> list[Issue]:
    """impact_quantified / impact_not_quantified (skipped when there is no Result);
    ``headline``: the measure of an outcome the answer opens with, in the Situation;
    ``elsewhere``: the measured outcome typed into another field (``outcome_elsewhere``)."""
    if elsewhere:
        part, found = elsewhere
        return [
            _issue(
                "impact_quantified",
                part,
                f"Your measured outcome is in the {part.capitalize()} "
                f"({_quote([q.text for q in found], 3)}): move it to the Result.",
                spans=[(q.start, q.end) for q in found],
            )
        ]
    if headline:
        return [
            _issue(
                "impact_quantified",
                "situation",
                "You open with the measured outcome "
                f"({_quote([q.text for q in headline], 3)}): say it again at the end.",
                spans=[(q.start, q.end) for q in headline],
            )
        ]
    if not result.text.strip():
        return []
    if measured:
        return [
            _issue(
                "impact_quantified",
                "result",
                f"Result states measurable impact: {_plural(len(measured), 'number')} found "
                f"({_quote([q.text for q in measured], 3)}).",
                spans=[(q.start, q.end) for q in measured],
            )
        ]
    message = "The Result gives no measurable impact."
    hint = "Add a number: a percentage, time or money saved, users reached, a before/after."
    if result.quantities:
        message = (
            f"The numbers in the Result ({_quote([q.text for q in result.quantities], 3)}) "
            "do not measure the outcome."
        )
        hint = "Say by how much the outcome changed: before and after, or the difference."
    elif action.quantities:
        hint = "Your Action has numbers; state the measurable outcome in the Result."
    return [
        _issue(
            "impact_not_quantified",
            "result",
            message,
            hint,
            penalty=th.PENALTY_NOT_QUANTIFIED,
        )
    ]


def speaking_seconds(words: int) -> int:
    """Seconds to say ``words`` at the assumed speaking rate."""
    return round(words * 60 / th.WORDS_PER_MINUTE)


def check_length(total_words: int) -> list[Issue]:
    """length_short / length_long / length_ok."""
    seconds = speaking_seconds(total_words)
    spoken = f"about {seconds // 60} min {seconds % 60:02d} s spoken ({total_words} words)"
    if seconds < th.MIN_SPEAKING_SECONDS:
        return [
            _issue(
                "length_short",
                "story",
                f"Too short: {spoken}.",
                f"Aim for {th.MIN_SPEAKING_SECONDS // 60}-{th.MAX_SPEAKING_SECONDS // 60} minutes; "
                "add detail to the Action and Result.",
                penalty=th.PENALTY_TOO_SHORT,
            )
        ]
    if seconds > th.MAX_SPEAKING_SECONDS:
        return [
            _issue(
                "length_long",
                "story",
                f"Too long: {spoken}.",
                f"Keep it under {th.MAX_SPEAKING_SECONDS // 60} minutes; cut setup first.",
                penalty=th.PENALTY_TOO_LONG,
            )
        ]
    return [_issue("length_ok", "story", f"Good length: {spoken}.")]


class _Budget:
    """Per-occurrence penalty with a cap shared across parts."""

    def __init__(self, per: int, cap: int) -> None:
        self.per = per
        self.left = cap

    def take(self, count: int) -> int:
        points = min(self.left, self.per * count)
        self.left -= points
        return points


def check_vague(parts: Analyses) -> list[Issue]:
    """vague_claim, per core part."""
    budget = _Budget(th.PENALTY_PER_VAGUE, th.PENALTY_VAGUE_CAP)
    issues = []
    for name in CORE_PARTS:
        vague = parts[name].vague
        if vague:
            issues.append(
                _issue(
                    "vague_claim",
                    name,
                    "Vague wording with no number or name to back it: "
                    f"{_quote([phrase for _, _, phrase in vague])}.",
                    "Replace it with what actually happened: a number, a name, an example.",
                    spans=[(start, end) for start, end, _ in vague],
                    penalty=budget.take(len(vague)),
                )
            )
    return issues


def _phrase_findings(
    parts: Analyses,
    names: tuple[str, ...],
    *,
    code: str,
    spans_of: Callable[[PartAnalysis], list[tuple[int, int]]],
    warn_count: int,
    budget: _Budget,
    message: str,
    suggestion: str,
) -> list[Issue]:
    """One finding per part holding flagged phrases; "warn" once the story has enough."""
    total = sum(len(spans_of(parts[name])) for name in names)
    severity = "warn" if total >= warn_count else "info"
    issues = []
    for name in names:
        part = parts[name]
        spans = spans_of(part)
        if spans:
            quoted = _quote([part.text[s:e] for s, e in spans])
            issues.append(
                _issue(
                    code,
                    name,
                    message.format(part=name.capitalize(), quoted=quoted),
                    suggestion,
                    spans=spans,
                    penalty=budget.take(len(spans)),
                    severity=severity,
                )
            )
    return issues


def check_hedging(parts: Analyses) -> list[Issue]:
    """hedging, per core part (the Reflection may hedge)."""
    return _phrase_findings(
        parts,
        CORE_PARTS,
        code="hedging",
        spans_of=lambda part: part.hits.hedges,
        warn_count=th.HEDGE_WARN_COUNT,
        budget=_Budget(th.PENALTY_PER_HEDGE, th.PENALTY_HEDGE_CAP),
        message="Hedging weakens the {part}: {quoted}.",
        suggestion="State what happened plainly; drop the qualifiers.",
    )


def check_hypothetical(parts: Analyses) -> list[Issue]:
    """hypothetical, in the Action and Result (the Reflection may say "I would")."""
    return _phrase_findings(
        parts,
        ("action", "result"),
        code="hypothetical",
        spans_of=lambda part: part.hits.hypotheticals,
        warn_count=th.HYPOTHETICAL_WARN_COUNT,
        budget=_Budget(th.PENALTY_PER_HYPOTHETICAL, th.PENALTY_HYPOTHETICAL_CAP),
        message="Hypothetical framing in the {part}: {quoted}.",
        suggestion='Tell what you did ("I rolled back"), not what you would do; '
        "keep lessons for the Reflection.",
    )


def check_passive(action: PartAnalysis) -> list[Issue]:
    """passive_action: passive voice in the Action that hides who acted."""
    spans = action.hits.passives
    if not spans:
        return []
    return [
        _issue(
            "passive_action",
            "action",
            f"Passive voice hides who acted: {_quote([action.text[s:e] for s, e in spans])}.",
            'Name the actor: "I migrated the service", not "the service was migrated".',
            spans=spans,
            penalty=min(th.PENALTY_PASSIVE_CAP, th.PENALTY_PER_PASSIVE * len(spans)),
        )
    ]


def check_age(when: date | None, today: date) -> list[Issue]:
    """story_old / story_date_future (needs ``when``)."""
    if when is None:
        return []
    if when > today:
        return [
            _issue(
                "story_date_future",
                "story",
                f"The story is dated {when.isoformat()}, after today.",
                "Check the date.",
            )
        ]
    if today - when > timedelta(days=th.STORY_MAX_AGE_DAYS):
        years = (today - when).days // 365
        return [
            _issue(
                "story_old",
                "story",
                f"This story is about {years} years old.",
                "Interviewers prefer recent examples; keep it if it is your strongest, "
                "and have a recent one ready.",
                penalty=th.PENALTY_STORY_OLD,
            )
        ]
    return []


def check_split(confidence: float, method: str) -> list[Issue]:
    """split_low_confidence / split_info, for answers given as one text."""
    if method == "labels":
        return [_issue("split_info", "story", "Split the answer using its section labels.")]
    if confidence < th.SPLIT_CONFIDENCE_WARN:
        return [
            _issue(
                "split_low_confidence",
                "story",
                f"Could not reliably tell the parts apart (confidence {confidence:.2f}).",
                'Use the separate fields, or start sections with "Situation:", "Task:", '
                '"Action:", "Result:".',
                penalty=th.PENALTY_SPLIT_LOW_CONFIDENCE,
            )
        ]
    return [
        _issue(
            "split_info",
            "story",
            f"Split the answer into parts from its wording (confidence {confidence:.2f}).",
            "Check the parts below; use the separate fields if they look wrong.",
        )
    ]


def score_caps(
    missing: dict[str, PartVerdict], measured: bool, actions: Actions, parts: Analyses
) -> list[tuple[int, str]]:
    """The highest score the story may reach, and why, for each rule that applies."""
    caps = []
    needs_work = th.CAP_NEEDS_WORK
    if "result" in missing:
        caps.append((needs_work, "A story with no Result cannot score above Needs work."))
    if "action" in missing:
        caps.append((needs_work, "A story with no Action cannot score above Needs work."))
    hypothetical = sum(len(parts[name].hits.hypotheticals) for name in ("action", "result"))
    if hypothetical >= th.HYPOTHETICAL_WARN_COUNT and actions.i + actions.we == 0:
        caps.append((needs_work, "A hypothetical answer cannot score above Needs work."))
    if not measured:
        caps.append((th.CAP_SOLID, "Without a measured outcome a story cannot be Ready."))
    if actions.mostly_we:
        caps.append((th.CAP_SOLID, 'While "we" carries the actions a story cannot be Ready.'))
    if "task" in missing:
        caps.append((th.CAP_SOLID, "Without a stated goal a story cannot be Ready."))
    return caps
