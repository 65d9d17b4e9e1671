"""Read an answer with bounded memory and bounded time, whatever the server sends.

- **Size**: a body is read as a stream and decompressed here, not by httpx, so the
  cap (``MAX_BODY``) counts decompressed bytes and no single network read can
  expand past it: ``zlib``'s ``max_length`` stops a gzip bomb after the cap, where
  httpx's decoder would inflate each 64 KiB read whole (up to ~64 MB). Only the
  encodings this client asks for (``gzip``, ``deflate``) are decoded; any other
  ``Content-Encoding`` is refused as undecodable.
- **Time**: the call's deadline bounds every socket operation. For the clients this
  package builds, a wrapper around httpcore's network backend gives each read,
  write and connect at most the time left before the deadline, and fails at once
  when none is left, so neither a silent server nor one trickling a byte at a time
  (in the headers or the body) can hold a call past its deadline. With a caller's
  own ``http_client``, the per-attempt timeouts are clamped to the time left and
  the clock is checked between body chunks; the async client also wraps each
  attempt in ``asyncio.wait_for``.
"""

from __future__ import annotations

import contextvars
import zlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    import httpcore

#: Bytes of a decoded response body read at most (16 MiB); HeyGen's answers are a few KB.
MAX_BODY = 16 * 1024 * 1024

#: What this client asks for in ``Accept-Encoding``: the encodings ``BoundedDecoder`` reads.
ACCEPT_ENCODING = "gzip, deflate"

Clock = Callable[[], float]


@dataclass(frozen=True)
class Received:
    """An answer read off the wire.

    Attributes:
        status_code: Its HTTP status.
        headers: Its headers.
        content: Its decoded body, or (``oversized``) the first ``MAX_BODY`` bytes of it.
        oversized: Whether the body went on past the cap (and was not read further).
    """

    status_code: int
    headers: httpx.Headers
    content: bytes
    oversized: bool = False


class DeadlinePassedError(Exception):
    """Internal: the call's deadline passed while an attempt was in flight."""


