"""Principle sets, principles and the question bank; custom sets for each user."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from common.http import load_then_allow
from principles import selectors, services
from principles.forms import PrincipleForm, PrincipleSetForm
from principles.models import Principle, PrincipleSet


def _visible_set(request: HttpRequest, slug: str) -> PrincipleSet:
    return selectors.set_get(user=request.user, slug=slug)


def _own_set(request: HttpRequest, slug: str) -> PrincipleSet:
    return selectors.set_get(user=request.user, slug=slug, owned=True)


def _own_set_for_new_principle(request: HttpRequest, set_slug: str) -> PrincipleSet:
    return selectors.set_get(user=request.user, slug=set_slug, owned=True)


def _visible_principle(request: HttpRequest, set_slug: str, slug: str) -> Principle:
    return selectors.principle_get(user=request.user, set_slug=set_slug, slug=slug)


def _own_principle(request: HttpRequest, set_slug: str, slug: str) -> Principle:
    return selectors.principle_get(user=request.user, set_slug=set_slug, slug=slug, owned=True)


@require_http_methods(["GET"])
def set_list(request: HttpRequest) -> HttpResponse:
    """All sets the user can use: the built-in ones and their own."""
    sets = list(selectors.set_list(user=request.user))
    return render(request, "principles/set_list.html", {"sets": sets})


@load_then_allow(_visible_set, "GET")
def set_detail(request: HttpRequest, principle_set: PrincipleSet) -> HttpResponse:
    """A set's principles, each with its signals and questions."""
    principles = list(selectors.set_principles(principle_set=principle_set))
    context = {"principle_set": principle_set, "principles": principles}
    return render(request, "principles/set_detail.html", context)


@load_then_allow(_visible_principle, "GET")
def principle_detail(request: HttpRequest, principle: Principle) -> HttpResponse:
    """One principle: what it means, what interviewers listen for, its questions."""
    stories = principle.stories.filter(owner=request.user, archived_at__isnull=True)
    context = {
        "principle": principle,
        "principle_set": principle.principle_set,
        "questions": list(principle.questions.all()),
        "stories": list(stories.order_by("title")),
    }
    return render(request, "principles/principle_detail.html", context)


@require_http_methods(["GET", "POST"])
def set_create(request: HttpRequest) -> HttpResponse:
    """Add a custom set, e.g. another company's values."""
    form = PrincipleSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        principle_set = services.principle_set_create(owner=request.user, **form.cleaned_data)
        messages.success(request, f"Created “{principle_set.name}”. Now add its principles.")
        return redirect("principles:principle_create", set_slug=principle_set.slug)
    return render(request, "principles/set_form.html", {"form": form, "principle_set": None})


@load_then_allow(_own_set, "GET", "POST")
def set_edit(request: HttpRequest, principle_set: PrincipleSet) -> HttpResponse:
    """Rename or re-describe one of the user's own sets."""
    form = PrincipleSetForm(
        request.POST or None,
        initial={"name": principle_set.name, "description": principle_set.description},
    )
    if request.method == "POST" and form.is_valid():
        services.principle_set_update(principle_set=principle_set, **form.cleaned_data)
        messages.success(request, "Saved.")
        return redirect("principles:set_detail", slug=principle_set.slug)
    context = {"form": form, "principle_set": principle_set}
    return render(request, "principles/set_form.html", context)


@load_then_allow(_own_set, "GET", "POST")
def set_delete(request: HttpRequest, principle_set: PrincipleSet) -> HttpResponse:
    """Confirm (GET), then delete (POST) one of the user's own sets."""
    if request.method == "POST":
        services.principle_set_delete(principle_set=principle_set)
        messages.success(request, f"Deleted “{principle_set.name}”.")
        return redirect("principles:set_list")
    return render(request, "principles/set_confirm_delete.html", {"principle_set": principle_set})


def _principle_initial(principle) -> dict[str, str]:
    return {
        "name": principle.name,
        "description": principle.description,
        "signals": "\n".join(principle.signals),
        "keywords": "\n".join(principle.keywords),
        "questions": "\n".join(q.text for q in principle.questions.all()),
    }


@load_then_allow(_own_set_for_new_principle, "GET", "POST")
def principle_create(request: HttpRequest, principle_set: PrincipleSet) -> HttpResponse:
    """Add a principle to one of the user's own sets."""
    form = PrincipleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        principle = services.principle_save(principle_set=principle_set, **form.cleaned_data)
        messages.success(request, f"Added “{principle.name}”.")
        if "add_another" in request.POST:
            return redirect("principles:principle_create", set_slug=principle_set.slug)
        return redirect("principles:set_detail", slug=principle_set.slug)
    context = {"form": form, "principle_set": principle_set, "principle": None}
    return render(request, "principles/principle_form.html", context)


@load_then_allow(_own_principle, "GET", "POST")
def principle_edit(request: HttpRequest, principle: Principle) -> HttpResponse:
    """Edit a principle of one of the user's own sets."""
    form = PrincipleForm(request.POST or None, initial=_principle_initial(principle))
    if request.method == "POST" and form.is_valid():
        services.principle_save(
            principle_set=principle.principle_set, principle=principle, **form.cleaned_data
        )
        messages.success(request, "Saved.")
        return redirect(
            "principles:principle_detail",
            set_slug=principle.principle_set.slug,
            slug=principle.slug,
        )
    context = {"form": form, "principle_set": principle.principle_set, "principle": principle}
    return render(request, "principles/principle_form.html", context)


@load_then_allow(_own_principle, "GET", "POST")
def principle_delete(request: HttpRequest, principle: Principle) -> HttpResponse:
    """Confirm (GET), then delete (POST) a principle of one of the user's own sets."""
    if request.method == "POST":
        services.principle_delete(principle=principle)
        messages.success(request, f"Deleted “{principle.name}”.")
        return redirect("principles:set_detail", slug=principle.principle_set.slug)
    context = {"principle": principle, "principle_set": principle.principle_set}
    return render(request, "principles/principle_confirm_delete.html", context)
