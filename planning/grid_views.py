"""The coverage grid page: principles x stories, narrowed and ordered by GET parameters,
cells toggled in place with htmx (or a plain post)."""

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
from planning.coverage import (
    PRINCIPLE_FILTERS,
    PRINCIPLE_SORTS,
    STORY_FILTERS,
    STORY_SORTS,
    Grid,
    GridView,
    with_columns,
)
from planning.grid_html import (
    column_head,
    column_heads,
    column_lookups,
    menu_options,
    principle_item,
    principle_list,
    row_html,
    rows_html,
)
from principles import selectors as principle_selectors
from stories import selectors as story_selectors
from stories import services as story_services


def _set_slug(request: HttpRequest, data) -> str | None:
    slug = (data.get("set") or "").strip()
    return slug or None


def _params(set_slug: str | None, view: GridView) -> dict[str, str]:
    """The query string's parameters for this set and view (the defaults left out)."""
    return {**({"set": set_slug} if set_slug else {}), **view.params()}


def _grid_url(set_slug: str | None, view: GridView | None = None, anchor: str = "") -> str:
    url = reverse("coverage:grid")
    params = _params(set_slug, view or GridView())
    query = f"?{urlencode(params)}" if params else ""
    return f"{url}{query}{f'#{anchor}' if anchor else ''}"


def _choices(options: dict[str, str], default: str | None = None) -> tuple[tuple[str, str], ...]:
    """A menu's (value, label) pairs; the default's value is empty, to keep links short."""
    if default is None:
        return (("", "All"), *options.items())
    return tuple(("" if value == default else value, label) for value, label in options.items())


#: The filter and sort menus: (parameter, label, choices), the default's value empty.
_MENUS = (
    ("principles", "Principles", _choices(PRINCIPLE_FILTERS)),
    ("stories", "Stories", _choices(STORY_FILTERS)),
    ("sort", "Order stories by", _choices(STORY_SORTS, GridView().sort)),
    ("psort", "Order principles by", _choices(PRINCIPLE_SORTS, GridView().psort)),
)


@require_GET
def grid(request: HttpRequest) -> HttpResponse:
    """The grid for the user's target (or for ?set=SLUG), with what to do next, narrowed
    and ordered by the GET parameters (``GridView``), so a filtered grid can be linked."""
    set_slug = _set_slug(request, request.GET)
    view = GridView.from_params(request.GET)
    target = selectors.coverage_target(user=request.user, set_slug=set_slug)
    page = selectors.coverage_page(user=request.user, target=target, view=view)
    grid_now = page.grid
    params = _params(set_slug, view)
    context = {
        "grid": grid_now,
        "page": page,
        "rows": rows_html(grid_now),
        "column_heads": column_heads(grid_now),
        "principle_list": principle_list(grid_now),
        "columns": ",".join(str(c.pk) for c in grid_now.columns),
        "target": target,
        "set_slug": set_slug or "",
        "view": view,
        "hidden": params,
        "query": urlencode(params),
        "set_query": urlencode({"set": set_slug}) if set_slug else "",
        "menus": [
            (name, label, menu_options(choices, params.get(name, "")))
            for name, label, choices in _MENUS
        ],
    }
    return render(request, "coverage/grid.html", context)


#: At most this many story ids are read from a toggle's ``cols`` (a page's columns).
MAX_COLUMNS = 5000


def _cell_ids(data) -> tuple[int | None, int, str]:
    """The story and principle of the cell clicked (or of the list's menu: no story when
    none was chosen), and where the page shows it."""
    if data.get("add"):
        principle_pk = parse_id(str(data["add"]))
        if principle_pk is None:
            raise Http404("No such principle.")
        chosen = str(data.get(f"add-{principle_pk}", ""))
        return (parse_id(chosen) if chosen else None), principle_pk, "plist"
    where = "row" if data.get("cell") else "plist"
    story, _, principle = str(data.get("cell") or data.get("pcell") or "").partition(":")
    story_pk, principle_pk = parse_id(story), parse_id(principle)
    if story_pk is None or principle_pk is None:
        raise Http404("No such cell.")
    return story_pk, principle_pk, where


def _shown_columns(data) -> list[int] | None:
    """The story columns the page shows, in its order (None: not sent)."""
    raw = str(data.get("cols", ""))
    if not raw:
        return None
    pks = [parse_id(part) for part in raw.split(",")[:MAX_COLUMNS]]
    return [pk for pk in pks if pk is not None]


@require_POST
def toggle(request: HttpRequest) -> HttpResponse:
    """Cycle one mapping (none -> primary -> secondary -> none) and redraw its row, its
    entry in the list, its story's column head and the summary."""
    story_pk, principle_pk, where = _cell_ids(request.POST)
    set_slug = _set_slug(request, request.POST)
    view = GridView.from_params(request.POST)
    if story_pk is None:  # "Map" with no story chosen in the menu: nothing to do
        if request.htmx:
            return HttpResponse(status=204)
        return redirect(_grid_url(set_slug, view, f"{where}-{principle_pk}"))
    story = story_selectors.story_get(user=request.user, pk=story_pk)
    principle = get_object_or_404(
        story_selectors.user_principles(user=request.user), pk=principle_pk
    )
    story_services.story_cycle_principle(story=story, principle=principle)
    if not request.htmx:
        return redirect(_grid_url(set_slug, view, f"{where}-{principle.pk}"))
    target = selectors.coverage_target(user=request.user, set_slug=set_slug)
    shown = _shown_columns(request.POST)
    if shown is None:
        grid_now: Grid | None = selectors.coverage_grid(user=request.user, target=target, view=view)
    else:  # the row must line up with the page's columns, whatever the view now says
        grid_now = with_columns(selectors.coverage_grid(user=request.user, target=target), shown)
    row = column = None
    if grid_now is not None:
        row = next((r for r in grid_now.every_row if r.principle.pk == principle.pk), None)
        column = next((c for c in grid_now.columns if c.pk == story.pk), None)
    if grid_now is None or row is None or column is None:  # the page is out of date
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    titles, styles = column_lookups(grid_now)
    context = {
        "grid": grid_now,
        "row": row,
        "row_html": row_html(row, titles, styles),
        "column_head": column_head(column, oob=True),
        "principle_item": principle_item(row, titles, styles, oob=True),
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
    """The grid as CSV: a row per principle, a column per story (P, S or empty), narrowed
    and ordered as the page's GET parameters ask."""
    target = selectors.coverage_target(user=request.user, set_slug=_set_slug(request, request.GET))
    view = GridView.from_params(request.GET)
    grid_now: Grid = selectors.coverage_grid(user=request.user, target=target, view=view)
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
