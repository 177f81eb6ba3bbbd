"""Reads for practice: each page's data in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Max, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from coach.models import FollowUp, FollowUpJob, Rating
from coach.thread_turns import in_thread_order
from planning import selectors as planning_selectors
from planning.models import Loop
from planning.practice_state import PracticeState
from planning.raw_reads import Names, aware_datetime, fetch
from practice.models import MockLoop, PracticeRound, ReviewItem
from practice.picker import least_recently_practised, pick_question, weakest_principle
from principles.models import Principle, Question
from principles.selectors import user_principles_for_matching
from stories.models import Story

PROGRESS_WEEKS = 8


@dataclass(frozen=True)
class NextRound:
    """The principle and question a new round asks."""

    principle: Principle
    question: Question | None


def next_round(
    *, user, mode: str, question_id: int | None, principle_ids: Sequence[int]
) -> NextRound | None:
    """What to ask: the chosen bank question; of the chosen principles the one practised
    longest ago; or ("weakest") the weakest principle of the coverage target. Then a
    question of that principle not asked recently. None when there is nothing to ask."""
    visible = user_principles_for_matching(user=user)
    question = None
    if mode == "question":
        question = (
            Question.objects.select_related("principle")
            .filter(pk=question_id, principle__in=visible)
            .first()
        )
        if question is None:
            return None
        principle = question.principle
    elif mode == "principle":
        chosen = list(visible.filter(pk__in=principle_ids).order_by("principle_set_id", "position"))
        found = least_recently_practised(chosen, last_practised(user=user))
        if found is None:
            return None
        principle = found
    else:
        target = planning_selectors.coverage_target(user=user)
        grid = planning_selectors.coverage_grid(user=user, target=target)
        weakest = weakest_principle(grid.rows, last_practised(user=user))
        if weakest is None:
            return None
        found = visible.filter(pk=weakest.pk).first()
        if found is None:
            return None
        principle = found
    if question is None:
        question = pick_question(
            principle_questions(principle_id=principle.pk),
            last_asked(user=user, principle_id=principle.pk),
        )
    return NextRound(principle, question)


def story_titles(*, user) -> list[tuple[int, str]]:
    """(id, title) of the user's stories, by title: the history's story filter."""
    return list(Story.objects.owned_by(user).order_by("title").values_list("pk", "title"))


def round_get(*, user, pk: int) -> PracticeRound:
    """One of the user's rounds, or 404."""
    return get_object_or_404(
        PracticeRound.objects.select_related("principle", "story", "question"), pk=pk, user=user
    )


def round_followups(*, practice_round: PracticeRound) -> list[FollowUp]:
    """The round's follow-ups in the order they were asked, over all its jobs, each
    thread together: a question, then the probes its answers drew."""
    asked = list(
        FollowUp.objects.filter(job__practice_rounds=practice_round)
        .select_related("turn_job")
        .order_by("job__created_at", "job_id", "position")
    )
    return in_thread_order(asked)


def questions_asked(*, practice_round: PracticeRound) -> list[str]:
    """Follow-up questions already asked in this round, or in any round on its story
    (one query; each question once)."""
    asked = Q(job__practice_rounds=practice_round)
    if practice_round.story_id:
        asked |= Q(job__practice_rounds__story_id=practice_round.story_id)
    questions = (
        FollowUp.objects.filter(asked)
        .order_by("job__created_at", "job_id", "position")
        .values_list("question", flat=True)
    )
    return list(dict.fromkeys(questions))


def last_asked(*, user, principle_id: int) -> dict[int, dt.datetime]:
    """question id -> when the user last got it, for one principle's questions."""
    return dict(
        PracticeRound.objects.filter(
            user=user, question__principle_id=principle_id, question__isnull=False
        )
        .values("question_id")
        .annotate(at=Max("created_at"))
        .values_list("question_id", "at")
    )


def last_practised(*, user) -> dict[int, dt.datetime]:
    """principle id -> when the user last practised it."""
    return dict(
        PracticeRound.objects.filter(user=user, principle__isnull=False)
        .values("principle_id")
        .annotate(at=Max("created_at"))
        .values_list("principle_id", "at")
    )


def principle_questions(*, principle_id: int) -> list[Question]:
    """A principle's bank questions, in order."""
    return list(Question.objects.filter(principle_id=principle_id).order_by("position", "id"))


def history(*, user, principle_id: int | None = None, story_id: int | None = None) -> QuerySet:
    """The user's rounds, newest first, with their follow-ups (fixed query count)."""
    rounds = PracticeRound.objects.filter(user=user).select_related("principle", "story")
    if principle_id:
        rounds = rounds.filter(principle_id=principle_id)
    if story_id:
        rounds = rounds.filter(story_id=story_id)
    jobs = FollowUpJob.objects.order_by("created_at", "id").prefetch_related(
        Prefetch("followups", queryset=FollowUp.objects.order_by("position"))
    )
    return rounds.prefetch_related(Prefetch("followup_jobs", queryset=jobs))


def review_items(*, user) -> QuerySet[ReviewItem]:
    """The user's (story, principle) pairs, soonest due first."""
    return ReviewItem.objects.filter(user=user).select_related("story", "principle")


