"""Answers as candidates really write them: the misses of checker 1.x, each as a case.

Undivided text, dictated speech, prep notes, short practice answers, "we" stories,
lesson-only Results and passive findings (the classes in LABELS.md).
"""

from __future__ import annotations

import pytest

from stories.star import check, find_quantities, split_answer
from stories.star import thresholds as th
from stories.star.bands import NEEDS_WORK, READY, SOLID, band_for
from stories.star.roles import units
from stories.star.textutil import lower_same_length, sentence_spans

ACTION = (
    "I pulled three months of support tickets, grouped them by cause and found that most "
    "came from one confusing settings page. I redesigned the page with the support lead and "
    "tested it with five customers before the release."
)


def roles_of(text: str) -> list[tuple[str, str]]:
    low = lower_same_length(text)
    found = units(text, low, sentence_spans(text), find_quantities(text, low))
    return [(u.role, text[u.start : u.end]) for u in found]


# --- sentence roles -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "role"),
    [
        ("My manager asked me to cut the cloud bill before the budget review.", "goal"),
        ("Our goal was to ship the new checkout by March.", "goal"),
        ("Looking back, I should have involved finance earlier.", "lesson"),
        ("What I learned is that a dashboard nobody reads is worth nothing.", "lesson"),
        ("Churn dropped from 8% to 5% within a quarter.", "outcome"),
        ("I cut the nightly batch time by 40%.", "outcome"),
        ("I rewrote the importer in three lines of SQL.", "action"),
        ("We were a team of five analysts in the pricing group.", "context"),
        ("Sure.", "filler"),
        ("Great question.", "filler"),
    ],
)
def test_one_sentence_has_the_role_its_cues_say(sentence: str, role: str) -> None:
    assert [found for found, _ in roles_of(sentence)] == [role]


def test_a_run_on_sentence_is_cut_where_the_outcome_starts() -> None:
    assert roles_of("I led the analysis and revenue grew 5% in a quarter.") == [
        ("action", "I led the analysis"),
        ("outcome", "and revenue grew 5% in a quarter."),
    ]


def test_the_goal_was_met_is_an_outcome_not_a_goal() -> None:
    assert [role for role, _ in roles_of("The goal was met two weeks early.")] == ["outcome"]


# --- short practice answers -------------------------------------------------------------


def test_short_answer_with_a_measured_outcome_is_quantified() -> None:
    report = check(text="I led the analysis and revenue grew 5% in a quarter.")
    assert report.quantified is True
    assert "impact_not_quantified" not in report.codes
    assert "result" not in report.missing_parts
    assert report.parts["result"] == "and revenue grew 5% in a quarter."


def test_an_opening_sure_is_no_part_of_the_story() -> None:
    report = check(text="Sure. I led the analysis and revenue grew 5% in a quarter.")
    assert "Sure" not in report.parts["situation"]
    assert all("Sure" not in text for text in report.parts.values())
    assert "situation" in report.missing_parts


# --- Task ------------------------------------------------------------------------------


def test_undivided_answer_without_a_goal_has_no_task() -> None:
    text = (
        "Last year our dashboards were slow and people stopped using them. "
        + ACTION
        + " Page views of the dashboards doubled in a month."
    )
    report = check(text=text)
    assert "task" in report.missing_parts
    assert report.parts["task"] == ""
    finding = next(f for f in report.findings if f.part == "task")
    assert "never say what you were asked or aimed to do" in finding.message


def test_a_goal_folded_into_the_situation_counts_as_the_task() -> None:
    text = (
        "Last year our dashboards were slow and my manager asked me to get the support "
        "queue under a hundred tickets. " + ACTION + " Tickets fell from 340 to 90 a week."
    )
    assert "task" not in check(text=text).missing_parts
    parts = check(
        situation="At a payments startup my lead asked me to get the support queue down.",
        action=ACTION,
        result="Tickets fell from 340 to 90 a week.",
    )
    assert "task" not in parts.missing_parts


