"""Result objects: Finding and StarReport."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PART_NAMES = ("situation", "task", "action", "result", "reflection")
CORE_PARTS = ("situation", "task", "action", "result")
HIGHLIGHT_KINDS = ("quantity", "we", "i", "vague", "hedge", "passive")
# When highlights overlap, the higher priority wins.
_HIGHLIGHT_PRIORITY = {"hedge": 5, "passive": 5, "vague": 4, "quantity": 3, "i": 1, "we": 1}

Highlight = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class Finding:
    """One observation about a story.

    severity: "ok" | "info" | "warn" | "error"; part: a part name or "story";
    spans: (start, end) offsets into that part's text (empty for "story").
    """

    code: str
    severity: str
    part: str
    message: str
    suggestion: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "code": self.code,
            "severity": self.severity,
            "part": self.part,
            "message": self.message,
            "suggestion": self.suggestion,
            "spans": [[start, end] for start, end in self.spans],
        }


@dataclass(frozen=True, slots=True)
class StarReport:
    """What ``check()`` returns.

    metrics: words (per part), total_words, core_words, speaking_seconds,
    first_person ({"i": n, "we": n}), we_ratio and we_ratio_action (share of
    we/our/us among first-person forms, None when there are none), i_in_action,
    action_share, setup_share, quantities [(text, part, (start, end))] and
    result_quantities.  segments: (part, start, end) offsets into the answer
    given as ``text=`` (empty for separate parts).
    """

    score: int
    findings: list[Finding]
    missing_parts: list[str]
    quantified: bool
    metrics: dict[str, Any]
    parts: dict[str, str]
    score_breakdown: list[tuple[str, int, str]]
    mostly_we: bool = False
    band: str = "needs_work"
    split_confidence: float = 1.0
    split_method: str = "fields"
    segments: list[tuple[str, int, int]] = field(default_factory=list)
    checker_version: str = ""
    # Highlights are built on first use; ``highlight_source`` computes them.
    highlight_source: Callable[[], dict[str, list[Highlight]]] | None = field(
        default=None, repr=False, compare=False
    )
    _highlight_cache: dict[str, list[Highlight]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def highlight_map(self) -> dict[str, list[Highlight]]:
        """Highlights of every part, keyed by part name."""
        if self._highlight_cache is None:
            computed = self.highlight_source() if self.highlight_source is not None else {}
            object.__setattr__(self, "_highlight_cache", computed)
            return computed
        return self._highlight_cache

    @property
    def codes(self) -> list[str]:
        """Finding codes in report order."""
        return [finding.code for finding in self.findings]

    def findings_for(self, part: str) -> list[Finding]:
        """Findings about one part (or "story")."""
        return [finding for finding in self.findings if finding.part == part]

    def highlights(self, part: str) -> list[Highlight]:
        """Sorted, non-overlapping (start, end, kind) spans for previewing ``part``."""
        if part not in PART_NAMES:
            raise ValueError(f"unknown part {part!r}; expected one of {PART_NAMES}")
        return list(self.highlight_map.get(part, []))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (``json.dumps`` works on it)."""
        metrics = dict(self.metrics)
        metrics["quantities"] = [
            [text, part, [start, end]] for text, part, (start, end) in metrics.get("quantities", [])
        ]
        return {
            "checker_version": self.checker_version,
            "score": self.score,
            "band": self.band,
            "quantified": self.quantified,
            "mostly_we": self.mostly_we,
            "missing_parts": list(self.missing_parts),
            "split_confidence": self.split_confidence,
            "split_method": self.split_method,
            "segments": [[part, start, end] for part, start, end in self.segments],
            "parts": dict(self.parts),
            "metrics": metrics,
            "findings": [finding.to_dict() for finding in self.findings],
            "score_breakdown": [
                {"label": label, "points": points, "reason": reason}
                for label, points, reason in self.score_breakdown
            ],
            "highlights": {
                part: [[start, end, kind] for start, end, kind in spans]
                for part, spans in self.highlight_map.items()
            },
        }


def merge_highlights(candidates: list[Highlight]) -> list[Highlight]:
    """Sort spans and drop overlaps, keeping the higher-priority kind."""
    candidates.sort(key=lambda h: (h[0], -_HIGHLIGHT_PRIORITY[h[2]], h[0] - h[1]))
    merged: list[Highlight] = []
    for highlight in candidates:
        if highlight[0] >= highlight[1]:
            continue
        if merged and highlight[0] < merged[-1][1]:
            if _HIGHLIGHT_PRIORITY[highlight[2]] > _HIGHLIGHT_PRIORITY[merged[-1][2]]:
                merged[-1] = highlight
            continue
        merged.append(highlight)
    return merged
