"""A real HTTP server on loopback that answers ``POST /v2/video/generate`` like HeyGen.

One thread accepts connections and one thread serves each connection (HTTP/1.1
keep-alive). The accept loop waits on a selector that also watches a wake-up
socket, so :meth:`MockHeyGen.close` stops it at once instead of after a poll
interval, then shuts down every open connection (which ends a keep-alive wait
in ``readline``), releases any stalled answer through an event, and joins every
thread it started.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import math
import selectors
import socket
import socketserver
import threading
import uuid
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from typing_extensions import Self

__all__ = ["MockHeyGen", "RecordedRequest"]

logger = logging.getLogger("heygen_studio.testing")

CREATE_PATH = "/v2/video/generate"
#: A larger body is refused with 413 before it is read: the mock must not buffer whatever a broken client sends.
MAX_BODY_BYTES = 16 * 1024 * 1024

# Codes in HeyGen's style. 400, 401, 404 and 429 are the ones HeyGen's own documents show on its legacy
# ``{"data": null, "error": {...}}`` endpoints; the rest are chosen to read the same way.
_DEFAULT_ERRORS: dict[int, tuple[str, str]] = {
    400: ("invalid_parameter", "Invalid parameters"),
    401: ("unauthorized", "Unauthorized"),
    403: ("permission_denied", "You do not have permission to perform this action"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    409: ("conflict", "The request conflicts with the current state of the resource"),
    413: ("payload_too_large", "Request body too large"),
    422: ("unprocessable_entity", "The request could not be processed"),
    429: ("rate_limit_exceeded", "Too many requests"),
}
# Headers that frame the message: a fault may not override them, or the client could not read the answer.
_FRAMING_HEADERS = frozenset({"content-length", "transfer-encoding", "connection"})
_REDACTED_HEADERS = frozenset({"x-api-key", "authorization"})


class _Headers(Mapping[str, str]):
    """Request headers as received: read-only, looked up case-insensitively, iterated in their sent spelling.

    A header sent more than once is joined with ``", "`` as RFC 9110 allows. The
    ``repr`` hides the API key so a failing assertion never prints it.
    """

    __slots__ = ("_items", "_lower")

    def __init__(self, items: list[tuple[str, str]]) -> None:
        merged: dict[str, tuple[str, str]] = {}
        for name, value in items:
            key = name.lower()
            if key in merged:
                merged[key] = (merged[key][0], f"{merged[key][1]}, {value}")
            else:
                merged[key] = (name, value)
        self._lower = merged
        self._items = tuple(merged.values())

    def __getitem__(self, name: str) -> str:
        return self._lower[name.lower()][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._lower

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def _folded(self) -> dict[str, str]:
        return {key: value for key, (_, value) in self._lower.items()}

    def __eq__(self, other: object) -> bool:
        # Equal to any mapping with the same headers, whatever the case of the names.
        if isinstance(other, _Headers):
            return self._folded() == other._folded()
        if isinstance(other, Mapping):
            return self._folded() == {str(name).lower(): value for name, value in other.items()}
        return NotImplemented

    def __hash__(self) -> int:
        return hash(frozenset(self._folded().items()))

    def __repr__(self) -> str:
        shown = {name: "***" if name.lower() in _REDACTED_HEADERS else value for name, value in self._items}
        return f"Headers({shown!r})"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it, whatever the answer was.

    Attributes:
        method: The HTTP method, e.g. ``"POST"``.
        path: The request target with its query string, e.g. ``"/v2/video/generate?x=1"``.
        headers: The request headers, looked up case-insensitively
            (``request.headers["X-Api-Key"]`` and ``["x-api-key"]`` are the same);
            repeated headers are joined with ``", "``.
        body: The raw body, decoded from chunked transfer coding when it was sent that way.
    """

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        """Decode the body as JSON.

        Returns:
            The decoded value.

        Raises:
            ValueError: The body is not valid UTF-8 JSON.
        """
        return json.loads(self.body)


@dataclass(frozen=True)
class _Answer:
    status: int
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class _Fail:
    answer: _Answer


@dataclass(frozen=True)
class _Stall:
    seconds: float


@dataclass(frozen=True)
class _Drop:
    pass


_Fault = _Fail | _Stall | _Drop


def _error_body(status: int, message: str | None = None) -> bytes:
    code, default_message = _DEFAULT_ERRORS.get(status) or _default_error(status)
    error = {"code": code, "message": message or default_message}
    return json.dumps({"data": None, "error": error}).encode()


