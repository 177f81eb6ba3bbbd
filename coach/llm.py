"""The LLM coach: follow-up questions from any OpenAI-compatible chat server.

OpenAI, llama.cpp server, vLLM and Ollama all speak ``/v1/chat/completions``. One
call is one HTTP request: the client is built with ``max_retries=0`` because exactly
one layer retries (the Celery task), guided by ``LLMError.transient``.

Two failures, kept apart so the caller can record and react to each:

* ``LLMError``: the call failed (timeout, refused connection, HTTP error status).
  ``transient`` says whether trying again later may help.
* ``LLMAnswerRejected``: the server answered, but the answer is unusable (cut off,
  not JSON, a refusal, or it breaks a rule in ``schema.py``). It carries the model,
  token counts and latency so the attempt can still be recorded.

The request asks for the schema itself (``response_format`` of type ``json_schema``,
strict: OpenAI, vLLM, llama.cpp, recent Ollama). A server that answers 400 about the
response format is asked again with ``json_object``, then with no ``response_format``
(the prompt asks for JSON either way), and this process remembers what that server
accepted. Any other 400 surfaces as a non-transient ``LLMError`` naming the server's
message. The answer is validated in code either way: raw model text never reaches the
caller except inside validated ``FollowUp`` objects.

Settings arrive as an ``LLMSettings`` (``configured_settings()`` reads Django's
``LLM_*``); settings -> client -> call -> usage -> validated questions, all here. The
``openai`` package is imported only when a call is made.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast
from urllib.parse import urlsplit

from coach.base import (
    LLM_BACKEND,
    CoachResult,
    FollowUp,
    NextProbe,
    PrincipleInput,
    StoryInput,
    ThreadInput,
    TurnResult,
)
from coach.prompts import build_messages, build_turn_messages
from coach.schema import (
    FOLLOWUPS_JSON_SCHEMA,
    MAX_ITEMS,
    TURN_JSON_SCHEMA,
    SchemaError,
    TurnReply,
    normalise_question,
    parse_followups,
    parse_turn,
    quoted_evidence,
)
from coach.threads import ANSWERED

if TYPE_CHECKING:
    import openai
    from openai.types.chat import ChatCompletionMessageParam
    from openai.types.chat.completion_create_params import ResponseFormat

#: Low temperature: focused, repeatable questions, still not word-for-word identical.
TEMPERATURE = 0.3
#: Server messages quoted in errors are cut to this many characters.
SERVER_MESSAGE_MAX = 200
#: Model names are cut to this length (what the job record stores).
MODEL_MAX = 200
#: Sent when no API key is configured (local servers ignore it; the client needs one).
NO_KEY = "no-key"
#: How the answer's format is asked for, best first ("text": no response_format).
RESPONSE_FORMATS = ("json_schema", "json_object", "text")
#: Words in a 400's message that say the server does not take the response format
#: (llama.cpp says "JSON schema error at ..." when it cannot compile the schema).
_FORMAT_WORDS = (
    "response_format", "response format", "json_schema", "json schema", "json_object",
    "structured",
)  # fmt: skip
#: Model names of reasoning models: o1, o3-mini, o4-mini, gpt-5, gpt-5-mini ...
_REASONING_NAME = re.compile(r"(?:o\d+|gpt-5)(?:\b|[-.])")
#: Per process: the best format each server (base URL, model) took, once one refused.
_formats_taken: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class LLMSettings:
    """Where and how to call the model (the API key is kept out of ``repr``)."""

    base_url: str
    api_key: str = field(repr=False)
    model: str
    timeout: float = 20.0
    max_tokens: int = 600
    #: A reasoning model (max_completion_tokens, no temperature); None: from its name.
    reasoning: bool | None = None


class LLMError(Exception):
    """The call failed; ``transient`` says whether a later retry may succeed.

    ``message`` is for the user (no server address, no setting names); ``hint`` is
    for whoever runs the server: where it tried, which setting to check. Jobs log it.
    """

    def __init__(
        self,
        message: str,
        *,
        transient: bool,
        status: int | None = None,
        retry_after: float | None = None,
        hint: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.transient = transient
        self.status = status
        #: Seconds the server asked us to wait (its ``Retry-After``), when it said.
        self.retry_after = retry_after


class LLMAnswerRejected(Exception):
    """The server answered but the answer is unusable; ``reason`` says why."""

    def __init__(
        self,
        reason: str,
        *,
        model: str = "",
        prompt_tokens: int | None = None,
        completion_tokens: int | None = None,
        latency_ms: int | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.model = model
        self.prompt_tokens = prompt_tokens
        self.completion_tokens = completion_tokens
        self.latency_ms = latency_ms


def configured_settings() -> LLMSettings | None:
    """The server the ``LLM_*`` Django settings name, or None when there is none."""
    from django.conf import settings as conf

    if not (conf.LLM_BASE_URL and conf.LLM_MODEL):
        return None
    return LLMSettings(
        base_url=conf.LLM_BASE_URL,
        api_key=conf.LLM_API_KEY,
        model=conf.LLM_MODEL,
        timeout=conf.LLM_TIMEOUT,
        max_tokens=conf.LLM_MAX_TOKENS,
        reasoning=conf.LLM_REASONING,
    )


def is_reasoning_model(settings: LLMSettings) -> bool:
    """Whether the model takes ``max_completion_tokens`` and no ``temperature``: as the
    setting says, or else from its name (OpenAI's o-series and gpt-5, not their chat
    variants)."""
    if settings.reasoning is not None:
        return settings.reasoning
    name = settings.model.rsplit("/", 1)[-1].lower()
    return bool(_REASONING_NAME.match(name)) and "-chat" not in name


def make_client(settings: LLMSettings) -> openai.OpenAI:
    """An OpenAI client that makes exactly one attempt per call, within the timeout."""
    import openai

    return openai.OpenAI(
        base_url=settings.base_url,
        api_key=settings.api_key or NO_KEY,
        timeout=settings.timeout,
        max_retries=0,
    )


def llm_followups(
    story: StoryInput,
    principle: PrincipleInput | None,
    n: int,
    asked: Collection[str] = (),
    *,
    settings: LLMSettings,
    client: openai.OpenAI | None = None,
) -> CoachResult:
    """Ask the model for ``n`` follow-ups on this one story; validate the answer.

    Raises ``LLMError`` when the call fails and ``LLMAnswerRejected`` when the
    answer cannot be used.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    messages = build_messages(story, principle, n, asked)
    response, usage = _chat(client, settings, messages, FOLLOWUPS_JSON_SCHEMA)
    try:
        # Every item is validated; repeats are dropped before cutting to n.
        followups = parse_followups(_content(response), MAX_ITEMS)
    except SchemaError as exc:
        raise usage.rejected(exc.reason) from None
    except _Unusable as exc:
        raise usage.rejected(str(exc)) from None
    fresh, notes = _fresh(followups, asked, n)
    if not fresh:
        raise usage.rejected("the model only repeated questions already asked")
    return CoachResult(
        followups=fresh,
        backend=LLM_BACKEND,
        model=usage.model,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        latency_ms=usage.latency_ms,
        notes=notes,
    )


