"""The grid's rows and column heads are built in Python (bench/grid_bench.py measures a
template partial at many times the cost): every user-typed name is escaped there."""

from __future__ import annotations

import pytest

from planning.coverage import Grid, PrincipleRow, StoryColumn
from planning.grid_html import column_head, row_html, rows_html
from tests.principles.factories import PrincipleFactory

NASTY = "<script>alert(\"x\")</script> & 'quotes'"


@pytest.mark.django_db
def test_names_and_titles_are_escaped_in_rows_and_heads():
    principle = PrincipleFactory(name=NASTY)
    column = StoryColumn(pk=7, title=NASTY, score=55, claims=1)
    row = PrincipleRow(
        principle=principle, columns=[column], weights={7: "primary"}, count=1, primary=1,
        best=55,
    )  # fmt: skip
    grid = Grid(rows=[row], columns=[column])
    for html in (rows_html(grid), column_head(column)):
        assert "<script" not in html and 'alert("x")' not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quotes&#x27;" in html
    body = row_html(row, {7: "safe title"}, {7: "success"})
    assert body.startswith(f'<tr id="row-{principle.pk}"')
    assert f'value="7:{principle.pk}"' in body and ">P</button>" in body


@pytest.mark.django_db
def test_an_unmapped_cell_says_so_and_a_long_title_is_cut():
    principle = PrincipleFactory(name="Dive Deep")
    column = StoryColumn(pk=3, title="A" * 40, score=None, claims=0)
    row = PrincipleRow(
        principle=principle, columns=[column], weights={}, count=0, primary=0, best=None
    )
    body = rows_html(Grid(rows=[row], columns=[column]))
    assert 'aria-label="Dive Deep / ' + "A" * 40 + ': not mapped"' in body
    head = column_head(column)
    assert ">" + "A" * 27 + "…</a>" in head and 'title="' + "A" * 40 + '"' in head