@pytest.mark.parametrize(
    ("task", "stated"),
    [
        # notes state a Task by whose it was, who asked, or the target it had to reach
        ("me = support lead, VP: backlog < 200 before Sept 15", True),
        ("asked by ops director to pilot route optimisation in 1 depot", True),
        ("team OKR = AOV +3% by Q4", True),
        ("superintendent's office wanted 1 view of chronic absence, I was the analyst", True),
        ("It was my account, so I owned keeping them.", True),
        ("Cut SaaS costs.", True),
        # a typed Task that is only the scene, a step, or nothing at all
        ("The booking page was slow and patients were dropping off.", False),
        ("I decided to dig into the event data myself to see what was going on.", False),
        ("I handled it.", False),
    ],
)
def test_a_typed_task_is_present_when_it_says_what_the_work_had_to_do(
    task: str, stated: bool
) -> None:
    report = check(situation=SETUP["situation"], task=task, action=ACTION, result="Done.")
    assert ("task" not in report.missing_parts) is stated


def test_an_ask_in_the_result_is_no_task() -> None:
    """ "The VP later asked me to review the next launches": a consequence, not the Task."""
    report = check(
        situation=SETUP["situation"],
        task="See above.",
        action=ACTION,
        result="Tickets fell from 340 to 90 a week. The VP later asked me to review the next "
        "two launches.",
    )
    assert "task" in report.missing_parts


def test_a_labelled_task_left_open_is_a_placeholder() -> None:
    notes = (
        "S: 212 cron jobs on one VM, failures every week\n"
        "T: ?\n- check # of jobs deleted vs migrated\n"
        "A: I moved the jobs to the scheduler\n"
        "R: failed-job tickets ~15/wk -> ~1"
    )
    report = check(text=notes)
    assert "task" in report.missing_parts
    assert "placeholder" in next(f.message for f in report.findings if f.part == "task")


@pytest.mark.parametrize(
    "said",
    [
        "my lead basically said you own the cost problem, get us back under budget",
        "my tech lead handed it to me and said get p95 under two hundred",
        "it was my week on call, so the escalation was mine",
        "my lead gave me two sprints to fix it before the code freeze",
        "my manager said your job this quarter is getting quote abandonment down",
        "we were asked by the ceo to launch scheduled deliveries before christmas",
    ],
)
def test_an_assignment_said_in_passing_is_the_task(said: str) -> None:
    text = f"so i was the sre at a games studio and {said}, {ACTION} and costs fell 20%"
    assert "task" not in check(text=text).missing_parts


# --- Result ----------------------------------------------------------------------------


def test_a_result_that_is_only_a_lesson_is_missing() -> None:
    report = check(
        situation="At a retailer our stock reports were wrong every Monday morning.",
        task="I was asked to make them right before the weekly planning meeting.",
        action=ACTION,
        result="I learned that communication with the stores matters more than the code.",
    )
    assert "result" in report.missing_parts
    finding = next(f for f in report.findings if f.part == "result" and f.severity == "error")
    assert "only a lesson" in finding.message
    assert report.band == NEEDS_WORK.key


def test_it_went_well_is_no_result() -> None:
    report = check(text="Our release kept slipping. " + ACTION + " It went well.")
    assert "result" in report.missing_parts
    assert report.quantified is False
    assert report.score < SOLID.low


def test_an_answer_that_stops_early_has_no_result() -> None:
    report = check(text="Our release kept slipping, and I was asked to fix it. " + ACTION)
    assert report.parts["result"] == ""
    assert "result" in report.missing_parts


def test_numbers_outside_the_outcome_do_not_count() -> None:
    report = check(
        situation="I was on a team of six at a bank.",
        task="I had to stop the nightly job from failing.",
        action=ACTION,
        result="I rewrote it in three lines and four queries instead of one, and it worked.",
    )
    assert report.quantified is False
    assert "do not measure the outcome" in next(
        f.message for f in report.findings if f.code == "impact_not_quantified"
    )


def test_half_is_a_number() -> None:
    assert [q.text for q in find_quantities("about half of the alerts were noise")] == ["half"]
    assert check(text="I was asked to fix paging. " + ACTION + " Pages fell by half.").quantified


# --- ownership -------------------------------------------------------------------------


