"""Post-processing of the generated tree: named text fixes, then ruff (imports, then format).

The fixes are exact and loud (a ``Rewrite`` that no longer finds its text fails the run);
ruff runs twice over the whole tree, in isolation from any configuration of the folder
it runs in, so the output depends on the pinned ruff only.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from codegen.errors import CodegenError


@dataclass(frozen=True)
class Rewrite:
    """A named, exact text fix applied to one generated file; it fails loudly if the text is gone."""

    file: str
    old: str
    new: str
    reason: str


REWRITES = (
    Rewrite(
        file="client.py",
        old="from typing import Any, Self\n",
        new="from typing import Any\n\nfrom typing_extensions import Self\n",
        reason="typing.Self is Python 3.11+; the SDK supports 3.10",
    ),
)


def apply_rewrites(package: Path) -> None:
    """Apply every ``REWRITES`` entry to the package, failing loudly if one no longer applies."""
    for rewrite in REWRITES:
        path = package / rewrite.file
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if rewrite.old not in text:
            raise CodegenError(
                f"post-process rewrite of {rewrite.file} ({rewrite.reason}) no longer applies: "
                "the generator's output changed; update REWRITES in codegen/postprocess.py"
            )
        path.write_text(text.replace(rewrite.old, rewrite.new), encoding="utf-8")


def ruff_command() -> list[str]:
    """The installed ruff: in a virtual environment its binary beside this Python, else ``python -m ruff``.

    ``python -m ruff`` only looks the binary up (in the environment's scripts folder first, which
    in a virtual environment holds this Python too) and execs it; calling it directly saves a
    Python start-up on each of the two passes.  Outside one, a ``ruff`` beside the interpreter
    (``/usr/bin``) may be another install, so the lookup is left to ``python -m ruff``.
    """
    binary = Path(sys.executable).with_name("ruff.exe" if os.name == "nt" else "ruff")
    in_venv = sys.prefix != sys.base_prefix
    return [str(binary)] if in_venv and binary.is_file() else [sys.executable, "-m", "ruff"]


def format_files(cwd: Path, paths: Sequence[str]) -> None:
    """ruff's two passes over the files ``paths`` (relative to ``cwd``): imports sorted and unused ones dropped,
    then format.

    Both passes work file by file, so formatting a tree in parts gives the same bytes as at once. The files
    are named one by one, never as a folder: ruff skips what it finds walking a folder that is gitignored or
    matches its default excludes (``build/``, ``dist/``, ``.nox/``, ...), even with ``--isolated``, so
    ``--out build/x`` would have been written unformatted.
    """
    ruff("check", "--fix-only", "--select", "I,F401", "--exit-zero", "--no-cache", cwd=cwd, paths=paths)
    ruff("format", "--quiet", "--no-cache", cwd=cwd, paths=paths)


def ruff(*args: str, cwd: Path, paths: Sequence[str]) -> None:
    """Run ruff (``args`` then the house settings) over ``paths`` in ``cwd``; its first line of output if it fails."""
    command = [*ruff_command(), *args, "--isolated", "--line-length", "120", "--target-version", "py310"]
    result = subprocess.run([*command, "--", *paths], cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise CodegenError(f"ruff {args[0]} failed: {(result.stderr or result.stdout).strip().splitlines()[0]}")
