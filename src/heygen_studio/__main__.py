"""``python -m heygen_studio validate FILE...``: check stored request bodies offline.

Prints one line per file (``ok FILE`` when it is valid, else one ``FILE: path: message`` line per
violation), then a summary line. ``-`` reads a body from standard input. Exit status: 0 when every
file is valid, 1 when any file breaks a rule, 2 when any file cannot be read, is not a regular file,
is larger than 16 MiB or is not JSON (with a one-line reason on stderr; such a file is not validated).
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
import warnings
from collections.abc import Sequence
from typing import Any

from heygen_studio._cli import EXIT_MISSING_DEPENDENCY, missing_dependency_line
from heygen_studio._errors import HeyGenWarning
from heygen_studio._migrate_cli import register as register_migrate
from heygen_studio._validation import DEFAULT_OPERATION, operations, validate_request

EXIT_INVALID = 1
EXIT_UNREADABLE = 2
MAX_BYTES = 16 * 1024 * 1024  # far above any real request body; keeps memory bounded on /dev/zero and the like
STDIN = "-"
STDIN_NAME = "<stdin>"

VALIDATE_DESCRIPTION = f"""\
Check create-video request bodies (JSON files) against every rule of the spec, without sending them.

Prints "ok FILE" for each valid file, one "FILE: path: message" line per violation otherwise, and a
summary line at the end. FILE "-" reads one body from standard input. Only regular files up to
16 MiB ({MAX_BYTES} bytes) are read: a directory, device, FIFO or socket, or a larger file, is refused
without being opened or read.

exit status: 0 every file is valid, 1 some file breaks a rule, 2 some file is unreadable, not a regular
file, too large or not JSON (one line on stderr each; the other files are still checked)."""


class _BrokenFileError(Exception):
    """A file that is not there, not readable, not a regular file, too large, or not strict JSON."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _refuse_unless_regular(mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "not a file")
    raise _BrokenFileError(f"not a regular file ({kind}); validate reads regular files, or - for standard input")


def _too_large(size: str) -> _BrokenFileError:
    return _BrokenFileError(f"too large: {size}, the limit is 16 MiB ({MAX_BYTES} bytes)")


def _read(name: str) -> bytes:
    """The bytes of ``name`` (or of standard input for ``-``), at most ``MAX_BYTES`` of them."""
    if name == STDIN:
        if sys.stdin is None:
            raise _BrokenFileError("cannot read: standard input is closed")
        data: bytes = sys.stdin.buffer.read(MAX_BYTES + 1)
    else:
        try:
            # Look before opening: opening a FIFO waits for a writer, and a device can be endless.
            info = os.stat(name)
            _refuse_unless_regular(info.st_mode)
            if info.st_size > MAX_BYTES:
                raise _too_large(f"{info.st_size} bytes")
            # O_NONBLOCK: should the path turn into a FIFO after the stat, opening it still returns at once.
            fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
            with os.fdopen(fd, "rb") as file:
                _refuse_unless_regular(os.fstat(file.fileno()).st_mode)
                data = file.read(MAX_BYTES + 1)
        except OSError as error:
            raise _BrokenFileError(f"cannot read: {error.strerror or error}") from None
    if len(data) > MAX_BYTES:
        raise _too_large("more than that was read")
    return data


def _load(name: str) -> Any:
    data = _read(name)
    try:
        # json.loads detects UTF-8/16/32 from the bytes; NaN and Infinity are Python's extension, not JSON.
        return json.loads(data, parse_constant=_reject_constant)
    except UnicodeDecodeError as error:
        raise _BrokenFileError(f"not UTF-8 text: {error.reason} at byte {error.start}") from None
    except json.JSONDecodeError as error:
        raise _BrokenFileError(f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})") from None
    except ValueError as error:
        raise _BrokenFileError(f"not valid JSON: {error}") from None
    except RecursionError:
        raise _BrokenFileError("not valid JSON: nested too deeply") from None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _validate(args: argparse.Namespace) -> int:
    ok = invalid = unreadable = 0
    for name in args.files:
        shown = STDIN_NAME if name == STDIN else name
        try:
            payload = _load(name)
        except _BrokenFileError as error:
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
