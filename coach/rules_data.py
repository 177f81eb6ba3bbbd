"""Phrasing tables for the offline coach (``rules.py``): data, no logic.

Templates with ``{quote}`` get a short piece of the user's own text; templates
with ``{part}`` get a capitalised part name. Every question ends with "?".
"""

from __future__ import annotations

from stories.star.lexicon import INTENSIFIERS

# --- checker findings ---------------------------------------------------------------
#: Order within one severity: the most damaging gaps first.
CODE_ORDER: tuple[str, ...] = (
    "part_missing",
    "part_trivial",
    "impact_not_quantified",
    "ownership_no_i",
    "ownership_we_heavy",
    "hypothetical",
    "vague_claim",
    "passive_action",
    "hedging",
    "balance_action_not_largest",
    "reflection_missing",
)

#: A missing or thin core part: what to ask for.
PART_QUESTIONS: dict[str, str] = {
    "situation": "What was going on at the time, and what was at stake?",
    "task": "What exactly were you responsible for, and why did it matter?",
    "action": "What did you actually do, step by step?",
    "result": "How did it turn out: what changed because of what you did?",
}
PART_MISSING_REASON = "Your {part} is missing."
PART_TRIVIAL_REASON = "Your {part} is very thin."

#: code -> (question, part, reason) for findings that need no quote.
FIXED_QUESTIONS: dict[str, tuple[str, str, str]] = {
    "impact_not_quantified": (
        "What changed, in numbers, because of what you did?",
        "result",
        "Your Result has no number.",
    ),
    "ownership_no_i": (
        "What did you do yourself, as opposed to the team?",
        "action",
        "Your Action never says what you did with an 'I'.",
    ),
    "ownership_we_heavy": (
        "What did you do yourself, as opposed to the team?",
        "action",
        "Your Action says 'we' far more than 'I'.",
    ),
    "balance_action_not_largest": (
        "Walk me through the steps you took, in order: what did you do first?",
        "action",
        "Your Action is shorter than another part of the story.",
    ),
    "reflection_missing": (
        "What would you do differently next time?",
        "reflection",
        "There is no reflection.",
    ),
}

#: Vague phrases: (words that pick the class, question template, words of context before).
VAGUE_CLASSES: tuple[tuple[tuple[str, ...], str, int], ...] = (
    (
        ("stakeholder", "consensus", "alignment"),
        "You said '{quote}': who exactly, and what did each of them agree to?",
        0,
    ),
    (
        (
            *INTENSIFIERS,  # the checker's own list of claims that need a number
            "great deal",
            "much ",
            "way ",
            "improvement",
            "impact",
            "improved",
            "difference",
            "successful",
        ),
        "You said '{quote}': by how much, and how did you measure it?",
        3,
    ),
    (
        ("etc", "and so", "various", "many things"),
        "You said '{quote}': which specific ones mattered most, and why?",
        2,
    ),
    (
        ("best practice", "best in class", "world class", "cutting edge", "state of the art"),
        "You said '{quote}': which practice exactly, and why was it right here?",
        0,
    ),
)
#: Phrases of one finding considered (a finding can flag dozens).
SPANS_MAX = 6
#: Finding code -> group; a group gives at most ``GROUP_LIMITS`` questions per answer.
FINDING_GROUPS: dict[str, str] = {
    "vague_claim": "vague",
    "hedging": "hedge",
    "hypothetical": "hypothetical",
    "passive_action": "passive",
}
VAGUE_DEFAULT = "You said '{quote}': what did that mean concretely, with a name or an example?"
VAGUE_REASON = "Your {part} uses vague wording."

HEDGE_QUESTION = "You said '{quote}': what actually happened, as far as you know for sure?"
HEDGE_REASON = "Hedging makes your {part} sound unsure."
HYPOTHETICAL_QUESTION = "You said '{quote}': what did you actually do at the time?"
HYPOTHETICAL_REASON = "Your {part} says what you would do, not what you did."
PASSIVE_DECIDED = "You said '{quote}': who decided that, and what was your part in it?"
PASSIVE_OTHER = "You said '{quote}': who did that, and was it you?"
PASSIVE_DECIDED_CUES: tuple[str, ...] = ("decid", "agreed", "chosen", "approved", "selected")
PASSIVE_REASON = "Passive voice hides who acted."

#: Words of context (before, after) quoted around a flagged phrase; see ``rules._context``.
HEDGE_CONTEXT = (2, 4)
HYPOTHETICAL_CONTEXT = (1, 4)
PASSIVE_CONTEXT = (1, 2)