@dataclass(frozen=True)
class _Usage:
    """What one answered call cost: the model that answered, tokens and time."""

    model: str
    prompt_tokens: int | None
    completion_tokens: int | None
    latency_ms: int

    def rejected(self, reason: str) -> LLMAnswerRejected:
        """The answer cannot be used; the attempt's cost is kept with the reason."""
        return LLMAnswerRejected(
            reason,
            model=self.model,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            latency_ms=self.latency_ms,
        )


class _Unusable(Exception):
    """The completion has no usable content (its message says why)."""


def llm_turn(
    story: StoryInput,
    principle: PrincipleInput | None,
    thread: ThreadInput,
    *,
    settings: LLMSettings,
    client: openai.OpenAI | None = None,
) -> TurnResult:
    """Ask the model for the verdict on the thread's last answer and the next probe,
    sending this story, its principle and this thread only; validate the answer.

    Raises ``LLMError`` when the call fails and ``LLMAnswerRejected`` when the
    answer cannot be used (the thread's own rules included: no probe past the last
    level, none for what the thread already answered, no question asked twice).
    """
    messages = build_turn_messages(story, principle, thread)
    response, usage = _chat(client, settings, messages, TURN_JSON_SCHEMA)
    try:
        reply = parse_turn(_content(response))
        probe = _turn_probe(reply, thread)
    except SchemaError as exc:
        raise usage.rejected(exc.reason) from None
    except _Unusable as exc:
        raise usage.rejected(str(exc)) from None
    return TurnResult(
        verdict=reply.verdict,
        missing=reply.missing,
        evidence=quoted_evidence(reply.evidence, thread.last.answer),
        probe=probe,
        backend=LLM_BACKEND,
        model=usage.model,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        latency_ms=usage.latency_ms,
    )


