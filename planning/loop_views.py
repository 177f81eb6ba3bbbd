"""Interview loop pages: the list, a loop's plan (pin or swap a story in place with htmx),
its interviewers, and the printable one-pager."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from common.http import load_then_allow, parse_id
from planning import selectors, services
from planning.loop_forms import BLANK, LoopCreateForm, LoopForm, PinForm, SlotForm
from planning.loop_sheet import sheets
from planning.loop_templates import TEMPLATES
from planning.models import Loop, LoopSlot
from principles.models import Principle
from stories.models import Story


def _own_loop(request: HttpRequest, pk: int) -> Loop:
    return selectors.loop_get(user=request.user, pk=pk)


def _own_slot(request: HttpRequest, pk: int, slot_pk: int) -> LoopSlot:
    return selectors.slot_get(user=request.user, loop_pk=pk, pk=slot_pk)


def _errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@require_http_methods(["GET"])
def loop_list(request: HttpRequest) -> HttpResponse:
    """The user's loops, and a form to start one from a template."""
    sets = list(selectors.set_choices(user=request.user))
    context = {
        "loops": selectors.loop_list(user=request.user),
        "form": LoopCreateForm(sets=sets),
        "templates": TEMPLATES,
    }
    return render(request, "loops/loop_list.html", context)


@require_http_methods(["POST"])
def loop_create(request: HttpRequest) -> HttpResponse:
    """Start a loop from a template (or blank) and go to its interviewers."""
    sets = list(selectors.set_choices(user=request.user))
    form = LoopCreateForm(request.POST, sets=sets)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("loops:list")
    data = form.cleaned_data
    try:
        if data["template"] == BLANK:
            chosen = next(s for s in sets if s.pk == data["principle_set"])
            loop = services.loop_create(
                user=request.user, name=data["name"], date=data["date"], principle_set=chosen
            )
            messages.success(request, "Loop created: add its interviewers.")
            return redirect("loops:edit", pk=loop.pk)
        loop = services.loop_create_from_template(
            user=request.user, template_key=data["template"], name=data["name"], date=data["date"]
        )
    except services.LoopError as error:
        messages.error(request, str(error))
        return redirect("loops:list")
    messages.success(request, "Loop created from the template: edit it to match your invite.")
    return redirect("loops:detail", pk=loop.pk)


def _plan_context(request: HttpRequest, loop: Loop) -> dict:
    page = selectors.loop_plan(user=request.user, loop=loop, today=timezone.localdate())
    return {"loop": loop, "page": page, "plan": page.plan}


@load_then_allow(_own_loop, "GET")
def loop_detail(request: HttpRequest, loop: Loop) -> HttpResponse:
    """The plan: per interviewer and principle the story to tell and a backup, the
    clashes and gaps, and a way to pin or swap any story."""
    return render(request, "loops/loop_detail.html", _plan_context(request, loop))


@load_then_allow(_own_loop, "POST")
def loop_pin(request: HttpRequest, loop: Loop) -> HttpResponse:
    """Pin a story to a cell (or unpin it); the plan re-solves around the pins."""
    form = PinForm(request.POST)
    if not form.is_valid():
        raise Http404("No such interviewer or principle.")
    data = form.cleaned_data
    slot = get_object_or_404(LoopSlot.objects.select_related("loop"), pk=data["slot"], loop=loop)
    principle = get_object_or_404(
        Principle, pk=data["principle"], principle_set_id=loop.principle_set_id
    )
    try:
        if data["story"]:
            story = get_object_or_404(
                Story.objects.owned_by(request.user).active(), pk=data["story"]
            )
            services.pin_set(slot=slot, principle=principle, story=story)
        else:
            services.pin_clear(slot=slot, principle=principle)
    except services.LoopError as error:
        messages.error(request, str(error))
    if request.htmx:
        return render(request, "loops/_plan.html", _plan_context(request, loop))
    return redirect("loops:detail", pk=loop.pk)


