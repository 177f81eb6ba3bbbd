"""Progress over time as a small server-rendered SVG (nothing loaded from outside)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from practice.selectors import Week

WIDTH, HEIGHT, PAD = 560, 180, 28
MAX_RATING = 5


@dataclass(frozen=True)
class Bar:
    """One week's bar (rounds) and its rating point."""

    x: float
    y: float
    width: float
    height: float
    rounds: int
    label: str
    rating: float | None
    rating_y: float | None

    @property
    def center(self) -> float:
        """The bar's middle, where its rating point sits."""
        return round(self.x + self.width / 2, 1)


def progress_chart(weeks: Sequence[Week]) -> dict:
    """Geometry for the template: bars for rounds per week, a line for average rating."""
    most = max((w.rounds for w in weeks), default=0) or 1
    plot_h = HEIGHT - 2 * PAD
    slot = (WIDTH - 2 * PAD) / max(1, len(weeks))
    bars = []
    for index, week in enumerate(weeks):
        height = plot_h * week.rounds / most
        x = PAD + index * slot + slot * 0.15
        rating_y = (
            PAD + plot_h * (1 - week.average / MAX_RATING) if week.average is not None else None
        )
        bars.append(
            Bar(
                x=round(x, 1),
                y=round(PAD + plot_h - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
                rounds=week.rounds,
                label=week.start.strftime("%d %b"),
                rating=week.average,
                rating_y=round(rating_y, 1) if rating_y is not None else None,
            )
        )
    points = " ".join(f"{b.center},{b.rating_y}" for b in bars if b.rating_y is not None)
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": HEIGHT - PAD,
        "bars": bars,
        "points": points,
        "most": most,
        "total": sum(w.rounds for w in weeks),
    }
