"""``python -m heygen_studio validate FILE.json...``: check stored request bodies offline.

Prints every violation as ``FILE: path: message``. Exit status: 0 when every
file is valid, 1 when any file breaks a rule, 2 when any file cannot be read or
is not JSON (with a one-line reason; such a file is not validated).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from heygen_studio._errors import HeyGenWarning
from heygen_studio._migrate_cli import register as register_migrate
from heygen_studio._validation import validate_request

EXIT_INVALID = 1
EXIT_UNREADABLE = 2


class _BrokenFileError(Exception):
    """A file that is not there, not readable, or not strict JSON."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _load(path: Path) -> Any:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _BrokenFileError(f"cannot read: {error.strerror or error}") from None
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


def _validate(args: argparse.Namespace) -> int:
    status = 0
    for name in args.files:
        try:
            payload = _load(Path(name))
        except _BrokenFileError as error:
            print(f"{name}: {error}", file=sys.stderr)
            status = EXIT_UNREADABLE
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", HeyGenWarning)
            violations = validate_request(payload, strict=not args.lenient)
        for warning in caught:
            print(f"{name}: warning: {warning.message}", file=sys.stderr)
        for violation in violations:
            print(f"{name}: {violation}")
        if violations and status == 0:
            status = EXIT_INVALID
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m heygen_studio", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser(
        "validate",
        help="check create-video request bodies (JSON files) against HeyGen's rules",
        description="Check create-video request bodies against every rule of the spec, without sending them.",
    )
    validate.add_argument("files", nargs="+", metavar="FILE.json")
    validate.add_argument(
        "--lenient",
        action="store_true",
        help="report fields that apply only to another variant as warnings (on stderr), not violations",
    )
    register_migrate(commands)
    args = parser.parse_args(argv)
    return int(args.run(args)) if "run" in args else _validate(args)


if __name__ == "__main__":
    sys.exit(main())
