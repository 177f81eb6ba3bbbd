"""A question (from the bank, or typed) and the three stories to answer it with."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from common.http import load_then_allow
from planning import selectors
from planning.matcher import guess_principle, rank_stories
from principles import selectors as principle_selectors
from principles.models import Principle, Question


def _visible_question(request: HttpRequest, pk: int) -> Question:
    return principle_selectors.question_get(user=request.user, pk=pk)


def _answer_with(request: HttpRequest, question: str, principle: Principle | None) -> list:
    return rank_stories(
        question,
        principle,
        selectors.story_texts(user=request.user),
        selectors.weights_for(user=request.user, principle=principle),
    )


@load_then_allow(_visible_question, "GET")
def question_detail(request: HttpRequest, question: Question) -> HttpResponse:
    """A bank question and the three stories to answer it with, with reasons."""
    principle = question.principle
    context = {
        "question_text": question.text,
        "question": question,
        "principle": principle,
        "matches": _answer_with(request, question.text, principle),
    }
    return render(request, "principles/question_detail.html", context)


@require_http_methods(["GET"])
def question_match(request: HttpRequest) -> HttpResponse:
    """Rank my stories for a question I type (its principle is guessed from its words)."""
    text = request.GET.get("q", "").strip()[:500]
    principle = None
    matches: list = []
    if text:
        principle = guess_principle(
            text, principle_selectors.user_principles_for_matching(user=request.user)
        )
        matches = _answer_with(request, text, principle)
    context = {"question_text": text, "question": None, "principle": principle, "matches": matches}
    return render(request, "principles/question_detail.html", context)
