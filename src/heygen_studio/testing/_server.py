"""MockHeyGen: a real HTTP server on loopback that serves HeyGen's video workflow, v2 and v3.

This module is the public face; the layers below are ``_listener`` (the accept
loop and one thread per keep-alive connection), ``_http`` (HTTP/1.1 framing),
``_handlers`` (the operation
table), ``_store`` (videos and their render clock), ``_faults`` (the fault
script), ``_answers`` (HeyGen's error envelopes).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from typing_extensions import Self

from heygen_studio.testing._answers import Answer, ErrorStyle, error_answer
from heygen_studio.testing._faults import (
    Drop,
    Fail,
    Fault,
    FaultScript,
    Stall,
    build_fail,
    check_seconds,
    check_times,
)
from heygen_studio.testing._handlers import OPERATION_NAMES, Context, authorize, route
from heygen_studio.testing._http import MAX_BODY_BYTES, FramingError, Handler, RecordedRequest, logger
from heygen_studio.testing._listener import Listener
from heygen_studio.testing._store import VideoStore

__all__ = ["MAX_BODY_BYTES", "MockHeyGen", "RecordedRequest"]


class MockHeyGen:
    """A local HeyGen: a real HTTP server on a thread, with a render clock and a fault script for your tests.

    It serves the whole video workflow, each operation answering in HeyGen's
    shapes (``{"data": ...}`` and its error envelopes):

    * ``POST /v2/video/generate`` (v2 Studio) and ``POST /v3/videos`` (every
      ``type``): check the ``x-api-key`` header, validate the body with the
      SDK's own rules and create a video (400 ``invalid_parameter`` naming
      the first broken field; 401 for a missing or wrong key);
    * ``GET /v3/videos/{video_id}``, ``DELETE /v3/videos/{video_id}`` (then
      404) and ``GET /v3/videos`` (newest first, ``limit`` 1 to 100 and
      ``token`` for the ``next_token`` of the previous page);
    * ``GET /v1/video_status.get?video_id=`` (the v2 status call);
    * 404 and 405 (with ``Allow``) for other paths and methods.

    A video is ``waiting`` for the first half of ``render_seconds``,
    ``processing`` for the second half, then ``completed`` with its URLs, or
    ``failed`` when :meth:`fail_render_next` asked. The time is ``clock()``
    plus every :meth:`advance`. Every request is recorded, and the next
    requests to any operation (or to one) can be scripted to fail, stall or
    drop the connection.

    Use it as a context manager, or call :meth:`start` and :meth:`close`::

        with MockHeyGen(render_seconds=60) as server:
            client = HeyGen(api_key=server.api_key, base_url=server.base_url)
            server.fail_next(429, retry_after=1, operation="GET /v3/videos/{video_id}")
            ...
            server.advance(60)  # every video created so far is now completed

    The server logs each answer on the ``heygen_studio.testing`` logger at
    DEBUG; it never logs headers, so the API key stays out of logs.
    """

    def __init__(
        self,
        *,
        api_key: str = "test-key",
        host: str = "127.0.0.1",
        port: int = 0,
        validate: bool = True,
        render_seconds: float = 0.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Prepare a server; nothing listens until :meth:`start` or ``with``.

        Args:
            api_key: The key a request's ``x-api-key`` header must carry.
            host: The address to listen on, and only there; an IPv6 address
                such as ``"::1"`` listens on IPv6.
            port: The TCP port; 0 picks a free one (read it from :attr:`base_url`).
            validate: Whether to check request bodies against the spec's rules
                (when false any JSON object creates a video).
            render_seconds: How long a video takes from creation to
                ``completed`` (or ``failed``); 0 finishes it at once, though
                the create answer still says ``waiting`` as HeyGen's does.
            clock: Seconds since the epoch; it dates the videos and moves
                their renders. Inject one to control time without
                :meth:`advance`.

        Raises:
            ValueError: ``api_key`` is empty, ``port`` is out of range or
                ``render_seconds`` is negative or not finite.
        """
        if not api_key:
            raise ValueError("api_key must be a non-empty string")
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, got {port}")
        try:
            render = check_seconds(render_seconds)
        except ValueError:
            raise ValueError(f"render_seconds must be a finite number >= 0, got {render_seconds!r}") from None
        self.api_key = api_key
        self._host = host
        self._port = port
        self._store = VideoStore(render_seconds=render, clock=clock)
        self._context = Context(self._store, validate)
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._faults = FaultScript()
        self._listener: Listener | None = None
        self._closed = False
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
            if self._listener is not None:
                return self
            self._listener = Listener(self._host, self._port, self._respond)
        logger.debug("MockHeyGen listening on %s", self.base_url)
        return self

    def close(self) -> None:
        """Stop serving: end every connection, release stalled answers, join every thread. Safe to call twice."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            listener = self._listener
        if listener is not None:
            listener.close()
            logger.debug("MockHeyGen on %s closed", listener.base_url)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        where = self._listener.base_url if self._listener is not None else "not started"
        return f"<MockHeyGen {where}{' closed' if self._closed else ''}>"

    # -- what tests read ---------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The server's root URL, e.g. ``http://127.0.0.1:54321`` (an IPv6 host in brackets).

        Raises:
            RuntimeError: The server was never started.
        """
        if self._listener is None:
            raise RuntimeError("MockHeyGen is not started: use `with MockHeyGen() as server:` or call start()")
        return self._listener.base_url

    @property
    def _connections_accepted(self) -> int:
        return 0 if self._listener is None else self._listener.connections_accepted

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received, in order, including those answered by a fault (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def videos(self) -> list[str]:
        """The ``video_id`` of every video the server accepted, v2 and v3, deleted ones included, in order.

        A video exists once an authenticated, valid create request is accepted,
        even when its answer is then stalled or dropped (the client cannot know
        the video exists: the double-billing hazard). Requests answered by
        :meth:`fail_next` create no video. The list is a copy.
        """
        return self._store.accepted

    def video(self, video_id: str) -> dict[str, Any]:
        """The video as ``GET /v3/videos/{video_id}`` would answer it now (its ``data``).

        Raises:
            KeyError: No such video, or it was deleted.
        """
        video = self._store.get(video_id)
        if video is None:
            raise KeyError(video_id)
        return self._store.detail(video, self._store.now())

    # -- the render clock --------------------------------------------------------------------------------------

    def advance(self, seconds: float) -> None:
        """Move the render clock forward, so videos progress without a real wait.

        Args:
            seconds: How far, finite and >= 0.

        Raises:
            ValueError: ``seconds`` is negative or not finite.
        """
        self._store.advance(seconds)

    def fail_render_next(self, code: str = "rendering_failed", message: str = "Avatar rendering timed out") -> None:
        """Make the next video created end ``failed`` instead of ``completed``, with this reason.

        Calls queue up: each marks one more of the next videos.

        Args:
            code: Its ``failure_code`` (the default is the spec's example).
            message: Its ``failure_message``.

        Raises:
            TypeError: ``code`` or ``message`` is not a string.
        """
        for name, value in (("code", code), ("message", message)):
            if not isinstance(value, str):
                raise TypeError(f"{name} must be a str, got {type(value).__name__}")
        self._store.fail_render_next(code, message)

    # -- the fault script --------------------------------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        *,
        retry_after: str | float | None = None,
        body: object = None,
        headers: Mapping[str, str] | None = None,
        times: int = 1,
        operation: str | None = None,
    ) -> None:
        """Answer the next requests with ``status`` instead of processing them (no video is created or changed).

        A fault applies to the next request to any operation the server serves
        (or only to ``operation``), whatever its key or body; requests answered
        404 or 405 leave the script alone. Faults queued by ``fail_next``,
        ``stall_next`` and ``drop_next`` are used first in, first out.

        Args:
            status: The status to send, 200 to 599 (a 2xx with a broken body, a
                3xx with a ``Location``, any 4xx or 5xx).
            retry_after: Sent verbatim as the ``Retry-After`` header: a string
                as is (an HTTP-date, garbage), a number in seconds (``2.0`` is
                sent as ``2``).
            body: ``None`` for HeyGen's error body for that status, in the
                envelope of the operation it hits (empty below 400); a dict,
                list or other JSON value is sent as JSON; a ``str`` or
                ``bytes`` is sent raw, as ``text/html`` when it starts with
                ``<`` and ``text/plain`` otherwise.
            headers: Extra response headers, applied last (``Content-Type``
                included); they may not set the message framing
                (``Content-Length``, ``Transfer-Encoding``, ``Connection``).
            times: How many consecutive matching requests get this answer.
            operation: Only requests to this operation, named as in HeyGen's
                specs (``"GET /v3/videos/{video_id}"``), use the fault.

        Raises:
            ValueError: ``status``, ``times`` or ``operation`` is not one the
                server knows, a framing header is given, or ``Retry-After``
                is given twice.
            TypeError: ``body`` cannot be encoded as JSON, or ``retry_after``
                is neither a string nor a number.
        """
        check_times(times)
        fault = build_fail(
            status, retry_after=retry_after, body=body, headers=headers, operation=self._operation(operation)
        )
        with self._lock:
            self._faults.extend([fault] * times)

    def stall_next(self, seconds: float, *, operation: str | None = None) -> None:
        """Process the next request fully (a create makes its video) but withhold the answer for ``seconds``.

        The answer is whatever the request earns (200, or 401 and no video for
        a wrong key, ...); it is sent afterwards if the client is still
        connected; :meth:`close` releases a stalled answer at once without
        sending it.

        Args:
            seconds: How long to withhold the answer.
            operation: Only a request to this operation uses the fault.

        Raises:
            ValueError: ``seconds`` is negative or not finite, or ``operation`` is unknown.
        """
        fault = Stall(check_seconds(seconds), self._operation(operation))
        with self._lock:
            self._faults.extend([fault])

    def drop_next(self, *, operation: str | None = None) -> None:
        """Read the next request completely, process it, then close the connection without answering.

        The client sees the connection end after it sent the whole request, so
        it cannot know whether its create made a video or its delete removed
        one. A request refused for its key or body is dropped too.

        Args:
            operation: Only a request to this operation uses the fault.

        Raises:
            ValueError: ``operation`` is unknown.
        """
        fault = Drop(self._operation(operation))
        with self._lock:
            self._faults.extend([fault])

    def reset(self) -> None:
        """Forget every recorded request and video, the fault script and scripted render failures."""
        with self._lock:
            self._requests.clear()
            self._faults.clear()
        self._store.reset()

    @staticmethod
    def _operation(operation: str | None) -> str | None:
        if operation is not None and operation not in OPERATION_NAMES:
            known = ", ".join(sorted(OPERATION_NAMES))
            raise ValueError(f"operation must be one the server serves ({known}), got {str(operation)[:80]!r}")
        return operation

    # -- serving -----------------------------------------------------------------------------------------------

    def _respond(self, handler: Handler, request: RecordedRequest, broken: FramingError | None) -> None:
        request_id = uuid.uuid4().hex
        routed = route(request)
        if broken is not None:
            # Answered in the envelope of the operation the request was for; no fault is used.
            style = ErrorStyle.LEGACY if isinstance(routed, Answer) else routed[0].style
            routed = error_answer(broken.status, broken.message, style=style)
        fault: Fault | None = None
        with self._lock:
            self._requests.append(request)
            if not isinstance(routed, Answer):
                fault = self._faults.take(routed[0].name)
        video_id: str | None = None
        if isinstance(routed, Answer):
            answer = routed
        elif isinstance(fault, Fail):
            answer = fault.answer(routed[0].style)
        else:
            operation, call = routed
            refused = authorize(request, self.api_key, operation.style)
            answer, video_id = (refused, None) if refused is not None else operation.handle(self._context, call)
        self._log_answer(request, answer.status, video_id, fault)
        if isinstance(fault, Drop):
            handler.drop()
            return
        closing = self._listener.closing if self._listener is not None else threading.Event()
        if isinstance(fault, Stall) and closing.wait(fault.seconds):
            handler.close_connection = True
            return
        handler.send_answer(answer, request_id)

    def _log_answer(self, request: RecordedRequest, status: int, video_id: str | None, fault: Fault | None) -> None:
        if not logger.isEnabledFor(self._log_level):
            return
        parts = [request.method, request.path, str(status)]
        if video_id is not None:
            parts.append(f"video_id={video_id}")
        if isinstance(fault, Fail):
            parts.append("(fail_next)")
        elif isinstance(fault, Stall):
            parts.append(f"(stalled {fault.seconds:g} s)")
        elif isinstance(fault, Drop):
            parts.append("(dropped: no answer sent)")
        logger.log(self._log_level, " ".join(parts))