def _turn_probe(reply: TurnReply, thread: ThreadInput) -> NextProbe | None:
    """The reply's probe if the thread may ask it (None at the last level, where any
    probe is ignored); ``SchemaError`` when it breaks the thread's rules."""
    if reply.probe is None or thread.level >= thread.max_levels:
        return None
    answered = {turn.kind for turn in thread.turns[:-1] if turn.verdict == ANSWERED}
    if (thread.overruled or reply.verdict) == ANSWERED:
        answered.add(thread.last.kind)
    if reply.probe.kind in answered:
        raise SchemaError("the probe asks for something this thread has already answered")
    asked = {normalise_question(turn.question) for turn in thread.turns}
    if normalise_question(reply.probe.question) in asked:
        raise SchemaError("the probe repeats a question of this thread")
    return reply.probe


def _chat(
    client: openai.OpenAI | None,
    settings: LLMSettings,
    messages: list[dict[str, str]],
    schema: dict[str, object],
) -> tuple[object, _Usage]:
    """One timed call; the response (loosely typed: servers vary) and what it cost."""
    import openai

    if client is None:
        try:
            client = make_client(settings)
        except openai.OpenAIError as exc:
            raise LLMError(
                "the AI coach is not set up correctly on this server",
                transient=False,
                hint=f"the LLM client could not be set up ({type(exc).__name__}); "
                "check LLM_BASE_URL and LLM_API_KEY",
            ) from exc
    started = time.perf_counter()
    try:
        response = _create(client, settings, messages, schema)
    except ValueError as exc:  # a 200 whose body is not JSON: the client cannot parse it
        raise LLMAnswerRejected(
            "the server's answer was not a chat completion",
            model=settings.model,
            latency_ms=round((time.perf_counter() - started) * 1000),
        ) from exc
    latency_ms = round((time.perf_counter() - started) * 1000)
    usage = getattr(response, "usage", None)
    return response, _Usage(
        model=(_text_attr(response, "model") or settings.model)[:MODEL_MAX],
        prompt_tokens=_int_attr(usage, "prompt_tokens"),
        completion_tokens=_int_attr(usage, "completion_tokens"),
        latency_ms=latency_ms,
    )


def _create(
    client: openai.OpenAI,
    settings: LLMSettings,
    messages: list[dict[str, str]],
    schema: dict[str, object],
) -> object:
    """The completion, in the best response format this server takes: a 400 about the
    format steps down to the next one, and the step is remembered for this process."""
    import openai

    server = (settings.base_url, settings.model)
    fmt = _formats_taken.get(server, RESPONSE_FORMATS[0])
    reasoning = is_reasoning_model(settings)
    while True:
        try:
            return client.chat.completions.create(
                model=settings.model,
                messages=cast("list[ChatCompletionMessageParam]", messages),
                max_tokens=openai.omit if reasoning else settings.max_tokens,
                max_completion_tokens=settings.max_tokens if reasoning else openai.omit,
                temperature=openai.omit if reasoning else TEMPERATURE,
                response_format=_response_format(fmt, schema),
            )
        except openai.BadRequestError as exc:
            if fmt == RESPONSE_FORMATS[-1] or not _refuses_format(exc):
                raise _call_error(exc, settings) from exc
            fmt = RESPONSE_FORMATS[RESPONSE_FORMATS.index(fmt) + 1]
            _formats_taken[server] = fmt
        except openai.OpenAIError as exc:
            raise _call_error(exc, settings) from exc


def _response_format(fmt: str, schema: dict[str, object]) -> ResponseFormat | openai.Omit:
    """The request's ``response_format`` for this format and the answer's JSON Schema
    (left out for "text")."""
    import openai

    if fmt == "json_schema":
        return cast("ResponseFormat", {"type": "json_schema", "json_schema": schema})
    if fmt == "json_object":
        return {"type": "json_object"}
    return openai.omit


def _refuses_format(exc: openai.BadRequestError) -> bool:
    """A 400 that says the server does not take the requested response format."""
    text = f"{_server_message(exc, '')} {exc.code or ''} {exc.param or ''}".lower()
    return any(word in text for word in _FORMAT_WORDS)


def _content(response: object) -> str:
    """The first choice's text; ``_Unusable`` when it is missing, cut off or refused."""
    choices = getattr(response, "choices", None)
    if not isinstance(choices, list):
        raise _Unusable("the server's answer was not a chat completion")
    if not choices:
        raise _Unusable("the answer had no choices")
    choice = choices[0]
    finish_reason = _text_attr(choice, "finish_reason")
    if finish_reason == "length":
        raise _Unusable("the answer was cut off (finish_reason=length)")
    if finish_reason == "content_filter":
        raise _Unusable("the answer was blocked by the server's content filter")
    message = getattr(choice, "message", None)
    if _text_attr(message, "refusal"):
        raise _Unusable("the model refused")
    content = getattr(message, "content", None)
    if not isinstance(content, str) or not content.strip():
        raise _Unusable("the answer was empty")
    return content


