"""A local fake of an OpenAI-compatible server, scripted per test.

Runs a real HTTP server on 127.0.0.1 (a free port) in a daemon thread, so the real
``openai`` client, or a Celery worker in another process, can call it over loopback::

    with FakeOpenAI() as fake:                      # or fake = FakeOpenAI().start()
        fake.script(status(429), good(model="m"))   # one response per request, in order
        settings = LLMSettings(base_url=fake.base_url, api_key="k", model="m")
        ...
        assert fake.calls == 2
        path, headers, body = fake.requests[0]      # body: the parsed JSON request

When the script runs out, every request gets ``fake.default`` (a good answer unless
set otherwise). ``fake.unsupported_formats = {"json_schema"}`` makes the fake answer
400 to a request whose ``response_format`` has one of those types, as servers without
structured output do (``{"*"}``: any ``response_format``). Serves
``POST /v1/chat/completions`` and ``GET /v1/models``; every request is recorded,
thread-safely.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple

__all__ = [
    "DEFAULT_FOLLOWUPS",
    "FakeOpenAI",
    "FakeResponse",
    "RecordedRequest",
    "answer",
    "cut_off",
    "disconnect",
    "followup",
    "garbage",
    "good",
    "http",
    "refusal",
    "slow",
    "status",
]

DEFAULT_FOLLOWUPS: tuple[dict[str, str], ...] = (
    {
        "question": "What baseline did you compare the new model against, and why that one?",
        "part": "action",
        "reason": "The story gives no baseline for the improvement.",
    },
    {
        "question": "How did the offline gain hold up in the online experiment?",
        "part": "result",
        "reason": "Offline and online validation are not distinguished.",
    },
    {
        "question": "What would you do differently if you ran this project again?",
        "part": "reflection",
        "reason": "The reflection is missing.",
    },
)

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    403: "permission_denied",
    404: "invalid_request_error",
    429: "rate_limit_exceeded",
}
_ids = itertools.count(1)


@dataclass(frozen=True)
class FakeResponse:
    """One scripted HTTP answer (build it with the helpers below)."""

    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    #: Close the connection without answering (the client sees a connection error).
    drop: bool = False
    #: JSON bodies are re-rendered per request (fresh id; model echoed when None).
    payload: dict[str, Any] | None = field(default=None, compare=False)


class RecordedRequest(NamedTuple):
    """What the fake received: path, headers (lower-case names), parsed JSON body."""

    path: str
    headers: dict[str, str]
    body: Any


# --- response builders ------------------------------------------------------------


def followup(question: str, part: str = "result", reason: str = "Probe the result.") -> dict:
    """One follow-up item, as the model would write it."""
    return {"question": question, "part": part, "reason": reason}


def answer(
    content: str | None,
    *,
    finish_reason: str = "stop",
    model: str | None = "fake-model",
    prompt_tokens: int | None = 120,
    completion_tokens: int | None = 80,
    refusal: str | None = None,
) -> FakeResponse:
    """A 200 chat.completion whose message content is exactly ``content``.

    ``model=None`` echoes the request's model; ``model=""`` leaves it empty. A token
    count of None leaves ``usage`` out entirely.
    """
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if refusal is not None:
        message["refusal"] = refusal
    payload: dict[str, Any] = {
        "object": "chat.completion",
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
    }
    if prompt_tokens is not None and completion_tokens is not None:
        payload["usage"] = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
    return FakeResponse(status=200, payload=payload)


def good(
    followups: list[dict] | tuple[dict, ...] | None = None,
    *,
    model: str | None = "fake-model",
    prompt_tokens: int | None = 120,
    completion_tokens: int | None = 80,
    fenced: bool = False,
) -> FakeResponse:
    """A valid answer: ``{"followups": [...]}`` (three good items by default)."""
    items = list(DEFAULT_FOLLOWUPS if followups is None else followups)
    content = json.dumps({"followups": items})
    if fenced:
        content = f"```json\n{content}\n```"
    return answer(
        content, model=model, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens
    )


def garbage(text: str = "Sure! Here are some questions: why? how? what next?") -> FakeResponse:
    """A 200 answer whose content is not JSON."""
    return answer(text)


def refusal(text: str = "I'm sorry, I can't help with that.") -> FakeResponse:
    """A 200 answer where the model declines in plain text."""
    return answer(text)


def cut_off() -> FakeResponse:
    """A 200 answer stopped by max_tokens: finish_reason "length", truncated JSON."""
    return answer(
        '{"followups": [{"question": "What baseline did you compare the new model',
        finish_reason="length",
        completion_tokens=600,
    )


def status(
    code: int,
    message: str | None = None,
    *,
    error_code: str | None = None,
    headers: dict[str, str] | None = None,
) -> FakeResponse:
    """An HTTP error with an OpenAI-style body (429 carries ``retry-after: 0``)."""
    text = message if message is not None else f"fake error {code} ({_reason(code)})"
    body = {
        "error": {
            "message": text,
            "type": _ERROR_TYPES.get(code, "server_error" if code >= 500 else "api_error"),
            "param": None,
            "code": error_code,
        }
    }
    extra = dict(headers or {})
    if code == 429:
        extra.setdefault("retry-after", "0")
    return http(code, json.dumps(body), headers=extra)


def http(
    code: int,
    body: str | bytes = b"",
    *,
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> FakeResponse:
    """Any raw HTTP answer (status, body, headers) for odd-server cases."""
    raw = body.encode() if isinstance(body, str) else body
    all_headers = {"content-type": content_type, **(headers or {})}
    return FakeResponse(status=code, body=raw, headers=tuple(all_headers.items()))


def slow(seconds: float, then: FakeResponse | None = None) -> FakeResponse:
    """Wait ``seconds`` before answering with ``then`` (a good answer by default)."""
    base = then if then is not None else good()
    return FakeResponse(
        status=base.status,
        body=base.body,
        headers=base.headers,
        delay=seconds,
        drop=base.drop,
        payload=base.payload,
    )


def disconnect() -> FakeResponse:
    """Close the connection without a response."""
    return FakeResponse(drop=True)


def _reason(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "error"


# --- the server -------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeOpenAI

    def handle_error(self, request: object, client_address: object) -> None:
        """Stay quiet: clients that time out and hang up are part of the script."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    # HTTP/1.0: one request per connection, so no handler thread lingers on keep-alive.
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:
        """No request logging."""

    def do_GET(self) -> None:
        self.server.fake._handle(self, "GET")

    def do_POST(self) -> None:
        self.server.fake._handle(self, "POST")