def test_we_story_with_an_i_in_passing_is_mostly_we() -> None:
    text = (
        "Our team had to move off an old database before the disk ran out. I think we then "
        "set up replication, we ran both clusters side by side and we fixed the scripts "
        "when they disagreed. We shipped the move before the deadline and nothing was lost."
    )
    report = check(text=text)
    assert report.mostly_we is True
    assert "ownership_we_heavy" in report.codes
    assert report.band != READY.key


def test_we_in_the_context_is_not_a_we_story() -> None:
    report = check(
        situation="We were a team of five and we had one shared on-call rotation.",
        task="I was asked to cut the pages that woke people up for nothing.",
        action=ACTION,
        result="Night pages fell from 40 a week to 6 within a month.",
    )
    assert report.mostly_we is False
    assert "ownership_we_heavy" not in report.codes


def test_helped_without_we_is_not_a_we_story() -> None:
    report = check(text="I helped the team and collaborated with the team on the launch.")
    assert report.mostly_we is False


# --- passive voice ---------------------------------------------------------------------


def test_states_and_findings_are_not_hidden_actors() -> None:
    action = (
        "I split the funnel by day and found that the denominator was inflated by bot "
        "sessions, and the traffic was concentrated in one region. I removed the bots."
    )
    report = check(action=action)
    assert "passive_action" not in report.codes


def test_a_passive_action_still_hides_who_acted() -> None:
    report = check(action="The service was migrated and the old cluster was decommissioned.")
    assert "passive_action" in report.codes
    named = check(action="The plan was approved by the director and I started the move.")
    assert "passive_action" not in named.codes


# --- dictated text ---------------------------------------------------------------------


def test_dictated_lowercase_sentences_are_split() -> None:
    text = (
        "so um we had this problem where the nightly job kept failing and my lead asked me "
        "to own it. so what i did was i pulled the logs and i found a race in the loader. "
        "as a result failures went down 90 percent in a month. what i learned is to read "
        "the logs before i guess"
    )
    report = check(text=text)
    assert report.quantified is True
    assert report.missing_parts == []
    assert report.parts["result"].startswith("as a result")
    assert report.parts["reflection"].startswith("what i learned")
    assert report.mostly_we is False


def test_a_full_stop_after_an_abbreviation_does_not_end_the_sentence() -> None:
    text = "i used e.g. caching. approx. half of it went away"
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "i used e.g. caching.",
        "approx. half of it went away",
    ]


# --- vague claims ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    [
        "worked closely",
        "took ownership",
        "communicated effectively",
        "collaborated cross-functionally",
    ],
)
def test_generic_teamwork_claims_are_vague(phrase: str) -> None:
    report = check(action=f"I {phrase} with the other teams on the launch of the new app.")
    assert "vague_claim" in report.codes


# --- prep notes ------------------------------------------------------------------------


def test_letter_labelled_notes_are_split_by_their_labels() -> None:
    notes = (
        "Q: tell me about a hard bug\n"
        "S: intermittent 500s on the auth service, ~1% of requests\n"
        "T: me on call, had to find it before the Friday release\n"
        "A: correlated failing pods with nodes, set ndots:1 in the client config\n"
        "R: 500s ~1% -> ~0.01%"
    )
    result = split_answer(notes)
    assert result.method == "labels"
    assert result.parts["task"].startswith("me on call")
    assert "tell me about" not in " ".join(result.parts.values())
    assert check(text=notes).quantified is True


# --- telling and hypothetical answers --------------------------------------------------


def test_a_telling_answer_is_not_a_story() -> None:
    report = check(
        text="I am very customer focused, so I always make sure that customers are happy. "
        "I believe in listening and I communicate effectively with everyone."
    )
    assert report.missing_parts == ["situation", "task", "action", "result"]
    assert report.band == NEEDS_WORK.key


def test_a_hypothetical_answer_has_no_action() -> None:
    report = check(
        text="I would first gather the data, then I would talk to the customers, and I "
        "would probably build a small prototype to test the idea."
    )
    assert "action" in report.missing_parts
    assert report.score < SOLID.low


# --- bands -----------------------------------------------------------------------------