@load_then_allow(_own_loop, "GET", "POST")
def loop_edit(request: HttpRequest, loop: Loop) -> HttpResponse:
    """Rename or re-date the loop; add, change, order and remove its interviewers."""
    form = LoopForm(request.POST or None, initial={"name": loop.name, "date": loop.date})
    if request.method == "POST":
        if form.is_valid():
            services.loop_update(
                loop=loop, name=form.cleaned_data["name"], date=form.cleaned_data["date"]
            )
            messages.success(request, "Saved.")
            return redirect("loops:edit", pk=loop.pk)
        messages.error(request, _errors(form))
    principles = selectors.loop_principles(loop=loop)
    in_set_order = sorted(principles, key=lambda p: p.position)
    slots = selectors.loop_slots(loop=loop, principles=principles)
    slot_forms = [
        (
            slot,
            SlotForm(
                principles=in_set_order,
                initial={
                    "label": slot.label,
                    "principles": list(slot.principles or ()),
                    "unknown": slot.unknown,
                    "unknown_count": slot.unknown_count,
                },
                prefix=f"slot-{slot.pk}",
            ),
        )
        for slot in slots
    ]
    context = {
        "loop": loop,
        "form": form,
        "slot_forms": slot_forms,
        "new_slot_form": SlotForm(principles=in_set_order, prefix="new"),
    }
    return render(request, "loops/loop_edit.html", context)


def _slot_data(request: HttpRequest, loop: Loop, prefix: str):
    principles = list(Principle.objects.filter(principle_set_id=loop.principle_set_id))
    form = SlotForm(request.POST, principles=principles, prefix=prefix)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return None
    data = form.cleaned_data
    chosen = [p for p in principles if p.pk in set(data["principles"] or [])]
    return {
        "label": data["label"],
        "principles": chosen,
        "unknown": data["unknown"],
        "unknown_count": data["unknown_count"],
    }


@load_then_allow(_own_loop, "POST")
def slot_add(request: HttpRequest, loop: Loop) -> HttpResponse:
    """Add an interviewer."""
    data = _slot_data(request, loop, "new")
    if data is not None:
        try:
            services.slot_add(loop=loop, **data)
            messages.success(request, f"Added {data['label']}.")
        except services.LoopError as error:
            messages.error(request, str(error))
    return redirect("loops:edit", pk=loop.pk)


@load_then_allow(_own_slot, "POST")
def slot_update(request: HttpRequest, slot: LoopSlot) -> HttpResponse:
    """Change an interviewer, move it up or down, or remove it."""
    action = request.POST.get("action", "save")
    if action == "delete":
        services.slot_delete(slot=slot)
        messages.success(request, f"Removed {slot.label}.")
    elif action in ("up", "down"):
        services.slot_move(slot=slot, up=action == "up")
    else:
        data = _slot_data(request, slot.loop, f"slot-{slot.pk}")
        if data is not None:
            try:
                services.slot_update(slot=slot, **data)
                messages.success(request, f"Saved {data['label']}.")
            except services.LoopError as error:
                messages.error(request, str(error))
    return redirect("loops:edit", pk=slot.loop_id)


@load_then_allow(_own_loop, "POST")
def loop_done(request: HttpRequest, loop: Loop) -> HttpResponse:
    """Mark the real loop as happened (its planned stories are kept as told), or undo it."""
    done = request.POST.get("done") == "1"
    told = []
    if done:
        plan = selectors.loop_plan(user=request.user, loop=loop, today=timezone.localdate()).plan
        told = [(c.slot_pk, c.principle.pk, c.primary.pk) for c in plan.cells if c.primary]
    services.loop_mark_done(loop=loop, done=done, told=told)
    return redirect("loops:detail", pk=loop.pk)


@load_then_allow(_own_loop, "POST")
def loop_delete(request: HttpRequest, loop: Loop) -> HttpResponse:
    """Delete the loop (its stories stay)."""
    if request.POST.get("confirm") != "1":
        messages.error(request, "Tick the box to confirm the deletion.")
        return redirect("loops:edit", pk=loop.pk)
    services.loop_delete(loop=loop)
    messages.success(request, f"Deleted {loop.name}.")
    return redirect("loops:list")


@load_then_allow(_own_loop, "GET")
def loop_sheet(request: HttpRequest, loop: Loop) -> HttpResponse:
    """The printable one-pager: one interviewer (?slot=ID) or the whole loop."""
    context = _plan_context(request, loop)
    slot_pk = parse_id(request.GET.get("slot"))
    slots = context["plan"].slots
    if slot_pk is not None:
        slots = [slot for slot in slots if slot.pk == slot_pk]
        if not slots:
            raise Http404("No such interviewer in this loop.")
    context["sheets"] = sheets(slots, context["page"])
    context["one_slot"] = slot_pk is not None
    return render(request, "loops/loop_sheet.html", context)
