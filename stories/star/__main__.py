"""``python -m stories.star < answers.jsonl > verdicts.jsonl``: see ``batch.py``."""

from __future__ import annotations

import sys

from .batch import main

if __name__ == "__main__":
    sys.exit(main(sys.stdin, sys.stdout))