def _fresh(
    followups: list[FollowUp], asked: Collection[str], n: int
) -> tuple[list[FollowUp], list[str]]:
    """At most ``n`` questions not already asked, and notes on what was left out."""
    notes: list[str] = []
    already = {normalise_question(question) for question in asked}
    fresh = [f for f in followups if normalise_question(f.question) not in already]
    if fresh and len(fresh) < len(followups):
        notes.append(f"dropped {len(followups) - len(fresh)} question(s) already asked")
    wanted = min(n, MAX_ITEMS)
    fresh = fresh[:wanted]
    if fresh and len(fresh) < wanted:
        notes.append(f"the model gave {len(fresh)} of {wanted} question(s)")
    return fresh, notes


def _call_error(exc: openai.OpenAIError, settings: LLMSettings) -> LLMError:
    """Map a failed call to an ``LLMError`` with a readable, key-free message."""
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return LLMError(f"the model did not answer within {settings.timeout:g} s", transient=True)
    if isinstance(exc, openai.APIConnectionError):
        return LLMError(
            "could not reach the LLM server",
            transient=True,
            hint=f"no connection to {_server(settings.base_url)}; "
            "check LLM_BASE_URL and that the server is running",
        )
    if not isinstance(exc, openai.APIStatusError):
        return LLMError(
            f"the LLM call failed ({type(exc).__name__})",
            transient=False,
        )
    status = exc.status_code
    detail = _server_message(exc, settings.api_key)
    if status in (401, 403):
        return LLMError(
            f"the LLM server refused this app's key ({status})",
            transient=False,
            status=status,
            hint="check LLM_API_KEY",
        )
    if status == 404:
        return LLMError(
            f"the LLM server does not know the model or address this app uses ({status})",
            transient=False,
            status=status,
            hint="check LLM_MODEL and LLM_BASE_URL",
        )
    if status == 429:
        if exc.code == "insufficient_quota":
            return LLMError(
                "the LLM account has run out of quota (429)", transient=False, status=status
            )
        return LLMError(
            "the LLM server is rate limiting requests (429); try again later",
            transient=True,
            status=status,
            retry_after=_retry_after(exc),
        )
    if status >= 500 or status in (408, 409):
        return LLMError(
            f"the LLM server had a temporary error ({status})",
            transient=True,
            status=status,
            retry_after=_retry_after(exc),
        )
    message = f"the LLM server refused the request ({status})"
    return LLMError(f"{message}: {detail}" if detail else message, transient=False, status=status)


def _retry_after(exc: openai.APIStatusError) -> float | None:
    """The wait the server asked for: ``retry-after-ms``, or ``Retry-After`` in seconds
    or as an HTTP date; None when it said nothing usable."""
    headers = exc.response.headers
    try:
        if "retry-after-ms" in headers:
            return max(0.0, float(headers["retry-after-ms"]) / 1000)
        value = headers.get("retry-after")
        if value is None:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            when = email.utils.parsedate_to_datetime(value)
            return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
    except (TypeError, ValueError, OverflowError):
        return None


def _server_message(exc: openai.APIStatusError, api_key: str) -> str:
    """The server's own error message, on one line, cut short, without the key."""
    body = exc.body
    text: object = None
    if isinstance(body, dict):
        text = body.get("message") or body.get("error") or body.get("detail")
        if isinstance(text, dict):
            text = text.get("message")
    elif isinstance(body, str):
        text = body
    if not isinstance(text, str):
        return ""
    text = " ".join(text.split())
    if api_key and len(api_key) >= 4:
        text = text.replace(api_key, "***")
    if len(text) > SERVER_MESSAGE_MAX:
        text = text[: SERVER_MESSAGE_MAX - 1].rstrip() + "…"
    return text


def _server(base_url: str) -> str:
    """The server's scheme, host and port (never credentials or query strings)."""
    try:
        parts = urlsplit(base_url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "the configured URL"
    if not host:
        return "the configured URL"
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}{port}" if parts.scheme else f"{host}{port}"


def _text_attr(obj: object, name: str) -> str:
    """A string attribute of a loosely validated response object, or ""."""
    value = getattr(obj, name, None)
    return value if isinstance(value, str) else ""


def _int_attr(obj: object, name: str) -> int | None:
    """A non-negative integer attribute (token counts), or None."""
    value = getattr(obj, name, None)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value
