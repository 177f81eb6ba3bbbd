"""How often the STAR checker agrees with hand labels, on the held-out split.

Run from the repository root:  python bench/star_eval.py [--split heldout|dev|all]

The labelled answers live in tests/data/star_answers/: ``dev-*.jsonl`` is the part
rules and weights may be tuned on, ``heldout-*.jsonl`` the part nothing is tuned on
(labels by ../shared/LABELS.md; see tests/data/star_answers/README.md).  For each
measure the script prints today's checker beside the previous ``CHECKER_VERSION``
(checked out of git into a temporary folder and run in the same process) and a
trivial baseline, so a change shows what it gained and what it lost.

``--check`` exits 1 when the current checker misses a goal on the chosen split;
``--misses`` lists the answers each measure gets wrong.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from stories import star  # noqa: E402

CORPUS_DIR = ROOT / "tests" / "data" / "star_answers"
CORE_PARTS = ("situation", "task", "action", "result")
ANSWER_FIELDS = ("situation", "task", "action", "result", "reflection")
CHECKER_FILE = "stories/star/checker.py"
_VERSION_RE = re.compile(r'^CHECKER_VERSION = "([^"]+)"', re.MULTILINE)

#: measure -> goal, as issued: quantified accuracy, missing-part F1, "mostly we"
#: accuracy and the score's AUC between good and weak answers.
GOALS = {"quantified": 0.98, "missing_f1": 0.85, "mostly_we": 0.93, "auc": 0.90}


@dataclass(frozen=True)
class Answer:
    """One labelled answer from the corpus."""

    id: str
    style: str
    inputs: dict[str, str]
    quantified: bool
    missing: frozenset[str]
    mostly_we: bool
    quality: str
    principles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """What a checker said about one answer, in the labels' terms."""

    score: int
    quantified: bool
    missing: frozenset[str]
    mostly_we: bool


@dataclass
class Figures:
    """Every measure for one checker on one split, and the ids it got wrong."""

    quantified: float
    mostly_we: float
    missing_f1: float
    auc: float | None
    per_part: dict[str, tuple[float, float, float]]
    misses: dict[str, list[str]] = field(default_factory=dict)


def load_answers(split: str) -> list[Answer]:
    """The labelled answers of ``split`` ("dev", "heldout" or "all"), in file order."""
    patterns = ["dev-*.jsonl", "heldout-*.jsonl"] if split == "all" else [f"{split}-*.jsonl"]
    answers = []
    for pattern in patterns:
        for path in sorted(CORPUS_DIR.glob(pattern)):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    answers.append(_answer(json.loads(line)))
    return answers


def _answer(row: dict[str, Any]) -> Answer:
    labels = row["labels"]
    if "text" in row:
        inputs = {"text": row["text"]}
    else:
        inputs = {name: row.get(name) or "" for name in ANSWER_FIELDS}
    return Answer(
        id=row["id"],
        style=row["style"],
        inputs=inputs,
        quantified=bool(labels["quantified"]),
        missing=frozenset(labels["missing_parts"]),
        mostly_we=bool(labels["mostly_we"]),
        quality=labels["quality"],
        principles=tuple(labels.get("principles", ())),
    )


def verdict_of(report: Any) -> Verdict:
    """Read a report of any checker version in the labels' terms.

    Versions before 2 have no ``mostly_we``: their verdict is a "we"-heavy Action,
    or no "I" in an Action that says "we".
    """
    mostly_we = getattr(report, "mostly_we", None)
    if mostly_we is None:
        codes = set(report.codes)
        we_in_action = report.metrics["first_person"]["we"] > 0
        mostly_we = "ownership_we_heavy" in codes or ("ownership_no_i" in codes and we_in_action)
    return Verdict(
        score=report.score,
        quantified=bool(report.quantified),
        missing=frozenset(report.missing_parts),
        mostly_we=bool(mostly_we),
    )


