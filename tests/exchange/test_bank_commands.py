"""export_bank and import_bank: the same services from the command line."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import CommandError, call_command

from exchange.schema import MAX_FILE_BYTES
from exchange.services import bank_export
from stories.models import Story
from tests.exchange.conftest import bank_doc, db_state, dumps, story_doc
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


def test_export_to_a_file_then_import_into_another_account(rich_bank, other_user, tmp_path):
    path = tmp_path / "bank.json"
    out = io.StringIO()

    call_command("export_bank", rich_bank.username, str(path), stdout=out)
    assert "Wrote 2 stories and 1 principle set(s)" in out.getvalue()
    call_command("import_bank", other_user.username, str(path), stdout=out)

    assert "Imported 2 stories, skipped 0" in out.getvalue()
    mine, theirs = bank_export(user=rich_bank), bank_export(user=other_user)
    assert mine["stories"] == theirs["stories"]
    assert mine["principle_sets"] == theirs["principle_sets"]


def test_the_commands_carry_practice_and_loops_too(full_bank, other_user, tmp_path):
    path = tmp_path / "bank.json"
    out = io.StringIO()

    call_command("export_bank", full_bank.username, str(path), stdout=out)
    assert "Wrote 3 stories and 1 principle set(s), 9 practice round(s) and 2 interview" in (
        out.getvalue()
    )
    call_command("import_bank", other_user.username, str(path), stdout=out)

    assert "Also imported 9 practice rounds" in out.getvalue()
    mine, theirs = bank_export(user=full_bank), bank_export(user=other_user)
    mine.pop("exported_at"), theirs.pop("exported_at")
    assert mine == theirs


def test_export_to_stdout_is_plain_json(rich_bank):
    out = io.StringIO()
    call_command("export_bank", rich_bank.username, "-", stdout=out)
    bank = json.loads(out.getvalue())
    assert len(bank["stories"]) == 2


def test_import_from_stdin_with_rename(user, monkeypatch):
    StoryFactory(owner=user, title="Cut build times")
    data = dumps(bank_doc(story_doc())).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    call_command(
        "import_bank", user.username, "-", "--on-duplicate", "rename", stdout=io.StringIO()
    )
    assert Story.objects.filter(owner=user, title="Cut build times (imported)").exists()


def test_a_failed_import_prints_problems_and_exits_non_zero(user, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(dumps(bank_doc(story_doc(), story_doc(result="x" * 5001), version=1)))
    err = io.StringIO()
    before = db_state()

    with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
        call_command("import_bank", user.username, str(path), stderr=err)

    assert "stories[1].result: longer than 5,000 characters" in err.getvalue()
    assert db_state() == before


def test_a_file_over_the_limit_is_refused_unread(user, tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (MAX_FILE_BYTES + 1))
    with pytest.raises(CommandError, match="over the 5 MB limit"):
        call_command("import_bank", user.username, str(path))


@pytest.mark.parametrize("command", ["export_bank", "import_bank"])
def test_unknown_user_or_file(user, command, tmp_path):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command(command, "nobody", str(tmp_path / "x.json"))
    if command == "import_bank":
        with pytest.raises(CommandError, match="No file at"):
            call_command(command, user.username, str(tmp_path / "missing.json"))