class FakeOpenAI:
    """A scripted OpenAI-compatible server on 127.0.0.1 for tests."""

    def __init__(self, default: FakeResponse | None = None, *, api_key: str | None = None):
        """``api_key``: when set, requests without ``Bearer <api_key>`` get a 401."""
        self.default = default if default is not None else good()
        self._initial_default = self.default
        self.api_key = api_key
        #: ``response_format`` types answered with a 400 ("*": every one).
        self.unsupported_formats: set[str] = set()
        self._lock = threading.Lock()
        self._queue: deque[FakeResponse] = deque()
        self._requests: list[RecordedRequest] = []
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle

    def start(self) -> FakeOpenAI:
        """Bind a free port on 127.0.0.1 and serve in a daemon thread."""
        if self._server is not None:
            return self
        self._stopping.clear()
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; slow answers still pending are cut short."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeOpenAI is not running; call start()")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL, e.g. ``http://127.0.0.1:PORT/v1``."""
        return f"http://127.0.0.1:{self.port}/v1"

    # scripting and inspection

    def script(self, *responses: FakeResponse) -> FakeOpenAI:
        """Queue responses, consumed one per request, before the default applies."""
        with self._lock:
            self._queue.extend(responses)
        return self

    def reset(self) -> None:
        """Forget queued responses and recorded requests; restore the first default."""
        with self._lock:
            self._queue.clear()
            self._requests.clear()
            self.default = self._initial_default
            self.unsupported_formats = set()

    @property
    def pending(self) -> int:
        """Scripted responses not yet consumed."""
        with self._lock:
            return len(self._queue)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far (a copy), oldest first."""
        with self._lock:
            return list(self._requests)

    @property
    def calls(self) -> int:
        """How many HTTP requests the fake has received."""
        with self._lock:
            return len(self._requests)

    @property
    def last_body(self) -> Any:
        """The parsed JSON body of the latest request."""
        with self._lock:
            if not self._requests:
                raise LookupError("no request received yet")
            return self._requests[-1].body

    # request handling (runs on the server's threads)

    def _handle(self, handler: _Handler, method: str) -> None:
        length = int(handler.headers.get("content-length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        path = handler.path.split("?", 1)[0]
        headers = {name.lower(): value for name, value in handler.headers.items()}
        with self._lock:
            self._requests.append(RecordedRequest(path, headers, body))

        if self.api_key is not None and headers.get("authorization") != f"Bearer {self.api_key}":
            self._send(handler, status(401, "Incorrect API key provided."), body)
            return
        if method == "GET" and path.rstrip("/") == "/v1/models":
            models = {
                "object": "list",
                "data": [{"id": "fake-model", "object": "model", "owned_by": "fake"}],
            }
            self._send(handler, http(200, json.dumps(models)), body)
            return
        if method != "POST" or path.rstrip("/") != "/v1/chat/completions":
            self._send(handler, status(404, f"Unknown path {path}"), body)
            return
        if not isinstance(body, dict):
            self._send(handler, status(400, "The request body is not a JSON object."), body)
            return
        wanted = body.get("response_format")
        kind = wanted.get("type") if isinstance(wanted, dict) else None
        if kind and (kind in self.unsupported_formats or "*" in self.unsupported_formats):
            message = f"response_format type '{kind}' is not supported by this server"
            self._send(handler, status(400, message, error_code="invalid_value"), body)
            return
        with self._lock:
            response = self._queue.popleft() if self._queue else self.default
        self._send(handler, response, body)

    def _send(self, handler: _Handler, response: FakeResponse, request_body: Any) -> None:
        if response.delay and self._stopping.wait(response.delay):
            return
        if response.drop:
            handler.close_connection = True
            with contextlib.suppress(OSError):
                handler.connection.shutdown(socket.SHUT_RDWR)
            return
        body = response.body
        if response.payload is not None:
            payload = dict(response.payload)
            payload["id"] = f"chatcmpl-fake-{next(_ids)}"
            payload["created"] = int(time.time())
            if payload.get("model") is None:
                requested = request_body.get("model") if isinstance(request_body, dict) else None
                payload["model"] = requested or "fake-model"
            body = json.dumps(payload).encode()
        headers = dict(response.headers)
        if response.payload is not None:
            headers.setdefault("content-type", "application/json")
        try:
            handler.send_response(response.status)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("content-length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
            handler.wfile.flush()
        except OSError:
            handler.close_connection = True  # the client gave up (timeout); nothing to do


def main(argv: list[str] | None = None) -> None:
    """Serve a fake in its own process (benchmarks): answers well after ``--delay`` s."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args(argv)
    default = slow(args.delay, then=good()) if args.delay else good()
    with FakeOpenAI(default=default) as fake:
        print(fake.base_url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
