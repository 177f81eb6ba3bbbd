"""The help page: what the score bands, the coverage words and the shortcuts mean,
read from the rules themselves so that the page never disagrees with them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from planning.coverage import COVERED_SCORE, STRETCHED_OVER
from stories.star.bands import BANDS


@require_http_methods(["GET"])
def help_page(request: HttpRequest) -> HttpResponse:
    """Score bands with their ranges, gap / thin / covered, single point of failure,
    stretched stories, and the keyboard shortcuts."""
    ranges = []
    top = 100
    for band in BANDS:  # highest first
        ranges.append({"band": band, "low": band.low, "high": top})
        top = band.low - 1
    context = {
        "ranges": ranges,
        "covered_score": COVERED_SCORE,
        "stretched_over": STRETCHED_OVER,
    }
    return render(request, "help.html", context)