def test_bands_cover_every_score() -> None:
    assert band_for(100) is READY and band_for(READY.low) is READY
    assert band_for(READY.low - 1) is SOLID and band_for(SOLID.low) is SOLID
    assert band_for(SOLID.low - 1) is NEEDS_WORK and band_for(0) is NEEDS_WORK
    assert READY.low - 1 == th.CAP_SOLID
    assert SOLID.low - 1 == th.CAP_NEEDS_WORK


def test_a_one_line_number_free_result_is_not_ready() -> None:
    report = check(
        situation="Last spring our checkout page failed for one card type at a big retailer.",
        task="I was asked to fix it before the holiday sale started in two weeks.",
        action=ACTION,
        result="The customers were happy.",
        reflection="I learned to test every card type before a release.",
    )
    assert report.band != READY.key
    assert report.score <= th.CAP_SOLID
    assert 100 + sum(points for _, points, _ in report.score_breakdown) == report.score


@pytest.mark.parametrize(
    ("action", "i", "we"),
    [
        ("The job kept failing, so I pulled the logs.", 1, 0),
        ("Then I fixed the loader.", 1, 0),
        ("My team and I rebuilt the loader.", 0, 1),
        ("I pulled the logs and we rolled back.", 1, 1),
        ("Failed payments fell from 4% to 0.2% within a week.", 0, 0),
        ("- rewrote the importer", 1, 0),
        # a verb after a comma continues the subject before it
        ("We tested it with 5 people, fixed the nav labels.", 0, 2),
    ],
)
def test_each_subject_is_counted_once(action: str, i: int, we: int) -> None:
    assert check(action=action).metrics["actions"] == {"i": i, "we": we}


# --- checker 2.1: how outcomes are measured ---------------------------------------------

SETUP = {
    "situation": "Our nightly sales load kept landing after the finance team's morning review.",
    "task": "My goal was to get the load in before 7 am every day of the peak season.",
    "action": ACTION,
}


