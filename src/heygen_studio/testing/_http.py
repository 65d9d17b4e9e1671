"""MockHeyGen's HTTP/1.1 layer: the loopback server, the connection handler and strict request framing.

The handler reads one request's body under strict framing rules and hands the
request to a callback; everything HeyGen-specific lives above it. Framing is
where a mock can be made to misbehave, so it is refused rather than guessed:

* ``Content-Length`` must be plain digits (``+5``, ``1_0``, ``-1`` are 400),
  sent once or with equal values, and not beside ``Transfer-Encoding``;
* ``Transfer-Encoding`` must be exactly ``chunked`` (anything else is 501);
* a chunk size must be 1 to 16 hex digits (a negative, signed, underscored or
  absurdly long size is 400), each chunk must end with CRLF, and the sizes,
  counted as they arrive, may not pass :data:`MAX_BODY_BYTES` (413, before the
  chunk is read);
* a body that ends before its declared length is 400.

After a framing error the connection is closed: the rest of the stream cannot
be trusted to start a new request.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import socket
import socketserver
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from heygen_studio.testing._answers import Answer

logger = logging.getLogger("heygen_studio.testing")

#: A larger body is refused with 413 before it is read: the mock must not buffer whatever a broken client sends.
MAX_BODY_BYTES = 16 * 1024 * 1024
# One chunk-size or trailer line; HeyGen's clients send a few bytes.
_LINE_LIMIT = 1024
_MAX_TRAILER_LINES = 64
_CONTENT_LENGTH = re.compile(r"[0-9]{1,20}")
# RFC 9112 chunk-size is 1*HEXDIG; 16 digits already say more than any body the mock accepts.
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")
_REDACTED_HEADERS = frozenset({"x-api-key", "authorization"})
_SHOWN_CHARACTERS = 40


def _clip(value: str | bytes) -> str:
    """Quote a client-sent value for a message, at most ~40 characters of it."""
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    return repr(text) if len(text) <= _SHOWN_CHARACTERS else f"{text[:_SHOWN_CHARACTERS]!r}... ({len(text)} characters)"


class Headers(Mapping[str, str]):
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
        if isinstance(other, Headers):
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
class FramingError:
    """Why a request's body could not be read: answered with ``status`` and ``message``, then the connection closes."""

    status: int
    message: str


#: Called once per request with the handler, the request and the framing error (or ``None``).
Responder = Callable[["Handler", RecordedRequest, "FramingError | None"], None]


class Server(ThreadingHTTPServer):
    """Serves each connection on a thread of its own that the owner can find, end and join."""

    # Set by the owner right after construction, before the first accept.
    respond: Responder
    serve_in_thread: Callable[[Server, socket.socket, Any], None]
    # socketserver's default backlog of 5 resets connections when a client opens a burst of them at once.
    request_queue_size = 128

    def server_bind(self) -> None:
        # HTTPServer.server_bind would resolve the host's FQDN, a DNS lookup the mock has no use for.
        socketserver.TCPServer.server_bind(self)
        host, port = self.socket.getsockname()[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.serve_in_thread(self, request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("connection from %s ended with an error", client_address, exc_info=True)


class Server6(Server):
    """The same server on IPv6."""

    address_family = socket.AF_INET6


class Handler(BaseHTTPRequestHandler):
    """One connection: reads each request under strict framing and passes it to the server's responder."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the body waits for the client's
    # delayed ACK (~40 ms on Linux) on every keep-alive request.
    disable_nagle_algorithm = True
    server_version = "MockHeyGen"
    sys_version = ""
    # An idle keep-alive connection is closed after this long, so a long-running CLI server does not
    # keep one thread per forgotten client forever; close() ends idle connections at once regardless.
    timeout = 120
    server: Server

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
        # Every answer is logged once, with its job, by MockHeyGen.
        pass

    def _read_body(self) -> bytes | FramingError:
        encodings = self.headers.get_all("Transfer-Encoding") or []
        lengths = self.headers.get_all("Content-Length") or []
        if encodings:
            codings = [coding.strip().lower() for value in encodings for coding in value.split(",")]
            if codings != ["chunked"]:
                shown = _clip(", ".join(encodings))
                return FramingError(501, f"Transfer-Encoding {shown} is not supported: send chunked")
            if lengths:
                return FramingError(400, "Content-Length and Transfer-Encoding may not be sent together")
            return self._read_chunked()
        if not lengths:
            return b""
        if len({value.strip() for value in lengths}) > 1:
            return FramingError(400, f"Content-Length is sent {len(lengths)} times with different values")
        text = lengths[0].strip()
        if not _CONTENT_LENGTH.fullmatch(text):
            return FramingError(400, f"Content-Length is not a non-negative integer: {_clip(lengths[0])}")
        length = int(text)
        if length > MAX_BODY_BYTES:
            return FramingError(413, f"Request body too large: {length} bytes (limit {MAX_BODY_BYTES})")
        body = self.rfile.read(length)
        if len(body) < length:
            return FramingError(400, f"Request body ended after {len(body)} of {length} bytes")
        return body

    def _read_chunked(self) -> bytes | FramingError:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(_LINE_LIMIT + 1)
            if not line.endswith(b"\n"):
                return FramingError(400, "Malformed chunked request body: a chunk-size line is too long or cut off")
            size_text = line.split(b";", 1)[0].strip()
            if not _CHUNK_SIZE.fullmatch(size_text):
                message = f"Malformed chunked request body: chunk size {_clip(size_text)} is not 1 to 16 hex digits"
                return FramingError(400, message)
            size = int(size_text, 16)
            if size == 0:
                return b"".join(chunks) if self._skip_trailers() else FramingError(400, "Malformed chunked trailers")
            total += size
            if total > MAX_BODY_BYTES:
                return FramingError(413, f"Request body too large (limit {MAX_BODY_BYTES} bytes)")
            chunk = self.rfile.read(size)
            if len(chunk) < size:
                message = f"Malformed chunked request body: a chunk ended after {len(chunk)} of {size} bytes"
                return FramingError(400, message)
            chunks.append(chunk)
            if self.rfile.readline(3) not in (b"\r\n", b"\n"):
                return FramingError(400, "Malformed chunked request body: chunk data is not followed by CRLF")

    def _skip_trailers(self) -> bool:
        """Read the trailer section up to its blank line; false when it is cut off or unbounded."""
        for _ in range(_MAX_TRAILER_LINES):
            line = self.rfile.readline(_LINE_LIMIT + 1)
            if line in (b"\r\n", b"\n"):
                return True
            if not line.endswith(b"\n"):
                return False
        return False

    def _handle(self) -> None:
        body = self._read_body()
        request = RecordedRequest(
            method=self.command,
            path=self.path,
            headers=Headers(list(self.headers.items())),
            body=b"" if isinstance(body, FramingError) else body,
        )
        if isinstance(body, FramingError):
            # The rest of the stream cannot be trusted to start a new request.
            self.close_connection = True
            self.server.respond(self, request, body)
        else:
            self.server.respond(self, request, None)

    def send_answer(self, answer: Answer, request_id: str) -> None:
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
