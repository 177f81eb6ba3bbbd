"""Benchmark the quick read of a follow-up answer (and the verdict on it) against one
plain regex pass over the same text.

Run from the repository root:  python bench/quick_read_bench.py

The answers are the dev split's of the follow-up thread set, joined and cut into
150-word answers. It prints the median time of ``quick_read`` and of ``judge`` (which
reads the answer too) and of one ``re.findall(r"\\w+", text)`` pass, measured interleaved
in the same run, and the ratios. The target: a 150-word quick read under 1 ms, so at
most about the checker's ratio to the regex pass (25x). Always exits 0.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach.threads import judge  # noqa: E402
from stories.star.quick import quick_read  # noqa: E402

DATA = ROOT / "tests" / "data" / "followup_threads" / "dev.json"
WORDS = 150
ROUNDS = 300
TARGET_RATIO = 25.0
WORD_RE = re.compile(r"\w+")


def answers() -> list[str]:
    """150-word answers cut from the dev split's answers, in file order."""
    words = " ".join(i["answer"] for i in json.loads(DATA.read_text())["items"]).split()
    return [" ".join(words[i : i + WORDS]) for i in range(0, len(words) - WORDS, WORDS)]


def main() -> int:
    texts = answers()
    subjects = {
        "regex pass": lambda t: WORD_RE.findall(t),
        "quick read": quick_read,
        "verdict": lambda t: judge("number", "How much did it change?", t),
    }
    samples: dict[str, list[float]] = {name: [] for name in subjects}
    for round_ in range(ROUNDS):
        text = texts[round_ % len(texts)]
        for name, run in subjects.items():
            samples[name].append(timeit.timeit(lambda run=run, text=text: run(text), number=3) / 3)
    medians = {name: statistics.median(times) for name, times in samples.items()}
    base = medians["regex pass"]
    print(f"quick read of a {WORDS}-word answer, {ROUNDS} rounds over {len(texts)} answers")
    for name, median in medians.items():
        print(f"  {name:<12} {median * 1e6:8.1f} us  {median / base:6.1f}x the regex pass")
    ratio = medians["quick read"] / base
    print(
        f"  quick read / regex pass {ratio:.1f}x (target <= {TARGET_RATIO:g}x): "
        f"{'met' if ratio <= TARGET_RATIO else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