class BoundedDecoder:
    """Decodes a body in ``identity``, ``gzip`` or ``deflate``, never producing more than ``limit + 1`` bytes."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.produced = 0
        self._raw_deflate_allowed = False
        self._seen = b""
        name = encoding.strip().lower()
        if name in ("", "identity"):
            self._inflate: Any = None
        elif name in ("gzip", "x-gzip", "deflate"):
            # wbits 47: a gzip or zlib header, detected; a raw deflate stream is retried below.
            self._inflate = zlib.decompressobj(47)
            self._raw_deflate_allowed = name == "deflate"
        else:
            raise httpx.DecodingError(f"the answer uses Content-Encoding {name[:40]!r}, which was not asked for")

    def feed(self, data: bytes) -> bytes:
        """The decoded bytes of ``data``, cut at one byte past the limit."""
        room = self.limit + 1 - self.produced
        if room <= 0:
            return b""
        if self._inflate is None:
            out = data[:room]
        else:
            if self._raw_deflate_allowed:
                # Until the first output, keep what was fed: a raw deflate stream is only told
                # apart from a zlib one once the header fails, maybe bytes later.
                self._seen += data
            try:
                out = self._inflate.decompress(data, room)
            except zlib.error as exc:
                if self._raw_deflate_allowed:
                    self._raw_deflate_allowed = False
                    self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
                    seen, self._seen = self._seen, b""
                    return self.feed(seen)
                raise httpx.DecodingError(f"the body does not decompress: {exc}") from None
            if out:
                self._raw_deflate_allowed = False
                self._seen = b""
        self.produced += len(out)
        return out


def preloaded(response: httpx.Response, *, limit: int) -> Received:
    """The answer of a transport that built its response in memory (``httpx.MockTransport``): already decoded."""
    content = response.content
    return Received(response.status_code, response.headers, content[:limit], oversized=len(content) > limit)


def collect(response: httpx.Response, chunks: Iterable[bytes], *, limit: int) -> Received:
    """Decode ``chunks`` (the raw body of ``response``) up to ``limit`` bytes."""
    decoder = BoundedDecoder(response.headers.get("content-encoding", ""), limit)
    parts: list[bytes] = []
    for chunk in chunks:
        parts.append(decoder.feed(chunk))
        if decoder.produced > limit:
            return Received(response.status_code, response.headers, b"".join(parts)[:limit], oversized=True)
    return Received(response.status_code, response.headers, b"".join(parts))


def watched(chunks: Iterator[bytes], deadline_at: float | None, clock: Clock) -> Iterator[bytes]:
    """``chunks``, raising ``DeadlinePassedError`` once ``clock()`` passes ``deadline_at`` between two of them."""
    for chunk in chunks:
        if deadline_at is not None and clock() >= deadline_at:
            raise DeadlinePassedError
        yield chunk


def read_sync(
    http: httpx.Client, request: httpx.Request, *, limit: int, deadline_at: float | None, clock: Clock
) -> Received:
    """Send ``request`` and read its answer within ``limit`` bytes and the deadline."""
    token = _DEADLINE.set((deadline_at, clock) if deadline_at is not None else None)
    try:
        response = http.send(request, stream=True, follow_redirects=False)
        try:
            if response.is_stream_consumed:
                return preloaded(response, limit=limit)
            return collect(response, watched(response.iter_raw(), deadline_at, clock), limit=limit)
        finally:
            response.close()
    finally:
        _DEADLINE.reset(token)


async def read_async(http: httpx.AsyncClient, request: httpx.Request, *, limit: int) -> Received:
    """Send ``request`` and read its answer within ``limit`` bytes (the caller bounds the time)."""
    response = await http.send(request, stream=True, follow_redirects=False)
    try:
        if response.is_stream_consumed:
            return preloaded(response, limit=limit)
        decoder = BoundedDecoder(response.headers.get("content-encoding", ""), limit)
        parts: list[bytes] = []
        raw: AsyncIterator[bytes] = response.aiter_raw()
        async for chunk in raw:
            parts.append(decoder.feed(chunk))
            if decoder.produced > limit:
                return Received(response.status_code, response.headers, b"".join(parts)[:limit], oversized=True)
        return Received(response.status_code, response.headers, b"".join(parts))
    finally:
        await response.aclose()


def clamp(timeout: dict[str, float | None], remaining: float) -> dict[str, float | None]:
    """Each phase of ``timeout`` (httpx's per-request dict) cut to the ``remaining`` seconds."""
    return {phase: remaining if value is None else min(value, remaining) for phase, value in timeout.items()}


# -- the deadline on every socket operation (sync clients this package builds) ----------------------------------

# (deadline, clock) of the call running in this thread or context, or None.
_DEADLINE: contextvars.ContextVar[tuple[float, Clock] | None] = contextvars.ContextVar(
    "heygen_studio_deadline", default=None
)


def _bounded(timeout: float | None, error: type[Exception]) -> float | None:
    limit = _DEADLINE.get()
    if limit is None:
        return timeout
    deadline_at, clock = limit
    remaining = deadline_at - clock()
    if remaining <= 0:
        raise error("the call's deadline passed")
    return remaining if timeout is None else min(timeout, remaining)


# httpcore (with h11, h2 and anyio) is imported where used, not at import time: an
# httpx.Client has already loaded it by the time any of this runs. So these two
# classes implement httpcore's NetworkStream/NetworkBackend interfaces without
# subclassing them (httpcore's pool only calls these methods).
class _DeadlineStream:
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        import httpcore

        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        import httpcore

        self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> Any:
        import httpcore

        inner = self._inner.start_tls(ssl_context, server_hostname, _bounded(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend:
    """httpcore's network backend, with every socket operation bounded by the running call's deadline."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self.inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> _DeadlineStream:
        import httpcore

        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self.inner.connect_tcp(host, port, bounded, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> _DeadlineStream:
        import httpcore

        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self.inner.connect_unix_socket(path, bounded, socket_options))

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def bound_by_deadlines(http: httpx.Client) -> int:
    """Wrap the network backend of each of ``http``'s connection pools in ``DeadlineBackend``.

    httpx has no public hook for this, so it reaches the pools through httpx's
    private ``_transport``/``_mounts``/``_pool`` attributes; a test pins that the
    wrapper is in place, so an httpx release that moves them fails loudly.

    Returns:
        How many pools were wrapped.
    """
    import httpcore

    transports = [getattr(http, "_transport", None), *getattr(http, "_mounts", {}).values()]
    wrapped = 0
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, httpcore.NetworkBackend) and not isinstance(backend, DeadlineBackend):
            pool._network_backend = DeadlineBackend(backend)  # type: ignore[union-attr]
            wrapped += 1
    return wrapped