# --- quote-backs from the story itself ---------------------------------------------
#: Most telling quantity kinds first (kinds from ``stories.star.Quantity``).
QUANTITY_KIND_ORDER: tuple[str, ...] = (
    "percent",
    "money",
    "multiplier",
    "change",
    "range",
    "count",
    "duration",
    "rank",
)
#: Kinds worth quoting back from the Action (not "for two weeks" or "top 3").
ACTION_QUANTITY_KINDS: tuple[str, ...] = (
    "percent",
    "money",
    "multiplier",
    "change",
    "range",
    "count",
)
RESULT_NUMBER_ATTRIBUTION = (
    "You said '{quote}': how do you know it was your work and not something else, "
    "such as seasonality?"
)
RESULT_NUMBER_ATTRIBUTION_REASON = "Interviewers test whether a result was really yours."
RESULT_NUMBER_MEASURE = "You said '{quote}': how was that measured, and over what period?"
RESULT_NUMBER_MEASURE_REASON = "Interviewers check where a number came from."
ACTION_NUMBER = "You mentioned '{quote}': how did you arrive at that, and what did it lead to?"
ACTION_NUMBER_REASON = "A number in your Action invites a closer look."
RESULT_CLAIM = "You said '{quote}': what evidence showed that, and who would confirm it?"
RESULT_CLAIM_REASON = "Your Result makes a claim without evidence."
#: Numbers of one part considered for quoting back (most telling first).
NUMBERS_QUOTED = 3
#: Words of context (before, after) around a quoted number or claim.
NUMBER_CONTEXT = (4, 3)
CLAIM_CONTEXT = (3, 3)
#: Outcome words that make a Result sentence a claim worth quoting back.
CLAIM_WORDS: tuple[str, ...] = (
    "improved",
    "improve",
    "improves",
    "reduced",
    "increased",
    "decreased",
    "grew",
    "doubled",
    "halved",
    "saved",
    "faster",
    "better",
    "cheaper",
    "launched",
    "shipped",
    "delivered",
    "fixed",
    "resolved",
    "solved",
    "eliminated",
    "prevented",
    "won",
    "praised",
    "adopted",
    "successful",
    "successfully",
    "succeeded",
    "happier",
    "happy",
)

#: Questions per answer from one group (quote-backs of one kind, quoted phrases of one
#: finding); the rest wait for a later round.
GROUP_LIMITS: dict[str, int] = {
    "vague": 2,
    "hedge": 1,
    "hypothetical": 1,
    "passive": 1,
    "result_number_attribution": 1,
    "result_number_measure": 1,
    "result_claim": 1,
    "action_number": 1,
}

# --- principle probes ----------------------------------------------------------------
PROBE_REASON = "A common {name} follow-up."
PROBE_REASON_NO_NAME = "A common follow-up for this principle."
PROBES_MAX = 40
#: A probe written as a request ("Walk me through...") becomes "Could you walk me through...?".
IMPERATIVE_OPENERS: tuple[str, ...] = (
    "walk",
    "talk",
    "tell",
    "describe",
    "explain",
    "give",
    "share",
    "take",
)
IMPERATIVE_PREFIX = "Could you "
#: First match wins; cues are word starts in the normalised probe.
PROBE_PART_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "reflection",
        ("differently", "looking back", "learn", "next time", "sooner", "earlier", "hindsight"),
    ),
    (
        "result",
        (
            "afterwards",
            "better off",
            "hit it",
            "measure",
            "savings",
            "improved",
            "stayed fixed",
            "outcome",
            "result",
            "after the",
        ),
    ),
    (
        "situation",
        ("at the start", "in the first place", "existing approach", "original scope", "officially"),
    ),
    ("task", ("target", "the bar", "scope", "goal", "responsible")),
    ("action", ("did you", "you did", "do you", "you do")),
)

