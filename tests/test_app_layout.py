"""Dependencies between the apps run one way: each app imports only apps below it
(imports inside functions count), so no two apps import each other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Lowest first; an app may import only apps in the layers before its own.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"common"}),
    frozenset({"accounts", "principles"}),
    frozenset({"stories"}),
    frozenset({"coach", "planning"}),
    frozenset({"practice"}),
    frozenset({"exchange"}),  # out and back in: everything, practice included
    frozenset({"config"}),
)
APPS = frozenset().union(*LAYERS)


def _imports(app: str) -> dict[str, set[str]]:
    """other app -> the files of ``app`` that import it."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in APPS and top != app:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_app_folder_is_in_a_layer() -> None:
    folders = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert folders <= APPS, f"place {sorted(folders - APPS)} in LAYERS"


@pytest.mark.parametrize("app", sorted(APPS))
def test_an_app_imports_only_the_apps_below_it(app: str) -> None:
    rank = next(i for i, layer in enumerate(LAYERS) if app in layer)
    below = frozenset().union(*LAYERS[:rank])
    upward = {other: files for other, files in _imports(app).items() if other not in below}
    assert not upward, f"{app} imports apps at or above its layer: {upward}"
