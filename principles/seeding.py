"""Load a principle set from its JSON data file (used by the data migration).

Written against the historical-model API (``apps.get_model``) so a migration can
call it; it creates or updates by slug, so running it twice changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
AMAZON_FILE = DATA_DIR / "amazon_leadership_principles.json"


def load_set_data(path: Path = AMAZON_FILE) -> dict:
    """Read a principle set's data file."""
    return json.loads(path.read_text(encoding="utf-8"))


def seed_builtin_set(apps, data: dict, position: int = 0) -> None:
    """Create or update a built-in set, its principles and their questions."""
    PrincipleSet = apps.get_model("principles", "PrincipleSet")
    Principle = apps.get_model("principles", "Principle")
    Question = apps.get_model("principles", "Question")
    principle_set, _ = PrincipleSet.objects.update_or_create(
        owner=None,
        slug=data["slug"],
        defaults={
            "name": data["name"],
            "description": data.get("description", ""),
            "position": position,
        },
    )
    for p_pos, item in enumerate(data["principles"], start=1):
        principle, _ = Principle.objects.update_or_create(
            principle_set=principle_set,
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "position": p_pos,
                "description": item.get("description", ""),
                "signals": item.get("signals", []),
                "keywords": item.get("keywords", []),
                "probes": item.get("probes", []),
            },
        )
        for q_pos, question in enumerate(item.get("questions", []), start=1):
            Question.objects.update_or_create(
                principle=principle,
                text=question["text"],
                defaults={"source": question.get("source", "general"), "position": q_pos},
            )