@pytest.mark.parametrize(
    ("result", "quantified"),
    [
        # a group of people is a size, not an amount
        ("The six of us finished the last cutover on the final weekend of June.", False),
        ("All 4 of them signed off on the new runbook.", False),
        ("Three of the four regional teams adopted the runbook within a month.", True),
        # what was removed or added is the size of the fix; "by", "from ... to" size a change
        ("I cut two of the filters and the export shipped in the spring release.", False),
        ("I cut the backlog from 40 tickets to 5 in three weeks.", True),
        ("I cut cloud costs by 30% in a quarter.", True),
        # a forecast measures nothing yet, even beside a real outcome
        (
            "The model was adopted, and finance estimates it will reduce overstock by $300k.",
            False,
        ),
        ("Revenue grew 5% in the first quarter and it will keep growing.", True),
        (
            "The pilot went live in two stores, and the ops lead expects it to save about "
            "$90k a year once every store has it.",
            False,
        ),
        ("Returns are projected to fall 12% next year.", False),
        ("- roughly $40k/yr in overtime if rolled out to every depot", False),
        # a completion sized only by a count or the time the work took measures nothing
        ("After four weeks of work we launched it to every school in the district.", False),
        ("We shipped it in five weeks, ahead of the launch date.", False),
        ("The new rota went live on all six wards in May.", False),
        ("We shipped it three weeks early.", True),
        # what still holds, in the present tense; zero is a number
        ("The report now builds itself, which saves the analysts about 10 hours a week.", True),
        ("We got the open refund queue down to zero before the holidays.", True),
        # "the result:" leads into the clause that measures it
        ("Anyway, the result: out of roughly 300,000 orders that quarter there were two.", True),
        ("The upshot was that trial users made about two and a half times as many bookings.", True),
        ("It ran 3 times faster than the old export.", True),
        ("We met three times a week until the launch.", False),
        ("On the Friday the last region moved over and we had zero downtime.", True),
        (
            "The business case we wrote projects a 40% cut in stoppages once every line has "
            "sensors.",
            False,
        ),
        # how far a rollout reached is not how much it changed
        ("We went live on time and we're now in four countries and nine cities.", False),
        ("Now the ops team runs it in all twelve depots.", False),
        ("Three of the four regional teams now use it every week.", True),
        # a measured null is measured
        (
            "Readmissions were 14.2% with the tool and 14.0% without, a difference of 0.2 points.",
            True,
        ),
        # a lesson keeps the rest of its sentence ("more than ten" is not an outcome)
        (
            "What I learned is that people resist for a reason, and one coffee is worth more "
            "than ten arguments.",
            False,
        ),
        # two figures compared, with no one acting, state a change
        ("0 missed SLAs in Nov-Dec vs 7 the year before.", True),
        ("I ran 4 queries vs 1 in the old report.", False),
        ("The first cohort was taking calls solo in three weeks instead of six.", True),
        ("The new segment converted at 4.8% against 1.9% for the old one.", True),
        # how long the work took is not how much it changed; compared, it is
        (
            "In the end we got it into production in October, so it took about ten months "
            "in total, and the claims team started using it.",
            False,
        ),
        ("Month-end close took two days instead of five.", True),
        # a model's offline evaluation is evidence for the work, not its outcome
        ("The model reached an AUC of 0.86 on a held-out year, against 0.61 before.", False),
        ("It beat the rules engine by 12% in backtests.", False),
        # a figure that came out of it, or still holds
        ("The renewal came in at $260,000 a year instead of $410,000.", True),
        ("Even after the commitment we're saving roughly $130,000 a year.", True),
        ("- WISMO tickets: ~1,100/wk before, ~350/wk after", True),
        ("So they dropped the banner, and that saved forty thousand dollars a year.", True),
        ("It should save about 200 hours a year once it's live.", False),
        # a count of the people a step was tried with, and the fix after it, are the work
        ("we tested w/ 5 ppl, fixed nav labels", False),
        # adoption said as a count of people who did something measures the outcome
        ("In the first six weeks about 38,000 customers opened at least one pot.", True),
        ("We ran a survey that about 3,000 people answered.", False),
        # when something is to be done is a date, not a measure
        ("In the end they agreed to keep the program and to revisit it in six months.", False),
        ("Response times came down to under two hours in six months.", True),
        # time given back is measured; "going to the counties" is a direction, not the future
        ("The weekly meeting was cancelled, which gave back about 16 person-hours a week.", True),
        ("The share of our food going to the two rural counties went from 8% to 15%.", True),
        ("By the end of the quarter I had rewritten 48 articles and written 17 new ones.", False),
        # the state reached, dated after the work; a hedge after the figure keeps it
        ("Pick rate dipped for a week. Three months later we were at roughly 1 in 40.", True),
        ("I think revenue went up around 20%, maybe more, I'd have to check the number.", True),
        ("We revisited it a couple of months later and tweaked it a bit.", False),
        # a count of the work measures nothing, unless that count was the goal
        ("By the end of the half I'd launched like six models on it.", False),
        ("We migrated about 60 jobs by the end of the quarter, which was the goal.", True),
        # a measured null, and a share with its noun, measure the outcome
        ("In the next twelve months we had zero customer complaints on this part.", True),
        ("- outage ~47 min total, 0 data loss", True),
        ("The rebuild succeeded 58 nights out of 60.", True),
        ("- Gini 0.36 -> 0.58 on out-of-time sample, committee approved", False),
        # a state reported after a comma is read on its own
        (
            "On the first day we processed the new volume, p99 write latency was 45 "
            "milliseconds compared with around 400 before.",
            True,
        ),
        # the next figure of a forecast is a forecast too
        (
            "The business case projects about 30 fewer outages a year and around €1.1M saved "
            "in callouts.",
            False,
        ),
        # "up" is a direction of change only with its figure right after it
        ("After that I wrote it up for our other two plants.", False),
        ("Night-shift rejects went down by about 30% within a month.", True),
        # an aim is not an outcome
        ("We would aim to get the satisfaction score back above eight out of ten.", False),
        # a forecast said as "the forecast says", or marked as not measured
        ("- forecast says ~$1.2M/yr from consistent discounting", False),
        ("Roughly $80k a year in fuel, not measured yet.", False),
        ("in shadow mode now, finance proj. ~$1.5M/yr interchange recovered", False),
    ],
)
def test_a_number_counts_only_when_it_measures_the_outcome(result: str, quantified: bool) -> None:
    assert check(**SETUP, result=result).quantified is quantified
    text = "\n\n".join([*SETUP.values(), result])
    assert check(text=text).quantified is quantified


