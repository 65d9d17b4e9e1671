"""``HeyGen`` and ``AsyncHeyGen``: validate, send once, retry only when no second video can result.

Both clients run the same call, written once as a generator (``_BaseClient._call``)
that yields what to do next, an ``httpx.Request`` to send or a delay to sleep, and
receives the response or the transport error. The sync and async drivers only do
the I/O, so the retry policy, the error mapping and the logging cannot drift apart.

The generated endpoint functions (``heygen_studio_api.api``) are not used here:
their client keeps the API key in a default-headers mapping and cannot stop
between attempts, and this layer needs both the key attached per request and
control of every attempt.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import os
import random
import time
from collections.abc import Awaitable, Callable, Generator, Mapping
from types import TracebackType
from typing import Any, Generic, TypeVar

import attrs
import httpx
from heygen_studio_api.models import CreateVideoRequest, CreateVideoResponse
from heygen_studio_api.params import CreateVideoParams
from heygen_studio_api.schema import REQUEST_BODIES
from heygen_studio_api.types import UNSET, Unset
from typing_extensions import Self

from heygen_studio._errors import APIConnectionError, ConfigurationError, HeyGenError, OutcomeUnknownError
from heygen_studio._redact import MIN_SECRET_LENGTH, Secret, protect
from heygen_studio._responses import make_status_error, parse_created, request_id_of
from heygen_studio._retry import RetryPolicy, retry_decision
from heygen_studio._validation import prepare_request

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "APIResponse", "AsyncHeyGen", "CreatedVideo", "HeyGen"]

logger = logging.getLogger("heygen_studio")

#: The server in HeyGen's spec.
DEFAULT_BASE_URL = "https://api.heygen.com"

#: Connect quickly or give up (nothing was sent, so that failure is retried); wait long for
#: the answer, because a read timeout leaves the outcome unknown and is never retried.
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=60.0, write=30.0, pool=10.0)

_CREATE = "POST /v2/video/generate"
assert _CREATE in REQUEST_BODIES, "the generated spec no longer has the create-video operation"
_METHOD, _PATH = _CREATE.split(" ", 1)

# Raised by httpx before any byte of the request left the machine.
_NEVER_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ProxyError,
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
)

T = TypeVar("T")
TimeoutArg = float | httpx.Timeout | None


@attrs.frozen
class CreatedVideo:
    """A video HeyGen accepted for rendering.

    Attributes:
        video_id: HeyGen's id for the video; poll its status or wait for the callback.
        request_id: The request id from the response headers, when present.
        retries_taken: Retries this call needed (0 when the first attempt succeeded).
        response: The whole parsed body, unknown fields included.
    """

    video_id: str
    request_id: str | None
    retries_taken: int
    response: CreateVideoResponse = attrs.field(repr=False)


@attrs.frozen
class APIResponse(Generic[T]):
    """The HTTP response of a call, with its parsed result.

    Attributes:
        status_code: The HTTP status of the last attempt.
        headers: Its response headers.
        content: Its raw body.
        parsed: The typed result (what the plain method returns).
    """

    status_code: int
    headers: httpx.Headers = attrs.field(repr=False)
    content: bytes = attrs.field(repr=False)
    parsed: T


_Step = httpx.Request | float


class _BaseClient:
    def __init__(
        self,
        api_key: str | None,
        *,
        base_url: str | httpx.URL | None,
        timeout: TimeoutArg,
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
        if not key:
            raise ConfigurationError("no API key: pass HeyGen(api_key=...) or set HEYGEN_API_KEY")
        if len(key) < MIN_SECRET_LENGTH or key != key.strip() or not key.isprintable():
            raise ConfigurationError(
                f"the API key does not look like one: it must be at least {MIN_SECRET_LENGTH} printable"
                " characters with no surrounding whitespace"
            )
        protect(key)
        self._api_key = Secret(key)
        url = base_url if base_url is not None else os.environ.get("HEYGEN_BASE_URL") or DEFAULT_BASE_URL
        self.base_url = check_base_url(url, allow_insecure_http=allow_insecure_http)
        self.timeout = _as_timeout(timeout)
        self.policy = RetryPolicy(
            max_retries=max_retries,
            retry_server_errors=retry_server_errors,
            deadline=deadline,
            max_retry_after=max_retry_after,
        )
        self.strict = strict
        self._clock = clock
        self._jitter = jitter
        self._url = self.base_url.join(self.base_url.path.rstrip("/") + _PATH)
        self._user_agent = f"heygen-studio/{_version()} httpx/{httpx.__version__}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={str(self.base_url)!r}, api_key={self._api_key!r},"
            f" max_retries={self.policy.max_retries})"
        )

    def _call(
        self,
        build: Callable[..., httpx.Request],
        request: CreateVideoRequest | Mapping[str, Any] | None,
        fields: Mapping[str, Any],
        timeout: TimeoutArg | Unset,
    ) -> Generator[_Step, httpx.Response | None, APIResponse[CreatedVideo]]:
        payload = prepare_request(request, fields, strict=self.strict)
        callback_id = payload.get("callback_id")
        content = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
        # Built once: every attempt sends these exact bytes and headers.
        http_request = build(
            _METHOD,
            self._url,
            content=content,
            headers={
                "accept": "application/json",
                "content-type": "application/json",
                "user-agent": self._user_agent,
                "x-api-key": self._api_key.reveal(),
            },
            timeout=self.timeout if isinstance(timeout, Unset) else _as_timeout(timeout),
        )
        started = self._clock()
        retries_taken = 0
        while True:
            logger.debug("%s %s attempt %d (%d bytes)", _METHOD, self._url, retries_taken + 1, len(content))
            try:
                try:
                    response = yield http_request
                except httpx.RequestError as exc:
                    raise _transport_error(exc, callback_id=callback_id) from exc
                assert response is not None
                return _finish(response, retries_taken)
            except HeyGenError as error:
                decision = retry_decision(
                    error,
                    retries_taken=retries_taken,
                    elapsed=self._clock() - started,
                    policy=self.policy,
                    jitter=self._jitter,
                )
                if decision is None:
                    raise
            retries_taken += 1
            logger.info(
                "retrying %s in %.2fs (retry %d of %d): %s",
                _CREATE,
                decision.delay,
                retries_taken,
                self.policy.max_retries,
                decision.reason,
            )
            yield decision.delay


class HeyGen(_BaseClient):
    """A client for HeyGen's Studio video API.

    Args:
        api_key: Your HeyGen API key; defaults to ``HEYGEN_API_KEY``.
        base_url: Defaults to ``HEYGEN_BASE_URL``, then ``https://api.heygen.com``. Plain
            ``http://`` is refused unless the host is loopback or ``allow_insecure_http`` is set.
        timeout: Seconds, or an ``httpx.Timeout``; ``DEFAULT_TIMEOUT`` by default.
        max_retries: Retries after the first attempt, for failures that cannot have started a video.
        retry_server_errors: Also retry 502/503/504, accepting that a retry may create a second video.
        deadline: Seconds for a whole call, attempts and sleeps together (``None``: no limit).
        max_retry_after: A 429 asking to wait longer than this raises ``RateLimitError`` at once.
        strict: When false, fields that apply only to another variant warn instead of failing.
        allow_insecure_http: Allow ``http://`` to a non-loopback host (the key then travels in clear).
        http_client: Your own ``httpx.Client`` (proxies, mTLS, transports); you close it.
        sleep: Called to wait between attempts (injectable for tests).
        clock: A monotonic clock in seconds, for the deadline (injectable for tests).

    Raises:
        ConfigurationError: No API key, or a base URL this client refuses.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutArg = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        retry_server_errors: bool = False,
        deadline: float | None = 120.0,
        max_retry_after: float = 60.0,
        strict: bool = True,
        allow_insecure_http: bool = False,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry_server_errors=retry_server_errors,
            deadline=deadline,
            max_retry_after=max_retry_after,
            strict=strict,
            allow_insecure_http=allow_insecure_http,
            clock=clock,
            jitter=random.random,
        )
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.Client(timeout=self.timeout)
        self._sleep = sleep
        self.videos = Videos(self)

    def close(self) -> None:
        """Close the connection pool (unless it is a caller-supplied ``http_client``)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _run(self, steps: Generator[_Step, httpx.Response | None, T]) -> T:
        response: httpx.Response | None = None
        error: httpx.RequestError | None = None
        while True:
            try:
                step = steps.throw(error) if error is not None else steps.send(response)
            except StopIteration as done:
                result: T = done.value
                return result
            response = error = None
            if isinstance(step, httpx.Request):
                try:
                    response = self._http.send(step, follow_redirects=False)
                except httpx.RequestError as exc:
                    error = exc
            else:
                self._sleep(step)


class AsyncHeyGen(_BaseClient):
    """The asyncio twin of :class:`HeyGen`, with the same arguments and behaviour.

    ``sleep`` is awaited between attempts (``asyncio.sleep`` by default) and
    ``http_client`` is an ``httpx.AsyncClient``.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutArg = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        retry_server_errors: bool = False,
        deadline: float | None = 120.0,
        max_retry_after: float = 60.0,
        strict: bool = True,
        allow_insecure_http: bool = False,
        http_client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry_server_errors=retry_server_errors,
            deadline=deadline,
            max_retry_after=max_retry_after,
            strict=strict,
            allow_insecure_http=allow_insecure_http,
            clock=clock,
            jitter=random.random,
        )
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.AsyncClient(timeout=self.timeout)
        self._sleep = sleep
        self.videos = AsyncVideos(self)

    async def close(self) -> None:
        """Close the connection pool (unless it is a caller-supplied ``http_client``)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def _run(self, steps: Generator[_Step, httpx.Response | None, T]) -> T:
        response: httpx.Response | None = None
        error: httpx.RequestError | None = None
        while True:
            try:
                step = steps.throw(error) if error is not None else steps.send(response)
            except StopIteration as done:
                result: T = done.value
                return result
            response = error = None
            if isinstance(step, httpx.Request):
                try:
                    response = await self._http.send(step, follow_redirects=False)
                except httpx.RequestError as exc:
                    error = exc
            else:
                await self._sleep(step)


class Videos:
    """``client.videos``: create videos."""

    def __init__(self, client: HeyGen) -> None:
        self._client = client

    def generate(
        self,
        request: CreateVideoRequest | CreateVideoParams | None = None,
        /,
        *,
        timeout: TimeoutArg | Unset = UNSET,
        **fields: Any,
    ) -> CreatedVideo:
        """Create a video (``POST /v2/video/generate``): validate, send, return its id.

        Args:
            request: A ``CreateVideoRequest``, or a dict in wire form (``CreateVideoParams``).
            timeout: This call's timeout, overriding the client's.
            **fields: Instead of ``request``: its fields (``video_inputs=[...]``, ``dimension=...``),
                with models or dicts inside.

        Returns:
            The created video's id, with the request id and the retries it took.

        Raises:
            RequestValidationError: The request breaks the API's rules; nothing was sent.
            APIStatusError: HeyGen answered with an error (a subclass per status).
            APIConnectionError: HeyGen could not be reached (after the allowed retries).
            OutcomeUnknownError: No answer came after sending; the video may exist.
            APIResponseValidationError: HeyGen answered 2xx with an unreadable body.
        """
        return self.generate_detailed(request, timeout=timeout, **fields).parsed

    def generate_detailed(
        self,
        request: CreateVideoRequest | CreateVideoParams | None = None,
        /,
        *,
        timeout: TimeoutArg | Unset = UNSET,
        **fields: Any,
    ) -> APIResponse[CreatedVideo]:
        """Like :meth:`generate`, and also return the status, headers and raw body."""
        client = self._client
        return client._run(client._call(client._http.build_request, request, fields, timeout))


class AsyncVideos:
    """``client.videos`` of an :class:`AsyncHeyGen`."""

    def __init__(self, client: AsyncHeyGen) -> None:
        self._client = client

    async def generate(
        self,
        request: CreateVideoRequest | CreateVideoParams | None = None,
        /,
        *,
        timeout: TimeoutArg | Unset = UNSET,
        **fields: Any,
    ) -> CreatedVideo:
        """Create a video; see :meth:`Videos.generate`."""
        return (await self.generate_detailed(request, timeout=timeout, **fields)).parsed

    async def generate_detailed(
        self,
        request: CreateVideoRequest | CreateVideoParams | None = None,
        /,
        *,
        timeout: TimeoutArg | Unset = UNSET,
        **fields: Any,
    ) -> APIResponse[CreatedVideo]:
        """Like :meth:`generate`, and also return the status, headers and raw body."""
        client = self._client
        return await client._run(client._call(client._http.build_request, request, fields, timeout))


def check_base_url(url: str | httpx.URL, *, allow_insecure_http: bool = False) -> httpx.URL:
    """The base URL, if it is safe to send an API key to.

    Args:
        url: ``https://host[:port][/prefix]``; ``http://`` only for a loopback host
            (``localhost``, ``127.0.0.0/8``, ``::1``) unless ``allow_insecure_http``.
        allow_insecure_http: Accept ``http://`` to any host.

    Returns:
        The parsed URL.

    Raises:
        ConfigurationError: The URL is malformed, has another scheme, credentials, a query or
            a fragment, or is plain ``http://`` to a host that is not loopback.
    """
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise ConfigurationError(f"base_url {str(url)!r} is not a URL: {exc}") from None
    shown = str(url)
    if parsed.scheme not in ("https", "http") or not parsed.host:
        raise ConfigurationError(f"base_url {shown!r} must be an https:// URL with a host")
    if parsed.userinfo:
        raise ConfigurationError("base_url must not carry credentials; pass the API key as api_key")
    if parsed.query or parsed.fragment:
        raise ConfigurationError(f"base_url {shown!r} must not have a query or a fragment")
    if parsed.scheme == "http" and not allow_insecure_http and not is_loopback(parsed.host):
        raise ConfigurationError(
            f"base_url {shown!r} is plain http to a host that is not loopback, so the API key would travel"
            " unencrypted; use https://, or pass allow_insecure_http=True if you accept that"
        )
    return parsed


def is_loopback(host: str) -> bool:
    """Whether ``host`` is ``localhost`` or a loopback address (``127.0.0.0/8``, ``::1``); no DNS lookup."""
    if host.lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    # ::ffff:127.0.0.1 reaches 127.0.0.1; Python < 3.13 does not say so in is_loopback.
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))


def _finish(response: httpx.Response, retries_taken: int) -> APIResponse[CreatedVideo]:
    status = response.status_code
    if not 200 <= status < 300:
        raise make_status_error(status, headers=response.headers, content=response.content)
    parsed = parse_created(status, headers=response.headers, content=response.content)
    created = CreatedVideo(
        video_id=parsed.data.video_id,
        request_id=request_id_of(response.headers),
        retries_taken=retries_taken,
        response=parsed,
    )
    return APIResponse(status_code=status, headers=response.headers, content=response.content, parsed=created)


def _transport_error(exc: httpx.RequestError, *, callback_id: Any) -> HeyGenError:
    if isinstance(exc, _NEVER_SENT):
        return APIConnectionError(f"could not reach HeyGen: {_describe(exc)}")
    if isinstance(exc, httpx.TimeoutException):
        what = f"no answer within the timeout ({_describe(exc)})"
    else:
        what = f"the connection failed ({_describe(exc)})"
    return OutcomeUnknownError(what, callback_id=callback_id if isinstance(callback_id, str) else None)


def _describe(exc: httpx.RequestError) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _as_timeout(timeout: TimeoutArg) -> httpx.Timeout:
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if timeout is None or (isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and timeout > 0):
        return httpx.Timeout(timeout)
    raise ConfigurationError(f"timeout must be a positive number of seconds or an httpx.Timeout, got {timeout!r}")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("heygen-studio")
    except PackageNotFoundError:
        return "0+unknown"
