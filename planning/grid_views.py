"""The coverage grid page: principles x stories, cells toggled in place with htmx."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.http import parse_id
from planning import selectors, services
from planning.coverage import Grid
from planning.grid_html import (
    column_head,
    column_heads,
    column_lookups,
    row_html,
    rows_html,
)
from principles import selectors as principle_selectors
from stories import selectors as story_selectors
from stories import services as story_services


def _set_slug(request: HttpRequest, data) -> str | None:
    slug = (data.get("set") or "").strip()
    return slug or None


def _grid_url(set_slug: str | None) -> str:
    url = reverse("coverage:grid")
    return f"{url}?{urlencode({'set': set_slug})}" if set_slug else url


@require_GET
def grid(request: HttpRequest) -> HttpResponse:
    """The grid for the user's target (or for ?set=SLUG), with what to do next."""
    set_slug = _set_slug(request, request.GET)
    target = selectors.coverage_target(user=request.user, set_slug=set_slug)
    grid_now = selectors.coverage_grid(user=request.user, target=target)
    context = {
        "grid": grid_now,
        "rows": rows_html(grid_now),
        "column_heads": column_heads(grid_now),
        "target": target,
        "set_slug": set_slug or "",
    }
    return render(request, "coverage/grid.html", context)


def _cell_ids(data) -> tuple[int, int]:
    story, _, principle = str(data.get("cell", "")).partition(":")
    story_pk, principle_pk = parse_id(story), parse_id(principle)
    if story_pk is None or principle_pk is None:
        raise Http404("No such cell.")
    return story_pk, principle_pk


@require_POST
def toggle(request: HttpRequest) -> HttpResponse:
    """Cycle one mapping (none -> primary -> secondary -> none) and redraw its row."""
    story_pk, principle_pk = _cell_ids(request.POST)
    story = story_selectors.story_get(user=request.user, pk=story_pk)
    principle = get_object_or_404(
        story_selectors.user_principles(user=request.user), pk=principle_pk
    )
    story_services.story_cycle_principle(story=story, principle=principle)
    set_slug = _set_slug(request, request.POST)
    if not request.htmx:
        return redirect(_grid_url(set_slug))
    target = selectors.coverage_target(user=request.user, set_slug=set_slug)
    grid_now = selectors.coverage_grid(user=request.user, target=target)
    row = next((r for r in grid_now.rows if r.principle.pk == principle.pk), None)
    column = next((c for c in grid_now.columns if c.pk == story.pk), None)
    if row is None or column is None:  # the principle is not in the grid shown
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    titles, styles = column_lookups(grid_now)
    context = {
        "grid": grid_now,
        "row": row,
        "row_html": row_html(row, titles, styles),
        "column_head": column_head(column, oob=True),
        "set_slug": set_slug or "",
    }
    response = render(request, "coverage/_toggle_response.html", context)
    response["HX-Retarget"] = f"#row-{row.principle.pk}"
    response["HX-Reswap"] = "outerHTML"
    return response


@require_http_methods(["GET", "POST"])
def set_target(request: HttpRequest) -> HttpResponse:
    """Aim the grid at a set, or at some of its principles (GET shows the choice)."""
    if request.method == "GET":
        target = selectors.coverage_target(
            user=request.user, set_slug=_set_slug(request, request.GET)
        )
        context = {
            "target": target,
            "sets": list(selectors.set_choices(user=request.user)),
            "chosen": {p.pk for p in target.principles} if target.subset else set(),
        }
        return render(request, "coverage/target.html", context)
    principle_set = principle_selectors.set_get(user=request.user, slug=request.POST.get("set", ""))
    wanted = {parse_id(v) for v in request.POST.getlist("principles")} - {None}
    principles = [p for p in principle_set.principles.all() if p.pk in wanted]
    services.coverage_target_set(
        user=request.user, principle_set=principle_set, principles=principles
    )
    what = f"{len(principles)} principles of " if principles else ""
    messages.success(request, f"Your target is now {what}{principle_set.name}.")
    return redirect("coverage:grid")


@require_GET
def grid_csv(request: HttpRequest) -> HttpResponse:
    """The grid as CSV: a row per principle, a column per story (P, S or empty)."""
    target = selectors.coverage_target(user=request.user, set_slug=_set_slug(request, request.GET))
    grid_now: Grid = selectors.coverage_grid(user=request.user, target=target)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="storybank-coverage.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "Principle",
            "Status",
            "Stories",
            "Best score",
            *(_csv_cell(c.title) for c in grid_now.columns),
        ]
    )
    for row in grid_now.rows:
        writer.writerow(
            [
                _csv_cell(row.principle.name),
                row.status,
                row.count,
                "" if row.best is None else row.best,
                *({"primary": "P", "secondary": "S"}.get(c.weight, "") for c in row.cells),
            ]
        )
    return response


def _csv_cell(text: str) -> str:
    """Defuse spreadsheet formulas in user text (CSV injection)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
