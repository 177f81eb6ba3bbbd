"""axe-core in the browser tests: run the WCAG 2.x A and AA rules on the page in view.

axe is vendored for the tests only (``vendor/axe.min.js``, see ``vendor/README.md``);
the app never serves it. It goes in through ``page.evaluate``, which Chromium runs from
the DevTools protocol and not as a page script, so the app's CSP (script-src 'self')
stays on and the autouse CSP watch in conftest.py still sees every page as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

#: WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe's tags; 2.2 added AA rules only).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
#: axe's rules beyond WCAG's letter that keep a page's structure readable by a screen
#: reader: one h1, no skipped heading level, everything inside a landmark, one main.
BEST_PRACTICE = ("best-practice",)

_RUN = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({
      target: n.target.map((t) => Array.isArray(t) ? t.join(" >>> ") : t).join(" "),
      html: n.html.slice(0, 160),
      summary: (n.failureSummary || "").replace(/\\s+/g, " ").trim(),
    })),
  }));
}"""


@dataclass(frozen=True)
class Violation:
    """One axe rule that failed, and where."""

    id: str
    impact: str
    help: str
    nodes: tuple[dict, ...]

    def describe(self, limit: int = 4) -> str:
        lines = [f"{self.id} ({self.impact}, {len(self.nodes)}x): {self.help}"]
        for node in self.nodes[:limit]:
            lines.append(f"    at {node['target']}: {node['summary']}")
        if len(self.nodes) > limit:
            lines.append(f"    ... and {len(self.nodes) - limit} more")
        return "\n".join(lines)


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Page, tags: tuple[str, ...] = WCAG_TAGS) -> list[Violation]:
    """Inject axe into the current page (once per document) and return its violations."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    found = page.evaluate(_RUN, list(tags))
    return [
        Violation(id=v["id"], impact=v["impact"] or "", help=v["help"], nodes=tuple(v["nodes"]))
        for v in found
    ]


def report(violations_by_page: dict[str, list[Violation]]) -> str:
    """A failure message: each page, each rule, each place."""
    parts = []
    for where, violations in violations_by_page.items():
        if violations:
            parts.append(where + "\n" + "\n".join("  " + v.describe() for v in violations))
    return "\n".join(parts)
