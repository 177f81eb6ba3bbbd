"""The README's first command: serve.sh migrates and runs the development server on SQLite,
with no broker, and the home page answers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.coach.jobs.processes import free_port

ROOT = Path(__file__).resolve().parents[1]


def test_make_run_serves_the_home_page(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))}
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "BIN": str(Path(sys.executable).parent),
    }
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(ROOT / "scripts" / "serve.sh"), f"127.0.0.1:{port}"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        status, deadline = None, time.monotonic() + 90
        while status is None and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    status = response.status
                    body = response.read().decode()
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        output = log.read_text()
        assert status == 200, output[-3000:]
        assert "Storybank" in body
        assert "No REDIS_URL" in output
        assert "Traceback" not in output, output[-3000:]
    finally:
        os.killpg(server.pid, 15)
        server.wait(15)
