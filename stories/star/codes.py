"""Stable finding codes: code -> (usual severity, short label).

The label doubles as the ``score_breakdown`` label.  Codes never change
meaning; new checks get new codes.
"""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    # parts
    "part_missing": ("error", "Part missing"),
    "part_trivial": ("warn", "Part too thin"),
    "parts_ok": ("ok", "All four parts present"),
    "reflection_missing": ("info", "No reflection"),
    "reflection_ok": ("ok", "Reflection present"),
    # balance
    "balance_action_not_largest": ("warn", "Action is not the largest part"),
    "balance_setup_heavy": ("warn", "Too much setup"),
    "balance_ok": ("ok", "Well balanced"),
    # ownership
    "ownership_no_i": ("warn", "No 'I' in the Action"),
    "ownership_we_heavy": ("warn", "Mostly 'we' in the Action"),
    "ownership_ok": ("ok", "Clear personal ownership"),
    # impact
    "impact_quantified": ("ok", "Measurable impact"),
    "impact_not_quantified": ("warn", "Result has no numbers"),
    # length
    "length_short": ("warn", "Too short"),
    "length_long": ("warn", "Too long"),
    "length_ok": ("ok", "Good length"),
    # language
    "vague_claim": ("warn", "Vague claims"),
    "hedging": ("warn", "Hedging"),
    "hypothetical": ("warn", "Hypothetical framing"),
    "passive_action": ("warn", "Passive voice hides who acted"),
    # context
    "story_old": ("info", "Older story"),
    "story_date_future": ("info", "Date in the future"),
    # splitting an undivided answer
    "split_low_confidence": ("warn", "Parts hard to tell apart"),
    "split_info": ("info", "Answer split into parts"),
}

SEVERITIES = ("error", "warn", "info", "ok")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


def label(code: str) -> str:
    """Short human label for a finding code."""
    return CODES[code][1]
