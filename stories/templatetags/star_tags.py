"""Template helpers for showing the STAR checker's stored verdict."""

from __future__ import annotations

from django import template

from stories import scoring

register = template.Library()


@register.filter
def flag_label(code: str) -> str:
    """A short human label for a finding code."""
    return scoring.flag_label(code)


@register.filter
def score_style(score: int | None) -> str:
    """Bootstrap colour name for a score."""
    return scoring.score_style(score)


@register.filter
def score_band(score: int | None) -> str:
    """The band label for a score ("Ready", "Solid, fix the flags", "Needs work")."""
    band = scoring.score_band(score)
    return "" if band is None else band.label


@register.filter
def score_band_short(score: int | None) -> str:
    """The band's short name for a score, for a list row ("Ready", "Solid", "Needs work")."""
    band = scoring.score_band(score)
    return "" if band is None else band.short or band.label
