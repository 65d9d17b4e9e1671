"""MockHeyGen's fault script: answers to fail, stall or drop, queued first in, first out.

A fault is used by the next request that reaches an operation of the table
(a known method on a known path), or only by requests to one operation when it
was queued with ``operation=``. Requests answered 404 or 405 leave the script
alone.
"""

from __future__ import annotations

import json
import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

from heygen_studio.testing._answers import JSON, Answer, ErrorStyle, error_body

# Headers that frame the message: a fault may not override them, or the client could not read the answer.
_FRAMING_HEADERS = frozenset({"content-length", "transfer-encoding", "connection"})


@dataclass(frozen=True)
class Fail:
    """Answer ``status`` instead of processing the request; ``body`` ``None`` means HeyGen's error body."""

    status: int
    body: bytes | None
    content_type: str
    headers: tuple[tuple[str, str], ...]
    operation: str | None = None

    def answer(self, style: ErrorStyle) -> Answer:
        """The answer to send, with the default body in the envelope of the operation it hit."""
        if self.body is not None:
            return Answer(self.status, self.body, self.content_type, self.headers)
        if self.status >= 400:
            return Answer(self.status, error_body(self.status, style), JSON, self.headers)
        return Answer(self.status, b"", "text/plain; charset=utf-8", self.headers)


@dataclass(frozen=True)
class Stall:
    """Process the request, then withhold the answer for ``seconds``."""

    seconds: float
    operation: str | None = None


@dataclass(frozen=True)
class Drop:
    """Process the request, then close the connection without answering."""

    operation: str | None = None


Fault = Fail | Stall | Drop


class FaultScript:
    """The queue of faults; not locked itself: its owner holds its lock around every call."""

    def __init__(self) -> None:
        self._queue: deque[Fault] = deque()

    def extend(self, faults: list[Fault]) -> None:
        """Queue ``faults`` after those already queued."""
        self._queue.extend(faults)

    def take(self, operation: str) -> Fault | None:
        """Remove and return the first fault that applies to ``operation``, if any."""
        for index, fault in enumerate(self._queue):
            if fault.operation is None or fault.operation == operation:
                del self._queue[index]
                return fault
        return None

    def clear(self) -> None:
        """Forget every queued fault."""
        self._queue.clear()


def _format_retry_after(value: str | float) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"retry_after must be a str or a number, got {type(value).__name__}")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _raw_content_type(body: bytes) -> str:
    return "text/html; charset=utf-8" if body.lstrip().startswith(b"<") else "text/plain; charset=utf-8"


def build_fail(
    status: int,
    *,
    retry_after: str | float | None,
    body: object,
    headers: Mapping[str, str] | None,
    operation: str | None,
) -> Fail:
    """Check ``fail_next``'s arguments and build its fault (see :meth:`MockHeyGen.fail_next`)."""
    if isinstance(status, bool) or not isinstance(status, int) or not 200 <= status <= 599:
        raise ValueError(f"status must be an int from 200 to 599, got {status!r}")
    extra = list((headers or {}).items())
    framing = sorted(name for name, _ in extra if name.lower() in _FRAMING_HEADERS)
    if framing:
        raise ValueError(f"headers may not set the message framing: {', '.join(framing)}")
    if retry_after is not None:
        if any(name.lower() == "retry-after" for name, _ in extra):
            raise ValueError("Retry-After given both as retry_after= and in headers=; give it once")
        extra.insert(0, ("Retry-After", _format_retry_after(retry_after)))
    if body is None:
        return Fail(status, None, JSON, tuple(extra), operation)
    if isinstance(body, (bytes, bytearray, memoryview)):
        raw = bytes(body)
        return Fail(status, raw, _raw_content_type(raw), tuple(extra), operation)
    if isinstance(body, str):
        raw = body.encode()
        return Fail(status, raw, _raw_content_type(raw), tuple(extra), operation)
    try:
        encoded = json.dumps(body).encode()
    except (TypeError, ValueError) as error:
        raise TypeError(f"body cannot be sent as JSON: {error}") from None
    return Fail(status, encoded, JSON, tuple(extra), operation)


def check_times(times: int) -> None:
    """Refuse a ``times`` that is not a positive int."""
    if isinstance(times, bool) or not isinstance(times, int) or times < 1:
        raise ValueError(f"times must be a positive int, got {times!r}")


def check_seconds(seconds: float) -> float:
    """Refuse a stall that is negative or not finite; return it as a float."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise ValueError(f"seconds must be a finite number >= 0, got {seconds!r}")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"seconds must be a finite number >= 0, got {seconds!r}")
    return float(seconds)