def evaluate(answers: list[Answer], check: Callable[..., Any]) -> Figures:
    """Run ``check`` on every answer and compare its verdicts with the labels."""
    verdicts = [verdict_of(check(**answer.inputs)) for answer in answers]
    misses: dict[str, list[str]] = {"quantified": [], "mostly_we": []}
    for answer, verdict in zip(answers, verdicts, strict=True):
        if verdict.quantified != answer.quantified:
            misses["quantified"].append(answer.id)
        if verdict.mostly_we != answer.mostly_we:
            misses["mostly_we"].append(answer.id)
    per_part = {}
    counts = {"tp": 0, "fp": 0, "fn": 0}
    for part in CORE_PARTS:
        tp = fp = fn = 0
        for answer, verdict in zip(answers, verdicts, strict=True):
            said, truth = part in verdict.missing, part in answer.missing
            tp += said and truth
            fp += said and not truth
            fn += truth and not said
            if said != truth:
                kind = "false missing" if said else "missed missing"
                misses.setdefault(f"{part}: {kind}", []).append(answer.id)
        per_part[part] = _prf(tp, fp, fn)
        counts["tp"] += tp
        counts["fp"] += fp
        counts["fn"] += fn
    good = [v.score for a, v in zip(answers, verdicts, strict=True) if a.quality == "good"]
    weak = [v.score for a, v in zip(answers, verdicts, strict=True) if a.quality == "weak"]
    return Figures(
        quantified=_share(len(answers) - len(misses["quantified"]), len(answers)),
        mostly_we=_share(len(answers) - len(misses["mostly_we"]), len(answers)),
        missing_f1=_prf(counts["tp"], counts["fp"], counts["fn"])[2],
        auc=auc(good, weak),
        per_part=per_part,
        misses=misses,
    )


def trivial_figures(answers: list[Answer]) -> dict[str, float | None]:
    """The majority answer for each yes/no measure; 0.5 for the AUC."""
    quantified = sum(a.quantified for a in answers)
    we = sum(a.mostly_we for a in answers)
    return {
        "quantified": _share(max(quantified, len(answers) - quantified), len(answers)),
        "mostly_we": _share(len(answers) - we, len(answers)),
        "missing_f1": None,
        "auc": 0.5,
    }


def auc(positives: Iterable[float], negatives: Iterable[float]) -> float | None:
    """Probability that a random positive scores above a random negative (ties count half)."""
    positives, negatives = list(positives), list(negatives)
    if not positives or not negatives:
        return None
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return round(wins / (len(positives) * len(negatives)), 3)


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return round(precision, 3), round(recall, 3), round(f1, 3)


def _share(count: int, total: int) -> float:
    return round(count / total, 3) if total else 0.0


# --- the previous checker version, out of git ------------------------------------------


#: Versions whose rules were committed before their number was bumped: the last state of
#: the version before them (2.3.0's rules went in under "2.2.0" after this commit).
PREVIOUS_STATE = {"2.3.0": "d9df3585b613428148150a301b4cda051527e151"}


def previous_revision(current: str) -> str | None:
    """The last state of the version before ``current``.

    Walks HEAD and the commits that touched ``stories/star``, newest first, for the
    newest commit whose checker declares another version (so the baseline is the last
    state of the previous version, not its first commit), unless ``PREVIOUS_STATE``
    names it.
    """
    if current in PREVIOUS_STATE:
        return PREVIOUS_STATE[current]
    try:
        log = _git("log", "--format=%H", "HEAD", "--", "stories/star")
        head = _git("rev-parse", "HEAD").strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    for revision in dict.fromkeys([head, *log.split()]):
        try:
            source = _git("show", f"{revision}:{CHECKER_FILE}")
        except subprocess.CalledProcessError:
            continue
        match = _VERSION_RE.search(source)
        if match and match.group(1) != current:
            return revision
    return None


