"""The grid's rows, column heads and per-principle list are built in Python
(bench/grid_bench.py measures a template partial at many times the cost): every
user-typed name is escaped there, and every cell is a button a screen reader can name."""

from __future__ import annotations

import pytest

from planning.coverage import Grid, PrincipleRow, StoryColumn
from planning.grid_html import column_head, principle_item, principle_list, row_html, rows_html
from tests.principles.factories import PrincipleFactory

NASTY = "<script>alert(\"x\")</script> & 'quotes'"


@pytest.mark.django_db
def test_names_and_titles_are_escaped_in_rows_heads_and_the_list():
    principle = PrincipleFactory(name=NASTY)
    column = StoryColumn(pk=7, title=NASTY, score=55, claims=1)
    row = PrincipleRow(
        principle=principle, columns=[column], weights={7: "primary"}, count=1, primary=1,
        best=55,
    )  # fmt: skip
    grid = Grid(rows=[row], columns=[column])
    for html in (rows_html(grid), column_head(column), principle_list(grid)):
        assert "<script" not in html and 'alert("x")' not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quotes&#x27;" in html
    body = row_html(row, {7: "safe title"}, {7: "success"})
    assert body.startswith(f'<tr id="row-{principle.pk}"')
    assert f'value="7:{principle.pk}"' in body and ">P</button>" in body


@pytest.mark.django_db
def test_a_cell_is_named_by_principle_story_and_weight_and_the_head_keeps_the_whole_title():
    principle = PrincipleFactory(name="Dive Deep")
    column = StoryColumn(pk=3, title="A" * 40, score=None, claims=0)
    row = PrincipleRow(
        principle=principle, columns=[column], weights={}, count=0, primary=0, best=None
    )
    body = rows_html(Grid(rows=[row], columns=[column]))
    assert f'<button name="cell" value="3:{principle.pk}"' in body
    assert 'aria-label="Dive Deep, ' + "A" * 40 + ': not mapped"' in body
    head = column_head(column)
    # the whole title is the link's text and its tooltip; CSS turns it upright and cuts it
    assert f'title="{"A" * 40}">{"A" * 40}</a>' in head
    assert '<th scope="col" class="story-col" id="col-3">' in head


@pytest.mark.django_db
def test_a_stretched_story_says_so_in_its_head():
    column = StoryColumn(pk=4, title="Everything at once", score=90, claims=6)
    head = column_head(column, oob=True)
    assert 'hx-swap-oob="true"' in head
    assert '<span class="claims claims-stretched"' in head and "stretched</span>" in head


@pytest.mark.django_db
def test_the_list_entry_shows_its_stories_as_buttons_and_the_others_in_a_menu():
    principle = PrincipleFactory(name="Ownership")
    mapped = StoryColumn(pk=1, title="Cut the bill", score=90, claims=1)
    other = StoryColumn(pk=2, title="Rebuilt the pipeline", score=70, claims=0)
    row = PrincipleRow(
        principle=principle, columns=[mapped, other], weights={1: "secondary"}, count=1,
        primary=0, best=90,
    )  # fmt: skip
    item = principle_item(row, {1: "Cut the bill", 2: "Rebuilt the pipeline"}, {1: "success"})
    assert item.startswith(f'<li id="plist-{principle.pk}" class="plist-item status-thin">')
    assert "1 story only" in item  # a single point of failure
    shown, menu = item.split('<div class="plist-add">')
    assert 'aria-label="Ownership, Cut the bill: secondary"' in shown
    assert f'name="pcell" value="1:{principle.pk}"' in shown and 'href="/stories/1/"' in shown
    assert f'<select name="add-{principle.pk}"' in menu and "Map another story (1)" in menu
    assert '<option value="2">Rebuilt the pipeline</option>' in menu
    assert f'<button name="add" value="{principle.pk}"' in menu and "Cut the bill" not in menu