def _default_error(status: int) -> tuple[str, str]:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    if status >= 500:
        return "internal_error", phrase
    return "_".join(phrase.lower().replace("'", "").replace("-", " ").split()), phrase


def _json_answer(status: int, body: bytes) -> _Answer:
    return _Answer(status, body, "application/json")


def _error_answer(status: int, message: str | None = None, *headers: tuple[str, str]) -> _Answer:
    return _Answer(status, _error_body(status, message), "application/json", headers)


def _raw_content_type(body: bytes) -> str:
    return "text/html; charset=utf-8" if body.lstrip().startswith(b"<") else "text/plain; charset=utf-8"


def _format_retry_after(value: str | float) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"retry_after must be a str or a number, got {type(value).__name__}")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _first_violation(payload: dict[str, Any]) -> str | None:
    from heygen_studio._validation import WRONG_VARIANT, validate_request

    # HeyGen ignores a field that belongs to a sibling variant (``talking_style`` on an ``avatar``): the SDK
    # reports those as warnings when not strict, and the server accepts them, so the mock does too.
    for violation in validate_request(payload):
        if violation.rule != WRONG_VARIANT:
            return f"{violation.path or 'body'} is invalid: {violation.message}"
    return None


class _Server(ThreadingHTTPServer):
    """Serves each connection on a thread of its own that :meth:`MockHeyGen.close` can find, end and join."""

    mock: MockHeyGen
    # socketserver's default backlog of 5 resets connections when a client opens a burst of them at once.
    request_queue_size = 128

    def server_bind(self) -> None:
        # HTTPServer.server_bind would resolve the host's FQDN, a DNS lookup the mock has no use for.
        socketserver.TCPServer.server_bind(self)
        host, port = self.socket.getsockname()[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.mock._serve_connection_in_thread(self, request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("connection from %s ended with an error", client_address, exc_info=True)


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the body waits for the client's
    # delayed ACK (~40 ms on Linux) on every keep-alive request.
    disable_nagle_algorithm = True
    server_version = "MockHeyGen"
    sys_version = ""
    # An idle keep-alive connection is closed after this long, so a long-running CLI server does not
    # keep one thread per forgotten client forever; close() ends idle connections at once regardless.
    timeout = 120
    server: _Server

    def do_GET(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_OPTIONS(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s - " + format, self.address_string(), *args)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # Every answer is logged once, with its job, by MockHeyGen._log_answer.
        pass

    def _read_body(self) -> bytes | _Answer:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length_header = self.headers.get("Content-Length")
        if length_header is None:
            return b""
        try:
            length = int(length_header)
        except ValueError:
            length = -1
        if length < 0:
            return _error_answer(400, f"Content-Length is not a non-negative integer: {length_header!r}")
        if length > MAX_BODY_BYTES:
            return _error_answer(413, f"Request body too large: {length} bytes (limit {MAX_BODY_BYTES})")
        return self.rfile.read(length)

    def _read_chunked(self) -> bytes | _Answer:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                return _error_answer(400, "Malformed chunked request body")
            if size == 0:
                # Skip trailers up to the blank line that ends the message.
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_BODY_BYTES:
                return _error_answer(413, f"Request body too large (limit {MAX_BODY_BYTES} bytes)")
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def _handle(self) -> None:
        body = self._read_body()
        framing_broken = isinstance(body, _Answer)
        request = RecordedRequest(
            method=self.command,
            path=self.path,
            headers=_Headers(list(self.headers.items())),
            body=b"" if isinstance(body, _Answer) else body,
        )
        if framing_broken:
            # The rest of the stream cannot be trusted to start a new request.
            self.close_connection = True
        self.server.mock._respond(self, request, body if isinstance(body, _Answer) else None)

    def send_answer(self, answer: _Answer, request_id: str) -> None:
        """Write one complete response; a client that went away is only logged."""
        body = b"" if answer.status in (204, 304) else answer.body
        overrides = {name.lower() for name, _ in answer.headers}
        try:
            self.send_response(answer.status)
            if "content-type" not in overrides:
                self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(body)))
            if "x-request-id" not in overrides:
                self.send_header("x-request-id", request_id)
            for name, value in answer.headers:
                self.send_header(name, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except OSError as error:
            logger.debug("client went away before the answer was sent: %s", error)
            self.close_connection = True

    def drop(self) -> None:
        """End the connection without a single response byte."""
        self.close_connection = True
        with contextlib.suppress(OSError):  # the client may have gone already
            self.connection.shutdown(socket.SHUT_RDWR)


class MockHeyGen:
    """A local HeyGen: a real HTTP server on a thread, with a fault script for your own tests.

    It serves ``POST /v2/video/generate`` only: it checks the ``x-api-key``
    header, validates the body against the patched spec and its rules, and
    answers like HeyGen (200 with a fresh ``video_id``; 400 ``invalid_parameter``
    naming the first broken field; 401 for a missing or wrong key; 404 and 405
    for other paths and methods). Every request is recorded, every accepted job
    is counted, and the next create requests can be scripted to fail, stall or
    drop the connection.

    Use it as a context manager, or call :meth:`start` and :meth:`close`::

        with MockHeyGen() as server:
            client = HeyGen(api_key=server.api_key, base_url=server.base_url)
            server.fail_next(429, retry_after=1)
            ...
            assert 1 == len(server.videos)

    The server logs each answer on the ``heygen_studio.testing`` logger at
    DEBUG; it never logs headers, so the API key stays out of logs.
    """

    def __init__(
        self, *, api_key: str = "test-key", host: str = "127.0.0.1", port: int = 0, validate: bool = True
    ) -> None:
        """Prepare a server; nothing listens until :meth:`start` or ``with``.

        Args:
            api_key: The key a request's ``x-api-key`` header must carry.
            host: The address to listen on, and only there; an IPv6 address
                such as ``"::1"`` listens on IPv6.
            port: The TCP port; 0 picks a free one (read it from :attr:`base_url`).
            validate: Whether to check request bodies against the spec's rules
                (when false any JSON object creates a job).

        Raises:
            ValueError: ``api_key`` is empty or ``port`` is out of range.
        """
        if not api_key:
            raise ValueError("api_key must be a non-empty string")
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, got {port}")
        self.api_key = api_key
        self._host = host
        self._port = port
        self._validate = validate
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._videos: list[str] = []
        self._faults: deque[_Fault] = deque()
        self._closing = threading.Event()
        self._server: _Server | None = None
        self._accept_thread: threading.Thread | None = None
        self._wake: tuple[socket.socket, socket.socket] | None = None
        # Every connection thread not yet seen finished, with its socket while that is still open.
        self._connections: dict[threading.Thread, socket.socket | None] = {}
        self._closed = False
        # How many TCP connections were accepted: lets tests see keep-alive reuse from the server side.
        self._connections_accepted = 0
        # The CLI raises this to INFO to print one line per request.
        self._log_level = logging.DEBUG

    # -- lifecycle ---------------------------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind and start serving on a background thread; calling it again does nothing.

        Returns:
            This server, so ``server = MockHeyGen().start()`` works.

        Raises:
            RuntimeError: The server was closed; create a new one.
            OSError: The address cannot be bound (port in use, host not local).
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("this MockHeyGen was closed; create a new one")
            if self._server is not None:
                return self
            server_class = _Server6 if ":" in self._host else _Server
            server = server_class((self._host, self._port), _Handler)
            server.mock = self
            self._server = server
            self._wake = socket.socketpair()
            self._accept_thread = threading.Thread(
                target=self._accept_loop, name=f"MockHeyGen-accept-{server.server_port}", daemon=True
            )
            self._accept_thread.start()
        logger.debug("MockHeyGen listening on %s", self.base_url)
        return self

    def close(self) -> None:
        """Stop serving: end every connection, release stalled answers, join every thread. Safe to call twice."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            server, accept_thread, wake = self._server, self._accept_thread, self._wake
        self._closing.set()
        if server is None or accept_thread is None or wake is None:
            return
        wake[1].send(b"\0")
        accept_thread.join()
        # The accept loop has returned, so no connection thread can start from here on.
        with self._lock:
            connections = list(self._connections.items())
            for _, connection in connections:
                if connection is not None:
                    with contextlib.suppress(OSError):  # already closed by its peer
                        connection.shutdown(socket.SHUT_RDWR)
        # A thread that has closed its socket may still be running its last lines: join those too.
        for thread, _ in connections:
            thread.join()
        server.server_close()
        for end in wake:
            end.close()
        logger.debug("MockHeyGen on %s closed", self.base_url)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        where = self.base_url if self._server is not None else "not started"
        return f"<MockHeyGen {where}{' closed' if self._closed else ''}>"

    # -- what tests read ---------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The server's root URL, e.g. ``http://127.0.0.1:54321`` (an IPv6 host in brackets).

        Raises:
            RuntimeError: The server was never started.
        """
        if self._server is None:
            raise RuntimeError("MockHeyGen is not started: use `with MockHeyGen() as server:` or call start()")
        host = self._server.server_name
        return (
            f"http://[{host}]:{self._server.server_port}"
            if ":" in host
            else f"http://{host}:{self._server.server_port}"
        )

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received, in order, including those answered by a fault (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def videos(self) -> list[str]:
        """The ``video_id`` of every job the server accepted, in order (a copy).

        A job exists once an authenticated, valid create request is accepted,
        even when its answer is then stalled or dropped (the client cannot know
        the video exists: the double-billing hazard). Requests answered by
        :meth:`fail_next` create no job.
        """
        with self._lock:
            return list(self._videos)

    # -- the fault script --------------------------------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        *,
        retry_after: str | float | None = None,
        body: object = None,
        headers: Mapping[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next create requests with ``status`` instead of processing them (no job is created).

        A create request is a ``POST /v2/video/generate``, whatever its key or
        body; requests to other paths or with other methods leave the script
        alone. Faults queued by ``fail_next``, ``stall_next`` and ``drop_next``
        are used first in, first out, one per create request.

        Args:
            status: The status to send, 200 to 599 (a 2xx with a broken body, a
                3xx with a ``Location``, any 4xx or 5xx).
            retry_after: Sent verbatim as the ``Retry-After`` header: a string
                as is (an HTTP-date, garbage), a number in seconds (``2.0`` is
                sent as ``2``).
            body: ``None`` for HeyGen's error body for that status
                (``{"data": null, "error": {"code": ..., "message": ...}}``; empty
                below 400); a dict, list or other JSON value is sent as JSON; a
                ``str`` or ``bytes`` is sent raw, as ``text/html`` when it starts
                with ``<`` and ``text/plain`` otherwise.
            headers: Extra response headers, applied last (``Content-Type``
                included); they may not set the message framing
                (``Content-Length``, ``Transfer-Encoding``, ``Connection``).
            times: How many consecutive create requests get this answer.

        Raises:
            ValueError: ``status`` or ``times`` is out of range, a framing
                header is given, or ``Retry-After`` is given twice.
            TypeError: ``body`` cannot be encoded as JSON, or ``retry_after``
                is neither a string nor a number.
        """
        if isinstance(status, bool) or not isinstance(status, int) or not 200 <= status <= 599:
            raise ValueError(f"status must be an int from 200 to 599, got {status!r}")
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise ValueError(f"times must be a positive int, got {times!r}")
        extra = list((headers or {}).items())
        framing = sorted(name for name, _ in extra if name.lower() in _FRAMING_HEADERS)
        if framing:
            raise ValueError(f"headers may not set the message framing: {', '.join(framing)}")
        if retry_after is not None:
            if any(name.lower() == "retry-after" for name, _ in extra):
                raise ValueError("Retry-After given both as retry_after= and in headers=; give it once")
            extra.insert(0, ("Retry-After", _format_retry_after(retry_after)))
        if body is None:
            answer = _error_answer(status) if status >= 400 else _Answer(status, b"", "text/plain; charset=utf-8")
        elif isinstance(body, (bytes, bytearray, memoryview)):
            raw = bytes(body)
            answer = _Answer(status, raw, _raw_content_type(raw))
        elif isinstance(body, str):
            raw = body.encode()
            answer = _Answer(status, raw, _raw_content_type(raw))
        else:
            try:
                encoded = json.dumps(body).encode()
            except (TypeError, ValueError) as error:
                raise TypeError(f"body cannot be sent as JSON: {error}") from None
            answer = _json_answer(status, encoded)
        fault = _Fail(_Answer(answer.status, answer.body, answer.content_type, tuple(extra)))
        with self._lock:
            self._faults.extend([fault] * times)

    def stall_next(self, seconds: float) -> None:
        """Process the next create request fully (its job is created) but withhold the answer for ``seconds``.

        The answer is whatever the request earns (200, or 401 and no job for a
        wrong key, ...); it is sent afterwards if the client is still connected;
        :meth:`close` releases a stalled answer at once without sending it.

        Args:
            seconds: How long to withhold the answer.

        Raises:
            ValueError: ``seconds`` is negative or not finite.
        """
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"seconds must be a finite number >= 0, got {seconds!r}")
        with self._lock:
            self._faults.append(_Stall(float(seconds)))

    def drop_next(self) -> None:
        """Read the next create request completely, create its job, then close the connection without answering.

        The client sees the connection end after it sent the whole request, so
        it cannot know whether the video exists. As for :meth:`stall_next`, a
        request refused for its key or body is dropped too, and creates no job.
        """
        with self._lock:
            self._faults.append(_Drop())

    def reset(self) -> None:
        """Forget every recorded request and job and clear the fault script."""
        with self._lock:
            self._requests.clear()
            self._videos.clear()
            self._faults.clear()

    # -- serving -----------------------------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        server, wake = self._server, self._wake
        assert server is not None and wake is not None
        with selectors.DefaultSelector() as selector:
            selector.register(server.socket, selectors.EVENT_READ)
            selector.register(wake[0], selectors.EVENT_READ)
            while True:
                ready = {key.fileobj for key, _ in selector.select()}
                if wake[0] in ready:
                    return
                try:
                    request, client_address = server.get_request()
                except OSError:
                    continue  # the client gave up before accept
                server.process_request(request, client_address)

    def _serve_connection_in_thread(self, server: _Server, connection: socket.socket, client_address: Any) -> None:
        with self._lock:
            self._connections_accepted += 1
            number = self._connections_accepted
            thread = threading.Thread(
                target=self._serve_connection,
                args=(server, connection, client_address),
                name=f"MockHeyGen-{server.server_port}-connection-{number}",
                daemon=True,
            )
            for finished in [known for known in self._connections if not known.is_alive()]:
                del self._connections[finished]
            self._connections[thread] = connection
        thread.start()

    def _serve_connection(self, server: _Server, connection: socket.socket, client_address: Any) -> None:
        try:
            server.finish_request(connection, client_address)
        except Exception:
            server.handle_error(connection, client_address)
        finally:
            # Forget the socket before closing it, under the lock, so close() never shuts down a closed socket.
            with self._lock:
                self._connections[threading.current_thread()] = None
            server.shutdown_request(connection)

    def _respond(self, handler: _Handler, request: RecordedRequest, broken: _Answer | None) -> None:
        request_id = uuid.uuid4().hex
        route, _, _ = request.path.partition("?")
        is_create = route == CREATE_PATH and request.method == "POST"
        with self._lock:
            self._requests.append(request)
            fault = self._faults.popleft() if is_create and broken is None and self._faults else None
        video_id: str | None = None
        if broken is not None:
            answer = broken
        elif isinstance(fault, _Fail):
            answer = fault.answer
        elif route != CREATE_PATH:
            answer = _error_answer(404, f"No route for {request.method} {route}")
        elif not is_create:
            message = f"Method {request.method} is not allowed on {CREATE_PATH}; use POST"
            answer = _error_answer(405, message, ("Allow", "POST"))
        else:
            answer, video_id = self._create(request)
        self._log_answer(request, answer.status, video_id, fault)
        if isinstance(fault, _Drop):
            handler.drop()
            return
        if isinstance(fault, _Stall) and self._closing.wait(fault.seconds):
            handler.close_connection = True
            return
        handler.send_answer(answer, request_id)

    def _create(self, request: RecordedRequest) -> tuple[_Answer, str | None]:
        key = request.headers.get("x-api-key")
        if key is None:
            return _error_answer(401, "Unauthorized: the x-api-key header is missing"), None
        if not hmac.compare_digest(key.encode(), self.api_key.encode()):
            return _error_answer(401, "Unauthorized: the x-api-key header does not carry a valid API key"), None
        try:
            payload = json.loads(request.body, parse_constant=_reject_constant)
        except (ValueError, RecursionError) as error:
            return _error_answer(400, f"body is invalid: not valid JSON ({error})"), None
        if not isinstance(payload, dict):
            return _error_answer(400, f"body is invalid: expected a JSON object, got {type(payload).__name__}"), None
        if self._validate:
            problem = _first_violation(payload)
            if problem is not None:
                return _error_answer(400, problem), None
        video_id = uuid.uuid4().hex
        with self._lock:
            self._videos.append(video_id)
        return _json_answer(200, json.dumps({"error": None, "data": {"video_id": video_id}}).encode()), video_id

    def _log_answer(self, request: RecordedRequest, status: int, video_id: str | None, fault: _Fault | None) -> None:
        if not logger.isEnabledFor(self._log_level):
            return
        parts = [request.method, request.path, str(status)]
        if video_id is not None:
            parts.append(f"video_id={video_id}")
        if isinstance(fault, _Fail):
            parts.append("(fail_next)")
        elif isinstance(fault, _Stall):
            parts.append(f"(stalled {fault.seconds:g} s)")
        elif isinstance(fault, _Drop):
            parts.append("(dropped: no answer sent)")
        logger.log(self._log_level, " ".join(parts))
