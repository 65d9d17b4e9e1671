"""The transport core: one call engine for every operation, sync and async.

An operation is data (``Operation``): its method and path template, its retry
class and its result parser. ``Transport.call`` runs any of them as a generator
that yields what to do next, an ``Attempt`` to send or a delay to sleep, and
receives the answer (``Received``) or the transport error. The sync and async
drivers in ``_client`` only do the I/O, so the retry policy, the error mapping,
the redaction and the deadline cannot drift apart between them.

The generated endpoint functions (``heygen_studio_api.api``) are not used here:
their client keeps the API key in a default-headers mapping and cannot stop
between attempts, and this layer needs both the key attached per request and
control of every attempt.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
import urllib.parse
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import attrs
import httpx
from heygen_studio_api.types import UNSET, Unset

from heygen_studio._errors import (
    APIConnectionError,
    ConfigurationError,
    HeyGenError,
    OutcomeUnknownError,
    RequestValidationError,
    Violation,
)
from heygen_studio._reading import ACCEPT_ENCODING, MAX_BODY, DeadlinePassedError, Received, clamp
from heygen_studio._redact import MIN_SECRET_LENGTH, REDACTED, Secret, protect, scrub
from heygen_studio._responses import make_status_error, oversized, unreadable
from heygen_studio._retry import RetryClass, RetryPolicy, retry_decision
from heygen_studio._urls import check_base_url

logger = logging.getLogger("heygen_studio")

T = TypeVar("T")
TimeoutArg = float | httpx.Timeout | None

#: Creates and other writes: HeyGen's ``POST /v3/videos`` does synchronous work before it answers
#: (its own CLI measured a server-side p99 of ~31 s and allows writes 120 s). A read timeout on a
#: create leaves the outcome unknown and is never retried, so the default leaves that headroom.
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=120.0, write=30.0, pool=10.0)

#: Reads (``GET``) and deletes: short, because they are retried.
DEFAULT_READ_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=10.0)

# Raised by httpx before any byte of the request left the machine.
_NEVER_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ProxyError,
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
)


@dataclass(frozen=True)
class Operation(Generic[T]):
    """One API operation, as data.

    Attributes:
        name: ``"METHOD /path/{param}"`` as in the spec, e.g. ``"GET /v3/videos/{video_id}"``.
        retry: ``"create"`` (never retried once it may have been received) or
            ``"idempotent"`` (retried on connection errors, timeouts, 429 and 502/503/504).
        parse: Turns a 2xx answer into the result; raises ``APIResponseValidationError``.
        lost: What the caller loses when a 2xx answer cannot be read, for the message.
    """

    name: str
    retry: RetryClass
    parse: Callable[[Received], T]
    lost: str = "the result is unknown"

    @property
    def method(self) -> str:
        return self.name.split(" ", 1)[0]

    @property
    def path(self) -> str:
        return self.name.split(" ", 1)[1]

    @property
    def default_timeout(self) -> httpx.Timeout:
        return DEFAULT_TIMEOUT if self.retry == "create" else DEFAULT_READ_TIMEOUT


@attrs.frozen
class APIResponse(Generic[T]):
    """The HTTP response of a call, with its parsed result.

    Attributes:
        status_code: The HTTP status of the last attempt.
        headers: Its response headers.
        content: Its raw body (decoded, with the API key redacted should the server echo it).
        parsed: The typed result (what the plain method returns).
        retries_taken: Retries this call needed (0 when the first attempt succeeded).
    """

    status_code: int
    headers: httpx.Headers = attrs.field(repr=False)
    content: bytes = attrs.field(repr=False)
    parsed: T
    retries_taken: int = 0


@dataclass(frozen=True)
class Attempt:
    """A request to send, and the clock reading by which the whole call must be over (``None``: no deadline)."""

    request: httpx.Request
    deadline_at: float | None


Step = Attempt | float


class Transport:
    """What every client shares: settings, the key, and the call engine."""

    def __init__(
        self,
        api_key: str | None,
        *,
        base_url: str | httpx.URL | None,
        timeout: TimeoutArg | Unset,
        max_retries: int,
        retry_server_errors: bool,
        deadline: float | None,
        max_retry_after: float,
        strict: bool,
        allow_insecure_http: bool,
        clock: Callable[[], float],
        jitter: Callable[[], float],
    ) -> None:
        key = api_key if api_key is not None else os.environ.get("HEYGEN_API_KEY")
        if key is not None and not isinstance(key, str):
            raise ConfigurationError(f"api_key must be a str, got {type(key).__name__} (decode bytes first)")
        if not key:
            raise ConfigurationError("no API key: pass HeyGen(api_key=...) or set HEYGEN_API_KEY")
        if len(key) < MIN_SECRET_LENGTH or not key.isascii() or not key.isprintable() or key != key.strip():
            raise ConfigurationError(
                f"the API key does not look like one: it must be at least {MIN_SECRET_LENGTH} printable ASCII"
                " characters with no surrounding whitespace"
            )
        self._api_key = Secret(key)
        protect(self._api_key)
        url = base_url if base_url is not None else os.environ.get("HEYGEN_BASE_URL") or DEFAULT_BASE_URL
        self.base_url = check_base_url(url, allow_insecure_http=allow_insecure_http)
        self.timeout: httpx.Timeout | None = None if isinstance(timeout, Unset) else as_timeout(timeout, "timeout")
        _check_int("max_retries", max_retries)
        _check_number("deadline", deadline, allow_none=True)
        _check_number("max_retry_after", max_retry_after, allow_none=False)
        self.policy = RetryPolicy(
            max_retries=max_retries,
            retry_server_errors=bool(retry_server_errors),
            deadline=deadline,
            max_retry_after=max_retry_after,
        )
        self.strict = strict
        self.max_body = MAX_BODY
        self._clock = clock
        self._jitter = jitter
        self._prefix = self.base_url.raw_path.split(b"?", 1)[0].rstrip(b"/")
        self._urls: dict[str, httpx.URL] = {}
        self._user_agent = f"heygen-studio/{_version()} httpx/{httpx.__version__}"
        #: Sent with every request: by the connection pool itself when this package builds it
        #: (``client_sends_fixed_headers``), else with each request, over a caller's client's defaults.
        self.fixed_headers = {
            "accept": "application/json",
            "accept-encoding": ACCEPT_ENCODING,
            "user-agent": self._user_agent,
        }
        self.client_sends_fixed_headers = False

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={str(self.base_url)!r}, api_key={self._api_key!r},"
            f" max_retries={self.policy.max_retries})"
        )

    def url_for(self, operation: Operation[Any], path_params: Mapping[str, str]) -> httpx.URL:
        """The URL of ``operation`` under the base URL, path parameters checked and percent-encoded.

        Raises:
            RequestValidationError: A path parameter is not a short printable token.
        """
        if not path_params:
            cached = self._urls.get(operation.name)
            if cached is None:
                cached = self._urls[operation.name] = self._join(operation.path)
            return cached
        path = operation.path
        for name, value in path_params.items():
            path = path.replace("{" + name + "}", _path_param(name, value))
        return self._join(path)

    def _join(self, path: str) -> httpx.URL:
        url = self.base_url.copy_with(raw_path=self._prefix + path.encode("ascii"))
        # Defence in depth: whatever the path, the key goes to the base URL's origin and nowhere else.
        if (url.scheme, url.host, url.port) != (self.base_url.scheme, self.base_url.host, self.base_url.port):
            raise ConfigurationError("the request URL left the base URL's scheme, host and port; refusing to send")
        return url

    def call(
        self,
        build: Callable[..., httpx.Request],
        operation: Operation[T],
        *,
        path_params: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        content: bytes | None = None,
        timeout: TimeoutArg | Unset = UNSET,
        callback_id: str | None = None,
        deadline: float | None = None,
    ) -> Generator[Step, Received | None, APIResponse[T]]:
        """Run ``operation`` to its result, retrying as its retry class allows.

        ``deadline``, when given, tightens the client's for this call (``videos.wait``
        gives each poll only the time its own timeout has left).

        Yields:
            An ``Attempt`` to send, or seconds to sleep.

        Returns:
            The parsed result, with the last answer's status, headers and body.
        """
        url = self.url_for(operation, path_params or {})
        chosen = operation.default_timeout if self.timeout is None else self.timeout
        if not isinstance(timeout, Unset):
            chosen = as_timeout(timeout, "timeout")
        # Only what the pool does not already send: httpx merges each request's headers into its defaults one
        # by one, so every header left out saves that work (~13 us a call for the three fixed ones, timeit).
        headers = {} if self.client_sends_fixed_headers else dict(self.fixed_headers)
        headers["x-api-key"] = self._api_key.reveal()
        if content is not None:
            headers["content-type"] = "application/json"
        # Built once: every attempt sends these exact bytes and headers.
        request = build(operation.method, url, params=params, content=content, headers=headers, timeout=chosen)
        base_timeouts = dict(request.extensions["timeout"])
        creates = operation.retry == "create"
        policy = self.policy
        if deadline is not None and (policy.deadline is None or deadline < policy.deadline):
            policy = dataclasses.replace(policy, deadline=deadline)
        started = self._clock()
        deadline_at = None if policy.deadline is None else started + policy.deadline
        retries_taken = 0
        while True:
            logger.debug("%s attempt %d", operation.name, retries_taken + 1)
            try:
                if deadline_at is not None:
                    request.extensions["timeout"] = clamp(base_timeouts, max(deadline_at - self._clock(), 0.0))
                try:
                    received = yield Attempt(request, deadline_at)
                except httpx.RequestError as exc:
                    raise transport_error(scrub(exc), callback_id=callback_id, creates=creates) from exc
                except DeadlinePassedError:
                    what = f"no complete answer within the deadline of {policy.deadline:g}s"
                    raise OutcomeUnknownError(what, callback_id=callback_id, creates=creates) from None
                assert received is not None
                return self._finish(operation, received, retries_taken)
            except HeyGenError as error:
                decision = retry_decision(
                    error,
                    retry_class=operation.retry,
                    retries_taken=retries_taken,
                    elapsed=self._clock() - started,
                    policy=policy,
                    jitter=self._jitter,
                )
                if decision is None:
                    raise
            retries_taken += 1
            logger.info(
                "retrying %s in %.2fs (retry %d of %d): %s",
                operation.name,
                decision.delay,
                retries_taken,
                self.policy.max_retries,
                decision.reason,
            )
            yield decision.delay

    def _finish(self, operation: Operation[T], received: Received, retries_taken: int) -> APIResponse[T]:
        # A server echoing the key (in a message, a header) must not hand it to whoever reads the error.
        # The key is printable ASCII, so it is found in the raw bytes as surely as in decoded text, without
        # decoding every header of every answer.
        key = self._api_key.reveal()
        raw_key = key.encode()
        content = received.content
        if raw_key in content:
            content = content.replace(raw_key, REDACTED.encode())
        headers = received.headers
        if any(raw_key in value for _, value in headers.raw):
            headers = httpx.Headers([(name, value.replace(key, REDACTED)) for name, value in headers.multi_items()])
        if content is not received.content or headers is not received.headers:
            received = Received(received.status_code, headers, content, received.oversized)
        status = received.status_code
        if not 200 <= status < 300:
            limit = self.max_body if received.oversized else None
            raise make_status_error(status, headers=headers, content=content, limit=limit)
        if received.oversized:
            raise oversized(status, headers=headers, limit=self.max_body, what=operation.lost)
        try:
            parsed = operation.parse(received)
        except HeyGenError:
            raise
        except (RecursionError, ValueError, TypeError, KeyError, AttributeError) as exc:
            # The parsers refuse what they can name; anything else a body provokes is still the body's fault.
            raise unreadable(received, exc) from None
        return APIResponse(status, headers, content, parsed, retries_taken)


#: The server in HeyGen's spec.
DEFAULT_BASE_URL = "https://api.heygen.com"


def transport_error(exc: httpx.RequestError, *, callback_id: str | None, creates: bool) -> HeyGenError:
    """The error for a transport failure: never sent (``APIConnectionError``) or maybe received."""
    if isinstance(exc, _NEVER_SENT):
        return APIConnectionError(f"could not reach HeyGen: {_describe(exc)}")
    if isinstance(exc, httpx.TimeoutException):
        what = f"no answer within the timeout ({_describe(exc)})"
    else:
        what = f"the connection failed ({_describe(exc)})"
    return OutcomeUnknownError(what, callback_id=callback_id, creates=creates)


def _describe(exc: httpx.RequestError) -> str:
    text = str(exc)[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _path_param(name: str, value: Any) -> str:
    if not isinstance(value, str):
        problem = f"must be a str, got {type(value).__name__}"
    elif not 1 <= len(value) <= 128 or not value.isascii() or not value.isprintable() or " " in value:
        problem = "must be 1 to 128 printable ASCII characters without spaces"
    elif value in (".", ".."):
        problem = f"must not be {value!r}"
    else:
        return urllib.parse.quote(value, safe="")
    raise RequestValidationError([Violation(name, f"{name} {problem}", "path-parameter")])


def as_timeout(timeout: Any, name: str) -> httpx.Timeout:
    """``timeout`` as an ``httpx.Timeout``; a positive number of seconds, ``None`` or an ``httpx.Timeout``."""
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if timeout is None:
        return httpx.Timeout(None)
    if isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and math.isfinite(timeout) and timeout > 0:
        return httpx.Timeout(float(timeout))
    shown = type(timeout).__name__ if not isinstance(timeout, (int, float)) else repr(timeout)
    raise ConfigurationError(f"{name} must be a positive number of seconds, None or an httpx.Timeout, got {shown}")


def _check_int(name: str, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        shown = repr(value) if isinstance(value, (int, float)) else type(value).__name__
        raise ConfigurationError(f"{name} must be an int, 0 or more, got {shown}")


def _check_number(name: str, value: Any, *, allow_none: bool) -> None:
    if value is None and allow_none:
        return
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value) or value < 0:
        shown = repr(value) if isinstance(value, (int, float)) else type(value).__name__
        none = " or None" if allow_none else ""
        raise ConfigurationError(f"{name} must be a finite number of seconds{none}, got {shown}")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("heygen-studio")
    except PackageNotFoundError:
        return "0+unknown"
