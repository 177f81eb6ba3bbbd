"""``check()``: run every check on a story and build the report."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import Any

from . import checks
from . import thresholds as th
from .analysis import PartAnalysis, analyse_part
from .bands import band_for
from .codes import SEVERITY_RANK, label
from .report import CORE_PARTS, PART_NAMES, Finding, Highlight, StarReport, merge_highlights
from .splitter import PartFindings, split_answer

CHECKER_VERSION = "2.4.0"

_PART_ORDER = {name: index for index, name in enumerate((*PART_NAMES, "story"))}


def check(
    situation: str | None = "",
    task: str | None = "",
    action: str | None = "",
    result: str | None = "",
    reflection: str | None = "",
    *,
    text: str | None = None,
    when: date | None = None,
    today: date | None = None,
) -> StarReport:
    """Check a STAR story given as parts, or as one undivided ``text``.

    ``when`` is the date the story happened (for the age check); ``today``
    defaults to ``date.today()``.  Never raises on any string input.
    """
    given = {
        "situation": _as_text(situation, "situation"),
        "task": _as_text(task, "task"),
        "action": _as_text(action, "action"),
        "result": _as_text(result, "result"),
        "reflection": _as_text(reflection, "reflection"),
    }
    issues: list[checks.Issue] = []
    confidence, method, segments = 1.0, "fields", []
    known: dict[str, PartFindings] = {}
    if text is not None:
        if any(given.values()):
            raise TypeError("pass either text= or the separate parts, not both")
        split = split_answer(_as_text(text, "text"))
        given, confidence, method, segments = (
            split.parts,
            split.confidence,
            split.method,
            split.segments,
        )
        issues += checks.check_split(confidence, method)
        known = split.for_parts()

    parts = {name: analyse_part(name, given[name], known.get(name)) for name in PART_NAMES}
    from_text = method == "cues"  # labelled sections count as the candidate's own parts
    missing = checks.missing_core_parts(parts, from_text=from_text)
    actions = checks.count_actions(parts)
    measured = checks.measured_outcomes(parts["result"], from_text=from_text)
    headline = checks.headline_outcomes(parts["situation"]) if from_text and not measured else []
    elsewhere = None
    if method == "fields" and "result" in missing and not measured:
        elsewhere = checks.outcome_elsewhere(parts)  # typed into the wrong field
        if elsewhere is not None:
            del missing["result"]
    total_words = sum(part.words for part in parts.values())
    issues += checks.check_parts(parts, missing)
    issues += checks.check_reflection(parts["reflection"])
    issues += checks.check_balance(parts, [name for name in missing if not given[name].strip()])
    issues += checks.check_ownership(parts["action"], actions)
    issues += checks.check_impact(parts["result"], parts["action"], measured, headline, elsewhere)
    issues += checks.check_length(total_words)
    issues += checks.check_vague(parts)
    issues += checks.check_hedging(parts)
    issues += checks.check_hypothetical(parts)
    issues += checks.check_passive(parts["action"])
    issues += checks.check_age(_as_date(when), _as_date(today) or date.today())

    issues.sort(
        key=lambda i: (
            SEVERITY_RANK[i.finding.severity],
            _PART_ORDER[i.finding.part],
            i.finding.code,
        )
    )
    quantified = bool(measured or headline or elsewhere)
    caps = checks.score_caps(missing, quantified, actions, parts)
    score, breakdown = _score(issues, caps)
    findings = [issue.finding for issue in issues]
    return StarReport(
        score=score,
        findings=findings,
        missing_parts=list(missing),
        quantified=quantified,
        mostly_we=actions.mostly_we,
        band=band_for(score).key,
        metrics=_metrics(parts, total_words, actions),
        parts=dict(given),
        score_breakdown=breakdown,
        split_confidence=confidence,
        split_method=method,
        segments=list(segments),
        checker_version=CHECKER_VERSION,
        highlight_source=partial(_highlights, parts, findings),
    )


def _as_text(value: object, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")
    return value


def _as_date(value: date | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def _score(
    issues: list[checks.Issue], caps: list[tuple[int, str]]
) -> tuple[int, list[tuple[str, int, str]]]:
    """Start at 100, subtract penalties, apply the band caps, clamp.

    The breakdown sums to score - 100: a cap that bites is a line of its own.
    """
    breakdown = [
        (label(issue.finding.code), -issue.penalty, issue.finding.message)
        for issue in issues
        if issue.penalty
    ]
    raw = th.SCORE_START + sum(points for _, points, _ in breakdown)
    for cap, reason in sorted(caps):
        if raw > cap:
            breakdown.append((f"Capped at {cap}", cap - raw, reason))
            raw = cap
            break
    score = max(th.SCORE_MIN, min(th.SCORE_MAX, raw))
    if score != raw:
        breakdown.append(
            ("Score limit", score - raw, f"The score stays within {th.SCORE_MIN}..{th.SCORE_MAX}.")
        )
    return score, breakdown


def _metrics(
    parts: dict[str, PartAnalysis], total_words: int, actions: checks.Actions
) -> dict[str, Any]:
    words = {name: part.words for name, part in parts.items()}
    core = sum(words[name] for name in CORE_PARTS)
    i_count = sum(len(part.hits.i_spans) for part in parts.values())
    we_count = sum(len(part.hits.we_spans) for part in parts.values())
    action = parts["action"].hits
    return {
        "words": words,
        "total_words": total_words,
        "core_words": core,
        "speaking_seconds": checks.speaking_seconds(total_words),
        "first_person": {"i": i_count, "we": we_count},
        "we_ratio": checks.we_ratio(i_count, we_count),
        "we_ratio_action": checks.we_ratio(len(action.i_spans), len(action.we_spans)),
        "i_in_action": action.i_subjects,
        "actions": {"i": actions.i, "we": actions.we},
        "action_share": round(words["action"] / core, 2) if core else None,
        "setup_share": round((words["situation"] + words["task"]) / core, 2) if core else None,
        "quantities": [
            (q.text, name, (q.start, q.end))
            for name, part in parts.items()
            for q in part.quantities
        ],
        "result_quantities": len(parts["result"].quantities),
    }


_FLAGGED_KIND = {
    "vague_claim": "vague",
    "hedging": "hedge",
    "hypothetical": "hedge",
    "passive_action": "passive",
}


def _highlights(
    parts: dict[str, PartAnalysis], findings: list[Finding]
) -> dict[str, list[Highlight]]:
    candidates: dict[str, list[Highlight]] = {}
    for name, part in parts.items():
        spans: list[Highlight] = [(q.start, q.end, "quantity") for q in part.quantities]
        spans += [(start, end, "i") for start, end in part.hits.i_spans]
        spans += [(start, end, "we") for start, end in part.hits.we_spans]
        candidates[name] = spans
    for finding in findings:
        kind = _FLAGGED_KIND.get(finding.code)
        if kind is not None:
            candidates[finding.part] += [(start, end, kind) for start, end in finding.spans]
    return {name: merge_highlights(spans) for name, spans in candidates.items()}
