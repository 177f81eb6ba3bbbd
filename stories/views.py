"""Story pages: thin views translating HTTP to selectors and services."""

from __future__ import annotations

import contextlib
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from common.http import load_then_allow, parse_id
from stories import scoring, selectors, services
from stories.diffing import diff_content
from stories.forms import MonthField, StoryFilterForm, StoryForm, draft_differs
from stories.models import CONTENT_FIELDS, Story

PAGE_SIZE = 20
FIELD_LABELS = {name: name.capitalize() for name in CONTENT_FIELDS}
#: The form field naming the story a draft is for (empty: the new story).
DRAFT_STORY_FIELD = "draft_story"
#: The hidden field that makes a new story's form save once, however often it is sent.
FORM_KEY_FIELD = "form_key"
#: How many saved new-story forms a session remembers (to refuse a second save).
SAVED_FORMS_KEPT = 20


def _own_story(request: HttpRequest, pk: int) -> Story:
    return selectors.story_get(user=request.user, pk=pk)


def story_view(*methods: str):
    """The user's story, loaded first (404 for anyone else's, whatever the method)."""
    return load_then_allow(_own_story, *methods)


@require_http_methods(["GET"])
def story_list(request: HttpRequest) -> HttpResponse:
    """The user's stories: search, filter by principle and tag, sort, paginate."""
    principles = list(selectors.user_principles(user=request.user))
    form = StoryFilterForm(request.GET or None, principles=principles)
    filters = selectors.StoryFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.StoryFilters(
            q=data["q"].strip(),
            principle_id=data["principle"],
            tag=data["tag"].strip(),
            sort=data["sort"],
            archived=data["archived"],
        )
    stories = selectors.story_list(user=request.user, filters=filters)
    page = Paginator(stories, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "form": form,
        "filters": filters,
        "tags": list(selectors.user_tags(user=request.user)),
        "query": query.urlencode(),
        "filtered": bool(filters.q or filters.principle_id or filters.tag),
    }
    return render(request, "stories/story_list.html", context)


def _principle_choices(request: HttpRequest) -> list:
    return list(selectors.user_principles(user=request.user))


def _report_from_data(data, principles: list) -> dict:
    """The checker's report panel for typed (possibly unsaved, possibly invalid) text."""
    month = None
    # An invalid month is the form's to report; the check just skips the age.
    with contextlib.suppress(ValidationError):
        month = MonthField(required=False).clean(data.get("happened_on", ""))
    report = scoring.check_parts(
        **{name: str(data.get(name, "")) for name in scoring.PART_LABELS},
        happened_on=month,
    )
    mapped = [p.pk for p in principles if data.get(StoryForm.principle_field_name(p.pk))]
    return scoring.report_context(
        report, principles=principles, mapped=mapped, field_name=StoryForm.principle_field_name
    )


def _report_for_story(story: Story, principles: list) -> dict:
    data = {name: getattr(story, name) for name in scoring.PART_LABELS}
    data["happened_on"] = story.happened_on
    data.update(
        {StoryForm.principle_field_name(m.principle_id): m.weight for m in story.mappings.all()}
    )
    return _report_from_data(data, principles)


@require_POST
def story_check(request: HttpRequest) -> HttpResponse:
    """The live STAR report for the text being typed (htmx, debounced)."""
    principles = _principle_choices(request)
    context = _report_from_data(request.POST, principles)
    return render(request, "stories/_star_report.html", context)


def _saved_form(request: HttpRequest, key: str) -> int | None:
    """The story a new-story form with this key already created in this session."""
    return request.session.get("saved_forms", {}).get(key) if key else None


def _remember_saved_form(request: HttpRequest, key: str, story: Story) -> None:
    saved = dict(request.session.get("saved_forms", {}))
    saved[key] = story.pk
    request.session["saved_forms"] = dict(list(saved.items())[-SAVED_FORMS_KEPT:])


def _draft_context(
    request: HttpRequest, form: StoryForm, story: Story | None, *, restored: bool
) -> dict:
    """The unsaved draft to offer back, when it says more than the form shows (a form
    that was just filled from the draft shows it already: nothing to look up)."""
    draft = None if restored else selectors.draft_get(user=request.user, story=story)
    offered = draft if draft is not None and draft_differs(draft.data, form.shown()) else None
    return {
        "draft": offered,
        "draft_story": story.pk if story else "",
        "form_key": request.POST.get(FORM_KEY_FIELD) or uuid.uuid4().hex,
    }


def _restored(request: HttpRequest, story: Story | None) -> dict[str, str]:
    """The draft's fields, when the user chose to restore it (?draft=restore)."""
    if request.GET.get("draft") != "restore":
        return {}
    draft = selectors.draft_get(user=request.user, story=story)
    return dict(draft.data) if draft is not None else {}


@require_POST
def story_split(request: HttpRequest) -> HttpResponse:
    """One pasted or dictated answer split into its parts, sentence by sentence (htmx),
    for the user to check and move before it fills the form."""
    answer = request.POST.get("pasted_answer", "").strip()
    context = {
        "split": scoring.split_for_form(answer) if answer else None,
        "parts": scoring.PART_LABELS,
    }
    return render(request, "stories/_answer_split.html", context)


