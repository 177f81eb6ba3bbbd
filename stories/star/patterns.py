"""Regular expressions, compiled once at import.

Every pattern runs on lowercased text (same length as the original, so spans
line up) and starts with a literal or a single character class, which lets
the regex engine skip quickly to candidate positions.  No pattern nests
unbounded repeats, so matching stays linear in the text size.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from . import lexicon as lx
from .report import PART_NAMES

_SEP = r"[ \t\-]+"
_APOS = r"['\u2019]"
# Every phrase pattern starts by matching the character before the phrase
# (run it on " " + text), so the engine only tries word starts.
_BEFORE = r"[^\w]"


def _units(phrase: str) -> list[str]:
    """Regex units of a phrase: a space matches spaces/hyphens, ' a typographic one too."""
    units = []
    for char in phrase:
        if char == " ":
            units.append(_SEP)
        elif char == "'":
            units.append(_APOS)
        else:
            units.append(re.escape(char))
    return units


# A character trie: each unit maps to the rest; "" marks the end of a phrase.
Trie = dict[str, "Trie"]


def _trie_source(trie: Trie) -> str:
    keys = sorted(key for key in trie if key)
    alternatives = [key + _trie_source(trie[key]) for key in keys]
    if not alternatives:
        return ""
    if len(alternatives) == 1:
        body = alternatives[0]
        return f"(?:{body})?" if "" in trie else body
    body = "(?:" + "|".join(alternatives) + ")"
    return body + "?" if "" in trie else body


def phrase_alternation(phrases: Iterable[str]) -> str:
    """Regex source matching any phrase as whole words, longest first.

    Phrases are merged into a character trie; the match includes the one
    character before the phrase, so search ``" " + text`` and shift spans
    (see ``phrase_spans``).
    """
    trie: Trie = {}
    for phrase in phrases:
        node = trie
        for unit in _units(phrase):
            node = node.setdefault(unit, {})
        node[""] = {}
    return f"{_BEFORE}(?:{_trie_source(trie)})(?!\\w)"


def phrase_spans(regex: re.Pattern[str], low: str) -> list[tuple[int, int, str]]:
    """(start, end, matched text) of a ``phrase_alternation`` regex in ``low``."""
    return [(m.start(), m.end() - 1, m.group()[1:]) for m in regex.finditer(" " + low)]


def normalise_phrase(matched: str) -> str:
    """Map matched text back to its lexicon spelling."""
    return " ".join(matched.replace("\u2019", "'").replace("-", " ").split())


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


# --- one pass for all lexicon words ------------------------------------------------
LEX_KINDS: dict[str, str] = {}
for _kind, _phrases in (
    ("i", lx.I_FORMS),
    ("we", lx.WE_FORMS),
    ("be", lx.BE_FORMS),
    ("num", lx.NUMBER_WORDS),
    ("change", lx.CHANGE_WORDS),
    ("intens", lx.INTENSIFIERS),
    ("buzz", lx.BUZZWORDS),
    ("hedge", lx.HEDGES),
    ("hypo", lx.HYPOTHETICALS),
):
    for _phrase in _phrases:
        LEX_KINDS[_phrase] = _kind  # later kinds win: "i'll" is hypothetical
LEX_RE = re.compile(phrase_alternation(LEX_KINDS))

# --- sentences -----------------------------------------------------------------------
# A sentence ends at a line break, or at . ! ? when the next visible
# character is not lowercase or a digit ("e.g. the", "3.5" do not end one).
# Only the first of a run of terminators can match, and the closing run is
# bounded and possessive, so "....." or '."."."' stays linear.
SENTENCE_END_RE = re.compile(
    r"[.!?\n](?:(?<=\n)|(?<![.!?].)[.!?\"'\u201d\u2019)\]]{0,8}+(?=\s*$|\s+[^a-z0-9\s~$€£¥₹]))"
)
# A full stop before a lowercase word also ends a sentence (speech-to-text writes
# "i pulled the logs. as a result churn fell") unless the word before it is an
# abbreviation or a single letter ("e.g. the", "approx. half").
# The stop comes first (then the look back), so the engine skips straight to stops.
LOWER_SENTENCE_END_RE = re.compile(r"[.!?](?<=[A-Za-z0-9%)\]][.!?])(?=[ \t]+[a-z])")
WORD_BEFORE_STOP_RE = re.compile(r"([A-Za-z.]+)$")

