"""Quantity detection: what counts as measurable impact, and what does not."""

from __future__ import annotations

import pytest

from stories.star import check, find_quantities


def texts(text: str) -> list[str]:
    return [quantity.text for quantity in find_quantities(text)]


def kinds(text: str) -> list[str]:
    return [quantity.kind for quantity in find_quantities(text)]


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [
        ("Revenue grew 40% in a year.", "40%", "percent"),
        ("Costs fell by 12 percent.", "12 percent", "percent"),
        ("Uptime reached 99.9% for the quarter.", "99.9%", "percent"),
        ("We saved $2M.", "$2M", "money"),
        ("It saved $1.2 million a year.", "$1.2 million", "money"),
        ("The deal was worth €300k.", "€300k", "money"),
        ("We recovered £40,000 of overcharges.", "£40,000", "money"),
        ("They paid 5,000 USD upfront.", "5,000 USD", "money"),
        ("Throughput grew 2x after the change.", "2x", "multiplier"),
        ("It was 10\u00d7 faster.", "10\u00d7", "multiplier"),
        ("Sign-ups doubled.", "doubled", "change"),
        ("Errors halved.", "halved", "change"),
        ("Revenue tripled.", "tripled", "change"),
        ("We cut the cost in half.", "in half", "change"),
        ("Build time went from 40 to 12 minutes.", "from 40 to 12 minutes", "range"),
        ("p95 dropped from 900 ms to 200 ms.", "from 900 ms to 200 ms", "range"),
        ("Each agent saved 45 minutes a day.", "45 minutes", "duration"),
        ("The rollout took two weeks.", "two weeks", "duration"),
        ("We hired three engineers.", "three", "count"),
        ("A dozen teams adopted it.", "A dozen", "count"),
        ("Twenty-five stores joined.", "Twenty-five", "count"),
        ("Hundreds of users wrote in.", "Hundreds", "count"),
        ("We reached 2000 users.", "2000", "count"),
        ("The app reached the top 10 in its category.", "10", "rank"),
        ("We ranked #1 in the region.", "1", "rank"),
        ("It took 3-4 weeks.", "3-4 weeks", "duration"),
        ("We onboarded 50k customers.", "50k", "count"),
        ("It cost one million dollars less.", "one million dollars", "money"),
        # fractions that measure a change; "a quarter" alone is a time
        ("Rejects were cut by a third.", "by a third", "change"),
        ("We had about a quarter fewer tickets.", "a quarter fewer", "change"),
        # "from ... to ..." with words between, or figures in words, is one range
        (
            "p95 went from about nine minutes to under ninety seconds.",
            "from about nine minutes to under ninety seconds",
            "range",
        ),
        # a share is one quantity
        ("The study team used it for 40 of the 60 sites.", "40 of the 60", "ratio"),
        ("Nine out of ten users kept it on.", "Nine out of ten", "ratio"),
        # dictated decimals are one number
        ("revenue per customer up three point one percent", "three point one percent", "percent"),
        ("about two point five million dollars", "two point five million dollars", "money"),
    ],
)
def test_finds_quantities(text: str, expected: str, kind: str) -> None:
    found = find_quantities(text)
    assert [q.text for q in found] == [expected]
    assert found[0].kind == kind
    assert text[found[0].start : found[0].end] == expected


