"""Find measurable quantities in text: 40%, $2M, 2x, "doubled", "from 40 to 12 minutes".

Not quantities: years ("in 2021"), versions ("Python 3.11", "v2.3.1"),
dates and times ("March 3", "10:30", "3pm"), ordinals ("3rd"), codes
("Q3", "COVID-19"), "one of the", team sizes ("a team of 6") and
"two years ago".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import lexicon as lx
from .patterns import (
    AFTER_UNIT_RE,
    CURRENCY_AFTER_RE,
    FROM_TO_RE,
    GROUP_AFTER_RE,
    LEX_KINDS,
    LEX_RE,
    MONTH_AFTER_RE,
    NUMBER_START_RE,
    NUMBER_TOKEN_RE,
    NUMBER_WORD_TAIL_RE,
    PARTICIPANTS_AFTER_RE,
    SUFFIX_RE,
    normalise_phrase,
    phrase_spans,
)
from .textutil import lower_same_length

_SUFFIX_KIND = {"pct": "percent", "mult": "multiplier", "mag": "count", "unit": "duration"}
_NOT_QUANTITY_SUFFIX = frozenset({"ord", "ampm", "person"})
_DIGITS_RE = re.compile(r"[0-9][0-9,.]*")
_PUNCTUATION = ",;:()[]\"'\u201c\u201d\u2018\u2019*"
_MONTHS = frozenset(month for name in lx.MONTHS for month in (name, name + "."))
_TEAM_WORDS = frozenset(lx.TEAM_WORDS)
_CURRENCY_WORDS = frozenset(lx.CURRENCY_WORDS)
# "staffed with two teams": the people given to the work, not what it achieved.
_STAFFED_WORDS = frozenset({"staffed", "resourced", "crewed", "manned"})
# "this half", "the second half of the year": a half-year, not an amount.
_HALF_PERIOD_BEFORE = frozenset(
    {"the", "this", "next", "last", "first", "second", "that", "each", "every"}
)
_APPROXIMATELY = frozenset({"about", "around", "roughly", "only", "just", "some"})
_ROUGHLY = r"(?:[ \t]+(?:about|around|roughly|nearly|almost|under|over|just|below|above|like|~))*"
_FROM_BEFORE_RE = re.compile(rf"(?<![a-z])from{_ROUGHLY}[ \t]+$")
# "... to ...", also past a few words ("from about eighty a day back down to around ten").
_TO_GAP_RE = re.compile(rf"(?:[ \t]+[a-z]+){{0,4}}?[ \t]+to{_ROUGHLY}[ \t]+")
_JOIN_GAP_MAX = 32  # characters between two figures that "to" or "of the" may join
# "40 of the 60 sites", "nine out of ten", "1 in 40": a share, one quantity.
_OF_GAP_RE = re.compile(
    r"(?:[ \t]+[a-z]+[ \t]+out[ \t]+of|[ \t]+(?:out[ \t]+of|of|in))"
    r"(?:[ \t]+(?:the|our|all|every))?[ \t]+"
)  # ... and "58 nights out of 60"
_TEAM_TAILS = (" of", " with", *(f" {word}" for word in _APPROXIMATELY))
# The token after a number word decides whether a regex needs to look further.
_NEXT_TOKEN_RE = re.compile(r"[ \t]*-?[ \t]*([a-z%\u00d7]+)")
# "twenty and five", "three point one" (dictated decimals) chain into one number.
_CHAIN_TOKENS = frozenset(word for phrase in lx.NUMBER_WORDS for word in phrase.split()) | {
    "and",
    "point",
}
_POINT_BEFORE_RE = re.compile(r"(?<![a-z])point[ \t]+$")
_SUFFIX_TOKENS = frozenset(
    {
        "%",
        "percent",
        "per",
        "percentage",
        "pp",
        "bps",
        "basis",
        "st",
        "nd",
        "rd",
        "th",
        "a",
        "am",
        "p",
        "pm",
        "x",
        "times",
        "\u00d7",
        "person",
        "people",
        "member",
        "strong",
        *lx.MAGNITUDES,
        *lx.DURATION_UNITS,
    }
)


# Kinds that measure an amount on their own ("30%", "$2M", "2x", "halved", "from 9 to 2"),
# unlike counts, durations and ranks, which may only size the work.
AMOUNT_KINDS = frozenset({"percent", "money", "multiplier", "change", "range", "ratio"})


@dataclass(frozen=True, slots=True)
class Quantity:
    """A measurable quantity: its span in the text and a kind.

    kind is one of percent, money, multiplier, change, range, ratio, duration,
    count, rank.
    """

    start: int
    end: int
    text: str
    kind: str

    def shifted(self, by: int) -> Quantity:
        """The same quantity, its offsets moved by ``by`` (into another text)."""
        return Quantity(self.start + by, self.end + by, self.text, self.kind)


def find_quantities(text: str, low: str | None = None) -> list[Quantity]:
    """All quantities in ``text``, sorted and non-overlapping."""
    if low is None:
        low = lower_same_length(text)
    words = [
        (start, end, kind)
        for start, end, raw in phrase_spans(LEX_RE, low)
        if (kind := LEX_KINDS.get(normalise_phrase(raw))) in ("num", "change")
    ]
    return collect_quantities(text, low, words)


def collect_quantities(
    text: str, low: str, number_words: list[tuple[int, int, str]]
) -> list[Quantity]:
    """Quantities from digits, ranges and the given number-word hits."""
    found = _ranges(text, low)
    pos = 0
    while (start := NUMBER_START_RE.search(low, pos)) is not None:
        token = NUMBER_TOKEN_RE.match(low, start.start())
        if token is None:
            pos = start.end()
            continue
        pos = token.end()
        quantity = _numeric(text, low, token)
        if quantity is not None:
            found.append(quantity)
    covered = 0  # "twenty five": the chain from "twenty" already covers "five"
    for word_start, word_end, kind in number_words:
        if word_start < covered:
            continue
        quantity, covered = _number_word(text, low, word_start, word_end, kind)
        if quantity is not None:
            found.append(quantity)
    return _joined_ranges(text, low, _without_overlaps(found))


def _joined_ranges(text: str, low: str, found: list[Quantity]) -> list[Quantity]:
    """ "from about nine minutes to under ninety seconds": two figures joined as one range
    (``FROM_TO_RE`` takes only digits with nothing between "to" and the figure)."""
    joined: list[Quantity] = []
    index = 0
    while index < len(found):
        first = found[index]
        if index + 1 < len(found) and found[index + 1].start - first.end <= _JOIN_GAP_MAX:
            second = found[index + 1]
            gap = _TO_GAP_RE.match(low, first.end, second.start)
            before = (
                _FROM_BEFORE_RE.search(low, max(0, first.start - 24), first.start)
                if gap is not None and gap.end() == second.start
                else None
            )
            if before is not None:
                start = before.start()
                joined.append(Quantity(start, second.end, text[start : second.end], "range"))
                index += 2
                continue
            share = _OF_GAP_RE.match(low, first.end, second.start)
            if share is not None and share.end() == second.start and first.kind == "count":
                joined.append(
                    Quantity(first.start, second.end, text[first.start : second.end], "ratio")
                )
                index += 2
                continue
        joined.append(first)
        index += 1
    return joined


def _without_overlaps(found: list[Quantity]) -> list[Quantity]:
    found.sort(key=lambda q: (q.start, q.start - q.end))
    kept: list[Quantity] = []
    last_end = -1
    for quantity in found:
        if quantity.start >= last_end:
            kept.append(quantity)
            last_end = quantity.end
    return kept


def _ranges(text: str, low: str) -> list[Quantity]:
    ranges = []
    for match in FROM_TO_RE.finditer(low):
        start, end = match.span()
        if start > 0 and low[start - 1].isalnum():
            continue
        while end > start and low[end - 1] in ".,":
            end -= 1
        numbers = _DIGITS_RE.findall(low, start, end)
        if all(_is_year_digits(n.rstrip(".,")) for n in numbers):
            continue
        ranges.append(Quantity(start, end, text[start:end], "range"))
    return ranges


def _is_year_digits(number: str) -> bool:
    return len(number) == 4 and number.isdigit() and 1900 <= int(number) <= 2099


def _numeric(text: str, low: str, token: re.Match[str]) -> Quantity | None:
    """Classify one digit token; None when it is not a quantity."""
    if token.group("dt") is not None:
        return None
    start, end = token.span()
    if start > 0:
        prev = low[start - 1]
        if prev.isalnum() or prev in "_.":
            return None  # Q3, v2, x86, 1.2
        if prev == "-" and start > 1 and low[start - 2].isalpha():
            return None  # COVID-19, JIRA-123
    number = token.group("num")
    if number == "24" and token.group("range") == "/7":
        return None
    if low.startswith(".", end) and low[end + 1 : end + 2].isdigit():
        return None  # 10.0.19041
    kind: str | None = None
    next_word: str | None = None
    full_end = end
    suffix = SUFFIX_RE.match(low, end)
    if suffix is not None:
        group = suffix.lastgroup
        if group in _NOT_QUANTITY_SUFFIX:
            return None
        if group == "word":
            next_word = suffix.group("next")
        else:
            kind = _SUFFIX_KIND[group or ""]
            full_end = suffix.end()
    if kind == "duration" and AFTER_UNIT_RE.match(low, full_end):
        return None  # two years ago
    previous = _words_before(low, start)
    last = previous[-1] if previous else ""
    currency = token.group("cur")
    if kind is None and currency is None:
        if (
            last in _MONTHS
            or MONTH_AFTER_RE.match(low, end)
            or _is_team_size(previous)
            or _is_crew(previous, next_word)
        ):
            return None  # March 3, 3 March, a team of 6
        if _is_group(low, end):
            return None  # 6 of us
        if _is_year_digits(number) and next_word not in lx.COUNT_NOUNS:
            return None
        if _is_version_or_name(text, start, number):
            return None
    after = CURRENCY_AFTER_RE.match(low, full_end)
    if currency or after or last in _CURRENCY_WORDS:
        kind = "money"
        if after is not None:
            full_end = after.end()
    elif kind is None:
        kind = "rank" if last == "top" or low[start - 1 : start] == "#" else "count"
    return Quantity(start, full_end, text[start:full_end], kind)


def _next_token(low: str, end: int) -> str:
    """The word (or % sign) right after ``end``, skipping spaces and one hyphen."""
    match = _NEXT_TOKEN_RE.match(low, end)
    return match.group(1) if match else ""


def _words_before(text: str, start: int) -> list[str]:
    """Up to three words before ``start``, without surrounding punctuation."""
    return [word.strip(_PUNCTUATION) for word in text[max(0, start - 40) : start].split()[-3:]]


def _past_roughness(previous: list[str]) -> list[str]:
    """The words before a number without the last one if it is "about", "around"..."""
    return previous[:-1] if previous and previous[-1] in _APPROXIMATELY else previous


def _is_team_size(previous: list[str]) -> bool:
    """ "a team of 6", "a group of about twenty", "staffed with two teams" (given the
    words before the number)."""
    words = _past_roughness(previous)
    if len(words) >= 2 and words[-1] == "with" and words[-2] in _STAFFED_WORDS:
        return True
    return len(words) >= 2 and words[-1] == "of" and words[-2] in _TEAM_WORDS


def _is_crew(previous: list[str], next_word: str | None) -> bool:
    """ "with three engineers", "with about 4 people": who did the work, not an amount."""
    words = _past_roughness(previous)
    return bool(words) and words[-1] == "with" and next_word in lx.CREW_NOUNS


def _is_version_or_name(text: str, start: int, number: str) -> bool:
    """ "Python 3.11", "version 4", "Windows 10", "Sprint 12" (not sentence-initial)."""
    window = text[max(0, start - 40) : start]
    if not window or not window[-1].isspace():
        return False
    words = window.split()[-2:]
    if not words:
        return False
    word = words[-1].strip(_PUNCTUATION)
    if not word or not word[0].isalpha():
        return False
    if word.lower() in lx.VERSION_WORDS:
        return True
    if not word[0].isupper():
        return False
    sentence_initial = len(words) < 2 or words[0][-1] in ".!?:"
    return "." in number or not sentence_initial


def _number_word(
    text: str, low: str, start: int, end: int, kind: str
) -> tuple[Quantity | None, int]:
    """Classify a number word ("three", "a dozen", "doubled").

    Returns the quantity (or None) and where the number-word chain ends.
    """
    if kind == "change":
        return Quantity(start, end, text[start:end], "change"), end
    if (point := _POINT_BEFORE_RE.search(low, max(0, start - 8), start)) is not None:
        start = point.start()  # dictated "point four percentage points": 0.4, not 4
    chained = False
    token = _next_token(low, end)
    while token in _CHAIN_TOKENS:
        tail = NUMBER_WORD_TAIL_RE.match(low, end)
        if tail is None:
            break
        end = tail.end()
        chained = True
        token = _next_token(low, end)
    chain_end = end
    if low.startswith("-", end) and _next_token(low, end) not in _SUFFIX_TOKENS:
        return None, chain_end  # "a two-timestamp report": a description, not an amount
    group = None
    if token in _SUFFIX_TOKENS and (suffix := SUFFIX_RE.match(low, end)):
        group = suffix.lastgroup
        if group in _NOT_QUANTITY_SUFFIX:
            return None, chain_end
        if group != "word":
            end = suffix.end()
    if not chained and low.startswith("half", start) and end - start == 4:
        before = _words_before(low, start)
        if before and before[-1] in _HALF_PERIOD_BEFORE:
            return None, chain_end  # "for the next half", "by the end of the second half"
    lone_one = not chained and low.startswith("one", start)
    if group in (None, "word"):
        if lone_one:
            return None, chain_end  # "one of the"
        qkind = "count"
    else:
        qkind = _SUFFIX_KIND[group or ""]
        if lone_one and text[start] == "O":
            return None, chain_end  # "One day, ...": a time, not an amount
    if (after := CURRENCY_AFTER_RE.match(low, end)) is not None:
        qkind, end = "money", after.end()
    if qkind == "duration" and AFTER_UNIT_RE.match(low, end):
        return None, chain_end  # "two years ago"
    if low[max(0, start - 12) : start].rstrip().endswith(_TEAM_TAILS) and _is_team_size(
        _words_before(low, start)
    ):
        return None, chain_end  # "a team of six"
    if qkind == "count" and (
        _is_group(low, end)
        or _is_crew(_words_before(low, start), _next_token(low, end))
        or PARTICIPANTS_AFTER_RE.match(low, end)
    ):
        return None, chain_end  # "the six of us", "with three engineers", "15 people touched it"
    return Quantity(start, end, text[start:end], qkind), chain_end


def _is_group(low: str, end: int) -> bool:
    """ "six of us", "all 4 of them": people counted as a group, not an amount."""
    return GROUP_AFTER_RE.match(low, end) is not None
