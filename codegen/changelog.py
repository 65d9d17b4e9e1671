"""Changelog entries in SDK terms, written from a spec diff, and their place under ``[Unreleased]``.

A spec location becomes the generated class and attribute a caller types
(``TextVoice.emotion``), using the patched spec's component names and the
Python field names; changes rated ERR by the client profile are marked
**Breaking:**.  Entries follow Keep a Changelog: they go into the Added,
Changed, Removed... subsections of ``## [Unreleased]``, newest first.
"""

from __future__ import annotations

from collections.abc import Sequence

from codegen.diff.changes import Change

SECTIONS = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")


def _target(change: Change) -> str:
    if change.owner and change.attribute:
        return f"`{change.owner}.{change.attribute}`"
    if change.owner:
        return f"`{change.owner}`"
    return f"`{change.operation}`" if change.operation else f"`{change.path}`"


def _value(change: Change) -> str:
    raw = change.detail("value")
    return f"`{raw[1:-1]}`" if raw.startswith('"') and raw.endswith('"') else f"`{raw}`"


def describe(change: Change) -> tuple[str, str]:
    """The Keep a Changelog section and the sentence for one change."""
    rule, target = change.id, _target(change)
    if rule.endswith("enum-value-added"):
        return "Added", f"Added enum value {_value(change)} to {target}"
    if rule.endswith("enum-value-removed"):
        return "Removed", f"Removed enum value {_value(change)} from {target}"
    if rule == "new-optional-request-property" or (rule.startswith("response-") and rule.endswith("-property-added")):
        return "Added", f"Added {target}"
    if rule.startswith("new-required-request-property"):
        return "Changed", f"Added {target}, which is required"
    if rule == "request-property-removed" or (rule.endswith("-property-removed") and rule.startswith("response-")):
        return "Removed", f"Removed {target}"
    if rule.endswith("-property-became-required") or rule.endswith("-property-became-optional"):
        return "Changed", f"{target} is now {rule.rsplit('-', 1)[1]}"
    if rule.endswith(("-one-of-added", "-any-of-added")):
        return "Added", f"Added `{change.detail('class')}` to `{change.detail('target')}`"
    if rule.endswith(("-one-of-removed", "-any-of-removed")):
        return "Removed", f"Removed variant `{change.detail('variant')}` from {target}"
    if rule in ("api-schema-renamed", "api-schema-extracted", "api-schema-inlined"):
        return "Changed", f"Renamed `{change.detail('from')}` to `{change.detail('to')}`"
    if rule.endswith("default-value-changed"):
        shown = f"`{change.detail('from')}` to `{change.detail('to')}`"
        return "Changed", f"The server default of {target} changed from {shown}"
    if rule == "endpoint-added":
        return "Added", f"Added `{change.operation}`"
    if rule.startswith(("api-path-removed", "api-removed")):
        return "Removed", f"Removed `{change.operation}`"
    if rule in ("endpoint-deprecated", "endpoint-deprecated-with-sunset"):
        return "Deprecated", f"`{change.operation}` is deprecated"
    return "Changed", change.text.rstrip(".")


def changelog_entry(changes: Sequence[Change], *, old_version: str, new_version: str) -> dict[str, list[str]]:
    """Bullets by section for a spec update; empty when nothing changed.

    Args:
        changes: the spec diff's changes, rated with the client profile.
        old_version: ``info.version`` before the update.
        new_version: ``info.version`` after it.

    Returns:
        ``{"Added": [...], "Changed": [...], ...}`` in SECTIONS order, breaking bullets first.
    """
    entry: dict[str, list[tuple[bool, str]]] = {}
    for change in changes:
        section, sentence = describe(change)
        breaking = change.level == "ERR"
        bullet = f"**Breaking:** {sentence[0].lower()}{sentence[1:]}" if breaking else sentence
        entry.setdefault(section, []).append((not breaking, bullet))
    if not entry and old_version == new_version:
        return {}
    version = f"Regenerated from HeyGen's spec {new_version}" + (
        f" (was {old_version})" if old_version != new_version else ""
    )
    entry.setdefault("Changed", []).insert(0, (False, version + ("" if changes else "; no API changes")))
    return {
        name: [bullet for _, bullet in sorted(entry[name], key=lambda x: x[0])] for name in SECTIONS if name in entry
    }


def prepend_entry(text: str, entry: dict[str, list[str]]) -> str:
    """Put ``entry``'s bullets first in the matching subsections of ``## [Unreleased]``.

    A missing ``[Unreleased]`` section or subsection is created; other
    sections and existing bullets are kept byte for byte.
    """
    if not entry:
        return text
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().lower() == "## [unreleased]"), None)
    if start is None:
        first = next((i for i, line in enumerate(lines) if line.startswith("## ")), len(lines))
        gap = [""] if first > 0 and lines[first - 1].strip() else []
        lines[first:first] = [*gap, "## [Unreleased]", ""]
        start = first + len(gap)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    block = lines[start + 1 : end]
    preamble: list[str] = []
    sections: dict[str, list[str]] = {}
    current: list[str] = preamble
    for line in block:
        if line.startswith("### "):
            current = sections.setdefault(line[4:].strip(), [])
        else:
            current.append(line)
    for name, bullets in entry.items():
        body = sections.get(name, [])
        while body and not body[0].strip():
            body.pop(0)
        sections[name] = [*(f"- {b}" for b in bullets), *body]
    order = [s for s in SECTIONS if s in sections] + [s for s in sections if s not in SECTIONS]
    rebuilt = [line for line in preamble if line.strip()]
    for name in order:
        body = sections[name]
        while body and not body[-1].strip():
            body.pop()
        rebuilt += ["", f"### {name}", "", *body]
    rebuilt.append("")
    result = lines[: start + 1] + rebuilt + lines[end:]
    return "\n".join(result).rstrip("\n") + "\n"
