"""Shared pieces of the generated-input tests: settings, strategies, DB snapshots.

Every example runs inside ``rolled_back()``: a savepoint that is always rolled back,
so each of the thousand examples starts from the same database (pytest-django's
transaction only ends with the test, not with each Hypothesis example).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote_from_bytes

from django.apps import apps
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

#: 1,000 examples (ROBUSTNESS_EXAMPLES=N for a quick look), no per-example deadline
#: (requests render whole pages), the same examples on every run unless
#: ROBUSTNESS_RANDOM=1 asks for fresh ones, and no example database under .hypothesis/.
ROBUST = settings(
    max_examples=int(os.environ.get("ROBUSTNESS_EXAMPLES", "") or 1000),
    deadline=None,
    derandomize=os.environ.get("ROBUSTNESS_RANDOM", "") != "1",
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

#: The apps whose rows a story form, a live check or an import could touch.
WATCHED_APPS = ("stories", "principles", "practice", "exchange", "taggit", "accounts")

WRITE_SQL = re.compile(r"^\s*(INSERT|UPDATE|DELETE|TRUNCATE|ALTER|CREATE|DROP)\b", re.I)

#: Strings that have broken web apps before: markup, template syntax, SQL, numbers as
#: text, invisible and direction-changing characters, characters that change length
#: when normalised or case-folded (ﷺ is 18 letters in NFKC, İ lower-cases to two),
#: digits that are not ASCII, NUL.
ODD_TEXT = (
    '<script>alert("sb")</script>',
    "<img src=x onerror=alert(1)>",
    "</textarea><b>bold</b>",
    "{{ request.user }}",
    "{% debug %}",
    "'; DROP TABLE stories_story; --",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\u202eevil",
    "\ufeff",
    "\u200b",
    "\u3000",
    "\r\n",
    "\t",
    " ",
    "0",
    "-1",
    "3.14",
    "1e309",
    "NaN",
    "null",
    "None",
    "[]",
    "{}",
    "primary",
    "secondary",
    "İstanbul",
    "straße",
    "ǅ",
    "ﷺ",
    "㍿",
    "👍🏽",
    "\U0010ffff",
    "\ufffd",
    "e\u0301",
    "²",
    "①",
    "٢٠٢٤",
    "%00",
    "%s",
    "{0}",
    "we",
    "I",
    "50%",
    "from 8 to 1",
    "$1.2M",
)

#: Lengths around every limit (200, 3,000, 5,000), the live check's 20,000 and beyond.
LIMIT_LENGTHS = (49, 50, 51, 199, 200, 201, 2999, 3000, 3001, 4999, 5000, 5001, 20_001)


@st.composite
def long_text(draw: st.DrawFn) -> str:
    """A long text around a limit, sometimes padded with whitespace the form strips."""
    unit = draw(st.sampled_from(["x", "I cut costs by 40%. ", "é", "👍", "ﷺ", " ", "\n", "we "]))
    length = draw(st.sampled_from(LIMIT_LENGTHS) | st.integers(0, 6000))
    pad = draw(st.sampled_from(["", " ", "\n\t ", "\u3000"]))
    return pad + (unit * (length // len(unit) + 1))[:length] + pad


TODAY = dt.date.today()
THIS_MONTH = TODAY.replace(day=1)
NEXT_MONTH = (TODAY.replace(day=28) + dt.timedelta(days=5)).replace(day=1)

SENTENCES = (
    "Our nightly pipeline failed twice a week.",
    "I owned making it reliable before planning.",
    "I traced 60 failed runs and added retries with idempotent loads.",
    "Failures fell from 8 a month to 1; analysts got back 6 hours a week.",
    "We shipped it together, and I learned to measure first.",
    "Halved the fraud review queue",
)

#: Months as typed: the valid ones first, then every way to get one wrong.
MONTHS = (
    "",
    "2024-03",
    "3/2024",
    " 2019-11 ",
    "1950-01",
    f"{THIS_MONTH:%Y-%m}",
    f"{NEXT_MONTH:%Y-%m}",
    "1949-12",
    "2024-13",
    "2024-00",
    "0000-01",
    "9999-12",
    "2024-3",
    "12/1999",
    "2024/03",
    "2024-03-05",
    "March 2024",
    "٢٠٢٤-٠٣",
    "\uff12\uff10\uff12\uff14-\uff10\uff13",  # full-width digits
    "2024-03             x",
    "2024-03\x00",
    "20240-03",
)
VALID_MONTHS = 6

INVALID: Any = object()
_MONTH_RE = re.compile(r"(\d{4})-(\d{1,2})|(\d{1,2})/(\d{4})")


def expected_month(raw: str | None) -> Any:
    """The month rule as documented: YYYY-MM or MM/YYYY (the whole value, any decimal
    digits), a real month from 1950 to this month; blank is no month; else INVALID."""
    text = (raw or "").strip()
    if not text:
        return None
    match = _MONTH_RE.fullmatch(text)
    if not match:
        return INVALID
    year, month = (match[1], match[2]) if match[1] else (match[4], match[3])
    try:
        day = dt.date(int(year), int(month), 1)
    except ValueError:
        return INVALID
    return day if dt.date(1950, 1, 1) <= day <= THIS_MONTH else INVALID


def month_text() -> st.SearchStrategy[str]:
    """A month as someone might type it, or not a month at all."""
    return st.one_of(
        st.sampled_from(MONTHS),
        st.tuples(st.dates(), st.sampled_from(["%Y-%m", "%m/%Y", "%Y-%m-%d"])).map(
            lambda t: t[0].strftime(t[1])
        ),
        st.tuples(
            st.sampled_from(MONTHS[1:VALID_MONTHS]),
            st.text(" \t\n\u3000", min_size=1, max_size=20),
            st.text(min_size=1, max_size=3),
        ).map("".join),
        odd_text(),
    )


def plausible_text() -> st.SearchStrategy[str]:
    """Usually a valid story part, sometimes with odd characters mixed in."""
    return st.one_of(
        st.sampled_from(SENTENCES),
        st.text(min_size=1, max_size=60).map(lambda s: f"I {s}"),
        st.lists(st.sampled_from(ODD_TEXT), min_size=1, max_size=4).map(
            lambda parts: "We " + " ".join(parts)
        ),
    )


def odd_text() -> st.SearchStrategy[str]:
    """Any text a client might send: arbitrary, hostile, numeric or long."""
    return st.one_of(
        st.text(max_size=40),
        st.sampled_from(ODD_TEXT),
        st.lists(st.sampled_from(ODD_TEXT) | st.text(max_size=6), max_size=6).map("".join),
        st.integers().map(str),
        st.floats().map(str),
        long_text(),
    )


#: What a form field may carry on the wire: text, raw bytes (maybe not UTF-8, e.g. an
#: encoded surrogate), or several values under one name.
FormValue = str | bytes | list[str | bytes]


def wire_value() -> st.SearchStrategy[FormValue]:
    """A value for one form field, as a misbehaving client could send it."""
    single = st.one_of(
        odd_text(),
        st.binary(max_size=30),
        st.sampled_from([b"\xed\xa0\x80", b"\xff\xfe", b"caf\xe9", b"\xc3"]),
    )
    return st.one_of(single, st.lists(single, min_size=1, max_size=3))


def as_received(value: FormValue | None) -> str | None:
    """What the server reads for a field: the last value, undecodable bytes as U+FFFD."""
    if isinstance(value, list):
        value = value[-1] if value else None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _items(data: Mapping[str, FormValue]) -> Iterator[tuple[str, bytes]]:
    """Each (name, raw bytes) pair, lists spread out."""
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            yield name, item if isinstance(item, bytes) else item.encode("utf-8")


def urlencoded(data: Mapping[str, FormValue]) -> bytes:
    """``data`` as an application/x-www-form-urlencoded body (every byte escaped)."""
    return "&".join(
        f"{quote_from_bytes(name.encode())}={quote_from_bytes(raw, safe='')}"
        for name, raw in _items(data)
    ).encode("ascii")


BOUNDARY = "robustness-7f3a9c"


def multipart(data: Mapping[str, FormValue]) -> bytes:
    """``data`` as a multipart/form-data body, bytes sent as they are.

    (The test client's own encoder would iterate a ``bytes`` value as numbers.)
    """
    lines = []
    for name, raw in _items(data):
        disposition = f'Content-Disposition: form-data; name="{name}"'.encode()
        lines += [f"--{BOUNDARY}".encode(), disposition, b"", raw]
    return b"\r\n".join([*lines, f"--{BOUNDARY}--".encode(), b""])


def body_size(data: Mapping[str, FormValue], encoding: str) -> int:
    """How many bytes of form data the server has to read."""
    if encoding == "urlencoded":
        return len(urlencoded(data))
    return sum(len(raw) for _, raw in _items(data))


def post(
    client: Client,
    url: str,
    data: Mapping[str, FormValue],
    *,
    encoding: str,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    """POST ``data`` as multipart/form-data (a form) or urlencoded (htmx)."""
    if encoding == "multipart":
        body = multipart(data)
        content_type = f"multipart/form-data; boundary={BOUNDARY}"
    else:
        body = urlencoded(data)
        content_type = "application/x-www-form-urlencoded"
    return client.post(url, body, content_type=content_type, headers=headers)


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run one example in a savepoint that is always rolled back."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def row_counts() -> dict[str, int]:
    """Rows per model of every watched app, in one query (it runs twice per example)."""
    models = [m for m in apps.get_models() if m._meta.app_label in WATCHED_APPS]
    tables = [connection.ops.quote_name(m._meta.db_table) for m in models]
    # Table names come from the models, not from any input.
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {t})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return {m._meta.label: n for m, n in zip(models, row, strict=True)}


def writes(queries: CaptureQueriesContext) -> list[str]:
    """The statements of a captured block that write to the database."""
    return [q["sql"] for q in queries.captured_queries if WRITE_SQL.match(q["sql"])]


def capture() -> CaptureQueriesContext:
    """Record every query on the default connection."""
    return CaptureQueriesContext(connection)


def assert_not_server_error(response: HttpResponse, what: str) -> None:
    """A client mistake may be refused (4xx), never crash the server (5xx)."""
    assert response.status_code < 500, f"{what}: {response.status_code}"


def assert_no_raw_markup(body: str, sent: Sequence[str]) -> None:
    """Markup the user typed comes back escaped, never as live HTML."""
    for payload in ('<script>alert("sb")', "<img src=x onerror", "</textarea><b>"):
        if any(payload in text for text in sent):
            assert payload not in body, f"unescaped {payload!r} in the page"
