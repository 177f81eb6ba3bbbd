"""The STAR checker applied to stories: run it, store its verdict, explain it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from principles.models import Principle
from stories.models import Story
from stories.star import (
    CHECKER_VERSION,
    PrincipleCues,
    StarReport,
    check,
    split_answer,
    suggest_principles,
)
from stories.star.bands import Band, band_for
from stories.star.codes import SEVERITY_RANK
from stories.star.report import PART_NAMES
from stories.star.textutil import sentence_spans

#: Story fields the checker reads; a change to any of them re-scores the story.
CHECKED_FIELDS = (*PART_NAMES, "happened_on")
#: Stored fields the checker writes.
SCORE_FIELDS = ("star_score", "star_flags", "star_quantified", "star_version")
#: Severities worth a flag on a list row.
FLAG_SEVERITIES = ("error", "warn")
#: Characters per part the live check looks at (the form refuses more on save anyway).
LIVE_CHECK_MAX_CHARS = 20_000


def check_parts(
    *,
    situation: str = "",
    task: str = "",
    action: str = "",
    result: str = "",
    reflection: str = "",
    happened_on=None,
) -> StarReport:
    """Run the checker on a story's parts (any of them may be empty)."""
    return check(
        situation=situation[:LIVE_CHECK_MAX_CHARS],
        task=task[:LIVE_CHECK_MAX_CHARS],
        action=action[:LIVE_CHECK_MAX_CHARS],
        result=result[:LIVE_CHECK_MAX_CHARS],
        reflection=reflection[:LIVE_CHECK_MAX_CHARS],
        when=happened_on,
    )


def check_story(story: Story) -> StarReport:
    """Run the checker on a story as it is in memory."""
    return check_parts(**{name: getattr(story, name) for name in CHECKED_FIELDS})


def key_flags(report: StarReport) -> list[str]:
    """The codes of the problems worth showing on a list row, each once, worst first."""
    flags: list[str] = []
    for finding in report.findings:
        if finding.severity in FLAG_SEVERITIES and finding.code not in flags:
            flags.append(finding.code)
    return flags


#: Above this split confidence the parts are said to be clear; below the lower one, unsure.
SPLIT_SURE, SPLIT_UNSURE = 0.75, 0.5


@dataclass(frozen=True)
class SplitSentence:
    """One sentence of a pasted answer and the part the splitter gave it."""

    text: str
    part: str


@dataclass(frozen=True)
class AnswerSplit:
    """A pasted or dictated answer, sentence by sentence, each in its part."""

    sentences: list[SplitSentence]
    confidence: float
    by_labels: bool  # the answer named its parts ("Situation: ...")

    @property
    def sureness(self) -> str:
        """How sure the split is, in words."""
        if self.by_labels or self.confidence >= SPLIT_SURE:
            return "sure"
        return "fairly sure" if self.confidence >= SPLIT_UNSURE else "unsure"


def split_for_form(answer: str) -> AnswerSplit:
    """Split one answer into its parts, sentence by sentence, so that the user can move
    any sentence to another part before it fills the story form."""
    result = split_answer(answer[:LIVE_CHECK_MAX_CHARS])
    sentences = []
    for part, start, end in result.segments:
        segment = answer[start:end]
        for first, last in sentence_spans(segment):
            sentences.append(SplitSentence(segment[first:last], part))
    return AnswerSplit(sentences, round(result.confidence, 2), result.method == "labels")


@dataclass(frozen=True)
class AnswerReading:
    """How the check read one answer: each part's text, and the flags, each named
    with its part ("Task: part too thin")."""

    parts: list[tuple[str, str]]  # (label, text) in story order; "" for a part not heard
    flags: list[str]


def answer_reading(answer: str) -> AnswerReading:
    """What the check heard in each part of an answer and what it flags there."""
    report = check(text=answer[:LIVE_CHECK_MAX_CHARS])
    parts = [(label, report.parts.get(name, "")) for name, label in PART_LABELS.items()]
    flags: list[str] = []
    for finding in report.findings:
        if finding.severity not in FLAG_SEVERITIES:
            continue
        label = flag_label(finding.code)
        part = PART_LABELS.get(finding.part)
        named = f"{part}: {label}" if part else label[:1].upper() + label[1:]
        if named not in flags:
            flags.append(named)
    return AnswerReading(parts, flags)


def heard(report: StarReport) -> dict[str, int | bool]:
    """What a practice round shows of the check, kept with the round: a number in the
    Result, who acts, and the length."""
    actions = report.metrics.get("actions", {})
    return {
        "quantified": report.quantified,
        "mostly_we": report.mostly_we,
        "i_actions": int(actions.get("i", 0)),
        "we_actions": int(actions.get("we", 0)),
        "words": int(report.metrics.get("total_words", 0)),
        "speaking_seconds": int(report.metrics.get("speaking_seconds", 0)),
    }


def apply_score(story: Story, report: StarReport | None = None) -> StarReport:
    """Store the checker's verdict on the story (in memory; the caller saves)."""
    report = report or check_story(story)
    story.star_score = report.score
    story.star_flags = key_flags(report)
    story.star_quantified = report.quantified
    story.star_version = CHECKER_VERSION
    return report


