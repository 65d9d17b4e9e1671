"""A hostile HTTP server on a raw loopback socket: it answers whatever bytes a test scripts, as slowly as it likes.

``HostileServer(answer)`` accepts connections in a thread, reads one request per
connection (headers and a ``Content-Length`` body), counts it, and hands the socket
to ``answer(sock, request)``, which writes raw bytes (status line, headers, body,
or nothing at all). It is deliberately not an HTTP library: the point is to send
what no well-behaved server would.

The trickling answers do wait for real: they stand for a server on the other side
of the network, whose clock the client cannot inject. Each wait is short and ends
as soon as the client hangs up or the server stops.
"""

from __future__ import annotations

import contextlib
import functools
import socket
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType

from typing_extensions import Self


@dataclass
class Seen:
    """One request the server read: its request line, headers (lower-cased names) and body."""

    line: str
    headers: dict[str, str]
    body: bytes


#: Writes the answer to a request; the event is set when the server stops (stop trickling then).
Answer = Callable[[socket.socket, Seen, threading.Event], None]


@dataclass
class HostileServer:
    """A loopback server answering every request with ``answer``."""

    answer: Answer
    requests: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.stopped = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Self:
        accept = threading.Thread(target=self._accept, daemon=True)
        accept.start()
        self._threads.append(accept)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stopped.set()
        # Wake the accept loop now rather than at its next 0.05 s poll (per server, that wait added up to
        # seconds of an idle core over the suite).
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
            pass
        for thread in list(self._threads):
            thread.join(5)
        self._listener.close()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self.stopped.is_set():  # the wake-up connection from __exit__
                conn.close()
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                seen = _read_request(conn)
            except OSError:
                return
            if seen is None:
                return
            with self._lock:
                self.requests.append(seen)
            try:
                self.answer(conn, seen, self.stopped)
            except OSError:
                return  # the client hung up: what a hostile server's victim should do


def _read_request(conn: socket.socket) -> Seen | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for item in lines:
        name, _, value = item.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return Seen(line=line, headers=headers, body=body)


def head(status: int, headers: dict[str, str] | None = None, *, length: int | None = None) -> bytes:
    """A status line and headers; ``Content-Length`` when ``length`` is given, else chunked."""
    lines = [f"HTTP/1.1 {status} X"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    lines.append(f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked")
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def fixed(status: int, body: bytes, headers: dict[str, str] | None = None) -> Answer:
    """Answer ``status`` with ``body`` at once."""

    def answer(conn: socket.socket, seen: Seen, stopped: threading.Event) -> None:
        conn.sendall(head(status, {"Content-Type": "application/json", **(headers or {})}, length=len(body)) + body)

    return answer


@functools.cache
def _bomb(expanded: int) -> bytes:
    compressor = zlib.compressobj(1, zlib.DEFLATED, 31)
    block = b" " * (1 << 20)
    parts = [compressor.compress(block) for _ in range(expanded >> 20)]
    parts.append(compressor.flush())
    return b"".join(parts)


def gzip_bomb(status: int, expanded: int) -> Answer:
    """Answer a gzip body that expands to ``expanded`` bytes of spaces (about 1 KB per MB on the wire)."""
    body = _bomb(expanded)

    def answer(conn: socket.socket, seen: Seen, stopped: threading.Event) -> None:
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        conn.sendall(head(status, headers, length=len(body)) + body)

    return answer


def endless(status: int, chunk: bytes = b" " * 65536) -> Answer:
    """Answer a chunked body that never ends, as fast as the client reads it."""

    def answer(conn: socket.socket, seen: Seen, stopped: threading.Event) -> None:
        conn.sendall(head(status, {"Content-Type": "application/json"}))
        framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        while not stopped.is_set():
            conn.sendall(framed)

    return answer


def trickle(status: int, every: float, *, body: bytes = b" ", in_headers: bool = False, total: int = 1 << 30) -> Answer:
    """Answer one byte every ``every`` seconds, up to ``total``: in the body, or (``in_headers``) in a header."""

    def answer(conn: socket.socket, seen: Seen, stopped: threading.Event) -> None:
        if in_headers:
            conn.sendall(f"HTTP/1.1 {status} X\r\nX-Slow: ".encode())
            while not stopped.wait(every):
                conn.sendall(b"a")
            return
        conn.sendall(head(status, {"Content-Type": "application/json"}, length=len(body) + total))
        conn.sendall(body)
        for _ in range(total):
            if stopped.wait(every):
                return
            conn.sendall(b" ")

    return answer


def silent() -> Answer:
    """Read the request and never answer."""

    def answer(conn: socket.socket, seen: Seen, stopped: threading.Event) -> None:
        stopped.wait(30)

    return answer
