"""Read one JSON request body from a file or standard input, safely: the one reader of both command lines.

Only regular files up to ``MAX_BYTES`` are read; a directory, device, FIFO or socket is refused by ``stat``
before it is opened (opening a FIFO waits for a writer, and a device can be endless), and the file is opened
non-blocking in case it changed in between. NaN and Infinity (Python's extensions) are not JSON.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from typing import Any

MAX_BYTES = 16 * 1024 * 1024  # far above any real request body; keeps memory bounded on /dev/zero and the like
STDIN = "-"


class UnreadableFileError(Exception):
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
    raise UnreadableFileError(f"not a regular file ({kind}); only regular files are read, or - for standard input")


def _too_large(size: str) -> UnreadableFileError:
    return UnreadableFileError(f"too large: {size}, the limit is 16 MiB ({MAX_BYTES} bytes)")


def _read(name: str) -> bytes:
    """The bytes of ``name`` (or of standard input for ``-``), at most ``MAX_BYTES`` of them."""
    if name == STDIN:
        if sys.stdin is None:
            raise UnreadableFileError("cannot read: standard input is closed")
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
            raise UnreadableFileError(f"cannot read: {error.strerror or error}") from None
    if len(data) > MAX_BYTES:
        raise _too_large("more than that was read")
    return data


def read_json(name: str) -> Any:
    """The JSON value in file ``name`` (``-``: standard input).

    Raises:
        UnreadableFileError: with a one-line reason: missing, unreadable, not a regular file, too large, not JSON.
    """
    data = _read(name)
    try:
        # json.loads detects UTF-8/16/32 from the bytes; NaN and Infinity are Python's extension, not JSON.
        return json.loads(data, parse_constant=_reject_constant)
    except UnicodeDecodeError as error:
        raise UnreadableFileError(f"not UTF-8 text: {error.reason} at byte {error.start}") from None
    except json.JSONDecodeError as error:
        raise UnreadableFileError(f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})") from None
    except ValueError as error:
        raise UnreadableFileError(f"not valid JSON: {error}") from None
    except RecursionError:
        raise UnreadableFileError("not valid JSON: nested too deeply") from None
