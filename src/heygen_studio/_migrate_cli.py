"""``python -m heygen_studio migrate FILE.json... [--out DIR] [--fail-on-drop]``: v2 templates to v3.

Writes ``NAME.v3.json`` beside each input (or into ``--out DIR``), never over
an input, and prints a report per file: each v2 field carried (``v2 path ->
v3 path``) and each dropped (with why). Scenes v3 cannot express at all are
migrated to the nearest faithful scene and reported as dropped. Exit status:
0 when every file was migrated, 1 with ``--fail-on-drop`` when anything was
dropped, 2 when a file cannot be read, is not JSON, or is not a valid v2 request
(such a file is not migrated; the others still are).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from heygen_studio._errors import RequestValidationError
from heygen_studio._files import UnreadableFileError, read_json
from heygen_studio.migrate import Migration, v2_to_v3

EXIT_DROPPED = 1
EXIT_UNREADABLE = 2


class _Refused(Exception):
    """A file this command does not migrate, with a one-line reason."""


def _load(path: Path) -> Any:
    try:
        return read_json(str(path))
    except UnreadableFileError as error:
        raise _Refused(str(error)) from None


def output_path(source: Path, out: Path | None) -> Path:
    """Where the v3 request for ``source`` goes: ``NAME.v3.json`` beside it, or in ``out``."""
    stem = source.name.removesuffix(".json")
    return (out if out is not None else source.parent) / f"{stem}.v3.json"


def _migrate(source: Path, target: Path, inputs: set[Path], written: dict[Path, str]) -> Migration:
    if target.resolve() in inputs:
        raise _Refused(f"not migrated: {target} is one of the inputs, and inputs are never overwritten")
    if target.resolve() in written:
        raise _Refused(f"not migrated: {target} already holds the migration of {written[target.resolve()]}")
    payload = _load(source)
    if not isinstance(payload, dict):
        raise _Refused(f"not a v2 request: the top level is {type(payload).__name__}, not an object")
    try:
        migration = v2_to_v3(payload, allow_drop=True)
    except RequestValidationError as error:
        problems = "; ".join(str(violation) for violation in error.violations)
        raise _Refused(f"not a valid v2 request: {problems}") from None
    try:
        text = (json.dumps(migration.payload, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError as error:  # a lone surrogate (`"\ud800"` in the JSON) has no UTF-8 form
        raise _Refused(f"not migrated: a string holds {error.object[error.start : error.end]!r}, not text") from None
    target.write_bytes(text)
    written[target.resolve()] = str(source)
    return migration


def report(name: str, target: str, migration: Migration) -> list[str]:
    """The lines printed for one migrated file."""
    count = len(migration.dropped)
    lines = [f"{name} -> {target}: {len(migration.carried)} carried, {count} dropped"]
    lines += [f"  carried {carried}" for carried in migration.carried]
    lines += [f"  dropped {dropped}" for dropped in migration.dropped]
    return lines


def run(args: argparse.Namespace) -> int:
    """Migrate ``args.files``; return the exit status."""
    out: Path | None = args.out
    if out is not None and not out.is_dir():
        print(f"--out {out}: not a directory", file=sys.stderr)
        return EXIT_UNREADABLE
    inputs = {Path(name).resolve() for name in args.files}
    written: dict[Path, str] = {}
    status = 0
    dropped = False
    for name in args.files:
        source = Path(name)
        target = output_path(source, out)
        try:
            migration = _migrate(source, target, inputs, written)
        except _Refused as refused:
            print(f"{name}: {refused}", file=sys.stderr)
            status = EXIT_UNREADABLE
            continue
        print("\n".join(report(name, str(target), migration)))
        dropped = dropped or bool(migration.dropped)
    if status == 0 and dropped and args.fail_on_drop:
        return EXIT_DROPPED
    return status


def register(commands: Any) -> None:
    """Add the ``migrate`` subcommand to ``python -m heygen_studio``'s subparsers."""
    parser = commands.add_parser(
        "migrate",
        help="turn v2 create-video request bodies (JSON files) into v3 studio requests",
        description=__doc__.splitlines()[0].split(": ", 1)[1],
    )
    parser.add_argument("files", nargs="+", metavar="FILE.json")
    parser.add_argument("--out", type=Path, metavar="DIR", help="write the v3 files here (default: beside each input)")
    parser.add_argument("--fail-on-drop", action="store_true", help="exit 1 when any v2 field could not be carried")
    parser.set_defaults(run=run)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``migrate`` on its own (as ``python -m heygen_studio migrate`` does); return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m heygen_studio")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["migrate", *(sys.argv[1:] if argv is None else argv)])
    return run(args)
