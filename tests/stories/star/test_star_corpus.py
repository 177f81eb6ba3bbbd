"""Every story in tests/data/star_corpus.json meets its expectations."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from stories.star import CODES, check

CORPUS_PATH = Path(__file__).resolve().parents[2] / "data" / "star_corpus.json"
PARTS = ("situation", "task", "action", "result", "reflection")
STORIES: list[dict[str, Any]] = json.loads(CORPUS_PATH.read_text(encoding="utf-8"))["stories"]
KNOWN_KEYS = {
    "id",
    "description",
    *PARTS,
    "text",
    "when",
    "today",
    "must",
    "must_not",
    "min_score",
    "max_score",
    "quantified",
    "missing",
    "min_split_confidence",
    "max_split_confidence",
}


def check_entry(entry: dict[str, Any]):
    """Run the checker on a corpus entry."""
    kwargs: dict[str, Any] = {part: entry[part] for part in PARTS if part in entry}
    if "text" in entry:
        kwargs["text"] = entry["text"]
    for key in ("when", "today"):
        if key in entry:
            kwargs[key] = dt.date.fromisoformat(entry[key])
    return check(**kwargs)


@pytest.mark.parametrize("entry", STORIES, ids=[entry["id"] for entry in STORIES])
def test_corpus_entry(entry: dict[str, Any]) -> None:
    report = check_entry(entry)
    codes = set(report.codes)
    missing = [code for code in entry.get("must", []) if code not in codes]
    unexpected = [code for code in entry.get("must_not", []) if code in codes]
    assert not missing, f"expected codes not found: {missing}; got {sorted(codes)}"
    assert not unexpected, f"codes that must not appear: {unexpected}"
    assert entry.get("min_score", 0) <= report.score <= entry.get("max_score", 100)
    if "quantified" in entry:
        assert report.quantified is entry["quantified"], report.metrics["quantities"]
    if "missing" in entry:
        assert report.missing_parts == entry["missing"]
    assert report.split_confidence >= entry.get("min_split_confidence", 0.0)
    assert report.split_confidence <= entry.get("max_split_confidence", 1.0)


@pytest.mark.parametrize("entry", STORIES, ids=[entry["id"] for entry in STORIES])
def test_corpus_report_is_consistent(entry: dict[str, Any]) -> None:
    report = check_entry(entry)
    assert 100 + sum(points for _, points, _ in report.score_breakdown) == report.score
    for finding in report.findings:
        assert finding.code in CODES
        text = report.parts.get(finding.part, "")
        for start, end in finding.spans:
            assert 0 <= start < end <= len(text)
    json.loads(json.dumps(report.to_dict()))


def test_corpus_is_big_and_well_formed() -> None:
    ids = [entry["id"] for entry in STORIES]
    assert len(STORIES) >= 40
    assert len(ids) == len(set(ids))
    for entry in STORIES:
        assert set(entry) <= KNOWN_KEYS, entry["id"]
        assert entry["description"].strip()
        assert set(entry.get("must", [])) | set(entry.get("must_not", [])) <= set(CODES)
        assert not set(entry.get("must", [])) & set(entry.get("must_not", []))


def test_corpus_covers_every_problem_code_and_enough_strong_stories() -> None:
    required = {code for entry in STORIES for code in entry.get("must", [])}
    problems = {code for code, (severity, _) in CODES.items() if severity != "ok"}
    assert problems <= required, f"no corpus story requires {sorted(problems - required)}"
    strong = [entry for entry in STORIES if entry.get("min_score", 0) >= 85]
    assert len(strong) >= 5
    tricky = [entry for entry in STORIES if entry["id"].startswith("fp-")]
    assert len(tricky) >= 10
