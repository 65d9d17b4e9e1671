"""HeyGen's 21 published versions of ``/v3/videos``, diffed step by step, against findings written down.

``diff_fixtures/heygen-v3-history.txt`` holds one line per finding,
``STEP PROFILE LEVEL ID POINTER`` (a step with no finding says so), generated
once from this diff and reviewed by hand: 01 wraps the body in a ``oneOf``,
08 turns ``watermark`` from a union into an object, 13 adds the
``avatar_shots`` arm, 14 renames its tag to ``cinematic_avatar`` (ERR for a
client that sends the old tag), 17 and 20 add arms, the rest add optional
fields, enum values and defaults.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from codegen.diff import Policy, diff_sources
from tests.shared import CORPUS, needs_corpus

GOLDEN = Path(__file__).parent / "diff_fixtures" / "heygen-v3-history.txt"


def findings() -> list[str]:
    """The history's findings, in the golden file's format."""
    history = sorted((CORPUS / "v3-videos-history").glob("*.json"))
    policy = Policy(today=dt.date(2026, 12, 1))
    lines: list[str] = []
    for base, revision in itertools.pairwise(history):
        step = revision.stem[:2]
        found = [
            f"{step} {profile} {change.level} {change.id} {change.path}"
            for profile in ("client", "wire")
            for change in diff_sources(str(base), str(revision), profile=profile, policy=policy).changes
        ]
        lines.extend(found or [f"{step} no changes"])
    return lines


@needs_corpus
def test_history_matches_the_written_down_findings() -> None:
    expected = GOLDEN.read_text(encoding="utf-8").splitlines()
    assert expected == findings()


@needs_corpus
def test_history_step_14_tag_rename_is_breaking_for_the_client() -> None:
    step = [line.split() for line in findings() if line.startswith("14 client")]
    assert ["ERR", "INFO"] == sorted(level for _, _, level, _, _ in step)
    assert "request-body-discriminator-mapping-deleted" in {rule for _, _, _, rule, _ in step}
