"""Word-level differences between two versions of a story's text."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Chunk:
    """A run of text that is the same in both versions, or only in one."""

    op: str  # "same" | "added" | "removed"
    text: str


def diff_words(old: str, new: str) -> list[Chunk]:
    """Chunks that turn ``old`` into ``new``, at word granularity."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    chunks: list[Chunk] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            chunks.append(Chunk("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            chunks.append(Chunk("removed", "".join(a[i1:i2])))
        if j2 > j1:
            chunks.append(Chunk("added", "".join(b[j1:j2])))
    return chunks


@dataclass(frozen=True)
class FieldDiff:
    """The difference in one field of the story."""

    name: str
    label: str
    changed: bool
    chunks: list[Chunk]


def diff_content(
    old: dict[str, str], new: dict[str, str], labels: dict[str, str]
) -> list[FieldDiff]:
    """Per-field differences between two content snapshots, in ``labels`` order."""
    diffs = []
    for name, label in labels.items():
        before, after = old.get(name, "") or "", new.get(name, "") or ""
        diffs.append(FieldDiff(name, label, before != after, diff_words(before, after)))
    return diffs
