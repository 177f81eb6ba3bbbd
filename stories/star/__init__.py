"""STAR checker: feedback on behavioural-interview stories.

Pure Python, standard library only, deterministic; no Django.

    from stories.star import check, suggest_principles, PrincipleCues, CHECKER_VERSION

    report = check(situation=..., task=..., action=..., result=..., reflection="", when=None)
    report = check(text="one undivided answer")   # split into parts; see report.split_confidence
    report.score, report.band, report.findings, report.missing_parts, report.quantified,
    report.mostly_we, report.metrics, report.parts, report.score_breakdown,
    report.highlights(part), report.to_dict()

Verdicts follow the role of each clause (``roles.py``: goal, action, outcome, lesson,
context, filler): a Task needs a stated goal, a Result an outcome that says what
changed, "quantified" a number in that outcome, "mostly we" a majority of action
clauses with we/the team as subject.  ``python -m stories.star`` checks JSON Lines
(``batch.py``).

    suggest_principles(action=..., result=..., principles=[PrincipleCues(key, name, cues)])

Highlight kinds: quantity, we, i, vague, hedge, passive (only flagged phrases
are highlighted as vague/hedge/passive).

Finding codes (severity; part) -- the full table is ``codes.CODES``:

    part_missing                error  S/T/A/R   a core part is empty, or holds nothing of its
                                                 kind (no stated goal, no step taken, a
                                                 lesson instead of an outcome)
    part_trivial                warn   S/T/A/R   too few words, "n/a"/"TBD", "it went well"
    parts_ok                    ok     story
    reflection_missing          info   reflection
    reflection_ok               ok     reflection
    balance_action_not_largest  warn   action    another core part has more words
    balance_setup_heavy         warn   story     Situation+Task > 45% of core words
    balance_ok                  ok     story
    ownership_no_i              warn   action    no "I" as the subject in the Action
    ownership_we_heavy          warn   action    we/the team carries most action clauses
    ownership_ok                ok     action
    impact_quantified           ok     result    spans = the quantities found
    impact_not_quantified       warn   result
    length_short                warn   story     under 60 s at 150 words a minute
    length_long                 warn   story     over 180 s
    length_ok                   ok     story
    vague_claim                 warn   S/T/A/R   "significantly" with no number in the
                                                 sentence; "aligned stakeholders",
                                                 "best practices"... with no number or name
    hedging                     warn/info S/T/A/R "I think", "kind of", "maybe"...
    hypothetical                warn/info A/R    "I would", "we could have"...
    passive_action              warn   action    "was implemented", "it was decided"
    story_old                   info   story     older than ~3 years (needs ``when``)
    story_date_future           info   story
    split_low_confidence        warn   story     text= only, confidence < 0.5
    split_info                  info   story     text= only

Score: start at 100, subtract each finding's penalty, apply the band caps (no measured
outcome, no stated goal or "mostly we": at most 84; no Result or Action, or a
hypothetical answer: at most 64), clamp to 0..100.  Bands (``bands.py``): Ready 85+,
Solid 65-84, Needs work below 65.
Penalties (``thresholds.py``): missing Situation 12 / Task 10 / Action 30 /
Result 25 (trivial: 6 / 5 / 15 / 12); no numbers in the Result 12; too short 10;
too long 8; Action not largest 8; setup heavy 6; no "I" in the Action 12;
we-heavy 6; vague 3 each (max 12); hedge 2 each (max 10); hypothetical 5 each
(max 20); passive 3 each (max 9); no reflection 5; old story, split confidence
and "ok" findings 0.  ``report.score_breakdown`` lists (label, -points, reason)
and always sums to ``score - 100``.
"""

from __future__ import annotations

from .bands import BANDS, Band, band_for
from .checker import CHECKER_VERSION, check
from .codes import CODES
from .principles import PrincipleCues, Suggestion, suggest_principles
from .quantities import Quantity, find_quantities
from .report import Finding, StarReport
from .splitter import SplitResult, split_answer

__all__ = [
    "BANDS",
    "CHECKER_VERSION",
    "CODES",
    "Band",
    "Finding",
    "PrincipleCues",
    "Quantity",
    "SplitResult",
    "StarReport",
    "Suggestion",
    "band_for",
    "check",
    "find_quantities",
    "split_answer",
    "suggest_principles",
]