# --- numbers -------------------------------------------------------------------------
NUMBER_START_RE = re.compile(r"[0-9$€£¥₹]")
NUMBER_TOKEN_RE = re.compile(
    r"(?P<dt>[0-9]{1,4}[/.\-][0-9]{1,2}[/.\-][0-9]{1,4}(?![0-9])"
    r"|[0-9]{1,2}:[0-9]{2}(?![0-9]))"
    r"|(?P<cur>[$€£¥₹])?[ \t]?(?P<num>[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?)"
    r"(?P<range>[ \t]?[\u2013-][ \t]?[$€£¥₹]?[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?"
    r"|/[0-9]+)?"
)
_UNITS = _alt(lx.DURATION_UNITS)
_MAGS = _alt(lx.MAGNITUDES)
SUFFIX_RE = re.compile(
    r"(?P<pct>[ \t]?(?:%|percent\b|per[ \t]cent\b|percentage[ \t]points?\b"
    r"|pp\b|bps\b|basis[ \t]points?\b))"
    r"|(?P<ord>(?:st|nd|rd|th)\b)"
    r"|(?P<ampm>[ \t]?[ap]\.?m\b\.?)"
    r"|(?P<mult>[ \t]?[x\u00d7](?![a-z0-9])|[ \t]+times(?=[ \t]+(?:as|more|less|fewer|faster"
    r"|slower|higher|lower|bigger|larger|smaller|longer|shorter|cheaper|better|the|over)\b))"
    rf"|(?P<mag>[ \t]?(?:{_MAGS})\b)"
    rf"|(?P<unit>[ \t]?-?[ \t]?(?:{_UNITS})\b)"
    r"|(?P<person>[ \t]?-[ \t]?(?:person|people|member|strong)\b"
    r"|[ \t](?:person|member|strong)\b)"
    r"|(?P<word>[ \t]+(?P<next>[a-z]+))"
)
# After a count: the people who took part in the work ("around fifteen people touched it").
PARTICIPANTS_AFTER_RE = re.compile(
    rf"[ \t]+(?:{_alt(('people', 'persons', 'folks', 'staff', *sorted(lx.CREW_NOUNS)))})"
    rf"[ \t]+(?:(?:have|had)[ \t]+)?(?:{_alt(lx.PARTICIPATION_VERBS)})(?![a-z])"
)
# After a duration: when something happened, not how much ("two years ago", "six weeks
# later", "eighteen months after I started managing her").
AFTER_UNIT_RE = re.compile(r"\s+(?:ago|later|earlier|after\s+(?:i|we|she|he|they|you)\s)\b")
CURRENCY_AFTER_RE = re.compile(rf"[ \t]+(?:{_alt(lx.CURRENCY_WORDS)})\b")
_MONTHS = _alt(lx.MONTHS)
MONTH_AFTER_RE = re.compile(rf"(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?(?:{_MONTHS})\b")
NUMBER_WORD_TAIL_RE = re.compile(
    r"(?:[ \t]+|-)(?:and[ \t]+|point[ \t]+)?(?:" + _alt(lx.NUMBER_WORDS) + r")(?![a-z])"
)
FROM_TO_RE = re.compile(
    r"from[ \t]+[$€£¥₹]?[ \t]?[0-9][0-9,.]*"
    rf"(?:[ \t]?(?:%|(?:{_UNITS}|{_MAGS})\b))?"
    r"[ \t]+(?:down[ \t]+|up[ \t]+)?to[ \t]+[$€£¥₹]?[ \t]?[0-9][0-9,.]*"
    rf"(?:[ \t]?(?:%|(?:{_UNITS}|{_MAGS})\b))?"
)

# --- passive voice -------------------------------------------------------------------
PASSIVE_TAIL_RE = re.compile(
    r"[ \t]+(?:(?:[a-z]+ly|then|also|all|not|never|later|soon|just|first)[ \t]+)?"
    r"(?P<verb>[a-z]+)"
)
# "by" and an agent within a few words: who acted is said.
PASSIVE_AGENT_RE = re.compile(r"(?:[ \t]+[a-z]+){0,3}?[ \t]+by[ \t]+[a-z]")
PREV_LOW_WORD_RE = re.compile(r"([a-z'\u2019]+)[ \t,;:]*$")

# --- anchors for buzzwords -------------------------------------------------------------
PROPER_NOUN_RE = re.compile(r"[ \t(\"\u201c][A-Z][A-Za-z0-9&]+")

# --- splitting -------------------------------------------------------------------------
# cue phrase -> (part index in PART order, weight)
SPLIT_CUE_PART: dict[str, tuple[int, float]] = {}
for _part, _cues in lx.SPLIT_CUES.items():
    for _cue, _weight in _cues.items():
        SPLIT_CUE_PART.setdefault(_cue, (PART_NAMES.index(_part), float(_weight)))
