"""Benchmark the interview loop planner: the plan page of a 6-interviewer loop over 60
stories against a trivial page.

Run from the repository root:  python bench/loop_bench.py

Both pages are requested through Django's test client (the whole middleware stack,
template rendering and the database), alternating, in the same run; the script prints
the median server time of each and their ratio (target: the plan page at most 3x the
trivial logged-in page), then the parts of the plan alone: the fits, and the solver
(``plan_loop`` and the backups' second call). Always exits 0.

The page is measured on repeat views, as a reload, a pin or a swap sees it: its reads go
through ``planning/raw_reads.py`` every time, and what the plan remembers of unchanged
stories (``loop_fit.loop_fits``, ``selectors._fit_story``) is warm after the first
round; bench/README.md says what the first view costs.
"""

from __future__ import annotations

import sys

from _django import bench_client, interleaved_medians, mapped_bank, test_database

STORIES = 60
ROUNDS = 40
TARGET_RATIO = 3.0


def main() -> int:
    with test_database():
        import datetime as dt

        from django.urls import reverse

        from planning import selectors
        from planning.loop_fit import fit_numbers, loop_fits
        from planning.loop_plan import plan_backups, plan_loop
        from planning.practice_state import PracticeState
        from planning.services import loop_create_from_template

        user = mapped_bank(STORIES)
        loop = loop_create_from_template(user=user, template_key="amazon-onsite")
        client = bench_client(user)
        plan_url, trivial_url = (
            reverse("loops:detail", args=[loop.pk]),
            reverse("password_change_done"),
        )

        def fetch(url: str):
            def run() -> None:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            return run

        medians = interleaved_medians(
            {"plan": fetch(plan_url), "trivial": fetch(trivial_url)}, rounds=ROUNDS
        )
        today = dt.date.today()
        page = selectors.loop_plan(user=user, loop=loop, today=today)
        stories = list(page.stories.values())
        slots = [[str(c.principle.pk) for c in slot.cells] for slot in page.plan.slots]
        fits = fit_numbers(
            loop_fits(stories, page.principles, practice=PracticeState(), today=today)
        )

        def solve() -> None:
            plan_backups(slots, fits, plan_loop(slots, fits))

        parts = interleaved_medians(
            {
                "fits": lambda: loop_fits(
                    stories, page.principles, practice=PracticeState(), today=today
                ),
                "solve": solve,
            },
            rounds=ROUNDS,
        )
        cells = sum(len(s) for s in slots)
    ratio = medians["plan"] / medians["trivial"]
    print(
        f"loop plan, {len(slots)} interviewers ({cells} questions) x {STORIES} stories, "
        f"{ROUNDS} rounds"
    )
    print(f"  trivial logged-in page  {medians['trivial'] * 1000:8.2f} ms (median)")
    print(f"  loop plan page          {medians['plan'] * 1000:8.2f} ms (median)")
    verdict = "PASS" if ratio <= TARGET_RATIO else "MISS"
    print(f"  ratio plan / trivial    {ratio:8.2f}x  (target <= {TARGET_RATIO:.0f}x) {verdict}")
    print("the plan's parts alone")
    print(f"  fits (16 x {STORIES})         {parts['fits'] * 1000:8.2f} ms (median)")
    print(f"  solve + backups         {parts['solve'] * 1000:8.2f} ms (median)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
