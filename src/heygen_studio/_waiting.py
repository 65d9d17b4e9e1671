"""``videos.wait``: poll a video until it ends, as one generator shared by the sync and async clients.

The loop yields a ``Poll`` (the driver answers with the ``Video`` or the error its
``get`` raised) or a number of seconds to sleep, so its timing is decided here once,
against the client's injectable clock:

- polls grow from ``FIRST_INTERVAL`` by ``GROWTH`` up to ``MAX_INTERVAL`` seconds,
  unless ``poll_interval`` fixes them;
- a 429 that ``get`` could not retry away waits its ``Retry-After`` (else the interval);
  transient failures (connection, timeout, 502/503/504) just wait for the next poll;
- no sleep runs past the timeout: the last one ends exactly at it, for one final
  poll, and then ``WaitTimeoutError`` is raised; each poll (with its retries) gets
  only the time the timeout has left, or ``MIN_POLL_BUDGET`` for the final one;
- each status change is logged at INFO on the ``heygen_studio`` logger.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Generator
from dataclasses import dataclass

from heygen_studio._errors import (
    APIConnectionError,
    HeyGenError,
    InternalServerError,
    OutcomeUnknownError,
    RateLimitError,
    VideoFailedError,
    WaitTimeoutError,
)
from heygen_studio._video_models import Video

logger = logging.getLogger("heygen_studio")

FIRST_INTERVAL = 2.0
GROWTH = 1.5
MAX_INTERVAL = 30.0

#: A poll gets at least this many seconds, even when the wait's own timeout is nearly spent.
MIN_POLL_BUDGET = 1.0


@dataclass(frozen=True)
class Poll:
    """Ask for the video's state, within ``budget`` seconds (retries included)."""

    budget: float


WaitStep = Poll | float


def check_wait(timeout: object, poll_interval: object) -> tuple[float, float | None]:
    """``timeout`` and ``poll_interval`` as floats, or ``ValueError``/``TypeError`` naming the argument."""
    values: list[float | None] = []
    for name, value, optional in (("timeout", timeout, False), ("poll_interval", poll_interval, True)):
        if value is None and optional:
            values.append(None)
            continue
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise TypeError(f"{name} must be a number of seconds, got {type(value).__name__}")
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a positive, finite number of seconds, got {value!r}")
        values.append(float(value))
    first, second = values
    assert first is not None
    return first, second


def wait_steps(
    video_id: str, *, timeout: float, poll_interval: float | None, clock: Callable[[], float]
) -> Generator[WaitStep, Video | HeyGenError | None, Video]:
    """Poll ``video_id`` until it completes (returned) or fails (``VideoFailedError``), within ``timeout``.

    Yields:
        A ``Poll`` (the time left, at least ``MIN_POLL_BUDGET``) or seconds to sleep.

    Raises:
        VideoFailedError: The video ended ``failed``.
        WaitTimeoutError: ``timeout`` passed first.
        HeyGenError: ``get`` failed in a way that waiting cannot mend (401, 404, ...).
    """
    deadline = clock() + timeout
    interval = poll_interval if poll_interval is not None else FIRST_INTERVAL
    status: str | None = None
    while True:
        outcome = yield Poll(max(deadline - clock(), MIN_POLL_BUDGET))
        delay = interval
        if isinstance(outcome, Video):
            if outcome.status != status:
                logger.info("video %s is %s", video_id, outcome.status)
                status = outcome.status
            if outcome.status == "completed":
                return outcome
            if outcome.status == "failed":
                raise VideoFailedError(
                    video_id, failure_code=outcome.failure_code, failure_message=outcome.failure_message
                )
        elif isinstance(outcome, RateLimitError) and outcome.retry_after is not None:
            delay = max(delay, outcome.retry_after)
        elif isinstance(outcome, (RateLimitError, APIConnectionError, OutcomeUnknownError)) or (
            isinstance(outcome, InternalServerError) and outcome.status_code in (502, 503, 504)
        ):
            logger.info("polling video %s failed, trying again: %s", video_id, outcome)
        elif isinstance(outcome, HeyGenError):
            raise outcome
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitTimeoutError(video_id, status=status, timeout=timeout)
        yield min(delay, remaining)
        if poll_interval is None:
            interval = min(interval * GROWTH, MAX_INTERVAL)
