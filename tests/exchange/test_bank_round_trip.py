"""Export, import into a new account, export again: the same bank."""

from __future__ import annotations

import pytest

from exchange.schema import dump_bank
from exchange.services import bank_export, bank_import
from stories.models import Story
from tests.accounts.factories import UserFactory

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
