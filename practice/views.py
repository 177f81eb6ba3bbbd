"""Practice pages: start a round, answer against the clock, follow-ups, wrap-up, history."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from coach import jobs, thread_turns, turns
from coach.models import CoachBackend, FollowUp, FollowUpJob, Verdict
from common.http import load_then_allow, parse_id
from planning import selectors as planning_selectors
from planning.matcher import rank_stories
from planning.models import Loop
from practice import scheduling, selectors, services
from practice.charts import progress_chart
from practice.forms import AnswerForm, FinishForm, FollowUpAnswerForm, StartForm, VerdictForm
from practice.models import MockLoop, PracticeRound, RoundStatus
from principles import selectors as principle_selectors
from stories.models import Story
from stories.scoring import answer_reading


def _own_round(request: HttpRequest, pk: int) -> PracticeRound:
    return selectors.round_get(user=request.user, pk=pk)


def _own_loop(request: HttpRequest, loop_pk: int) -> Loop:
    return planning_selectors.loop_get(user=request.user, pk=loop_pk)


def _own_mock(request: HttpRequest, mock_pk: int) -> MockLoop:
    return selectors.mock_loop_get(user=request.user, pk=mock_pk)


@dataclass(frozen=True)
class _RoundFollowUp:
    """A follow-up asked in one of the user's rounds, and that round."""

    round_pk: int
    followup: FollowUp


def _own_followup(request: HttpRequest, pk: int, followup_pk: int) -> _RoundFollowUp:
    followup = get_object_or_404(
        FollowUp.objects.filter(job__practice_rounds__user=request.user),
        pk=followup_pk,
        job__practice_rounds=pk,
    )
    return _RoundFollowUp(round_pk=pk, followup=followup)


@require_http_methods(["GET"])
def practice_home(request: HttpRequest) -> HttpResponse:
    """Start a round; see what is due and how practice is going."""
    target = planning_selectors.coverage_target(user=request.user)
    today = timezone.localdate()
    items = list(selectors.review_items(user=request.user)[:12])
    context = {
        "form": StartForm(),
        "principles": target.all_principles,
        "due": [item for item in items if item.due_on <= today],
        "upcoming": [item for item in items if item.due_on > today],
        "intervals": scheduling.BOX_INTERVAL_DAYS,
        "nailed_from": scheduling.NAILED_FROM_RATING,
        "chart": progress_chart(selectors.progress(user=request.user)),
        "recent": list(selectors.history(user=request.user)[:5]),
    }
    return render(request, "practice/home.html", context)


@require_http_methods(["POST"])
def practice_start(request: HttpRequest) -> HttpResponse:
    """Pick the principle and a question not asked recently, and open a round."""
    visible = principle_selectors.user_principles_for_matching(user=request.user)
    form = StartForm(request.POST, principle_ids=visible.values_list("pk", flat=True))
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("practice:home")
    data = form.cleaned_data
    chosen = selectors.next_round(
        user=request.user,
        mode=data["mode"],
        question_id=data["question"],
        principle_ids=data["principle"] or [],
    )
    if chosen is None:
        raise Http404("No such question or principle to practise.")
    practice_round = services.round_start(
        user=request.user,
        principle=chosen.principle,
        question=chosen.question,
        target_seconds=data["target_seconds"] or 120,
    )
    return redirect("practice:round", pk=practice_round.pk)


def _story_matches(request: HttpRequest, practice_round: PracticeRound) -> list:
    """The three best stories for the question, and the planned one (a mock loop's)."""
    matches = rank_stories(
        practice_round.question_text,
        practice_round.principle,
        planning_selectors.story_texts(user=request.user),
        planning_selectors.weights_for(user=request.user, principle=practice_round.principle),
        top=None,
    )
    top = matches[:3]
    planned = practice_round.story_id
    if planned and all(m.story.pk != planned for m in top):
        top += [m for m in matches if m.story.pk == planned]
    return top


def _answered_with_reads(followups: list) -> list[tuple]:
    """The answered follow-ups, each with the quick read of its answer."""
    return [(f, thread_turns.read_of(f)) for f in followups if f.answer.strip()]


def _turn_job(followup: FollowUp) -> FollowUpJob | None:
    """The AI coach's turn on the follow-up's answer, if it has one (selected with it)."""
    return getattr(followup, "turn_job", None)


