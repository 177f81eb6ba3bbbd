"""Evaluate the follow-up threads' verdicts and next probes against the labelled set.

Run from the repository root:  python bench/followup_eval.py [--split dev|heldout]

The set (``tests/data/followup_threads/``, see its README) labels each (story, follow-up,
answer) triple answered / partly / dodged with what the answer left open. Printed: the
verdict's agreement with the labels beside always-"answered" (goal >= 0.85 on the
held-out split), the confusion table, and the share of next probes that ask for something
the label says was missing (goal >= 0.80), with the deeper probe on complete answers.
The held-out split is for reporting: no rule is written or tuned on it. Always exits 0.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach.threads import ANSWERED, PROBE_FOR, VERDICTS, judge, next_probe  # noqa: E402

DATA = ROOT / "tests" / "data" / "followup_threads"
VERDICT_GOAL, PROBE_GOAL = 0.85, 0.80


def evaluate(split: str) -> dict[str, object]:
    """The figures for one split."""
    data = json.loads((DATA / f"{split}.json").read_text(encoding="utf-8"))
    items = data["items"]
    agree = baseline = targeted = with_missing = deeper = complete = 0
    confusion: Counter[tuple[str, str]] = Counter()
    for item in items:
        # As the app judges a probe: against the thread's questions down to this one.
        topic = " ".join([*(p["question"] for p in item.get("previous", [])), item["question"]])
        verdict = judge(item["kind"], topic, item["answer"])
        confusion[(item["verdict"], verdict.verdict)] += 1
        agree += verdict.verdict == item["verdict"]
        baseline += item["verdict"] == ANSWERED
        # The set does not say which earlier probes were answered, so nothing counts as
        # asked already here (the unit tests cover "never repeat an answered probe").
        probe = next_probe(verdict, question=item["question"], asked=(), level=1)
        wanted = {PROBE_FOR[m] for m in item["missing"]}
        if item["missing"]:
            with_missing += 1
            targeted += probe is not None and probe.kind in wanted
        else:
            complete += 1
            deeper += probe is not None and probe.kind == "deeper"
    return {
        "items": len(items),
        "agreement": agree / len(items),
        "baseline": baseline / len(items),
        "confusion": confusion,
        "targeted": targeted / with_missing if with_missing else 0.0,
        "with_missing": with_missing,
        "deeper": deeper / complete if complete else 0.0,
        "complete": complete,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "dev2", "heldout"), default="heldout")
    split = parser.parse_args().split
    figures = evaluate(split)
    print(f"follow-up threads, {split} split: {figures['items']} answers")
    mark = "met" if figures["agreement"] >= VERDICT_GOAL else "MISSED"
    print(
        f"  verdict agreement        {figures['agreement']:.3f}  (always 'answered' "
        f"{figures['baseline']:.3f}; goal >= {VERDICT_GOAL}: {mark})"
    )
    mark = "met" if figures["targeted"] >= PROBE_GOAL else "MISSED"
    print(
        f"  next probe asks for what was missing  {figures['targeted']:.3f} of "
        f"{figures['with_missing']}  (goal >= {PROBE_GOAL}: {mark})"
    )
    print(
        f"  deeper probe after a complete answer  {figures['deeper']:.3f} of {figures['complete']}"
    )
    print("  labels (rows) x verdicts (columns)")
    print("              " + "".join(f"{v:>10}" for v in VERDICTS))
    for label in VERDICTS:
        row = "".join(f"{figures['confusion'][(label, v)]:>10}" for v in VERDICTS)
        print(f"  {label:>10}  {row}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