# --- data-science loop probes ----------------------------------------------------------
#: Phrases blanked out before looking for cues ("business model" is not a model).
NOT_DS_PHRASES: tuple[str, ...] = (
    "business model",
    "operating model",
    "role model",
    "delivery model",
    "engagement model",
)
#: (label for the reason, cue phrases, probes as (question, part)); asked round-robin.
DS_GROUPS: tuple[tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]], ...] = (
    (
        "a model",
        (
            "model",
            "models",
            "modelling",
            "modeling",
            "machine learning",
            "ml",
            "classifier",
            "classification",
            "regression",
            "neural network",
            "deep learning",
            "xgboost",
            "random forest",
            "gradient boosting",
            "recommender",
            "predictions",
            "predictive",
            "training data",
            "feature engineering",
        ),
        (
            ("What was the baseline, and how did you choose it?", "action"),
            (
                "How did the offline metric compare with what you saw once the model was live?",
                "result",
            ),
            (
                "How did you make sure nothing from the evaluation data leaked into training?",
                "action",
            ),
            ("Why this kind of model, and what simpler option did you try first?", "action"),
            ("How did you watch the model after launch for drift or decay?", "result"),
        ),
    ),
    (
        "an experiment",
        (
            "a/b",
            "ab test",
            "ab tests",
            "ab testing",
            "experiment",
            "experiments",
            "experimented",
            "experimentation",
            "split test",
            "split testing",
            "control group",
            "treatment group",
            "holdout",
            "randomised",
            "randomized",
            "statistically significant",
            "statistical significance",
            "p-value",
            "p value",
            "confidence interval",
            "uplift",
        ),
        (
            (
                "How did you decide on the sample size and how long to run the experiment?",
                "action",
            ),
            ("Which guardrail metrics did you watch, and did any of them move?", "result"),
            ("How did you rule out a novelty effect or a one-off spike in the results?", "result"),
            ("What was the control, and how were users assigned to each group?", "action"),
            ("What would you have done if the result had been flat or negative?", "reflection"),
        ),
    ),
    (
        "a forecast",
        (
            "forecast",
            "forecasts",
            "forecasting",
            "forecasted",
            "time series",
            "demand planning",
        ),
        (
            ("What simple baseline did the forecast have to beat, and by how much?", "action"),
            ("How did you backtest the forecast before people relied on it?", "action"),
            ("How far off was the forecast once the real numbers came in?", "result"),
        ),
    ),
    (
        "a metric",
        ("metric", "metrics", "kpi", "kpis", "north star"),
        (
            (
                "How did you define the metric, and what could make it move without a real "
                "improvement?",
                "action",
            ),
            ("Why was that the right metric to judge success, rather than an easier one?", "task"),
        ),
    ),
    (
        "a dashboard",
        ("dashboard", "dashboards", "tableau", "looker", "power bi"),
        (
            ("Who used the dashboard, and which decision changed because of it?", "result"),
            (
                "How did you check the numbers on it were right before people relied on them?",
                "action",
            ),
        ),
    ),
    (
        "data work",
        (
            "data quality",
            "pipeline",
            "pipelines",
            "etl",
            "missing values",
            "missing data",
            "outliers",
            "duplicates",
            "deduplication",
            "data cleaning",
            "dataset",
            "datasets",
            "data set",
            "data warehouse",
            "sql",
        ),
        (
            (
                "How did you check the data was complete and correct before you trusted it?",
                "action",
            ),
            (
                "How did you handle missing values, duplicates or outliers, and did that change "
                "the answer?",
                "action",
            ),
            ("What broke in the data along the way, and how did you find out?", "action"),
        ),
    ),
)
DS_REASON = "Your story mentions {label}."

# --- fallbacks -------------------------------------------------------------------------
GENERIC_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("What was the hardest part, and how did you get past it?", "action"),
    ("What options did you consider, and why did you pick this one?", "action"),
    ("Who did you need to bring along, and how did you win them over?", "action"),
    ("What would you do differently if you faced this again?", "reflection"),
    ("What was at stake if this had gone wrong?", "situation"),
    ("What happened afterwards: did the result last?", "result"),
    ("What did this experience teach you that you still use today?", "reflection"),
)
GENERIC_REASON = "A common follow-up in behavioural interviews."

# --- telling questions apart -------------------------------------------------------------
#: Questions sharing a topic are near-identical, whatever the wording.
TOPIC_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "ownership",
        (
            "do yourself",
            "did yourself",
            "personally do",
            "personally did",
            "as opposed to the team",
            "rest of the team",
        ),
    ),
    ("redo", ("differently",)),
    ("baseline", ("baseline",)),
)
#: Words a quote should not start on (a preposition cut from its phrase).
LEADING_DANGLING_WORDS: frozenset[str] = frozenset({
    "of", "for", "to", "in", "on", "at", "by", "from", "with", "into", "over", "under",
    "across", "about", "per", "than", "via", "through", "during", "and", "or", "but",
})  # fmt: skip
#: Words that open a new clause: quoted context stops there.
CLAUSE_WORDS: frozenset[str] = frozenset({
    "and", "but", "so", "because", "which", "while", "then", "when", "after", "before",
    "although", "though", "whereas", "or", "since",
})  # fmt: skip
#: Words a quote should not end on.
DANGLING_WORDS: frozenset[str] = frozenset({
    "a", "an", "the", "to", "of", "for", "with", "in", "on", "at", "by", "from", "and", "or",
    "but", "as", "into", "our", "my", "their", "its", "over", "under", "across", "about",
    "per", "than", "via", "through", "during", "is", "was", "were", "are", "be", "among",
    "between", "within", "without", "against", "toward", "towards", "like", "including",
    "worth", "around", "roughly", "nearly", "almost", "some", "after", "before", "since",
})  # fmt: skip