@load_then_allow(_own_round, "GET")
def round_detail(request: HttpRequest, practice_round: PracticeRound) -> HttpResponse:
    """The round, at whatever stage it is: answering, follow-ups or the summary."""
    followups = selectors.round_followups(practice_round=practice_round)
    # While the AI coach reads an answer, the thread's next probe is on its way: it
    # comes next, so nothing else is asked meanwhile.
    turn_job = next((job for f in followups if (job := _turn_job(f)) and not job.finished), None)
    current = None if turn_job else next((f for f in followups if not f.rating), None)
    job = turn_job or practice_round.followup_jobs.order_by("-created_at").first()
    coach_busy = job is not None and not job.finished and current is None
    if request.htmx and request.GET.get("part") == "coach":
        if not coach_busy:
            return HttpResponse(headers={"HX-Refresh": "true"})
        return render(
            request, "practice/_coach_progress.html", {"round": practice_round, "job": job}
        )
    mock_rounds = (
        selectors.mock_loop_rounds(mock_loop=practice_round.mock_loop)
        if practice_round.mock_loop_id
        else []
    )
    context = {
        "round": practice_round,
        "mock_rounds": mock_rounds,
        "mock_next": next(
            (r for r in mock_rounds if r.mock_position > practice_round.mock_position), None
        ),
        "heard": practice_round.star_heard,
        "reading": answer_reading(practice_round.answer) if practice_round.answer else None,
        "followups": followups,
        "answered": _answered_with_reads(followups),
        "verdict_choices": Verdict.choices,
        "current": current,
        "current_number": followups.index(current) + 1 if current else None,
        "job": job,
        "coach_busy": coach_busy,
        "llm_available": jobs.llm_configured(),
        "answer_form": AnswerForm(),
        "finish_form": FinishForm(),
        "matches": _story_matches(request, practice_round)
        if practice_round.status == RoundStatus.ANSWERING
        else [],
    }
    return render(request, "practice/round.html", context)


@load_then_allow(_own_round, "POST")
def round_answer(request: HttpRequest, practice_round: PracticeRound) -> HttpResponse:
    """Submit the timed answer: the STAR check runs on it and the follow-ups line up."""
    form = AnswerForm(request.POST)
    if not form.is_valid():
        context = {
            "round": practice_round,
            "followups": [],
            "current": None,
            "llm_available": jobs.llm_configured(),
            "answer_form": form,
            "finish_form": FinishForm(),
            "matches": _story_matches(request, practice_round),
        }
        return render(request, "practice/round.html", context, status=200)
    story = None
    if form.cleaned_data["story"]:
        story = get_object_or_404(
            Story.objects.owned_by(request.user), pk=form.cleaned_data["story"]
        )
    seconds = form.cleaned_data["seconds_taken"]
    if seconds is None:  # no JavaScript: the time since the round opened
        seconds = int((timezone.now() - practice_round.created_at).total_seconds())
    services.round_submit_answer(
        practice_round=practice_round,
        answer=form.cleaned_data["answer"],
        seconds_taken=seconds,
        story=story,
    )
    if form.cleaned_data["coach"] == CoachBackend.LLM:
        try:
            services.round_ask_followups(practice_round=practice_round, backend=CoachBackend.LLM)
            return redirect("practice:round", pk=practice_round.pk)
        except (jobs.CoachUnavailable, jobs.RateLimited) as refusal:
            messages.warning(request, f"{refusal} The offline coach asks instead.")
    services.round_ask_followups(practice_round=practice_round, backend=CoachBackend.RULES)
    return redirect("practice:round", pk=practice_round.pk)


@load_then_allow(_own_round, "POST")
def round_rules(request: HttpRequest, practice_round: PracticeRound) -> HttpResponse:
    """Follow-ups from the offline coach (after the AI coach failed, or for more)."""
    if practice_round.status == RoundStatus.FOLLOWUPS:
        services.round_ask_followups(practice_round=practice_round, backend=CoachBackend.RULES)
    return redirect("practice:round", pk=practice_round.pk)


