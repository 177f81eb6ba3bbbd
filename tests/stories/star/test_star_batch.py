"""``python -m stories.star``: JSON Lines in, one verdict per line out, bad lines reported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from stories.star import check
from stories.star.batch import MAX_TEXT_CHARS, builtin_cues, verdict

ROOT = Path(__file__).resolve().parents[3]
GOOD = {
    "id": "latency",
    "situation": "Last spring our largest customer said tracking pages took eight seconds.",
    "task": "My manager asked me to get load time under two seconds before their renewal.",
    "action": (
        "I reproduced the slowness with a load test, traced the service and found one "
        "endpoint that ran a query per event. I rewrote it to batch the queries and added "
        "an index, and I rehearsed the migration on a copy of production data."
    ),
    "result": "Median load time fell from 8.2 to 1.1 seconds and the customer renewed.",
    "reflection": "I learned to measure before guessing.",
}


def run_batch(lines: list[str]) -> tuple[int, list[dict]]:
    done = subprocess.run(
        [sys.executable, "-m", "stories.star"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    return done.returncode, [json.loads(line) for line in done.stdout.splitlines()]


def test_each_line_gets_a_verdict_in_order_and_bad_lines_an_error() -> None:
    dictated = {
        "id": 7,
        "text": "so my lead asked me to fix the nightly job. so what i did was i pulled the "
        "logs and found a race. as a result failures went down 90 percent",
    }
    status, out = run_batch(
        [
            json.dumps(GOOD),
            "{not json",
            json.dumps(dictated),
            json.dumps({"id": "empty"}),
            json.dumps({"id": "both", "text": "x", "action": "y"}),
            json.dumps({"id": "wrong", "result": 5}),
        ]
    )
    assert status == 1
    assert [row["id"] for row in out] == ["latency", None, 7, "empty", "both", "wrong"]
    first = out[0]
    assert set(first) == {
        "id",
        "score",
        "band",
        "missing_parts",
        "quantified",
        "mostly_we",
        "principles",
        "findings",
    }
    report = check(**{k: v for k, v in GOOD.items() if k != "id"})
    assert first["score"] == report.score
    assert first["band"] == report.band == "ready"
    assert first["missing_parts"] == []
    assert first["quantified"] is True and first["mostly_we"] is False
    assert out[2]["quantified"] is True and out[2]["missing_parts"] == ["situation"]
    assert "error" in out[1] and "not JSON" in out[1]["error"]
    assert "no answer" in out[3]["error"]
    assert "not both" in out[4]["error"]
    assert "'result' must be a string" in out[5]["error"]


def test_principles_come_from_the_builtin_set_best_first() -> None:
    names = {cue.name for cue in builtin_cues()}
    assert len(names) == 16
    row = verdict(
        json.dumps(
            {
                "id": "cust",
                "text": "A customer complaint came in every week about the export. I read the "
                "customer feedback, called three of them and found out the customer needs were "
                "about the format. I changed it and complaints fell by 80%.",
            }
        )
    )
    scores = [p["score"] for p in row["principles"]]
    assert row["principles"] and {p["name"] for p in row["principles"]} <= names
    assert scores == sorted(scores, reverse=True) and len(scores) <= 3
    assert row["principles"][0]["name"] == "Customer Obsession"


def test_an_oversized_answer_is_refused_with_its_size() -> None:
    row = verdict(json.dumps({"id": 1, "text": "a" * (MAX_TEXT_CHARS + 1)}))
    assert row["id"] == 1 and "the limit is" in row["error"]


def test_all_good_lines_exit_zero() -> None:
    status, out = run_batch([json.dumps(GOOD), "", json.dumps(dict(GOOD, id="again"))])
    assert status == 0
    assert [row["id"] for row in out] == ["latency", "again"]
