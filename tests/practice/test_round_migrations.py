"""Practice migrations keep every row: the rounds' follow-ups become the coach's (every
question, answer and rating found again, under jobs the round owns, and a round's AI-coach
job keeps the answer it was asked about), and older rounds get what the check heard."""

from __future__ import annotations

import pytest

BEFORE = [("coach", "0001_initial"), ("practice", "0001_initial")]
AFTER = [("coach", "0003_job_forgets_its_round"), ("practice", "0002_followups_move_to_coach")]

ASKED = [
    ("What did you measure first?", "action", "The p95 latency.", "nailed"),
    ("Why that order?", "action", "", "skipped"),
    ("What was the baseline?", "result", "About 900 ms.", "shaky"),
]


def _round(old, user, question: str):
    return old.apps.get_model("practice", "PracticeRound").objects.create(
        user=user, question_text=question, answer="I cut the p95 from 900 to 300 ms.",
        status="followups",
    )  # fmt: skip


def _followups(old, practice_round, asked) -> None:
    for position, (question, part, answer, rating) in enumerate(asked, start=1):
        old.apps.get_model("practice", "RoundFollowUp").objects.create(
            round=practice_round, position=position, question=question, part=part,
            answer=answer, rating=rating,
        )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_round_followups_move_under_jobs_the_round_owns(migrator) -> None:
    old = migrator.apply_initial_migration(BEFORE)
    user = old.apps.get_model("auth", "User").objects.create(username="ada")
    offline = _round(old, user, "Tell me about a time you went deep.")
    _followups(old, offline, ASKED)
    with_ai = _round(old, user, "Tell me about a time you were wrong.")
    _followups(old, with_ai, ASKED[:1])
    old_job = old.apps.get_model("coach", "FollowUpJob").objects
    ai_job = old_job.create(
        owner=user, practice_round=with_ai, requested_backend="llm", status="done",
        backend_used="llm", attempts=1,
    )  # fmt: skip
    untouched = _round(old, user, "Tell me about a time you disagreed.")

    new = migrator.apply_tested_migration(AFTER)

    rounds = new.apps.get_model("practice", "PracticeRound").objects
    followup = new.apps.get_model("coach", "FollowUp").objects

    def asked(round_pk: int) -> list[tuple[str, str, str, str]]:
        rows = followup.filter(job__practice_rounds=round_pk).order_by(
            "job__created_at", "job_id", "position"
        )
        return [(f.question, f.part, f.answer, f.rating) for f in rows]

    assert asked(offline.pk) == ASKED
    made = rounds.get(pk=offline.pk).followup_jobs.get()
    assert (made.requested_backend, made.status, made.story_id) == ("rules", "done", None)
    assert made.answer_text == "I cut the p95 from 900 to 300 ms."
    assert asked(with_ai.pk) == ASKED[:1]
    kept = rounds.get(pk=with_ai.pk).followup_jobs.get()
    assert kept.pk == ai_job.pk and kept.backend_used == "llm"
    assert kept.answer_question == "Tell me about a time you were wrong."
    assert not rounds.get(pk=untouched.pk).followup_jobs.exists()
    assert followup.count() == len(ASKED) + 1
    migrator.reset()


@pytest.mark.django_db(transaction=True)
def test_the_move_can_be_undone_without_losing_an_answer(migrator) -> None:
    old = migrator.apply_initial_migration(BEFORE)
    user = old.apps.get_model("auth", "User").objects.create(username="ada")
    practice_round = _round(old, user, "Tell me about a time you went deep.")
    _followups(old, practice_round, ASKED)
    migrator.apply_tested_migration(AFTER)

    back = migrator.apply_tested_migration(BEFORE)

    rows = back.apps.get_model("practice", "RoundFollowUp").objects.filter(
        round_id=practice_round.pk
    )
    assert [(f.question, f.part, f.answer, f.rating) for f in rows.order_by("position")] == ASKED
    migrator.reset()


@pytest.mark.django_db(transaction=True)
def test_rounds_answered_before_keep_what_the_check_heard(migrator) -> None:
    old = migrator.apply_initial_migration([("practice", "0002_followups_move_to_coach")])
    user = old.apps.get_model("auth", "User").objects.create(username="ada")
    rounds = old.apps.get_model("practice", "PracticeRound").objects
    answered = rounds.create(
        user=user,
        question_text="Tell me about a time you went deep.",
        answer="We moved the cache and I rewrote the query. p95 fell from 900 ms to 300 ms.",
        status="followups",
    )
    unanswered = rounds.create(user=user, question_text="Tell me about a time you were wrong.")

    new = migrator.apply_tested_migration([("practice", "0003_round_star_heard")])

    rounds = new.apps.get_model("practice", "PracticeRound").objects
    heard = rounds.get(pk=answered.pk).star_heard
    assert heard["quantified"] is True and heard["words"] == 17
    assert heard["i_actions"] >= 1
    assert rounds.get(pk=unanswered.pk).star_heard == {}
    migrator.reset()
