"""Bank pages: thin views over the exchange services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from exchange import cheatsheet, markdown_export, selectors, services
from exchange.forms import ImportForm
from exchange.schema import dump_bank


def _download(content: str, *, filename: str, content_type: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@require_http_methods(["GET", "POST"])
def bank(request: HttpRequest) -> HttpResponse:
    """Downloads, the cheat sheet link and the import form (POST imports)."""
    form = ImportForm()
    problems = []
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            result = services.bank_import(
                user=request.user,
                data=form.cleaned_data["file"].read(),
                on_duplicate=form.cleaned_data["on_duplicate"],
            )
            if result.ok:
                messages.success(request, result.summary())
                return redirect("stories:list")
            problems = result.problems
    context = {
        "form": form,
        "problems": problems,
        "summary": selectors.bank_summary(user=request.user),
    }
    return render(request, "exchange/bank.html", context)


@require_safe
@never_cache
def export_json(request: HttpRequest) -> HttpResponse:
    """The whole bank as a JSON download."""
    today = timezone.localdate().isoformat()
    return _download(
        dump_bank(services.bank_export(user=request.user)) + "\n",
        filename=f"storybank-bank-{today}.json",
        content_type="application/json; charset=utf-8",
    )


@require_safe
@never_cache
def export_markdown(request: HttpRequest) -> HttpResponse:
    """Active stories as a Markdown download."""
    stories = selectors.active_stories(user=request.user)
    return _download(
        markdown_export.stories_markdown(stories),
        filename=markdown_export.FILENAME,
        content_type="text/markdown; charset=utf-8",
    )


@require_safe
def cheat_sheet(request: HttpRequest) -> HttpResponse:
    """One compact, printable card per active story."""
    cards = cheatsheet.cards(selectors.active_stories(user=request.user))
    return render(request, "exchange/cheat_sheet.html", {"cards": cards})
