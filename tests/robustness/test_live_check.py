"""The live STAR check (htmx) under generated input: always a report fragment, never a
server error, never a write."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from hypothesis import event, example, given
from hypothesis import strategies as st

from stories import scoring
from tests.robustness.conftest import Scene
from tests.robustness.support import (
    INVALID,
    ROBUST,
    FormValue,
    as_received,
    assert_no_raw_markup,
    assert_not_server_error,
    body_size,
    capture,
    expected_month,
    long_text,
    month_text,
    plausible_text,
    post,
    rolled_back,
    row_counts,
    wire_value,
    writes,
)

pytestmark = pytest.mark.django_db

PARTS = tuple(scoring.PART_LABELS)  # situation, task, action, result, reflection
MINE = st.integers(0, 40).map(lambda n: f"principle_#{n}")
OTHER_NAMES = st.sampled_from(
    ["principle_#foreign", "principle_0", "principle_x", "title", "tags", "csrfmiddlewaretoken"]
) | st.from_regex(r"\A[a-z_][a-z0-9_\-]{0,15}\Z")
SCORE_RE = re.compile(r'data-score="(\d+)"')
CODE_RE = re.compile(r'data-code="([^"]+)"')
SUGGESTED_RE = re.compile(r'data-principle="(\d+)"')
HX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/stories/new/"}


@st.composite
def check_posts(draw: st.DrawFn) -> dict[str, FormValue]:
    """What the page sends while someone types: any subset of parts, any values."""
    data: dict[str, FormValue] = {}
    for name in PARTS:
        value = draw(st.none() | plausible_text() | wire_value() | long_text())
        if value is not None:
            data[name] = value
    if draw(st.booleans()):
        data["happened_on"] = draw(month_text())
    for name in draw(st.lists(MINE | OTHER_NAMES, max_size=5, unique=True)):
        data[name] = draw(st.sampled_from(["", "primary", "secondary"]) | wire_value())
    if draw(st.integers(0, 49)) == 49:  # now and then, more than a form may carry
        data[draw(st.sampled_from(PARTS))] = "x" * (
            django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 200_000
        )
    return data


def expected_report(data: dict[str, FormValue]) -> scoring.StarReport:
    """The checker's report on the text as sent (an unusable month is left out)."""
    month = expected_month(as_received(data.get("happened_on")))
    report = scoring.check_parts(
        **{name: as_received(data.get(name)) or "" for name in PARTS},
        happened_on=None if month is INVALID else month,
    )
    return report


@ROBUST
@given(post_data=check_posts(), encoding=st.sampled_from(["urlencoded", "multipart"]))
@example(
    post_data={"action": "I did it", "happened_on": "1990-03             x"}, encoding="urlencoded"
)
def test_live_check_with_generated_input(
    scene: Scene, post_data: dict[str, FormValue], encoding: str
) -> None:
    """POST /stories/check/ as htmx: a report fragment with the checker's score and
    findings for the text sent, no suggestion of a principle already chosen, and no SQL
    write."""
    data = scene.resolve(post_data)
    limit = django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    with rolled_back():
        before = row_counts()
        with capture() as queries:
            response = post(
                scene.client, reverse("stories:check"), data, encoding=encoding, headers=HX
            )
        assert_not_server_error(response, "live check")
        assert writes(queries) == []
        assert row_counts() == before
    event(f"status {response.status_code}")
    size = body_size(data, encoding)
    if response.status_code in (400, 413):
        assert size > limit - 64 * 1024, f"refused a body of {size} bytes"
        return
    assert response.status_code == 200
    assert size < limit + 64 * 1024, f"checked a body of {size} bytes"
    assert "stories/_star_report.html" in [t.name for t in response.templates]
    assert "base.html" not in [t.name for t in response.templates]  # a fragment, not a page
    body = response.content.decode()
    report = expected_report(data)
    assert SCORE_RE.findall(body) == [str(report.score)]
    assert sorted(CODE_RE.findall(body)) == sorted(f.code for f in report.findings)
    chosen = {
        name.removeprefix("principle_")
        for name, value in data.items()
        if name.startswith("principle_") and as_received(value) in ("primary", "secondary")
    }
    assert not chosen & set(SUGGESTED_RE.findall(body))
    assert_no_raw_markup(body, [v for v in map(as_received, data.values()) if v])
