"""How often a hand-labelled principle is among the checker's top 3 suggestions.

Run from the repository root:  python bench/principle_eval.py

On the dev split of ``tests/data/star_answers`` (answers labelled with principles),
with the cue words of the seeded Amazon set: the share of answers where any labelled
principle is suggested in the top 3, and how many answers get no suggestion at all.
A yardstick for the stemmer and the cue data; the semantic engine (#14) will want a
held-out figure of its own. Always exits 0.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stories.star import PrincipleCues, suggest_principles  # noqa: E402

PARTS = ("situation", "task", "action", "result", "reflection")


def main() -> int:
    data = json.loads((ROOT / "principles/data/amazon_leadership_principles.json").read_text())
    items = data["principles"] if isinstance(data, dict) else data
    cues = [PrincipleCues(p["name"], p["name"], tuple(p.get("keywords", ()))) for p in items]
    hits = answers = empty = 0
    for path in sorted((ROOT / "tests/data/star_answers").glob("dev-*.jsonl")):
        for line in path.read_text().splitlines():
            row = json.loads(line)
            labelled = set(row["labels"]["principles"])
            if not labelled:
                continue
            answers += 1
            if "text" in row:
                fields = {"text": row["text"]}
            else:
                fields = {part: row.get(part) or "" for part in PARTS}
            top = [s.key for s in suggest_principles(principles=cues, limit=3, **fields)]
            empty += not top
            hits += bool(labelled & set(top))
    print(f"principle suggestions on {answers} dev answers with labelled principles:")
    print(f"  a labelled principle in the top 3   {hits / answers:.3f} ({hits})")
    print(f"  no suggestion at all                {empty}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
