"""Benchmark the coverage grid: 16 principles x 60 stories against a trivial page.

Run from the repository root:  python bench/grid_bench.py

Both pages are requested through Django's test client (the whole middleware
stack, template rendering and the database), alternating, in the same run; the
script prints the median server time of each and their ratio. Target: the grid
at most 3x the trivial logged-in page.

Then the grid's rows alone, two ways, alternating: built in Python
(``planning.grid_html.rows_html``, what the page uses) and by a template partial
compiled once (what the cached template loader gives), with the same markup. The
partial is here, not in ``templates/``: it is kept only to measure the choice.
Always exits 0.
"""

from __future__ import annotations

import sys

from _django import bench_client, interleaved_medians, mapped_bank, test_database

STORIES = 60
ROUNDS = 60
TARGET_RATIO = 3.0

# The rows of planning.grid_html as a Django template partial, markup for markup.
ROWS_PARTIAL = """{% for row in rows %}<tr id="row-{{ row.principle.pk }}" \
class="status-{{ row.status }}"><th scope="row" class="principle-col">\
<a href="{{ row.url }}" class="principle-name">{{ row.principle.name }}</a>\
<span class="row-summary"><span class="badge status-badge status-badge-{{ row.status }}" \
title="{{ row.reason }}">{{ row.status }}</span> <span class="count" \
title="{{ row.count }} {% if row.count == 1 %}story{% else %}stories{% endif %}">\
{{ row.count }}</span> · <span class="best" title="Best score">\
{% if row.best is None %}&ndash;{% else %}{{ row.best }}{% endif %}</span>\
{% if row.count == 1 %} <span class="badge text-bg-warning spof" title="Only one story covers \
this principle: a single point of failure">1 story only</span>{% endif %}</span></th>\
{% for cell in row.cells %}{% if cell.weight %}\
<td><button name="cell" value="{{ cell.story }}:{{ row.principle.pk }}" \
class="cell cell-{{ cell.weight }} cell-score-{{ cell.style }}" \
aria-label="{{ row.principle.name }}, {{ cell.title }}: {{ cell.weight }}">{{ cell.symbol }}\
</button></td>{% else %}<td><button name="cell" value="{{ cell.story }}:{{ row.principle.pk }}" \
class="cell cell-none" aria-label="{{ row.principle.name }}, {{ cell.title }}: not mapped">·\
</button></td>{% endif %}{% endfor %}</tr>{% endfor %}"""


def rows_two_ways(user) -> dict[str, float]:
    """Median time of the grid's rows built in Python and by the template partial."""
    from django.template import engines
    from django.urls import reverse

    from planning import selectors
    from planning.grid_html import rows_html
    from stories.scoring import score_style

    target = selectors.coverage_target(user=user)
    grid = selectors.coverage_grid(user=user, target=target)
    partial = engines["django"].from_string(ROWS_PARTIAL)
    symbols = {"primary": "P", "secondary": "S"}

    def by_template() -> None:
        rows = [
            {
                "principle": row.principle,
                "url": reverse(
                    "principles:principle_detail",
                    args=[row.principle.principle_set.slug, row.principle.slug],
                ),
                "status": row.status,
                "count": row.count,
                "best": row.best,
                "reason": row.reason,
                "cells": [
                    {
                        "story": column.pk,
                        "title": column.title,
                        "weight": row.weights.get(column.pk),
                        "style": score_style(column.score),
                        "symbol": symbols.get(row.weights.get(column.pk), ""),
                    }
                    for column in row.columns
                ],
            }
            for row in grid.rows
        ]
        partial.render({"rows": rows})

    return interleaved_medians(
        {"python": lambda: rows_html(grid), "template": by_template}, rounds=ROUNDS
    )


def main() -> int:
    with test_database():
        from django.urls import reverse

        from principles.models import Principle

        user = mapped_bank(STORIES)
        principle_count = Principle.objects.filter(principle_set__slug="amazon").count()
        client = bench_client(user)
        grid_url, trivial_url = reverse("coverage:grid"), reverse("password_change_done")

        def fetch(url: str):
            def run() -> None:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            return run

        medians = interleaved_medians(
            {"grid": fetch(grid_url), "trivial": fetch(trivial_url)}, rounds=ROUNDS
        )
        rows = rows_two_ways(user)
    ratio = medians["grid"] / medians["trivial"]
    print(f"coverage grid, {principle_count} principles x {STORIES} stories, {ROUNDS} rounds")
    print(f"  trivial logged-in page  {medians['trivial'] * 1000:8.2f} ms (median)")
    print(f"  coverage grid           {medians['grid'] * 1000:8.2f} ms (median)")
    verdict = "PASS" if ratio <= TARGET_RATIO else "MISS"
    print(f"  ratio grid / trivial    {ratio:8.2f}x  (target <= {TARGET_RATIO:.0f}x) {verdict}")
    print("the grid's rows alone, same markup")
    print(f"  built in Python         {rows['python'] * 1000:8.2f} ms (median)")
    print(f"  template partial        {rows['template'] * 1000:8.2f} ms (median)")
    print(f"  ratio template / Python {rows['template'] / rows['python']:8.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