@pytest.mark.parametrize(
    "text",
    [
        "In 2021 we launched the product.",
        "It has run since 2019, and 2020 was the busiest year.",
        "The contract ran 2019-2021.",
        "The project ran from 2019 to 2021.",
        "We moved to Python 3.11 last spring.",
        "Python 3.11 made it simpler.",
        "We shipped v2.3.1 of the SDK.",
        "We upgraded to version 4 of the library.",
        "We moved the service to Django 4.2 and then to Windows 10 servers.",
        "It became one of the reference projects.",
        "One day the build broke.",
        "I joined a team of 6 engineers.",
        "I led a team of six.",
        "A group of about 20 volunteers helped.",
        "We ran a 6-person team.",
        "We shipped on March 3.",
        "We shipped on 3 March.",
        "The deadline was the 3rd of March, at 10:30.",
        "The call was at 3pm and again at 9 a.m. the next day.",
        "The release on 2024-03-04 replaced the one from 03/04/2021.",
        "It launched in Q3 and the H1 plan was met.",
        "That was before COVID-19 and the JIRA-123 fix.",
        "It ran on x86 machines.",
        "That was two years ago.",
        "Three hours later the page was back.",
        "Support now runs 24/7.",
        "It ranked 1st in the 95th percentile report.",
        # a half-year and the people given to the work are not amounts
        "It was staffed with two teams for the next half.",
        "By the end of the second half the pipeline ran nightly.",
        "The work was done with three engineers.",
    ],
)
def test_false_positives_are_not_quantities(text: str) -> None:
    assert texts(text) == []


def test_quantities_are_sorted_without_overlap() -> None:
    text = "Latency went from 40 to 12 minutes, saving $2M and 30% of costs, and sales doubled."
    found = find_quantities(text)
    assert [q.text for q in found] == ["from 40 to 12 minutes", "$2M", "30%", "doubled"]
    ends = [q.end for q in found]
    starts = [q.start for q in found]
    assert all(end <= start for end, start in zip(ends, starts[1:], strict=False))


def test_team_size_in_situation_does_not_make_the_story_quantified() -> None:
    report = check(
        situation="I worked in a team of 6 at a bank, with 3 product owners.",
        result="The bank adopted the new process across the department.",
    )
    assert report.quantified is False
    assert "impact_not_quantified" in report.codes
    found = [text for text, part, _ in report.metrics["quantities"] if part == "situation"]
    assert found == ["3"]  # the product owners count, the team size does not


def test_impact_ok_message_counts_numbers_and_spans_point_at_them() -> None:
    result = "Errors fell 30%, we saved $50k, and support calls halved."
    report = check(result=result)
    finding = next(f for f in report.findings if f.code == "impact_quantified")
    assert finding.severity == "ok"
    assert "3 numbers found" in finding.message
    assert [result[s:e] for s, e in finding.spans] == ["30%", "$50k", "halved"]
    assert report.metrics["result_quantities"] == 3


def test_numbers_in_action_only_get_a_pointed_hint() -> None:
    report = check(action="I cut build time by 40%.", result="Everyone was happier.")
    finding = next(f for f in report.findings if f.code == "impact_not_quantified")
    assert "Action has numbers" in finding.suggestion


@pytest.mark.parametrize(
    "result",
    [
        # a figure set against the same measure at an earlier time
        "and honestly by friday we had most of the orders out, eighty percent within two "
        "days, the sale before that one it took us about a week",
        "so the raffle brought in like twelve thousand, the year before was nine or so",
    ],
)
def test_a_figure_against_an_earlier_one_measures_the_outcome(result: str) -> None:
    text = (
        "i ran the warehouse team during the spring sale and getting orders out fast was on "
        f"me so i moved the packing benches next to the loading bay {result}"
    )
    assert check(text=text).quantified


@pytest.mark.parametrize(
    ("result", "number"),
    [
        ("She was promoted to team lead fourteen months after I started coaching her.",
         "fourteen months"),
        ("It went live in April; it took about five weeks and some 300 hours of analyst time "
         "end to end.", "300 hours"),
        ("The portal is live now, and about twenty people touched it along the way.", "twenty"),
        ("- v3 shipped\n- 25+ bugs closed in the tracker", "25"),
    ],
)  # fmt: skip
def test_numbers_of_when_and_of_the_effort_do_not_measure_the_outcome(
    result: str, number: str
) -> None:
    report = check(
        situation="Our onboarding portal was slow and confusing for new analysts.",
        task="My manager asked me to own the redesign.",
        action="I interviewed eight new hires, rewrote the flow and ran a pilot.",
        result=result,
    )
    assert not report.quantified, number


