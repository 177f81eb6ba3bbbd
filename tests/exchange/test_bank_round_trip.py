"""Export, import into a new account, export again: the same bank."""

from __future__ import annotations

import pytest

from exchange.schema import dump_bank
from exchange.services import bank_export, bank_import
from planning.models import LoopPin
from practice.models import PracticeRound, ReviewItem
from stories.models import Story
from tests.accounts.factories import UserFactory
from tests.exchange.conftest import db_state

pytestmark = pytest.mark.django_db


def normalized(bank: dict) -> dict:
    return {k: v for k, v in bank.items() if k != "exported_at"}


def test_round_trip_into_a_new_account_gives_identical_data(rich_bank):
    original = bank_export(user=rich_bank)
    newcomer = UserFactory()

    result = bank_import(user=newcomer, data=dump_bank(original))

    assert result.ok, result.problems
    assert (result.stories_created, result.stories_skipped, result.sets_created) == (2, 0, 1)
    assert normalized(bank_export(user=newcomer)) == normalized(original)
    # Imported stories are scored like any other, and the original's rows are untouched.
    assert all(s.star_score is not None for s in Story.objects.filter(owner=newcomer))
    assert normalized(bank_export(user=rich_bank)) == normalized(original)


def test_reimporting_into_the_same_account_with_skip_changes_nothing(rich_bank):
    before = normalized(bank_export(user=rich_bank))

    result = bank_import(user=rich_bank, data=dump_bank(before))

    assert result.ok, result.problems
    assert (result.stories_created, result.stories_skipped, result.sets_reused) == (0, 2, 1)
    assert normalized(bank_export(user=rich_bank)) == before


def test_a_fully_used_account_round_trips_without_losing_a_word(full_bank):
    """Export, import into a fresh account, export again: the two files are the same.

    Only ``exported_at`` is left out of the comparison (it is the time each file was
    written). Nothing else needs ignoring: the file holds no database ids (objects name
    each other by refs numbered in file order, the same in both exports), and every
    time the user's data carries (stories, revisions, rounds, follow-ups, rehearsals,
    loops, the review schedule) is restored as recorded. What the import works out
    again (STAR scores of stories and rounds) is not in the file.
    """
    original = bank_export(user=full_bank)
    # The account is fully used: every section has something in it.
    assert len(original["practice_rounds"]) == 3 + 6  # and one per interviewer rehearsed
    done = next(r for r in original["practice_rounds"] if r["self_rating"] == 4)
    assert (done["status"], done["notes"], done["seconds_taken"]) == (
        "done",
        "Lead with the number.",
        131,
    )
    assert done["from_question_bank"] and done["story"] == "s1"
    assert done["principle"] == {"set": "amazon", "principle": "dive-deep", "builtin": True}
    [ask] = done["followups"]
    assert ask["backend"] == "rules" and ask["status"] == "done"
    assert [(q["answer"], q["rating"]) for q in ask["questions"][:2]] == [
        ("The baseline was 2%.", "nailed"),
        ("I am not sure.", "shaky"),
    ]
    first, second, third = original["stories"]
    assert [a["questions"][0]["rating"] for a in first["followups"]] == ["skipped"]
    assert [(a["status"], a["error"]) for a in second["followups"]] == [
        ("failed", "The AI coach did not answer in time.")
    ]
    assert third["followups"] == []
    assert {
        (i["story"], i["principle"]["principle"], i["box"]) for i in original["review_items"]
    } >= {
        ("s1", "dive-deep", 1),  # a shaky follow-up: back to box 1
        ("s2", "grit", 3),
    }
    assert original["coverage_target"] == {
        "set": "acme-values",
        "builtin": False,
        "principles": ["grit", "candour"],
    }
    ds, acme = original["loops"]
    assert (ds["name"], ds["date"], ds["done_on"]) == ("DS loop", "2025-06-03", "2025-06-03")
    assert {(s["label"], p["principle"], p["story"]) for s in ds["slots"] for p in s["pins"]} == {
        ("Phone screen", "dive-deep", "s1"),
        ("Behavioral", "ownership", "s3"),
    }
    assert acme["slots"][1] == {
        "label": "Hiring manager",
        "principles": [],
        "unknown": True,
        "unknown_count": 3,
        "pins": [],
    }
    [mock] = original["mock_loops"]
    assert mock["loop"] == ds["ref"]
    mock_rounds = [r for r in original["practice_rounds"] if r["mock_loop"] == mock["ref"]]
    assert [r["mock_position"] for r in mock_rounds] == list(range(len(ds["slots"])))

    newcomer = UserFactory()
    result = bank_import(user=newcomer, data=dump_bank(original))

    assert result.ok, result.problems
    assert normalized(bank_export(user=newcomer)) == normalized(original)
    # The rows behind the file, in the new account: scored again, linked again.
    rounds = PracticeRound.objects.filter(user=newcomer)
    assert rounds.count() == len(original["practice_rounds"])
    assert all(r.star_score is not None for r in rounds if r.answer)
    restored = rounds.get(self_rating=4)
    assert restored.question.text == done["question"]  # the bank question, linked again
    assert restored.story.owner == newcomer
    assert restored.followup_jobs.get().answer_text == restored.answer
    assert ReviewItem.objects.filter(user=newcomer).count() == len(original["review_items"])
    assert LoopPin.objects.filter(loop__owner=newcomer).count() == 3
    assert all(p.story.owner == newcomer for p in LoopPin.objects.filter(loop__owner=newcomer))
    assert newcomer.coverage_target.principle_set.owner == newcomer
    assert "Also imported" in result.summary()
    # The original account is untouched.
    assert normalized(bank_export(user=full_bank)) == normalized(original)


def test_reimporting_a_full_bank_with_skip_writes_nothing(full_bank):
    before_file = normalized(bank_export(user=full_bank))
    before = db_state()

    result = bank_import(user=full_bank, data=dump_bank(before_file))

    assert result.ok, result.problems
    assert db_state() == before
    assert (result.stories_created, result.rounds_created, result.loops_created) == (0, 0, 0)
    assert result.already_there > 0
    assert "Kept your own coverage target." in result.summary()
    assert normalized(bank_export(user=full_bank)) == before_file


def test_rename_imports_the_practice_again_on_the_renamed_copies(full_bank):
    data = dump_bank(bank_export(user=full_bank))
    rounds_before = PracticeRound.objects.filter(user=full_bank).count()

    result = bank_import(user=full_bank, data=data, on_duplicate="rename")

    assert result.ok, result.problems
    assert result.stories_renamed == 3
    assert PracticeRound.objects.filter(user=full_bank).count() == 2 * rounds_before
    copy = Story.objects.get(owner=full_bank, title="Rebuilt the nightly sales pipeline (imported)")
    assert PracticeRound.objects.filter(story=copy, self_rating=4).exists()
    assert ReviewItem.objects.filter(user=full_bank, story=copy).exists()
    assert result.coverage_target == "kept"