@load_then_allow(_own_followup, "POST")
def round_followup(request: HttpRequest, asked: _RoundFollowUp) -> HttpResponse:
    """Answer (or skip) the current follow-up; the next one shows."""
    form = FollowUpAnswerForm(request.POST)
    if form.is_valid():
        taken = turns.followup_turn_take(
            user=request.user,
            followup=asked.followup,
            answer=form.cleaned_data["answer"],
            rating=form.cleaned_data["rating"],
        )
        if taken.refusal:
            messages.warning(request, taken.refusal)
    else:
        messages.error(request, "Keep the answer under 5,000 characters.")
    return redirect("practice:round", pk=asked.round_pk)


@load_then_allow(_own_followup, "POST")
def round_followup_offline(request: HttpRequest, asked: _RoundFollowUp) -> HttpResponse:
    """Do not wait for the AI coach's turn: the offline coach judges the answer now."""
    turns.turn_hand_over(followup=asked.followup)
    return redirect("practice:round", pk=asked.round_pk)


@load_then_allow(_own_followup, "POST")
def round_followup_verdict(request: HttpRequest, asked: _RoundFollowUp) -> HttpResponse:
    """The candidate overrules the verdict on one of their follow-up answers."""
    form = VerdictForm(request.POST)
    if form.is_valid():
        thread_turns.overrule_verdict(followup=asked.followup, verdict=form.cleaned_data["verdict"])
    return redirect("practice:round", pk=asked.round_pk)


@load_then_allow(_own_round, "POST")
def round_finish(request: HttpRequest, practice_round: PracticeRound) -> HttpResponse:
    """End the round with a self-rating: the review schedule moves."""
    form = FinishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Rate the round from 1 to 5.")
        return redirect("practice:round", pk=practice_round.pk)
    services.round_finish(
        practice_round=practice_round,
        self_rating=form.cleaned_data["self_rating"],
        notes=form.cleaned_data["notes"],
    )
    return redirect("practice:round", pk=practice_round.pk)


@load_then_allow(_own_round, "POST")
def round_save_as_story(request: HttpRequest, practice_round: PracticeRound) -> HttpResponse:
    """Turn a good answer into a story: the form opens with the answer split into parts."""
    if not practice_round.answer.strip():
        messages.error(request, "This round has no answer to save yet.")
        return redirect("practice:round", pk=practice_round.pk)
    try:
        services.round_story_draft(practice_round=practice_round)
    except services.DraftInTheWay as refusal:
        messages.warning(request, str(refusal))
        return redirect("practice:round", pk=practice_round.pk)
    messages.success(
        request, "Your answer is split into the story's parts: give it a title, check, save."
    )
    return redirect(f"{reverse('stories:create')}?draft=restore")


@require_http_methods(["GET"])
def history(request: HttpRequest) -> HttpResponse:
    """Every round, by principle or by story, with the answers given."""
    principle_id = parse_id(request.GET.get("principle"))
    story_id = parse_id(request.GET.get("story"))
    rounds = selectors.history(user=request.user, principle_id=principle_id, story_id=story_id)
    context = {
        "rounds": list(rounds[:50]),
        "principles": planning_selectors.coverage_target(user=request.user).all_principles,
        "stories": selectors.story_titles(user=request.user),
        "principle_id": principle_id,
        "story_id": story_id,
    }
    return render(request, "practice/history.html", context)


@load_then_allow(_own_loop, "POST")
def mock_loop_start(request: HttpRequest, loop: Loop) -> HttpResponse:
    """Rehearse a loop: a round per interviewer on a principle it probes, with the
    planned story and a question not asked yet; the first round opens."""
    steps = selectors.mock_loop_steps(user=request.user, loop=loop, today=timezone.localdate())
    try:
        mock = services.mock_loop_start(
            user=request.user, loop=loop, steps=steps, target_seconds=120
        )
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("loops:detail", pk=loop.pk)
    return redirect("practice:mock_loop", mock_pk=mock.pk)


@load_then_allow(_own_mock, "GET")
def mock_loop_detail(request: HttpRequest, mock: MockLoop) -> HttpResponse:
    """The mock loop: each interviewer's round, its question, story and how it went."""
    rounds = selectors.mock_loop_rounds(mock_loop=mock)
    context = {
        "mock": mock,
        "rounds": rounds,
        "next_round": next((r for r in rounds if r.status != RoundStatus.DONE), None),
    }
    return render(request, "practice/mock_loop.html", context)
