"""What real servers send back, replayed through the real client: OpenAI, Ollama, vLLM
and llama.cpp answers and errors (``tests/fakes/recorded/``, see its README), each
with the outcome the AI coach must reach: the follow-ups accepted, the answer rejected
for a stated reason, or the call failed as transient or permanent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from coach import llm
from coach.base import StoryInput
from coach.llm import LLMAnswerRejected, LLMError, LLMSettings, llm_followups
from tests.fakes import fake_openai as fk

RECORDED = Path(__file__).resolve().parent.parent / "fakes" / "recorded"
STORY = StoryInput(
    title="Checkout drop on one browser",
    situation="Conversion fell from 3.1% to 2.4% after a release.",
    task="I was asked to find why.",
    action="I split sessions by browser, found the address step failing on one of them, "
    "reproduced it and wrote the fix with the engineer.",
    result="Conversion came back to 3.0% within a week.",
)


def _cases() -> list[Any]:
    cases = []
    for path in sorted(RECORDED.glob("*.json")):
        recorded = json.loads(path.read_text(encoding="utf-8"))
        for case in recorded["cases"]:
            cases.append(pytest.param(case, id=f"{recorded['server']}: {case['name']}"))
    return cases


def _reply(raw: dict[str, Any]) -> fk.FakeResponse:
    headers = {k: v for k, v in raw["headers"].items() if k.lower() != "content-type"}
    return fk.http(
        raw["status"],
        json.dumps(raw["body"]),
        content_type=raw["headers"].get("content-type", "application/json"),
        headers=headers,
    )


@pytest.fixture
def fake():
    with fk.FakeOpenAI() as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh_format_memory(monkeypatch):
    """Each case starts from the strict schema, as a new process would."""
    monkeypatch.setattr(llm, "_formats_taken", {})


def test_every_server_has_recorded_cases():
    servers = {json.loads(p.read_text())["server"] for p in RECORDED.glob("*.json")}
    assert servers == {"openai", "ollama", "vllm", "llama_cpp"}


@pytest.mark.parametrize("case", _cases())
def test_a_servers_answer_reaches_the_stated_outcome(fake, case):
    fake.script(*(_reply(raw) for raw in case["replies"]))
    settings = LLMSettings(
        base_url=fake.base_url,
        api_key="sk-test",
        model=case.get("model", "served-model"),
        timeout=5.0,
        max_tokens=700,
    )
    expect = case["expect"]
    if "accepted" in expect:
        result = llm_followups(STORY, None, 3, settings=settings)
        assert len(result.followups) == expect["accepted"]
        assert all(item.question.endswith("?") for item in result.followups)
        for key in ("model", "prompt_tokens", "completion_tokens"):
            if key in expect:
                assert getattr(result, key) == expect[key]
    elif "rejected" in expect:
        with pytest.raises(LLMAnswerRejected) as rejected:
            llm_followups(STORY, None, 3, settings=settings)
        assert expect["rejected"] in rejected.value.reason
    else:
        with pytest.raises(LLMError) as failed:
            llm_followups(STORY, None, 3, settings=settings)
        assert failed.value.transient is (expect["error"] == "transient")
        assert "sk-test" not in str(failed.value)
        if "message_contains" in expect:
            assert expect["message_contains"] in str(failed.value)
        if "retry_after" in expect:
            assert failed.value.retry_after == expect["retry_after"]
    sent = [request.body for request in fake.requests]
    assert len(sent) == len(case["replies"])  # one call per scripted reply, no retry inside
    if "formats_sent" in expect:
        assert [body["response_format"]["type"] for body in sent] == expect["formats_sent"]
    if expect.get("sent_max_completion_tokens"):
        assert sent[0]["max_completion_tokens"] == 700
        assert "max_tokens" not in sent[0] and "temperature" not in sent[0]