I_PAST_RE = re.compile(
    r"i(?<![\w'\u2019].)[ \t]+(?:[a-z]+ed|built|wrote|led|made|ran|met|took|set)\b"
)
# Cue phrases and section label words ("Situation", "what I did") in one pass;
# the splitter checks that a label opens a line or follows a sentence end, and
# is followed by the label tail (":", " - " or the end of the line).
SPLIT_RE = re.compile(phrase_alternation([*SPLIT_CUE_PART, *lx.SECTION_LABELS]))
SECTION_LABEL_TAIL_RE = re.compile(
    r"[ \t*_]*(?::|[ \t]+[-\u2013\u2014][ \t]|[ \t\r]*(?=\n|$))[ \t*_]*"
)

# Prep notes label parts with one letter at the start of a line ("S: ...", "R -");
# "Q:" is the question being prepared for, no part of the answer.
LETTER_LABEL_RE = re.compile(
    r"^[ \t>*_#\u2022-]*(?P<letter>[STARQLstarql])[ \t]*(?::|\)|[ \t]-[ \t]|[ \t]*$)[ \t]*",
    re.MULTILINE,
)
# Two figures joined by an arrow state a change ("5xx ~1% -> ~0.01%").
ARROWS = ("->", "=>", "\u2192")
ARROW_BEFORE_RE = re.compile(r"[0-9][^\n>\u2192]{0,24}$")
ARROW_AFTER_RE = re.compile(r"[ \t~<>]*[$€£]?[0-9]")
# "of us", "of them" right after a number: people counted as a group ("the six of us").
GROUP_AFTER_RE = re.compile(rf"[^a-z0-9]of (?:{_alt(lx.GROUP_PRONOUNS)})(?![a-z0-9])")
# A comparison word with a figure after it; ARROW_BEFORE_RE finds the figure before it.
COMPARISON_RE = re.compile(
    r"[vc](?<![\w][vc])(?:s\.?|ersus|ompared (?:with|to))(?=[ \t]+(?:about |around |~)?[$€£]?[0-9])"
)
# Between two figures, a comparison: "three weeks instead of six", "4.8% against 1.9%".
COMPARISON_GAP_RE = re.compile(
    r"[ \t]*(?:instead of|rather than|against|vs\.?|versus|compared (?:with|to))"
    r"[ \t]+(?:about |around |roughly |like |~)?"
)
# A signed figure states a change ("+15%", "\u22123 pts"); "up"/"down" + figure is a role cue.
SIGNED_CHANGE_RE = re.compile(r"[+\u2212](?<![\w.][+\u2212])[0-9]")

# A state that changed, said without a number: "the page was much faster after",
# "marketing now uses it", "it is now part of the review".  Matched backwards from a
# comparative, and forwards from "now" (both found by the role cues' one pass).
STATE_BEFORE_COMPARATIVE_RE = re.compile(
    r"(?:^|[^a-z])(?:was|were|is|are|got|became|felt|looked)[ \t]+(?:(?:much|way|a[ \t]+lot"
    r"|far|noticeably|significantly|visibly|clearly)[ \t]+)?$"
)
STATE_AFTER_NOW_RE = re.compile(
    r"[ \t]+(?:uses|runs|takes|gets|has|owns|includes|covers|ships|sends|relies|reads|is|are"
    r"|have)(?![a-z])"
)
STATE_BEFORE_NOW_RE = re.compile(r"(?:^|[^a-z])(?:is|are)[ \t]+$")

# --- trivial parts ---------------------------------------------------------------------
HAS_LETTER_RE = re.compile(r"[^\W\d_]")


# A typed Task's own words for whose it was or what it had to reach (see lexicon).
TYPED_TASK_RE = re.compile(phrase_alternation(lx.TYPED_TASK_MARKERS))
# A target in note form: "backlog < 200", "on-time >= 92%", "by Q4", "before Sept 15".
TARGET_NOTATION_RE = re.compile(
    r"(?:[<>\u2264\u2265]=?[ \t]*~?[$€£]?[0-9])"
    r"|(?<![a-z])(?:by|before)[ \t]+(?:q[1-4]|fy|end of|the end of|[0-9]|[a-z]{3,9}[ \t]+[0-9])"
)

# An answer that opens with its outcome ("Headline first:", "Bottom line:", "TL;DR -").
HEADLINE_RE = re.compile(
    r"[\s*_#>-]*(?:the[ \t]+)?(?:headline(?:[ \t]+first)?|bottom[ \t]+line(?:[ \t]+first)?"
    r"|short[ \t]+version|tl;?dr|result[ \t]+first|the[ \t]+result[ \t]+first)"
    r"[ \t]*[:,\-\u2013\u2014]"
)
