"""The retry policy, one table: which failures are retried, after how long, and which never are."""

from __future__ import annotations

import email.utils
import ssl

import pytest

from heygen_studio import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    HeyGenError,
    InternalServerError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from heygen_studio._retry import Retry, RetryPolicy, parse_retry_after, retry_decision

DEFAULT = RetryPolicy()
OPT_IN = RetryPolicy(retry_server_errors=True)


def status(cls: type[APIStatusError], code: int) -> APIStatusError:
    return cls("x", status_code=code)


def rate_limited(retry_after: float | None) -> RateLimitError:
    return RateLimitError("slow down", retry_after=retry_after, status_code=429)


def tls_failure() -> APIConnectionError:
    error = APIConnectionError("could not reach HeyGen")
    try:
        raise ssl.SSLCertVerificationError("certificate verify failed")
    except ssl.SSLError as exc:
        error.__cause__ = RuntimeError("wrapped")
        error.__cause__.__cause__ = exc
    return error


# (error, policy, retries taken, elapsed seconds) -> the delay, or None for "raise".
# jitter() is 0 throughout, so backoff delays are exact: 0.5, 1.0, 2.0, ... capped at 8.
TABLE: list[tuple[str, HeyGenError, RetryPolicy, int, float, float | None]] = [
    ("connection error, first retry", APIConnectionError("refused"), DEFAULT, 0, 0.0, 0.5),
    ("connection error, second retry", APIConnectionError("refused"), DEFAULT, 1, 0.6, 1.0),
    ("connection error, retries used up", APIConnectionError("refused"), DEFAULT, 2, 2.0, None),
    ("backoff is capped", APIConnectionError("refused"), RetryPolicy(max_retries=10), 6, 0.0, 8.0),
    ("no retries configured", APIConnectionError("refused"), RetryPolicy(max_retries=0), 0, 0.0, None),
    ("TLS failure is never retried", tls_failure(), DEFAULT, 0, 0.0, None),
    ("429 without Retry-After backs off", rate_limited(None), DEFAULT, 0, 0.0, 0.5),
    ("429 honours Retry-After", rate_limited(3.0), DEFAULT, 0, 0.0, 3.0),
    ("429 Retry-After 0 retries at once", rate_limited(0.0), DEFAULT, 0, 0.0, 0.0),
    ("429 Retry-After at the cap still waits", rate_limited(60.0), DEFAULT, 0, 0.0, 60.0),
    ("429 Retry-After above the cap raises", rate_limited(61.0), DEFAULT, 0, 0.0, None),
    ("429 past max_retries raises", rate_limited(1.0), DEFAULT, 2, 0.0, None),
    ("429 whose wait would pass the deadline raises", rate_limited(30.0), DEFAULT, 0, 100.0, None),
    ("backoff that would pass the deadline raises", APIConnectionError("x"), RetryPolicy(deadline=1.0), 0, 0.6, None),
    ("no deadline", rate_limited(30.0), RetryPolicy(deadline=None), 0, 10_000.0, 30.0),
    ("outcome unknown is never retried", OutcomeUnknownError("read timeout"), OPT_IN, 0, 0.0, None),
    (
        "2xx with a broken body is never retried",
        APIResponseValidationError("x", status_code=200, body=""),
        OPT_IN,
        0,
        0,
        None,
    ),
    ("500 is never retried", status(InternalServerError, 500), DEFAULT, 0, 0.0, None),
    ("500 is not retried even with opt-in", status(InternalServerError, 500), OPT_IN, 0, 0.0, None),
    ("502 without opt-in", status(InternalServerError, 502), DEFAULT, 0, 0.0, None),
    ("503 without opt-in", status(InternalServerError, 503), DEFAULT, 0, 0.0, None),
    ("504 without opt-in", status(InternalServerError, 504), DEFAULT, 0, 0.0, None),
    ("502 with opt-in", status(InternalServerError, 502), OPT_IN, 0, 0.0, 0.5),
    ("503 with opt-in", status(InternalServerError, 503), OPT_IN, 1, 0.0, 1.0),
    ("504 with opt-in", status(InternalServerError, 504), OPT_IN, 0, 0.0, 0.5),
    ("504 with opt-in, retries used up", status(InternalServerError, 504), OPT_IN, 2, 0.0, None),
    ("501 with opt-in", status(InternalServerError, 501), OPT_IN, 0, 0.0, None),
    ("400", status(BadRequestError, 400), OPT_IN, 0, 0.0, None),
    ("401", status(AuthenticationError, 401), OPT_IN, 0, 0.0, None),
    ("403", status(PermissionDeniedError, 403), OPT_IN, 0, 0.0, None),
    ("404", status(NotFoundError, 404), OPT_IN, 0, 0.0, None),
    ("409", status(ConflictError, 409), OPT_IN, 0, 0.0, None),
    ("422", status(UnprocessableEntityError, 422), OPT_IN, 0, 0.0, None),
    ("3xx", status(APIStatusError, 302), OPT_IN, 0, 0.0, None),
]

