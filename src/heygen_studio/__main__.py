"""``python -m heygen_studio validate FILE...``: check stored request bodies offline.

Prints one line per file (``ok FILE`` when it is valid, else one ``FILE: path: message`` line per
violation), then a summary line. ``-`` reads a body from standard input. Exit status: 0 when every
file is valid, 1 when any file breaks a rule, 2 when any file cannot be read, is not a regular file,
is larger than 16 MiB or is not JSON (with a one-line reason on stderr; such a file is not validated).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from typing import Any

from heygen_studio._cli import EXIT_MISSING_DEPENDENCY, missing_dependency_line
from heygen_studio._errors import HeyGenWarning
from heygen_studio._files import MAX_BYTES, STDIN, UnreadableFileError, read_json
from heygen_studio._migrate_cli import register as register_migrate
from heygen_studio._validation import DEFAULT_OPERATION, operations, validate_request

EXIT_INVALID = 1
EXIT_UNREADABLE = 2
STDIN_NAME = "<stdin>"

VALIDATE_DESCRIPTION = f"""\
Check create-video request bodies (JSON files) against every rule of the spec, without sending them.

Prints "ok FILE" for each valid file, one "FILE: path: message" line per violation otherwise, and a
summary line at the end. FILE "-" reads one body from standard input. Only regular files up to
16 MiB ({MAX_BYTES} bytes) are read: a directory, device, FIFO or socket, or a larger file, is refused
without being opened or read.

exit status: 0 every file is valid, 1 some file breaks a rule, 2 some file is unreadable, not a regular
file, too large or not JSON (one line on stderr each; the other files are still checked)."""


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _validate(args: argparse.Namespace) -> int:
    ok = invalid = unreadable = 0
    for name in args.files:
        shown = STDIN_NAME if name == STDIN else name
        try:
            payload = read_json(name)
        except UnreadableFileError as error:
            print(f"{shown}: {error}", file=sys.stderr)
            unreadable += 1
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", HeyGenWarning)
            violations = validate_request(payload, operation=args.operation, strict=not args.lenient)
        for warning in caught:
            print(f"{shown}: warning: {warning.message}", file=sys.stderr)
        for violation in violations:
            print(f"{shown}: {violation}")
        if violations:
            invalid += 1
        else:
            ok += 1
            print(f"ok {shown}")
    total = ok + invalid + unreadable
    print(f"{_plural(total, 'file')}: {ok} ok, {invalid} invalid, {unreadable} unreadable")
    if unreadable:
        return EXIT_UNREADABLE
    return EXIT_INVALID if invalid else 0


def _parser() -> tuple[argparse.ArgumentParser, Any]:
    parser = argparse.ArgumentParser(
        prog="python -m heygen_studio",
        description="Tools for HeyGen request bodies that need no account and no network.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser(
        "validate",
        help="check create-video request bodies (JSON files) against HeyGen's rules",
        description=VALIDATE_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    validate.add_argument("files", nargs="+", metavar="FILE", help='a JSON request body, or "-" for standard input')
    validate.add_argument(
        "--lenient",
        action="store_true",
        help="report fields that apply only to another variant as warnings (on stderr), not violations",
    )
    validate.add_argument(
        "--operation",
        default=DEFAULT_OPERATION,
        choices=sorted(operations()),
        metavar="OPERATION",
        help=f'the operation whose request body the files are, e.g. "POST /v3/videos" (default: "{DEFAULT_OPERATION}")',
    )
    register_migrate(commands)
    return parser, commands


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: The arguments after the program name; ``sys.argv[1:]`` when ``None``.

    Returns:
        The exit status.
    """
    parser, _commands = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args)) if "run" in args else _validate(args)
    except ModuleNotFoundError as error:
        line = missing_dependency_line(error, f"python -m heygen_studio {args.command}")
        if line is None:
            raise
        print(line, file=sys.stderr)
        return EXIT_MISSING_DEPENDENCY


if __name__ == "__main__":
    sys.exit(main())
