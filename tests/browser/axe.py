"""Scanning a page with axe-core (bundled by axe-playwright-python) for WCAG 2.2 A/AA and best-practice rules."""

from __future__ import annotations

from dataclasses import dataclass

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
BLOCKING = ("serious", "critical")
NODES_SHOWN = 3


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    nodes: tuple[str, ...]  # each: the element's selector and what axe says is wrong with it
    count: int

    def describe(self) -> str:
        lines = [f"[{self.impact}] {self.rule}: {self.help} ({self.count} elements)"]
        lines.extend(f"    {node}" for node in self.nodes)
        return "\n".join(lines)


def _node_text(node: dict) -> str:
    target = " ".join(str(t) for t in node.get("target", []))
    summary = " ".join((node.get("failureSummary") or "").split())
    return f"{target} :: {summary[:300]}"


def scan(page) -> list[Violation]:
    """Every axe-core violation on the page as it is now, most severe first."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    found = [
        Violation(
            rule=item["id"],
            impact=item.get("impact") or "minor",
            help=item["help"],
            nodes=tuple(_node_text(node) for node in item["nodes"][:NODES_SHOWN]),
            count=len(item["nodes"]),
        )
        for item in results.response["violations"]
    ]
    order = ("critical", "serious", "moderate", "minor")
    return sorted(found, key=lambda v: order.index(v.impact) if v.impact in order else len(order))


def blocking(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v.impact in BLOCKING]


def report(where: str, violations: list[Violation]) -> str:
    if not violations:
        return f"{where}: no violations"
    return f"{where}: {len(violations)} rules violated\n" + "\n".join(v.describe() for v in violations)