def flag_label(code: str) -> str:
    """A short human label for a finding code."""
    return FLAG_LABELS.get(code, code.replace("_", " "))


FLAG_LABELS = {
    "part_missing": "part missing",
    "part_trivial": "part too thin",
    "balance_action_not_largest": "action not largest",
    "balance_setup_heavy": "long setup",
    "ownership_no_i": "no “I” in action",
    "ownership_we_heavy": "“we” heavy",
    "impact_not_quantified": "no numbers",
    "length_short": "too short",
    "length_long": "too long",
    "vague_claim": "vague claims",
    "hedging": "hedging",
    "hypothetical": "hypothetical",
    "passive_action": "passive voice",
    "split_low_confidence": "unclear split",
}


def principle_cues(principles: Iterable[Principle]) -> list[PrincipleCues]:
    """Checker input for principle suggestions, from each principle's keyword data."""
    return [
        PrincipleCues(key=str(p.pk), name=p.name, cues=tuple(p.keywords))
        for p in principles
        if p.keywords
    ]


@dataclass(frozen=True)
class Segment:
    """A run of a part's text, highlighted as ``kind`` (or plain when kind is empty)."""

    text: str
    kind: str = ""


def highlighted(text: str, spans: Iterable[tuple[int, int, str]]) -> list[Segment]:
    """Cut ``text`` into plain and highlighted segments (templates escape each one)."""
    segments: list[Segment] = []
    cursor = 0
    for start, end, kind in spans:
        if start < cursor or end > len(text):
            continue
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        segments.append(Segment(text[start:end], kind))
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return segments


def suggestions_for(
    report_parts: dict[str, str], principles: Iterable[Principle], *, exclude: Iterable[str] = ()
) -> list:
    """Principles the story most likely shows, with reasons (few, and right)."""
    return suggest_principles(
        situation=report_parts.get("situation", ""),
        task=report_parts.get("task", ""),
        action=report_parts.get("action", ""),
        result=report_parts.get("result", ""),
        reflection=report_parts.get("reflection", ""),
        principles=principle_cues(principles),
        exclude=tuple(exclude),
    )


PART_LABELS = {
    "situation": "Situation",
    "task": "Task",
    "action": "Action",
    "result": "Result",
    "reflection": "Reflection",
}
SEVERITY_STYLE = {"error": "danger", "warn": "warning", "info": "info", "ok": "success"}


def score_band(score: int | None) -> Band | None:
    """The checker's band for a score ("Ready", "Solid, fix the flags", "Needs work")."""
    return None if score is None else band_for(score)


def score_style(score: int | None) -> str:
    """Bootstrap colour for a score: its band's (green Ready, amber Solid, red Needs work)."""
    band = score_band(score)
    return "secondary" if band is None else band.style


def _five_percent(share: float) -> int:
    """A share rounded to a 5% step, so the page can draw it with CSS classes."""
    return max(0, min(100, round(share * 20) * 5))


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def report_context(
    report: StarReport,
    *,
    principles: Iterable[Principle] = (),
    mapped: Iterable[int] = (),
    field_name=lambda pk: f"principle_{pk}",
) -> dict:
    """Everything the report panel shows, ready for the template."""
    metrics = report.metrics
    words = metrics["words"]
    total = sum(words.values()) or 1
    parts = [
        {
            "name": name,
            "label": label,
            "words": words.get(name, 0),
            "width": _five_percent(words.get(name, 0) / total),
        }
        for name, label in PART_LABELS.items()
    ]
    findings = sorted(report.findings, key=lambda f: SEVERITY_RANK[f.severity])
    principles = list(principles)
    by_pk = {str(p.pk): p for p in principles}
    suggestions = [
        {"suggestion": s, "principle": by_pk[s.key], "field": field_name(int(s.key))}
        for s in suggestions_for(report.parts, principles, exclude=[str(pk) for pk in mapped])
        if s.key in by_pk
    ]
    preview = [
        {
            "label": label,
            "segments": highlighted(report.parts.get(name, ""), report.highlights(name)),
        }
        for name, label in PART_LABELS.items()
        if report.parts.get(name, "").strip()
    ]
    return {
        "report": report,
        "band": band_for(report.score),
        "score_style": score_style(report.score),
        "speaking_time": _clock(metrics["speaking_seconds"]),
        "total_words": metrics["total_words"],
        "actions_total": metrics["actions"]["i"] + metrics["actions"]["we"],
        "parts": parts,
        "findings": [
            {
                "finding": f,
                "style": SEVERITY_STYLE.get(f.severity, "secondary"),
                "part_label": PART_LABELS.get(f.part, "Story"),
            }
            for f in findings
        ],
        "problems": sum(1 for f in findings if f.severity in FLAG_SEVERITIES),
        "breakdown": [b for b in report.score_breakdown if b[1]],
        "suggestions": suggestions,
        "preview": preview,
    }
