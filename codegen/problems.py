"""Problems found while generating: data with a severity, reported once at the end of a run.

Three severities, as openapi-python-client's ``parser/errors.py`` has two:

* ``error``: the spec cannot be generated safely; nothing is written.
* ``warning``: a generator skipped a piece of the spec (an operation, a media
  type, a schema); the rest is written.  ``--strict`` makes warnings fatal.
* ``note``: codegen read something the spec says in a way a tool would not by
  default (a ``<id>`` placeholder read as a path parameter); never fatal.

Every problem names its spec location as a JSON pointer, so one run lists
everything to fix.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from codegen.errors import CodegenError


class Severity(enum.Enum):
    """How bad a problem is; the value is what the summary prints."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


def pointer(parts: Sequence[str | int]) -> str:
    """A JSON pointer (RFC 6901) to ``parts``, printable on one line."""
    text = "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    # A hostile name can hold a line break; the message stays one line.
    return printable(text)


def printable(text: str) -> str:
    """``text`` with every non-printable character escaped, so it cannot break a line or a comment."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


@dataclass(frozen=True)
class Problem:
    """One thing codegen found, where it found it, and how bad it is."""

    severity: Severity
    message: str
    location: str = ""

    def __str__(self) -> str:
        where = f" at {self.location}" if self.location else ""
        return f"{self.severity.value}: {self.message}{where}"


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that stop a run."""
    return [p for p in problems if p.severity is Severity.ERROR]


def raise_for_errors(problems: Sequence[Problem], *, source: str, strict: bool = False) -> None:
    """Raise one CodegenError listing every fatal problem (warnings too when ``strict``).

    One problem gives one line (``source: refused: ...``); several give a
    count on the first line and one indented line each.
    """
    fatal = [p for p in problems if p.severity is Severity.ERROR or (strict and p.severity is Severity.WARNING)]
    if not fatal:
        return
    texts = [f"{p.message}{f' at {p.location}' if p.location else ''}" for p in fatal]
    what = "refused" if any(p.severity is Severity.ERROR for p in fatal) else "refused (--strict: warnings are fatal)"
    if len(texts) == 1:
        raise CodegenError(f"{source}: {what}: {texts[0]}")
    listed = "\n".join(f"  {text}" for text in texts)
    raise CodegenError(f"{source}: {what}: {len(texts)} problems:\n{listed}")


def summary(problems: Sequence[Problem]) -> str:
    """The plain-text report printed after a successful run: one line per warning or note, then counts."""
    shown = [p for p in problems if p.severity is not Severity.ERROR]
    if not shown:
        return ""
    counts = {s: sum(1 for p in shown if p.severity is s) for s in (Severity.WARNING, Severity.NOTE)}
    tally = ", ".join(f"{n} {s.value}{'s' if n != 1 else ''}" for s, n in counts.items() if n)
    return "\n".join([*(str(p) for p in shown), tally]) + "\n"