def test_notes_labelled_without_an_action_label_keep_their_action_bullets() -> None:
    notes = (
        "S: the daily sales table landed late seven times last peak, and the CFO noticed\n"
        "T: my team's pipelines, I'm the on-call owner for peak\n"
        "- moved the three heaviest jobs two hours earlier\n"
        "- added a retry and a backfill runbook anyone on the team can run\n"
        "R: 0 missed SLAs this peak vs 7 the year before"
    )
    report = check(text=notes)
    assert report.split_method == "labels"
    assert report.parts["task"] == "my team's pipelines, I'm the on-call owner for peak"
    assert report.parts["action"].startswith("- moved the three heaviest jobs")
    assert report.missing_parts == []
    assert report.quantified is True


def test_notes_labelled_only_at_the_end_split_their_beginning_by_roles() -> None:
    notes = (
        "Pricing model\n"
        "- ops finance, 3 regions each with its own pricing spreadsheet and discount rules\n"
        "- my goal: one model for all regions before the yearly planning\n"
        "- built it in Python on 2M rows of order history\n"
        "- walked each regional lead through their own numbers\n"
        "R: adopted for the FY24 plan, and discount disputes fell from 30 a month to 4\n"
        "lesson: get regional buy-in early"
    )
    report = check(text=notes)
    assert report.split_method == "labels"
    assert "my goal" in report.parts["task"]
    assert report.parts["action"].startswith("built it in Python")
    assert "3 regions" in report.parts["situation"]
    assert report.missing_parts == []
    assert report.quantified is True


@pytest.mark.parametrize(
    ("text", "mostly_we"),
    [
        # nobody acts: who the answer says does (or would do) things decides
        (
            "I haven't run one myself, but the way we'd handle it is we would page the owner, "
            "we would roll back first and then we'd write up what happened.",
            True,
        ),
        (
            "On my team we always put the customer first. We answer every ticket within a "
            "day and we follow up a week later to be sure it stuck.",
            True,
        ),
        (
            "I'm very hands-on. I always review every pull request and I mentor the two "
            "juniors we hired, so our quality stays high.",
            False,
        ),
        # "looked into" and "worked with" are steps; "the errors we saw" is not one
        (
            "The signup form lost half its visitors, so I looked into the funnel and I "
            "worked with design on a two-field version. We tested it and signups rose 18%.",
            False,
        ),
        (
            "My goal was fewer broken loads, so I added freshness checks and a runbook for "
            "the four errors we saw most. Fresh mornings went from 40% to 85%.",
            False,
        ),
    ],
)
def test_who_carries_the_answer(text: str, mostly_we: bool) -> None:
    assert check(text=text).mostly_we is mostly_we


def test_a_completion_with_concrete_content_is_a_result() -> None:
    report = check(**SETUP, result="The auditors signed off document control on their first visit.")
    assert "result" not in report.missing_parts
    assert "result" in check(**SETUP, result="It shipped.").missing_parts


def test_an_answer_that_tells_no_event_has_no_part_of_a_story() -> None:
    report = check(
        text="I'm very customer focused. I always make sure every ticket is answered within a "
        "day, and my goal is that customers feel heard. Customer satisfaction matters most to me."
    )
    assert set(report.missing_parts) == {"situation", "task", "action", "result"}


def test_adoption_is_a_result() -> None:
    report = check(**SETUP, result="The claims handlers use the scores every day now.")
    assert "result" not in report.missing_parts


def test_the_we_finding_says_whether_any_step_was_yours() -> None:
    def message(text: str) -> str:
        report = check(text=text)
        return next(f.message for f in report.findings if f.code == "ownership_we_heavy")

    none_mine = message(
        "Honestly we have not had an outage like that, but we would declare an incident, we "
        "would get the owner on a call, and I would write the summary. We would roll back."
    )
    one_mine = message(
        "On my team we always put the customer first. We answer every ticket within a day, "
        "I reviewed the queue, and we follow up a week later to be sure it stuck."
    )
    assert none_mine.endswith("no step is one you took.")
    assert one_mine.endswith("only one step is yours.")
