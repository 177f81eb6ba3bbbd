"""Benchmark the coverage grid: 16 principles x 60 stories against a trivial page.

Run from the repository root:  python bench/grid_bench.py

Both pages are requested through Django's test client (the whole middleware
stack, template rendering and the database), alternating, in the same run; the
script prints the median server time of each and their ratio. Target: the grid
at most 3x the trivial logged-in page. Always exits 0.
"""

from __future__ import annotations

import sys

from _django import bench_client, interleaved_medians, test_database

STORIES = 60
ROUNDS = 60
TARGET_RATIO = 3.0


def main() -> int:
    with test_database():
        from django.urls import reverse

        from principles.models import Principle
        from stories.services import story_set_principles
        from tests.factories import StoryFactory, UserFactory

        user = UserFactory()
        principles = list(Principle.objects.filter(principle_set__slug="amazon"))
        for i in range(STORIES):
            story = StoryFactory(owner=user, title=f"Story {i:02d}")
            story_set_principles(
                story=story,
                mappings={
                    principles[i % 16].pk: "primary",
                    principles[(i + 5) % 16].pk: "secondary",
                },
            )
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
    ratio = medians["grid"] / medians["trivial"]
    print(f"coverage grid, {len(principles)} principles x {STORIES} stories, {ROUNDS} rounds")
    print(f"  trivial logged-in page  {medians['trivial'] * 1000:8.2f} ms (median)")
    print(f"  coverage grid           {medians['grid'] * 1000:8.2f} ms (median)")
    verdict = "PASS" if ratio <= TARGET_RATIO else "MISS"
    print(f"  ratio grid / trivial    {ratio:8.2f}x  (target <= {TARGET_RATIO:.0f}x) {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
