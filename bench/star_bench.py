"""Benchmark the STAR checker against a plain regex pass over the same text.

Run from the repository root:  python bench/star_bench.py

Stories of about 400 and 3,000 words are built deterministically from the
strong stories in tests/data/star_corpus.json.  For each size it reports the
median time of ``check()`` (parts and undivided text) and of one
``re.findall(r"\\w+", text)`` pass, measured interleaved in the same run, and
compares them with the targets.  Always exits 0.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import timeit
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from stories.star import check  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "star_corpus.json"
PARTS = ("situation", "task", "action", "result", "reflection")
WORD_RE = re.compile(r"\w+")
SENTENCE_RE = re.compile(r"[^.!?]+[.!?]+\s*")

TARGET_400_SECONDS = 0.001  # 400-word check() median under 1 ms
TARGET_BASELINE_RATIO = 25.0  # check() at most 25x one regex pass
TARGET_SCALING_RATIO = 10.0  # 3,000 words at most 10x the 400-word time


def strong_stories() -> list[dict[str, str]]:
    """The corpus stories whose id starts with "strong-", in file order."""
    stories = json.loads(CORPUS.read_text(encoding="utf-8"))["stories"]
    return [story for story in stories if story["id"].startswith("strong-")]


def build_story(words: int) -> dict[str, str]:
    """Parts holding up to ``words`` words, cycling through strong stories' sentences."""
    sentences = [
        (part, sentence.strip())
        for story in strong_stories()
        for part in PARTS
        for sentence in SENTENCE_RE.findall(story.get(part, ""))
    ]
    chosen: dict[str, list[str]] = {part: [] for part in PARTS}
    total = 0
    index = 0
    while True:
        part, sentence = sentences[index % len(sentences)]
        count = len(sentence.split())
        if total + count > words:
            break
        chosen[part].append(sentence)
        total += count
        index += 1
    return {part: " ".join(chosen[part]) for part in PARTS}


def as_text(parts: dict[str, str]) -> str:
    """The parts as one undivided answer."""
    return "\n\n".join(parts[part] for part in PARTS if parts[part])


def interleaved_medians(
    funcs: dict[str, Callable[[], object]], rounds: int, number: int
) -> dict[str, float]:
    """Median seconds per call of each function, timed in alternating rounds."""
    samples: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(rounds):
        for name, func in funcs.items():
            samples[name].append(timeit.timeit(func, number=number) / number)
    return {name: statistics.median(times) for name, times in samples.items()}


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main() -> int:
    sizes = {400: (41, 40), 3000: (21, 8)}  # words -> (rounds, calls per round)
    results: dict[int, dict[str, float]] = {}
    for words, (rounds, number) in sizes.items():
        parts = build_story(words)
        text = as_text(parts)
        check(**parts)  # warm up
        check(text=text)
        results[words] = interleaved_medians(
            {
                "check_parts": lambda parts=parts: check(**parts),
                "check_text": lambda text=text: check(text=text),
                "baseline": lambda text=text: WORD_RE.findall(text),
            },
            rounds,
            number,
        )
        results[words]["words"] = len(text.split())

    print(f"STAR checker benchmark (Python {sys.version.split()[0]})")
    for words, res in results.items():
        print(
            f"  ~{words:>4} words ({int(res['words'])} actual): "
            f"check(parts) {res['check_parts'] * 1e6:8.1f} us   "
            f"check(text=) {res['check_text'] * 1e6:8.1f} us   "
            f"findall baseline {res['baseline'] * 1e6:7.1f} us   "
            f"ratio parts/baseline {res['check_parts'] / res['baseline']:5.1f}x   "
            f"text/baseline {res['check_text'] / res['baseline']:5.1f}x"
        )
    small, large = results[400], results[3000]
    print("Targets:")
    for mode in ("check_parts", "check_text"):
        label = "parts" if mode == "check_parts" else "text="
        under = small[mode] < TARGET_400_SECONDS
        print(f"  [{verdict(under)}] {label}: 400 words under 1 ms: {small[mode] * 1e3:.3f} ms")
        for words, res in results.items():
            ratio = res[mode] / res["baseline"]
            ok = ratio <= TARGET_BASELINE_RATIO
            print(f"  [{verdict(ok)}] {label}: {words} words at most 25x baseline: {ratio:.1f}x")
        scaling = large[mode] / small[mode]
        ok = scaling <= TARGET_SCALING_RATIO
        print(f"  [{verdict(ok)}] {label}: 3000-word / 400-word time at most 10x: {scaling:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
