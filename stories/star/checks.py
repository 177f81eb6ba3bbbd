"""The individual checks.  Each returns ``Issue``s: a finding and its penalty."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from . import thresholds as th
from .analysis import PartAnalysis
from .codes import CODES
from .report import CORE_PARTS, Finding
from .textutil import is_placeholder

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


def missing_core_parts(parts: Analyses) -> tuple[list[str], list[str]]:
    """(absent parts, trivial parts) among Situation/Task/Action/Result."""
    absent, trivial = [], []
    for name in CORE_PARTS:
        part = parts[name]
        if not part.text.strip():
            absent.append(name)
        elif part.words < th.MIN_PART_WORDS[name] or is_placeholder(part.text):
            trivial.append(name)
    return absent, trivial


def check_parts(parts: Analyses, absent: list[str], trivial: list[str]) -> list[Issue]:
    """part_missing / part_trivial / parts_ok."""
    issues = []
    for name in absent:
        issues.append(
            _issue(
                "part_missing",
                name,
                f"The {name.capitalize()} is missing.",
                _PART_HINTS[name],
                penalty=th.PENALTY_PART_MISSING[name],
            )
        )
    for name in trivial:
        words = parts[name].words
        issues.append(
            _issue(
                "part_trivial",
                name,
                f"The {name.capitalize()} is too thin ({_plural(words, 'word')}; "
                f"aim for at least {th.MIN_PART_WORDS[name]}).",
                _PART_HINTS[name],
                spans=_trimmed_span(parts[name].text),
                penalty=th.PENALTY_PART_TRIVIAL[name],
            )
        )
    if not absent and not trivial:
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


def check_ownership(action: PartAnalysis) -> list[Issue]:
    """ownership_no_i / ownership_we_heavy / ownership_ok."""
    if not action.text.strip():
        return []
    hits = action.hits
    if hits.i_subjects == 0:
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
    ratio = we_ratio(len(hits.i_spans), len(hits.we_spans))
    forms = len(hits.i_spans) + len(hits.we_spans)
    if ratio is not None and forms >= th.WE_RATIO_MIN_FORMS and ratio > th.WE_RATIO_MAX:
        return [
            _issue(
                "ownership_we_heavy",
                "action",
                f"{ratio:.0%} of the first-person words in the Action are we/our/us.",
                'Say which steps were yours: "I proposed", "I wrote", "I convinced".',
                spans=sorted(hits.we_spans),
                penalty=th.PENALTY_WE_HEAVY,
            )
        ]
    return [
        _issue(
            "ownership_ok",
            "action",
            f'Clear ownership: "I" appears {_plural(hits.i_subjects, "time")} in the Action.',
        )
    ]


def check_impact(result: PartAnalysis, action: PartAnalysis) -> list[Issue]:
    """impact_quantified / impact_not_quantified (skipped when there is no Result)."""
    if not result.text.strip():
        return []
    found = result.quantities
    if found:
        return [
            _issue(
                "impact_quantified",
                "result",
                f"Result states measurable impact: {_plural(len(found), 'number')} found "
                f"({_quote([q.text for q in found], 3)}).",
                spans=[(q.start, q.end) for q in found],
            )
        ]
    hint = "Add a number: a percentage, time or money saved, users reached, a before/after."
    if action.quantities:
        hint = "Your Action has numbers; state the measurable outcome in the Result."
    return [
        _issue(
            "impact_not_quantified",
            "result",
            "The Result gives no measurable impact.",
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
    spans_of,
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
