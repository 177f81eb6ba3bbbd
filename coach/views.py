"""The follow-up page: ask the coach about a story, watch the job, answer each question."""

from __future__ import annotations

import math

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from coach import jobs, thread_turns, turns
from coach.forms import AnswerForm, FollowUpStartForm
from coach.models import FollowUp, FollowUpJob
from common.http import load_then_allow
from principles.selectors import principles_visible_to
from stories.models import Story


def _own_story(request: HttpRequest, pk: int) -> Story:
    """Just enough of the user's story to start a job on it (this request stays cheap)."""
    return get_object_or_404(Story.objects.owned_by(request.user).only("pk", "owner_id"), pk=pk)


def _own_job(request: HttpRequest, pk: int, job_pk: int) -> FollowUpJob:
    return get_object_or_404(
        FollowUpJob.objects.select_related("story", "principle"),
        pk=job_pk,
        story_id=pk,
        story__owner=request.user,
    )


def _own_followup(request: HttpRequest, pk: int, job_pk: int, followup_pk: int) -> FollowUp:
    return get_object_or_404(
        FollowUp.objects.select_related("job"),
        pk=followup_pk,
        job_id=job_pk,
        story_id=pk,
        story__owner=request.user,
    )


@load_then_allow(_own_story, "POST")
def followup_start(request: HttpRequest, story: Story) -> HttpResponse:
    """Start a follow-up job and go to its page (the AI coach's job is only queued here)."""
    form = FollowUpStartForm(request.POST)
    principle = None
    if form.is_valid() and form.cleaned_data["principle"]:
        principle = (
            principles_visible_to(user=request.user)
            .filter(pk=form.cleaned_data["principle"])
            .only("pk")
            .first()
        )
    if not form.is_valid() or (form.cleaned_data["principle"] and principle is None):
        messages.error(request, "Choose a principle and a coach.")
        return redirect("stories:detail", pk=story.pk)
    try:
        job = jobs.followup_job_start(
            user=request.user,
            story=story,
            principle=principle,
            backend=form.cleaned_data["backend"],
        )
    except (jobs.CoachUnavailable, jobs.RateLimited) as refusal:
        messages.error(request, str(refusal))
        return redirect("stories:detail", pk=story.pk)
    return redirect("coach:followup_job", pk=story.pk, job_pk=job.pk)


@load_then_allow(_own_job, "GET")
def followup_job(request: HttpRequest, job: FollowUpJob) -> HttpResponse:
    """The job's page; htmx polls its body until the job is finished."""
    context = {
        "job": job,
        "story": job.story,
        "followups": [
            (item, thread_turns.read_of(item))
            for item in thread_turns.in_thread_order(list(job.followups.select_related("turn_job")))
        ],
        "elapsed": _elapsed(job),
        "retry_in": _retry_in(job),
        "llm_available": jobs.llm_configured(),
    }
    if request.htmx:
        return render(request, "coach/followups/_job_body.html", context)
    return render(request, "coach/followups/job.html", context)


@load_then_allow(_own_followup, "POST")
def followup_answer(request: HttpRequest, followup: FollowUp) -> HttpResponse:
    """Save an answer and a rating for one follow-up; the thread's coach takes its turn
    (the AI coach's turn is queued: the page polls ``followup_turn`` for it)."""
    form = AnswerForm(request.POST)
    saved, taken = False, None
    if form.is_valid():
        before = followup.probes.first()
        taken = turns.followup_turn_take(
            user=request.user,
            followup=followup,
            answer=form.cleaned_data["answer"],
            rating=form.cleaned_data["rating"],
        )
        followup = taken.followup
        saved = True
    if request.htmx:
        probe = taken.probe if taken and taken.probe != before else None
        context = {
            "item": followup,
            "read": thread_turns.read_of(followup),
            "form_errors": form.errors,
            "saved": saved,
            "story": followup.story,
            "probe": probe,  # only a new probe joins the page
            "refusal": taken.refusal if taken else "",
            "progress_shown": bool(taken and taken.again),  # its poller is on the page
        }
        return render(request, "coach/followups/_turn.html", context)
    if not saved:
        messages.error(request, "Keep the answer under 5,000 characters.")
    elif taken and taken.refusal:
        messages.warning(request, taken.refusal)
    return redirect("coach:followup_job", pk=followup.story_id, job_pk=followup.job_id)


@load_then_allow(_own_followup, "GET")
def followup_turn(request: HttpRequest, followup: FollowUp) -> HttpResponse:
    """The AI coach's turn on an answer, polled: its progress until it is done (204 while
    nothing changed), then the verdict (swapped in out of band) and the next probe in
    the progress's place."""
    turn_job = FollowUpJob.objects.filter(turn_of=followup).first()
    if turn_job is not None and not turn_job.finished:
        if request.GET.get("shown") == turn_job.progress_key:
            return HttpResponse(status=204)  # nothing new: what the candidate holds stays
        context = {"item": followup, "turn_job": turn_job, "story": followup.story}
        return render(request, "coach/followups/_turn_status.html", context)
    return _turn_done(request, followup)


@load_then_allow(_own_followup, "POST")
def followup_turn_offline(request: HttpRequest, followup: FollowUp) -> HttpResponse:
    """The candidate does not wait for the AI coach: the offline coach judges now."""
    turns.turn_hand_over(followup=followup)
    if request.htmx:
        return _turn_done(request, followup)
    return redirect("coach:followup_job", pk=followup.story_id, job_pk=followup.job_id)


def _turn_done(request: HttpRequest, followup: FollowUp) -> HttpResponse:
    """The finished turn: the verdict out of band, the probe in the progress's place."""
    followup = FollowUp.objects.select_related("turn_job").get(pk=followup.pk)
    context = {
        "item": followup,
        "story": followup.story,
        "read": thread_turns.read_of(followup),
        "probe": followup.probes.first(),
    }
    response = render(request, "coach/followups/_turn_done.html", context)
    response["HX-Retarget"] = f"#turn-{followup.pk}"
    response["HX-Reswap"] = "outerHTML"
    return response


def _retry_in(job: FollowUpJob) -> int | None:
    """Whole seconds until a waiting job's next attempt (0 once it is due), or None."""
    if job.next_attempt_at is None:
        return None
    return max(0, math.ceil((job.next_attempt_at - timezone.now()).total_seconds()))


def _elapsed(job: FollowUpJob) -> int:
    end = job.finished_at or timezone.now()
    return max(0, round((end - job.created_at).total_seconds()))