def test_saved_hours_of_staff_time_still_measure_the_outcome() -> None:
    report = check(
        situation="Month-end close took the finance team a week.",
        task="I was asked to shorten it.",
        action="I automated the three reconciliations that took longest.",
        result="It took a month to build, and it saved about 300 hours of staff time a year.",
    )
    assert report.quantified


def test_a_level_reached_by_a_time_measures_the_outcome() -> None:
    report = check(
        situation="Only about half of our field engineers logged their site visits.",
        task="My manager asked me to get logging up before the audit.",
        action="I cut the form to four fields and added it to the engineers' phones.",
        result="By the end of the quarter logging was consistently above 90%.",
    )
    assert report.quantified


def test_a_figure_made_conditional_after_it_is_a_forecast() -> None:
    report = check(
        situation="Our returns desk was re-boxing parcels by hand.",
        task="I owned the returns process.",
        action="I piloted a reusable mailer at one depot.",
        result="Finance has modelled it at about £80k a year in packaging and labour once "
        "it's rolled out to the other depots.",
    )
    assert not report.quantified


def test_an_outcome_typed_into_another_field_counts_and_is_pointed_at() -> None:
    fields = {
        "situation": "Our weekly model retrain hogged the shared GPU cluster all weekend.",
        "task": "The training pipeline was mine to fix.",
    }
    in_action = check(
        **fields,
        action="I profiled the loader and cached the decoded images. A retrain now takes 3 "
        "hours instead of 14.",
        result="See above.",
    )
    in_reflection = check(
        **fields,
        action="I profiled the loader and cached the decoded images.",
        reflection="Afterwards a retrain took 3 hours instead of 14. I learned to profile first.",
    )
    for report, part in ((in_action, "action"), (in_reflection, "reflection")):
        assert report.quantified and "result" not in report.missing_parts
        [finding] = [f for f in report.findings if f.code == "impact_quantified"]
        assert finding.part == part and finding.message.endswith("move it to the Result.")
    # a number in the Action is no outcome when the Result field holds one of its own
    kept = check(
        **fields,
        action=in_action.parts["action"],
        result="The research team got their weekend runs back, and the other teams copied it.",
    )
    assert not kept.quantified


def test_failures_that_stopped_for_a_measured_time_are_a_measured_outcome() -> None:
    report = check(
        text="Our nightly export failed about twice a week. I was asked to make it reliable. "
        "I rewrote the retry logic and added an alert. Since then it hasn't failed once in "
        "four months."
    )
    assert report.quantified


def test_a_dictated_decimal_keeps_its_point() -> None:
    assert texts("conversion was up point four percentage points") == [
        "point four percentage points"
    ]


@pytest.mark.parametrize(
    "result",
    [
        "so yeah the average wait was thirty one minutes when the target is forty five",
        "and all sixty volunteers had a shift by half past nine",
        "Looking back, the new rota meant overtime went from 30 hours a week to 12.",
    ],
)
def test_a_figure_against_its_standard_by_a_time_or_looking_back_measures(result: str) -> None:
    report = check(
        situation="The clinic's walk-in queue was out of hand.",
        task="I was asked to fix the queue before winter.",
        action="I split triage from registration and moved two nurses to the front desk.",
        result=result,
    )
    assert report.quantified, result


def test_a_test_passed_and_a_goal_met_by_the_deadline_are_results() -> None:
    passed = check(
        text="I was the site engineer for the pour and it was my job to sign off the "
        "falsework. I found two props off their plates and stopped the pour until they were "
        "reset. We poured two days later and the deck passed inspection."
    )
    assert "result" not in passed.missing_parts and not passed.quantified
    deadline = check(
        text="we had to hire sixty seasonal pickers in three weeks so i ran walk-in open days "
        "and made offers on the day and we got fifty four people started by the deadline"
    )
    assert "result" not in deadline.missing_parts and deadline.quantified
