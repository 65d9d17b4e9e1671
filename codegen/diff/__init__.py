"""Stage 5, diff: what changed between two spec revisions, and what callers of the client will feel.

``diff_sources`` compares two specs by meaning (``compare``, ``operations``),
rating each change by oasdiff's rule ids and levels (``rules``) under the
``wire`` profile, or by its effect on the generated client under ``client``.
``surface.diff_surfaces`` compares two generated packages' public Python API
with griffe.  ``report`` renders either as text, Markdown or JSON.

oasdiff, the reference classifier, is a Go binary and judges the wire only,
so the engine is our own; its rule ids are reused so reports read the same.
"""

from __future__ import annotations

from pathlib import Path

from codegen.diff.changes import Change, Report, Side
from codegen.diff.compare import diff_documents
from codegen.diff.lifecycle import Policy
from codegen.diff.rules import Profile
from codegen.diff.spec import load_side

__all__ = ["Change", "Policy", "Report", "Side", "diff_documents", "diff_sources"]


def diff_sources(
    base: str,
    revision: str,
    *,
    profile: Profile = "client",
    include_docs: bool = False,
    cwd: Path | None = None,
    policy: Policy | None = None,
) -> Report:
    """Read both sides (file, docs page or ``GITREF:PATH``) and compare them.

    Args:
        base: the older side.
        revision: the newer side.
        profile: ``client`` (default) or ``wire``.
        include_docs: also report description, example and ``x-`` extension changes.
        cwd: where relative paths and git references are resolved.
        policy: days of notice deprecations must give, and today's date (oasdiff's defaults when omitted).

    Returns:
        The report.

    Raises:
        CodegenError: a side cannot be read.
    """
    return diff_documents(
        load_side(base, cwd=cwd),
        load_side(revision, cwd=cwd),
        profile=profile,
        include_docs=include_docs,
        base_label=base,
        revision_label=revision,
        policy=policy,
    )
