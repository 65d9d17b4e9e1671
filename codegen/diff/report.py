"""Render a diff report as text (terminal and PR comments), Markdown (tables by level) or JSON."""

from __future__ import annotations

import json
from typing import Final

from codegen.diff.changes import Report
from codegen.diff.rules import LEVELS

FORMATS: Final = ("text", "markdown", "json")


def _title(report: Report) -> str:
    what = "API surface" if report.kind == "surface" else "spec"
    old = f"{report.base.label} ({report.base.version})" if report.base.version else report.base.label
    new = f"{report.revision.label} ({report.revision.version})" if report.revision.version else report.revision.label
    return f"{what} diff: {old} -> {new}"


def _summary(report: Report) -> str:
    counts = report.counts()
    total = len(report.changes)
    parts = ", ".join(f"{counts[level]} {level}" for level in LEVELS)
    return f"{total} change{'s' if total != 1 else ''} ({parts}), profile {report.profile}"


def render_text(report: Report) -> str:
    """Plain text: a title, the outcome, then one block per change, most severe first."""
    lines = [_title(report), f"outcome: {report.outcome.text}", _summary(report)]
    for change in report.changes:
        where = f"  {change.operation}" if change.operation else ""
        lines.append("")
        lines.append(f"{change.level:<4} {change.id}{where}")
        lines.append(f"     {change.text}")
        lines.append(f"     at {change.path}  [{change.fingerprint}]")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report) -> str:
    """Markdown: the outcome, then a table per level (ERR, WARN, INFO) that has changes."""
    lines = [f"### {_cell(_title(report))}", "", f"**Outcome:** {report.outcome.text}  ", _summary(report), ""]
    for level in LEVELS:
        rows = [c for c in report.changes if c.level == level]
        if not rows:
            continue
        lines += [f"#### {level} ({len(rows)})", "", "| id | operation | change | path |", "| --- | --- | --- | --- |"]
        for change in rows:
            cells = (f"`{change.id}`", _cell(change.operation), _cell(change.text), f"`{_cell(change.path)}`")
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_json(report: Report) -> str:
    """JSON with stable key order, for machines and CI."""
    document = {
        "kind": report.kind,
        "base": {"label": report.base.label, "version": report.base.version},
        "revision": {"label": report.revision.label, "version": report.revision.version},
        "profile": report.profile,
        "outcome": {"id": report.outcome.id, "text": report.outcome.text},
        "highest": report.highest,
        "counts": dict(report.counts()),
        "changes": [change.as_json() for change in report.changes],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render(report: Report, fmt: str) -> str:
    """Render ``report`` in one of FORMATS."""
    if fmt == "markdown":
        return render_markdown(report)
    if fmt == "json":
        return render_json(report)
    return render_text(report)
