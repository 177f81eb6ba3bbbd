"""The checker is pure Python: it and its tests run with no Django at all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_checker_imports_no_django() -> None:
    code = (
        "import sys; from stories.star import check; check(text='I cut costs by 30%.'); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'celery'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_the_checker_tests_run_without_the_django_plugin() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:django", "-q", "-x",
         "tests/stories/star/test_star_report.py", "tests/stories/star/test_star_split.py"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:]
    assert " passed" in run.stdout
