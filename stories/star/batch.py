"""Check many answers at once: JSON Lines in, one verdict line out per input line.

    python -m stories.star < answers.jsonl > verdicts.jsonl

An input line is ``{"id": ..., "situation": ..., "task": ..., "action": ...,
"result": ..., "reflection": ...}`` (any part may be left out) or ``{"id": ...,
"text": "one undivided answer"}``.  Each output line is ``{"id", "score", "band",
"missing_parts", "quantified", "mostly_we", "principles", "findings"}``, in input
order; a line that cannot be read gets ``{"id", "error"}`` and the rest still run
(the exit status is then 1).
Principles are suggested from the built-in Amazon Leadership Principles.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any, TextIO

from principles.seeding import load_set_data

from .checker import check
from .principles import PrincipleCues, suggest_principles
from .report import PART_NAMES

#: Severities whose codes a verdict lists (worst first, each code once).
_FLAGGED = ("error", "warn")
#: Longest answer text accepted per line, in characters (the app's own field limit is lower).
MAX_TEXT_CHARS = 100_000


@lru_cache(maxsize=1)
def builtin_cues() -> tuple[PrincipleCues, ...]:
    """Cue words of the built-in principle set, read once."""
    data = load_set_data()  # the Amazon set, as the app seeds it into its database
    return tuple(
        PrincipleCues(key=item["slug"], name=item["name"], cues=tuple(item.get("keywords", ())))
        for item in data["principles"]
    )


def verdict(line: str) -> dict[str, Any]:
    """The verdict for one input line, or ``{"id", "error"}`` saying what is wrong with it."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        return {"id": None, "error": f"not JSON: {error.msg} at column {error.colno}"}
    if not isinstance(row, dict):
        return {"id": None, "error": "each line must be a JSON object"}
    answer_id = row.get("id")
    problem = _problem(row)
    if problem:
        return {"id": answer_id, "error": problem}
    if "text" in row:
        report = check(text=row["text"])
    else:
        report = check(
            situation=row.get("situation") or "",
            task=row.get("task") or "",
            action=row.get("action") or "",
            result=row.get("result") or "",
            reflection=row.get("reflection") or "",
        )
    parts = report.parts
    principles = suggest_principles(
        situation=parts["situation"],
        task=parts["task"],
        action=parts["action"],
        result=parts["result"],
        reflection=parts["reflection"],
        principles=builtin_cues(),
    )
    return {
        "id": answer_id,
        "score": report.score,
        "band": report.band,
        "missing_parts": list(report.missing_parts),
        "quantified": report.quantified,
        "mostly_we": report.mostly_we,
        "principles": [{"name": s.name, "score": s.score} for s in principles],
        "findings": list(dict.fromkeys(f.code for f in report.findings if f.severity in _FLAGGED)),
    }


def _problem(row: dict[str, Any]) -> str:
    fields = [name for name in PART_NAMES if name in row]
    if "text" in row and fields:
        return f'give either "text" or the parts, not both (found "text" and {fields[0]!r})'
    if "text" not in row and not fields:
        return 'no answer: give "text" or at least one of ' + ", ".join(PART_NAMES)
    for name in ("text", *PART_NAMES):
        value = row.get(name)
        if value is not None and not isinstance(value, str):
            return f"{name!r} must be a string, not {type(value).__name__}"
        if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
            return f"{name!r} is {len(value):,} characters; the limit is {MAX_TEXT_CHARS:,}"
    return ""


def run(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """One verdict per non-blank input line, in order."""
    for line in lines:
        if line.strip():
            yield verdict(line)


def main(stdin: TextIO, stdout: TextIO) -> int:
    """Read answers from ``stdin``, write verdicts to ``stdout``.

    Returns 1 when any line got an error (every line is still answered), else 0.
    """
    failed = False
    for result in run(stdin):
        failed = failed or "error" in result
        stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 1 if failed else 0
