"""What practice knows about a user's stories, read by the planner without planning
knowing practice (which sits above it): practice registers the reader when it loads
(``practice.apps``); with no reader registered the planner sees no practice at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PracticeState:
    """Per story id: the follow-up questions marked shaky (newest first) and when it
    was last practised."""

    shaky: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    last_practised: Mapping[int, dt.datetime] = field(default_factory=dict)

    def shaky_count(self, story_id: int) -> int:
        """How many of the story's follow-ups are marked shaky."""
        return len(self.shaky.get(story_id, ()))


Reader = Callable[..., PracticeState]
_readers: list[Reader] = []


def register_reader(reader: Reader) -> None:
    """Set the function ``reader(user=...)`` that reads a user's practice state
    (in a fixed number of queries)."""
    _readers[:] = [reader]


def practice_state(*, user: Any) -> PracticeState:
    """The user's practice state, or an empty one when no app provides it."""
    return _readers[0](user=user) if _readers else PracticeState()