@dataclass(frozen=True)
class Week:
    """Rounds finished in one week and their average self-rating."""

    start: dt.date
    rounds: int
    average: float | None


def progress(*, user, weeks: int = PROGRESS_WEEKS) -> list[Week]:
    """The last ``weeks`` weeks (Monday first), oldest first, from one query."""
    today = timezone.localdate()
    first = today - dt.timedelta(days=today.weekday() + 7 * (weeks - 1))
    rows = PracticeRound.objects.filter(
        user=user, finished_at__date__gte=first, self_rating__isnull=False
    ).values_list("finished_at", "self_rating")
    buckets: dict[dt.date, list[int]] = {first + dt.timedelta(weeks=i): [] for i in range(weeks)}
    for finished_at, rating in rows:
        day = timezone.localtime(finished_at).date()
        buckets[day - dt.timedelta(days=day.weekday())].append(rating)
    return [
        Week(start, len(ratings), round(sum(ratings) / len(ratings), 1) if ratings else None)
        for start, ratings in buckets.items()
    ]


def planning_practice_state(*, user) -> PracticeState:
    """What the loop planner reads of practice (two queries): per story, the follow-ups
    marked shaky, on the story's page or in a round on it, newest first, and when it
    was last practised. Raw SQL (``planning.raw_reads`` says why): every loop plan
    reads it."""
    f, story, job = Names(FollowUp, "f"), Names(Story, "s"), Names(FollowUpJob, "j")
    link, rnd = Names(PracticeRound.followup_jobs.through, "rj"), Names(PracticeRound, "r")
    rows = fetch(
        f"SELECT {f.story}, {rnd.story}, {f.question} FROM {f} "  # noqa: S608 - names from _meta
        f"LEFT JOIN {story} ON {story.id} = {f.story} JOIN {job} ON {job.id} = {f.job} "
        f"LEFT JOIN {link} ON {link.followupjob} = {job.id} "
        f"LEFT JOIN {rnd} ON {rnd.id} = {link.practiceround} "
        f"WHERE ({story.owner} = %s OR {rnd.user} = %s) AND {f.rating} = %s "
        f"ORDER BY {job.created_at} DESC, {f.position}",
        [user.pk, user.pk, Rating.SHAKY.value],
    )
    shaky: dict[int, dict[str, None]] = {}
    for story_id, round_story_id, question in rows:
        found = story_id or round_story_id
        if found:
            shaky.setdefault(found, {})[question] = None
    last = fetch(
        f"SELECT {rnd.story}, MAX({rnd.created_at}) FROM {rnd} "  # noqa: S608 - names from _meta
        f"WHERE {rnd.user} = %s AND {rnd.story} IS NOT NULL GROUP BY {rnd.story}",
        [user.pk],
    )
    return PracticeState(
        shaky={story: tuple(questions) for story, questions in shaky.items()},
        last_practised={story: aware_datetime(at) for story, at in last},
    )


@dataclass(frozen=True)
class MockStep:
    """One interviewer's round in a mock loop: the principle, the planned story and a
    bank question not yet asked."""

    interviewer: str
    principle_id: int
    story_id: int | None
    question: Question | None


def mock_loop_steps(*, user, loop: Loop, today: dt.date) -> list[MockStep]:
    """A round per interviewer: of the principles it probes, the one whose planned story
    was practised longest ago (never first), and a bank question of that principle the
    user has not had yet (else the one asked longest ago), none twice in the mock."""
    page = planning_selectors.loop_plan(user=user, loop=loop, today=today)
    never = dt.datetime.min.replace(tzinfo=dt.UTC)
    chosen = []
    for slot in page.plan.slots:
        if not slot.cells:
            continue
        planned = [cell for cell in slot.cells if cell.primary is not None] or slot.cells
        cell = min(
            planned,
            key=lambda c: (
                page.practice.last_practised.get(c.primary.pk, never) if c.primary else never
            ),
        )
        chosen.append((slot.label, cell.principle.pk, cell.primary.pk if cell.primary else None))
    principle_ids = sorted({principle_id for _, principle_id, _ in chosen})
    questions: dict[int, list[Question]] = {pk: [] for pk in principle_ids}
    for question in Question.objects.filter(principle_id__in=principle_ids).order_by(
        "principle_id", "position", "id"
    ):
        questions[question.principle_id].append(question)
    asked = dict(
        PracticeRound.objects.filter(user=user, question__principle_id__in=principle_ids)
        .values("question_id")
        .annotate(at=Max("created_at"))
        .values_list("question_id", "at")
    )
    steps, taken = [], set()
    for label, principle_id, story_id in chosen:
        left = [q for q in questions[principle_id] if q.pk not in taken]
        question = pick_question(left, asked)
        if question is not None:
            taken.add(question.pk)
        steps.append(MockStep(label, principle_id, story_id, question))
    return steps


def mock_loop_get(*, user, pk: int) -> MockLoop:
    """One of the user's mock loops, or 404."""
    return get_object_or_404(MockLoop, pk=pk, user=user)


def mock_loop_rounds(*, mock_loop: MockLoop) -> list[PracticeRound]:
    """The mock loop's rounds in interviewer order (one query)."""
    return list(
        mock_loop.rounds.select_related("principle", "story").order_by("mock_position", "id")
    )
