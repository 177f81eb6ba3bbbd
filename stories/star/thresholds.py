"""Every tunable number of the STAR checker: thresholds and score penalties.

Scoring starts at ``SCORE_START`` (100), subtracts the penalty attached to each
finding (the ``PENALTY_*`` constants below) and is clamped to 0..100.  Findings
with severity "ok" never cost points; "info" findings cost at most a few.
"""

from __future__ import annotations

# --- speaking time -----------------------------------------------------------
WORDS_PER_MINUTE = 150
MIN_SPEAKING_SECONDS = 60
MAX_SPEAKING_SECONDS = 180

# --- parts -------------------------------------------------------------------
# A core part with fewer words than this is "trivial" (reported as missing).
MIN_PART_WORDS = {"situation": 6, "task": 4, "action": 4, "result": 4}
# Words of a goal sentence beyond this many set the scene (count for the Situation).
GOAL_SENTENCE_WORDS = 8
# A typed Result with no outcome cue still counts from this many words.
RESULT_BENEFIT_OF_DOUBT_WORDS = 12
# A reflection shorter than this counts as no reflection.
MIN_REFLECTION_WORDS = 5

# --- balance -----------------------------------------------------------------
# Balance is only judged once the four core parts hold this many words.
BALANCE_MIN_WORDS = 40
# Situation + Task above this share of the core words crowds out the rest.
SETUP_SHARE_MAX = 0.45

# --- ownership ---------------------------------------------------------------
# "Mostly we": at least this many actions by we/the team, and more than this
# many times the actions by "I" (judged over the Task, Action and Result clauses).
WE_ACTIONS_MIN = 1
WE_ACTIONS_RATIO = 1.0
# Fewer actions than this ("the two juniors we hired") say too little about who acted:
# then who is the subject of any verb decides.
ACTIONS_TO_JUDGE_OWNERSHIP = 2
# With too few actions, "we" must be the subject this often to carry the answer.
WE_SUBJECTS_MIN = 2
# "It was a team effort" counts as this many actions by the team.
TEAM_EFFORT_WE_ACTIONS = 2

# --- hypothetical framing ----------------------------------------------------
# This many "I would"-style phrases in Action/Result turn info into warn.
HYPOTHETICAL_WARN_COUNT = 2
# Likewise for hedges ("I think", "maybe") across the core parts.
HEDGE_WARN_COUNT = 2
# An Action with more than this many "I would"s per thing actually done is hypothetical.
HYPOTHETICAL_ACTIONS_RATIO = 2

# --- age ---------------------------------------------------------------------
STORY_MAX_AGE_DAYS = 3 * 365 + 1

# --- splitting an undivided answer ---------------------------------------------
SPLIT_CONFIDENCE_WARN = 0.5
SPLIT_SKIP_PENALTY = 0.5  # cost of leaving a core part without a sentence
SPLIT_PRIOR_WEIGHT = 1.0  # weight of "where in the answer" vs. cue words
# Where each part (S, T, A, R, Reflection) usually sits, 0 = start, 1 = end,
# and how far from there a sentence still gets some positional credit.
SPLIT_PART_CENTRES = (0.08, 0.22, 0.55, 0.85, 0.97)
SPLIT_PART_WIDTHS = (0.3, 0.25, 0.35, 0.25, 0.15)
SPLIT_I_PAST_ACTION_WEIGHT = 0.6  # "I built", "I wrote" lean towards the Action
# How well a unit of each role fits each part (S, T, A, R, Reflection).  Task,
# Result and Reflection take only units that state a goal, an outcome or a lesson,
# so an answer that never states a goal has no Task and one that stops early has
# no Result.
SPLIT_ROLE_SCORES = {
    "context": (0.5, -3.0, 0.0, -0.5, -2.0),
    "goal": (0.0, 3.0, 0.0, -2.0, -2.0),
    "action": (-0.5, -3.0, 1.5, -0.5, -2.0),
    "outcome": (-1.0, -3.0, 0.0, 2.5, -2.0),
    "generic_outcome": (-1.0, -3.0, 0.0, 1.5, -2.0),
    "measured_outcome": (-1.0, -3.0, 0.0, 3.5, -2.0),
    "lesson": (-1.0, -3.0, -0.5, -1.0, 3.0),
}
SPLIT_FOLLOW_UP_MARGIN = 1.0  # how much less Result than Action a follow-up step gets
SPLIT_STRONG_CUE = 1.0  # cue weight that backs a part's assignment
SPLIT_CONFLICT_CUE = 1.5  # a cue this strong for another part is a conflict
# Confidence of a cue-based split: base + per backed part + per present part
# - per conflict, capped; answers with fewer sentences than parts are capped lower.
SPLIT_CONFIDENCE_BASE = 0.15
SPLIT_CONFIDENCE_PER_BACKED_PART = 0.15
SPLIT_CONFIDENCE_PER_PRESENT_PART = 0.05
SPLIT_CONFIDENCE_PER_CONFLICT = 0.1
SPLIT_CONFIDENCE_CUES_MAX = 0.9
SPLIT_CONFIDENCE_PER_SENTENCE_WHEN_FEW = 0.1
# Confidence of a label-based split: base + per core part labelled (max 0.95).
SPLIT_LABELS_CONFIDENCE_BASE = 0.55
SPLIT_LABELS_CONFIDENCE_PER_PART = 0.1

# --- principle suggestions -----------------------------------------------------
PRINCIPLE_LIMIT = 3
PRINCIPLE_MIN_DISTINCT_CUES = 2
PRINCIPLE_MIN_SCORE = 1.5
PRINCIPLE_PHRASE_FACTOR = 1.5
PRINCIPLE_EXTRA_PART_BONUS = 0.25
PRINCIPLE_PART_WEIGHTS = {
    "situation": 0.5,
    "task": 0.75,
    "action": 1.5,
    "result": 1.25,
    "reflection": 1.0,
}

# --- score -------------------------------------------------------------------
SCORE_START = 100
SCORE_MIN = 0
SCORE_MAX = 100

# Caps that keep a story out of a band (see bands.py): the top of Solid, of Needs work.
CAP_SOLID = 84
CAP_NEEDS_WORK = 64

PENALTY_PART_MISSING = {"situation": 12, "task": 10, "action": 30, "result": 25}
PENALTY_PART_TRIVIAL = {"situation": 6, "task": 5, "action": 15, "result": 12}
PENALTY_REFLECTION_MISSING = 5
PENALTY_NOT_QUANTIFIED = 12
PENALTY_TOO_SHORT = 10
PENALTY_TOO_LONG = 8
PENALTY_ACTION_NOT_LARGEST = 8
PENALTY_SETUP_HEAVY = 6
PENALTY_NO_I_IN_ACTION = 12
PENALTY_WE_HEAVY = 6
PENALTY_PER_VAGUE = 3
PENALTY_VAGUE_CAP = 12
PENALTY_PER_HEDGE = 2
PENALTY_HEDGE_CAP = 10
PENALTY_PER_HYPOTHETICAL = 5
PENALTY_HYPOTHETICAL_CAP = 20
PENALTY_PER_PASSIVE = 3
PENALTY_PASSIVE_CAP = 9
PENALTY_STORY_OLD = 0  # info only
PENALTY_SPLIT_LOW_CONFIDENCE = 0  # about the checker, not the story
