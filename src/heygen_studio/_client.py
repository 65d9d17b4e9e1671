"""``HeyGen`` and ``AsyncHeyGen``: the settings, the connection pool, and the I/O of each attempt.

Every call runs the one engine in ``_transport.Transport.call``, a generator that
yields an ``Attempt`` to send or a delay to sleep. The drivers here (``_run``) only
do that I/O, sync or async, reading each answer through ``_reading`` so that its
size and its time are bounded.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Awaitable, Callable, Generator
from types import TracebackType
from typing import TypeVar

import httpx
from heygen_studio_api.types import UNSET, Unset
from typing_extensions import Self

from heygen_studio._reading import DeadlinePassedError, Received, bound_by_deadlines, read_async, read_sync
from heygen_studio._tls import default_ssl_context
from heygen_studio._transport import (
    DEFAULT_BASE_URL,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_TIMEOUT,
    APIResponse,
    Attempt,
    Step,
    TimeoutArg,
    Transport,
)
from heygen_studio._video_models import CreatedVideo, Video
from heygen_studio._videos import AsyncVideos, Videos

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_READ_TIMEOUT",
    "DEFAULT_TIMEOUT",
    "APIResponse",
    "AsyncHeyGen",
    "CreatedVideo",
    "HeyGen",
    "Video",
]

T = TypeVar("T")

_Steps = Generator[Step, Received | None, T]


class HeyGen(Transport):
    """A client for HeyGen's video API.

    Args:
        api_key: Your HeyGen API key (printable ASCII); defaults to ``HEYGEN_API_KEY``.
        base_url: Defaults to ``HEYGEN_BASE_URL``, then ``https://api.heygen.com``. Plain
            ``http://`` is refused unless the host is loopback or ``allow_insecure_http`` is set;
            so is any URL whose path could send a request elsewhere (``//``, ``..``, ``\\``).
        timeout: Seconds, or an ``httpx.Timeout``, for every call; by default creates get
            ``DEFAULT_TIMEOUT`` (120 s to answer) and reads ``DEFAULT_READ_TIMEOUT`` (30 s).
        max_retries: Retries after the first attempt (an int, 0 or more).
        retry_server_errors: Also retry creates on 502/503/504, accepting that a retry may
            create a second video (reads and deletes are always retried on those).
        deadline: Seconds for a whole call, attempts, sleeps and a slow answer together
            (``None``: no limit). A call ends within it plus a fraction of a second.
        max_retry_after: A 429 asking to wait longer than this raises ``RateLimitError`` at once.
        strict: When false, fields that apply only to another variant warn instead of failing.
        allow_insecure_http: Allow ``http://`` to a non-loopback host (the key then travels in clear).
        http_client: Your own ``httpx.Client`` (proxies, mTLS, transports); you close it.
        sleep: Called to wait between attempts (injectable for tests).
        clock: A monotonic clock in seconds, for the deadline (injectable for tests).

    Raises:
        ConfigurationError: No API key, a key that is not printable ASCII, a base URL this
            client refuses, or a setting of the wrong type.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutArg | Unset = UNSET,
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
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise TypeError(f"http_client must be an httpx.Client, got {type(http_client).__name__}")
        self._owns_http = http_client is None
        if http_client is None:
            http_client = httpx.Client(headers=self.fixed_headers, verify=default_ssl_context())
            self.client_sends_fixed_headers = True
            bound_by_deadlines(http_client)
        self._http = http_client
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

    def _run(self, steps: _Steps[T]) -> T:
        received: Received | None = None
        error: Exception | None = None
        while True:
            try:
                step = steps.throw(error) if error is not None else steps.send(received)
            except StopIteration as done:
                result: T = done.value
                return result
            received = error = None
            if isinstance(step, Attempt):
                try:
                    received = read_sync(
                        self._http, step.request, limit=self.max_body, deadline_at=step.deadline_at, clock=self._clock
                    )
                except (httpx.RequestError, DeadlinePassedError) as exc:
                    error = exc
                except Exception as exc:  # whatever else the wire provokes is a transport failure too
                    error = _unexpected(exc, step.request)
            else:
                self._sleep(step)


async def _asyncio_sleep(seconds: float) -> None:
    # asyncio.sleep, with asyncio imported on the first async call rather than by ``import heygen_studio``.
    import asyncio

    await asyncio.sleep(seconds)


class AsyncHeyGen(Transport):
    """The asyncio twin of :class:`HeyGen`, with the same arguments and behaviour.

    ``sleep`` is awaited between attempts (``asyncio.sleep`` by default) and
    ``http_client`` is an ``httpx.AsyncClient``. Each attempt runs under
    ``asyncio.wait_for`` with the time left before the deadline.

    Cancelling a call (``task.cancel()``, an enclosing timeout) raises
    ``asyncio.CancelledError`` as usual; if the request had already been sent, the
    video may exist, exactly as with ``OutcomeUnknownError``.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutArg | Unset = UNSET,
        max_retries: int = 2,
        retry_server_errors: bool = False,
        deadline: float | None = 120.0,
        max_retry_after: float = 60.0,
        strict: bool = True,
        allow_insecure_http: bool = False,
        http_client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] = _asyncio_sleep,
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
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise TypeError(f"http_client must be an httpx.AsyncClient, got {type(http_client).__name__}")
        self._owns_http = http_client is None
        if http_client is None:
            http_client = httpx.AsyncClient(headers=self.fixed_headers, verify=default_ssl_context())
            self.client_sends_fixed_headers = True
        self._http = http_client
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

    async def _run(self, steps: _Steps[T]) -> T:
        received: Received | None = None
        error: Exception | None = None
        while True:
            try:
                step = steps.throw(error) if error is not None else steps.send(received)
            except StopIteration as done:
                result: T = done.value
                return result
            received = error = None
            if isinstance(step, Attempt):
                try:
                    received = await self._attempt(step)
                except (httpx.RequestError, DeadlinePassedError) as exc:
                    error = exc
                except Exception as exc:  # whatever else the wire provokes is a transport failure too
                    error = _unexpected(exc, step.request)
            else:
                await self._sleep(step)

    async def _attempt(self, step: Attempt) -> Received:
        reading = read_async(self._http, step.request, limit=self.max_body)
        if step.deadline_at is None:
            return await reading
        remaining = max(step.deadline_at - self._clock(), 0.0)
        import asyncio  # loaded already: this runs inside an event loop

        try:
            if sys.version_info >= (3, 11):
                # A context manager on the running task: no second task per attempt, as wait_for makes.
                async with asyncio.timeout(remaining):
                    return await reading
            return await asyncio.wait_for(reading, remaining)
        except asyncio.TimeoutError:
            raise DeadlinePassedError from None


def _unexpected(exc: Exception, request: httpx.Request) -> httpx.TransportError:
    error = httpx.TransportError(f"unexpected {type(exc).__name__} while reading the answer", request=request)
    error.__cause__ = exc
    return error
