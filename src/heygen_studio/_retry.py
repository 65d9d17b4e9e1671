"""When to retry a call, and how long to wait: one policy, one function, keyed by retry class.

Two retry classes:

``"idempotent"`` (``GET``, ``DELETE``): a second attempt cannot do harm, so
connection errors, timeouts, dropped connections (``APIConnectionError``,
``OutcomeUnknownError``), 429 and 502/503/504 are retried, within ``max_retries``
and the deadline.

``"create"`` (``POST /v2/video/generate``, ``POST /v3/videos``): each starts a paid
render and takes no idempotency key, so a retry is only safe when the first
attempt surely never started a job:

- retried: the connection never carried the request (``APIConnectionError``:
  refused, DNS failure, connect or pool timeout) and 429 (HeyGen refused the
  request before starting anything);
- never retried: anything after the request may have been received (read
  timeouts, dropped connections: ``OutcomeUnknownError``), every 5xx, every other
  status, TLS failures (a broken certificate does not heal in a second), and a 2xx
  whose body could not be read;
- opt-in: ``retry_server_errors=True`` retries 502, 503 and 504 for callers who
  accept that a retry may create a second video.

This matches HeyGen's own CLI (it retries a POST only on 429, never after a timeout)
and deliberately differs from SDKs that retry POSTs on timeouts and 5xx.
"""

from __future__ import annotations

import email.utils
import math
import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from heygen_studio._errors import (
    APIConnectionError,
    ConfigurationError,
    HeyGenError,
    InternalServerError,
    OutcomeUnknownError,
    RateLimitError,
)

#: ``"create"``: never retried once it may have been received; ``"idempotent"``: safe to repeat.
RetryClass = Literal["create", "idempotent"]

#: Statuses a caller may opt in to retrying: proxies and load balancers answer these
#: when HeyGen itself was not reached, though that is not guaranteed.
OPT_IN_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """The retry settings of a client.

    Attributes:
        max_retries: Retries after the first attempt; 0 disables retrying.
        retry_server_errors: Also retry 502/503/504, accepting a possible second video.
        initial_backoff: Seconds before the first retry when the server gave no ``Retry-After``.
        max_backoff: Cap on one backoff sleep.
        max_retry_after: A ``Retry-After`` above this many seconds raises ``RateLimitError`` instead of waiting.
        deadline: Seconds for the whole call, attempts and sleeps together; no retry starts
            that would sleep past it. ``None`` for no limit.
    """

    max_retries: int = 2
    retry_server_errors: bool = False
    initial_backoff: float = 0.5
    max_backoff: float = 8.0
    max_retry_after: float = 60.0
    deadline: float | None = 120.0

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ConfigurationError(f"max_retries must be 0 or more, got {self.max_retries}")
        for name in ("initial_backoff", "max_backoff", "max_retry_after"):
            if not getattr(self, name) >= 0:
                raise ConfigurationError(f"{name} must be 0 or more, got {getattr(self, name)}")
        if self.deadline is not None and not self.deadline > 0:
            raise ConfigurationError(f"deadline must be positive or None, got {self.deadline}")


@dataclass(frozen=True)
class Retry:
    """A decision to try again after ``delay`` seconds, for ``reason``."""

    delay: float
    reason: str


def retry_decision(
    error: HeyGenError,
    *,
    retry_class: RetryClass = "create",
    retries_taken: int,
    elapsed: float,
    policy: RetryPolicy,
    jitter: Callable[[], float],
) -> Retry | None:
    """Decide whether a failed attempt is retried.

    Args:
        error: What the attempt ended with.
        retry_class: The operation's: ``"create"`` or ``"idempotent"``.
        retries_taken: Retries already made in this call (0 after the first attempt).
        elapsed: Seconds since the call started.
        policy: The client's settings.
        jitter: Returns a float in [0, 1); scales the backoff down by up to a quarter
            so that many clients failing together do not retry in step.

    Returns:
        A ``Retry`` with the delay and a reason for the log, or ``None`` to raise ``error``.
    """
    if retries_taken >= policy.max_retries:
        return None
    if isinstance(error, APIConnectionError):
        if _is_tls_failure(error):
            return None
        reason = f"the request never reached HeyGen ({error})"
        delay = _backoff(retries_taken, policy, jitter)
    elif isinstance(error, RateLimitError):
        if error.retry_after is not None and error.retry_after > policy.max_retry_after:
            return None
        if error.retry_after is not None:
            delay = error.retry_after
            reason = f"HeyGen answered 429 and asked to wait {delay:g}s"
        else:
            delay = _backoff(retries_taken, policy, jitter)
            reason = "HeyGen answered 429"
    elif isinstance(error, InternalServerError) and (policy.retry_server_errors or retry_class == "idempotent"):
        if error.status_code not in OPT_IN_STATUSES:
            return None
        why = "the call is idempotent" if retry_class == "idempotent" else "retry_server_errors is on"
        reason = f"HeyGen answered {error.status_code} and {why}"
        delay = _backoff(retries_taken, policy, jitter)
    elif isinstance(error, OutcomeUnknownError) and retry_class == "idempotent":
        reason = f"no answer came and the call is idempotent ({error})"
        delay = _backoff(retries_taken, policy, jitter)
    else:
        return None
    if policy.deadline is not None and elapsed + delay > policy.deadline:
        return None
    return Retry(delay=delay, reason=reason)


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header, or ``None`` when it says nothing usable.

    RFC 9110 section 10.2.3 allows exactly two forms: delta-seconds (ASCII digits
    only) or an HTTP-date (which starts with a day name). Python's number syntax
    is not HTTP's: ``1_0``, ``+5``, ``5.0``, ``1e3`` and full-width digits are
    treated as absent rather than guessed at.

    Args:
        value: The header value.
        now: The current wall-clock time (``time.time()``), for the HTTP-date form.

    Returns:
        Seconds to wait; ``None`` for a missing, malformed or past value, which the
        policy replaces by its own backoff. An absurdly long delta is infinite (and
        so above any ``max_retry_after``).
    """
    if value is None:
        return None
    text = value.strip(" \t")
    if _DELTA_SECONDS.fullmatch(text):
        return float(text) if len(text) <= 15 else math.inf
    if not text[:1].isascii() or not text[:1].isalpha() or len(text) > 64:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        return None
    seconds = moment.timestamp() - now
    return seconds if seconds > 0 else None


_DELTA_SECONDS = re.compile(r"[0-9]+")


def _backoff(retries_taken: int, policy: RetryPolicy, jitter: Callable[[], float]) -> float:
    delay = min(policy.max_backoff, policy.initial_backoff * 2.0**retries_taken)
    return delay * (1.0 - 0.25 * jitter())


def _is_tls_failure(error: BaseException) -> bool:
    seen: set[int] = set()
    cause = error.__cause__
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, ssl.SSLError):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False