# The same table for GET and DELETE ("idempotent"): a repeat cannot start a second video.
IDEMPOTENT: list[tuple[str, HeyGenError, RetryPolicy, int, float, float | None]] = [
    ("connection error", APIConnectionError("refused"), DEFAULT, 0, 0.0, 0.5),
    ("TLS failure is never retried", tls_failure(), DEFAULT, 0, 0.0, None),
    (
        "outcome unknown (timeout, dropped) is retried",
        OutcomeUnknownError("read timeout", creates=False),
        DEFAULT,
        0,
        0.0,
        0.5,
    ),
    ("outcome unknown, retries used up", OutcomeUnknownError("x", creates=False), DEFAULT, 2, 0.0, None),
    ("outcome unknown past the deadline", OutcomeUnknownError("x", creates=False), DEFAULT, 0, 119.9, None),
    ("429 honours Retry-After", rate_limited(3.0), DEFAULT, 0, 0.0, 3.0),
    ("429 above the cap raises", rate_limited(61.0), DEFAULT, 0, 0.0, None),
    ("502 without opt-in", status(InternalServerError, 502), DEFAULT, 0, 0.0, 0.5),
    ("503 without opt-in", status(InternalServerError, 503), DEFAULT, 1, 0.0, 1.0),
    ("504 without opt-in", status(InternalServerError, 504), DEFAULT, 0, 0.0, 0.5),
    ("503, retries used up", status(InternalServerError, 503), DEFAULT, 2, 0.0, None),
    ("500 is not retried", status(InternalServerError, 500), DEFAULT, 0, 0.0, None),
    ("501 is not retried", status(InternalServerError, 501), DEFAULT, 0, 0.0, None),
    ("2xx with a broken body", APIResponseValidationError("x", status_code=200, body=""), DEFAULT, 0, 0.0, None),
    ("404", status(NotFoundError, 404), DEFAULT, 0, 0.0, None),
    ("401", status(AuthenticationError, 401), DEFAULT, 0, 0.0, None),
]


@pytest.mark.parametrize(
    ("error", "policy", "retries_taken", "elapsed", "expected"),
    [row[1:] for row in IDEMPOTENT],
    ids=[row[0] for row in IDEMPOTENT],
)
def test_idempotent_policy(
    error: HeyGenError, policy: RetryPolicy, retries_taken: int, elapsed: float, expected: float | None
) -> None:
    decision = retry_decision(
        error,
        retry_class="idempotent",
        retries_taken=retries_taken,
        elapsed=elapsed,
        policy=policy,
        jitter=lambda: 0.0,
    )
    assert expected == (None if decision is None else decision.delay)


@pytest.mark.parametrize(
    ("error", "policy", "retries_taken", "elapsed", "expected"),
    [row[1:] for row in TABLE],
    ids=[row[0] for row in TABLE],
)
def test_policy(
    error: HeyGenError, policy: RetryPolicy, retries_taken: int, elapsed: float, expected: float | None
) -> None:
    decision = retry_decision(error, retries_taken=retries_taken, elapsed=elapsed, policy=policy, jitter=lambda: 0.0)
    assert expected == (None if decision is None else decision.delay)


def test_jitter_shortens_backoff_by_at_most_a_quarter() -> None:
    decision = retry_decision(
        APIConnectionError("x"), retries_taken=1, elapsed=0.0, policy=DEFAULT, jitter=lambda: 0.999
    )
    assert decision is not None
    assert 0.75 < decision.delay <= 1.0


def test_jitter_does_not_touch_retry_after() -> None:
    decision = retry_decision(rate_limited(2.0), retries_taken=0, elapsed=0.0, policy=DEFAULT, jitter=lambda: 0.999)
    assert Retry(delay=2.0, reason="HeyGen answered 429 and asked to wait 2s") == decision


def test_reason_names_the_cause() -> None:
    decision = retry_decision(
        APIConnectionError("ConnectError: refused"), retries_taken=0, elapsed=0.0, policy=DEFAULT, jitter=lambda: 0.0
    )
    assert decision is not None
    assert "never reached HeyGen (ConnectError: refused)" in decision.reason


NOW = 1_800_000_000.0


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("2", 2.0),
        (" 7 ", 7.0),
        ("0", 0.0),
        ("007", 7.0),
        ("9" * 40, float("inf")),
        # RFC 9110: delta-seconds is 1*DIGIT; Python's number syntax is not HTTP's.
        (" 1.5 ", None),
        (" 5.0", None),
        ("1_0", None),
        ("+5", None),
        ("1e3", None),
        ("\uff15", None),
        ("5 seconds", None),
        ("-3", None),
        ("soon", None),
        ("", None),
        ("nan", None),
        ("inf", None),
        ("1e400", None),
        (email.utils.formatdate(NOW + 30, usegmt=True), 30.0),
        (email.utils.formatdate(NOW - 30, usegmt=True), None),
        (email.utils.formatdate(NOW + 86_400, usegmt=True), 86_400.0),
        ("Wed, 32 Foo 2026 25:61:00 GMT", None),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert expected == parse_retry_after(header, now=NOW)


@pytest.mark.parametrize(
    "kwargs",
    [{"max_retries": -1}, {"initial_backoff": -0.1}, {"max_retry_after": float("nan")}, {"deadline": 0}],
)
def test_bad_settings_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ConfigurationError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]
