"""Render the v2 → v3 mapping table as Markdown: ``python -m heygen_studio._migrate_docs > docs/migrating-to-v3.md``.

A test checks the committed page equals this rendering, so the page is the table.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator

from heygen_studio._migrate_model import Row, SceneRule
from heygen_studio._migrate_scenes import REFUSALS, SCENE_RULES, SLOTS, stand_in
from heygen_studio._migrate_spec import v2_leaf_patterns
from heygen_studio._migrate_table import ROWS, row_for

CARRIED, LIMITED, DROPPED = "carried", "carried with limits", "dropped"


def verdict(row: Row) -> str:
    """How a row carries its field: always, with limits (some values or scene kinds), or never."""
    if not row.targets:
        return DROPPED
    return LIMITED if row.lost else CARRIED


def coverage() -> Counter[str]:
    """How many v2 request fields, counted by spec path (variants apart), each verdict gets."""
    return Counter(verdict(row_for(pattern)) for pattern in v2_leaf_patterns())


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _names(values: frozenset[str | None]) -> str:
    return ", ".join(sorted(str(value) if value else "none" for value in values))


def _scene_rule(rule: SceneRule) -> str:
    person = "a character" if rule.person else "no character"
    has = f"{person}; voice {_names(rule.voices)}; background {_names(rule.backgrounds)}"
    if rule.kind:
        return f"| {has} | `{rule.kind}` | |"
    replacement = stand_in(str(rule.give_up))
    instead = f", in its place `{json.dumps(replacement)}` (the v2 spec's defaults)" if replacement else ""
    return (
        f"| {has} | `MigrationError`; with `allow_drop`: without its {rule.give_up}{instead} | {_cell(rule.problem)} |"
    )


def _targets(row: Row) -> str:
    return "<br>".join(" + ".join(f"`{path}`" for path in (target.path, *target.also)) for target in row.targets) or "—"


def render() -> str:
    """The whole page."""
    return "\n".join(_lines()) + "\n"


def _lines() -> Iterator[str]:
    yield "# Moving Studio templates from v2 to v3"
    yield ""
    yield (
        "Rendered from `src/heygen_studio/_migrate_scenes.py` and `_migrate_table.py` by "
        "`python -m heygen_studio._migrate_docs`; do not edit."
    )
    yield "Each decision quotes the v2 description (`openapi/heygen-api.patched.json`) and the v3 description"
    yield "(`POST /v3/videos`, the `studio` arm) it rests on; the tests check every quote and every v3 path."
    yield ""
    yield "## Scenes"
    yield ""
    yield "The first rule that matches a v2 scene decides its v3 scene."
    yield ""
    yield "| the v2 scene has | v3 scene | why v3 cannot express it |"
    yield "|---|---|---|"
    yield from (_scene_rule(rule) for rule in SCENE_RULES)
    yield ""
    yield "A value v3 refuses, in a part the scene kind would carry, makes the scene give that part up too:"
    yield ""
    yield "| v2 value | carried by | v3 requires | why |"
    yield "|---|---|---|---|"
    for refusal in REFUSALS:
        carriers = ", ".join(f"{{{slot}}}" for slot in sorted(refusal.slots))
        yield f"| `{refusal.part}.{refusal.field}` | {carriers} | `{refusal.pattern}` | {_cell(refusal.problem)} |"
    yield ""
    yield "Where a v3 scene kind keeps each part (`{slot}` in the field table; `name[tag]` is a union variant):"
    yield ""
    for kind, slots in SLOTS.items():
        kept = ", ".join(f"{slot} → `{path or '(the scene)'}`" for slot, path in slots.items())
        yield f"- `{kind}`: {kept}"
    yield ""
    yield "## Fields"
    yield ""
    yield "| v2 field | v3 target | v2 says | v3 says | not carried when |"
    yield "|---|---|---|---|---|"
    for row in ROWS:
        lost = _cell(row.lost or "")
        yield f"| `{row.v2}` | {_targets(row)} | {_cell(row.v2_says)} | {_cell(row.v3_says)} | {lost} |"
    yield ""
    counts = coverage()
    total = sum(counts.values())
    yield "## What carries over"
    yield ""
    yield f"Of the {total} fields of the v2 request (by spec path, each variant's fields apart):"
    yield ""
    for name in (CARRIED, LIMITED, DROPPED):
        yield f"- {name}: {counts[name]} ({100 * counts[name] / total:.0f}%)"
    yield ""
    yield "A field counts as carried with limits when some of its values, or the scene kinds it can land in, have"
    yield "no v3 equivalent (the last column says which); the migration records each such case in `dropped`."


def main() -> int:
    """Print the page."""
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