@require_http_methods(["GET", "POST"])
def story_create(request: HttpRequest) -> HttpResponse:
    """Write a new story; ?principle=ID pre-tags it with that principle as primary;
    ?draft=restore brings back the unsaved draft."""
    principles = _principle_choices(request)
    initial: dict[str, str] = {}
    preset = parse_id(request.GET.get("principle"))
    if preset is not None:
        initial[StoryForm.principle_field_name(preset)] = "primary"
    restored = _restored(request, None)
    initial.update(restored)
    form = StoryForm(request.POST or None, principles=principles, initial=initial)
    if request.method == "POST":
        already = _saved_form(request, request.POST.get(FORM_KEY_FIELD, ""))
        if already is not None and selectors.story_is_owned(user=request.user, pk=already):
            messages.info(request, "This story was saved already: here it is.")
            return redirect("stories:detail", pk=already)
    if request.method == "POST" and form.is_valid():
        story = services.story_create(
            owner=request.user,
            fields=form.story_fields(),
            tags=form.cleaned_data["tags"],
            mappings=form.mappings(),
        )
        services.draft_discard(owner=request.user, story=None)
        _remember_saved_form(request, request.POST.get(FORM_KEY_FIELD, ""), story)
        messages.success(request, f"Saved “{story.title}”.", extra_tags="draft-saved:new")
        return redirect("stories:detail", pk=story.pk)
    drafts = _draft_context(request, form, None, restored=bool(restored))
    context = {"form": form, "story": None, **drafts}
    if form.is_bound:
        context.update(_report_from_data(request.POST, principles))
    elif restored:
        context.update(_report_from_data(restored, principles))
    return render(request, "stories/story_form.html", context)


@story_view("GET", "POST")
def story_edit(request: HttpRequest, story: Story) -> HttpResponse:
    """Edit a story; the text it had before is kept as a revision; ?draft=restore
    brings back the unsaved draft."""
    principles = _principle_choices(request)
    restored = _restored(request, story)
    form = StoryForm(
        request.POST or None,
        instance=story,
        principles=principles,
        initial=restored or None,
    )
    if request.method == "POST" and form.is_valid():
        services.story_update(
            story=story,
            fields=form.story_fields(),
            tags=form.cleaned_data["tags"],
            mappings=form.mappings(),
        )
        services.draft_discard(owner=request.user, story=story)
        messages.success(
            request,
            "Saved. The previous text is kept in the history.",
            extra_tags=f"draft-saved:{story.pk}",
        )
        return redirect("stories:detail", pk=story.pk)
    if form.is_bound:
        report = _report_from_data(request.POST, principles)
    elif restored:
        report = _report_from_data(restored, principles)
    else:
        report = _report_for_story(story, principles)
    drafts = _draft_context(request, form, story, restored=bool(restored))
    context = {"form": form, "story": story, **report, **drafts}
    return render(request, "stories/story_form.html", context)


def _draft_story(request: HttpRequest) -> Story | None:
    """The story a draft request names (404 for anyone else's), or None: the new one."""
    pk = parse_id(request.POST.get(DRAFT_STORY_FIELD))
    return selectors.story_get(user=request.user, pk=pk) if pk is not None else None


@require_POST
def draft_save(request: HttpRequest) -> HttpResponse:
    """Keep what is typed in a story's form (htmx, a few seconds after typing stops)."""
    story = _draft_story(request)
    form = StoryForm(principles=_principle_choices(request))
    services.draft_save(owner=request.user, story=story, data=form.typed(request.POST))
    saved_at = timezone.localtime().strftime("%H:%M")
    return render(request, "stories/_draft_status.html", {"saved_at": saved_at})


@require_POST
def draft_discard(request: HttpRequest) -> HttpResponse:
    """Throw the unsaved draft away and go back to the form."""
    story = _draft_story(request)
    services.draft_discard(owner=request.user, story=story)
    messages.info(
        request, "Draft discarded.", extra_tags=f"draft-saved:{story.pk if story else 'new'}"
    )
    return redirect(
        reverse("stories:edit", args=[story.pk]) if story else reverse("stories:create")
    )


@story_view("GET")
def story_detail(request: HttpRequest, story: Story) -> HttpResponse:
    """A story as a cue card, with its history."""
    context = {
        "story": story,
        "revisions": list(selectors.story_revisions(story=story)),
        "user_principles": _principle_choices(request),
        **_report_for_story(story, principles=[]),
    }
    return render(request, "stories/story_detail.html", context)


@story_view("GET", "POST")
def story_delete(request: HttpRequest, story: Story) -> HttpResponse:
    """Ask for confirmation (GET), then delete (POST)."""
    if request.method == "POST":
        title = story.title
        services.story_delete(story=story)
        messages.success(request, f"Deleted “{title}”.")
        return redirect("stories:list")
    context = {"story": story, "revision_count": story.revisions.count()}
    return render(request, "stories/story_confirm_delete.html", context)


@story_view("POST")
def story_archive(request: HttpRequest, story: Story) -> HttpResponse:
    """Archive (hide) or, with unarchive=1, bring back a story."""
    if request.POST.get("unarchive"):
        services.story_unarchive(story=story)
        messages.success(request, f"“{story.title}” is back in your stories.")
    else:
        services.story_archive(story=story)
        messages.success(request, f"Archived “{story.title}”. Find it under Archived.")
    return redirect("stories:detail", pk=story.pk)


@story_view("GET")
def revision_diff(request: HttpRequest, story: Story, revision_pk: int) -> HttpResponse:
    """What changed between a revision and the current text."""
    revision = selectors.revision_get(story=story, pk=revision_pk)
    context = {
        "story": story,
        "revision": revision,
        "diffs": diff_content(revision.content, story.content(), FIELD_LABELS),
    }
    return render(request, "stories/revision_diff.html", context)


@story_view("POST")
def revision_restore(request: HttpRequest, story: Story, revision_pk: int) -> HttpResponse:
    """Bring back a revision's text (the current text becomes a revision)."""
    revision = selectors.revision_get(story=story, pk=revision_pk)
    services.story_restore_revision(story=story, revision=revision)
    messages.success(request, "Restored. The text it replaced is kept in the history.")
    return redirect("stories:detail", pk=story.pk)