def load_checker_at(revision: str, into: Path) -> ModuleType:
    """Import ``stories/star`` as it was at ``revision``, as the package ``star_previous``."""
    archive = subprocess.run(  # noqa: S603
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision, "stories/star"],  # noqa: S607
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    (into / "stories" / "star").rename(into / "star_previous")
    sys.path.insert(0, str(into))
    try:
        return importlib.import_module("star_previous")
    finally:
        sys.path.remove(str(into))


def _git(*args: str) -> str:
    return subprocess.run(  # noqa: S603
        ["git", "-C", str(ROOT), *args],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout


# --- printing ---------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def print_table(
    answers: list[Answer],
    current: Figures,
    previous: Figures | None,
    previous_name: str,
) -> None:
    """The measures of the issue's table, then precision/recall per part."""
    trivial = trivial_figures(answers)
    names = {
        "quantified": "quantified result, accuracy",
        "missing_f1": "missing parts, F1 over S/T/A/R",
        "mostly_we": '"mostly we", accuracy',
        "auc": "score: good vs weak answers, AUC",
    }
    head = f"| measure | {previous_name} | now | trivial baseline | goal |"
    print(head)
    print("|---|---:|---:|---:|---:|")
    for key, name in names.items():
        before = _fmt(getattr(previous, key)) if previous else "n/a"
        now = getattr(current, key)
        mark = "" if now is not None and now >= GOALS[key] else " (below goal)"
        goal = f">= {GOALS[key]:.2f}"
        print(f"| {name} | {before} | {_fmt(now)}{mark} | {_fmt(trivial[key])} | {goal} |")
    print()
    print(f"| missing part | {previous_name} P / R / F1 | now P / R / F1 | labelled missing |")
    print("|---|---:|---:|---:|")
    for part in CORE_PARTS:
        count = sum(part in a.missing for a in answers)
        before = " / ".join(_fmt(v) for v in previous.per_part[part]) if previous else "n/a"
        now = " / ".join(_fmt(v) for v in current.per_part[part])
        print(f"| {part} | {before} | {now} | {count} of {len(answers)} |")


def print_misses(answers: list[Answer], figures: Figures) -> None:
    """Each measure's wrong answers, with their style."""
    style = {a.id: a.style for a in answers}
    print()
    for measure, ids in figures.misses.items():
        if ids:
            listed = ", ".join(f"{i} ({style[i]})" for i in ids)
            print(f"- {measure}: {len(ids)}: {listed}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("heldout", "dev", "all"), default="heldout")
    parser.add_argument("--baseline", help="git revision of the checker to compare with")
    parser.add_argument("--misses", action="store_true", help="list the answers each gets wrong")
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args(argv)

    answers = load_answers(args.split)
    if not answers:
        print(f"No labelled answers for split {args.split!r} in {CORPUS_DIR}.")
        return 1
    styles: dict[str, int] = {}
    for answer in answers:
        styles[answer.style] = styles.get(answer.style, 0) + 1
    print(
        f"STAR checker {star.CHECKER_VERSION} on the {args.split} split: {len(answers)} answers "
        f"({', '.join(f'{n} {s}' for s, n in sorted(styles.items()))})"
    )
    current = evaluate(answers, star.check)

    previous, previous_name = None, "previous"
    revision = args.baseline or previous_revision(star.CHECKER_VERSION)
    if revision is None:
        print("(No earlier checker version found in git: showing today's figures only.)")
    else:
        with tempfile.TemporaryDirectory() as folder:
            module = load_checker_at(revision, Path(folder))
            previous_name = f"{module.CHECKER_VERSION} ({revision[:7]})"
            previous = evaluate(answers, module.check)
    print()
    print_table(answers, current, previous, previous_name)
    if args.misses:
        print_misses(answers, current)
    missed = [
        key
        for key, goal in GOALS.items()
        if (value := getattr(current, key)) is None or value < goal
    ]
    if args.check and missed:
        print(f"\nBelow goal: {', '.join(missed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
