"""The fault matrix: every way a create-video call can go wrong, against a real loopback server, sync and async.

Each scenario asserts the exact number of attempts the server saw, what the caller
got, and that the server created at most one job for the call, which is the
property that matters: no retry may start a second paid render. A canary API key
is searched for in everything the client returned, raised, printed or logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import logging
import shutil
import socket
import ssl
import subprocess
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from heygen_studio import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    AsyncHeyGen,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    CreatedVideo,
    HeyGen,
    InternalServerError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    RequestValidationError,
    UnprocessableEntityError,
)
from heygen_studio.testing import MockHeyGen
from tests.heygen_studio import hostile

CANARY = "canary-key-7f3a9c1e55d04b2b"

PAYLOAD: dict[str, Any] = {
    "video_inputs": [
        {
            "character": {"type": "avatar", "avatar_id": "Daisy-inskirt-20220818"},
            "voice": {"type": "text", "voice_id": "2d5b0e6cf36f460aa7fc47e3eee4ba54", "input_text": "Welcome!"},
            "background": {"type": "color", "value": "#FAFAFA"},
        }
    ],
    "callback_id": "order-1234",
}


@dataclass
class Outcome:
    result: CreatedVideo | None
    error: BaseException | None
    sleeps: list[float] = field(default_factory=list)


@pytest.fixture(scope="module")
def server() -> Iterator[MockHeyGen]:
    with MockHeyGen(api_key=CANARY) as mock:
        yield mock


@pytest.fixture(autouse=True)
def fresh(server: MockHeyGen) -> None:
    server.reset()


@pytest.fixture(autouse=True)
def leak_check(request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every record any logger emits at DEBUG and above, checked for the canary after each scenario."""
    caplog.set_level(logging.DEBUG)
    yield
    assert CANARY not in caplog.text
    for record in caplog.records:
        assert CANARY not in record.getMessage()


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def call(mode: str, base_url: str, payload: Any = PAYLOAD, *, api_key: str = CANARY, **options: Any) -> Outcome:
    """One generate() through the public API, with sleeps recorded instead of slept."""
    outcome = Outcome(result=None, error=None)
    if mode == "sync":
        with HeyGen(api_key=api_key, base_url=base_url, sleep=outcome.sleeps.append, **options) as client:
            try:
                outcome.result = client.videos.generate(payload)
            except Exception as exc:
                outcome.error = exc
    else:

        async def sleep(seconds: float) -> None:
            outcome.sleeps.append(seconds)

        async def main() -> None:
            async with AsyncHeyGen(api_key=api_key, base_url=base_url, sleep=sleep, **options) as client:
                try:
                    outcome.result = await client.videos.generate(payload)
                except Exception as exc:
                    outcome.error = exc

        asyncio.run(main())
    for shown in (repr(outcome.result), str(outcome.result), repr(outcome.error), str(outcome.error)):
        assert CANARY not in shown
    if outcome.error is not None:
        assert CANARY not in "".join(traceback.format_exception(outcome.error))
    return outcome


def attempts(server: MockHeyGen) -> int:
    return len([r for r in server.requests if r.path == "/v2/video/generate"])


def test_200(server: MockHeyGen, mode: str) -> None:
    outcome = call(mode, server.base_url)
    assert outcome.result is not None
    assert (1, [outcome.result.video_id], 0) == (attempts(server), server.videos, outcome.result.retries_taken)


def test_429_then_200(server: MockHeyGen, mode: str) -> None:
    server.fail_next(429)
    outcome = call(mode, server.base_url)
    assert outcome.result is not None
    assert (2, 1, 1, 1) == (attempts(server), len(server.videos), outcome.result.retries_taken, len(outcome.sleeps))
    first, second = server.requests
    assert (first.body, first.headers["content-type"]) == (second.body, second.headers["content-type"])


def test_429_past_max_retries(server: MockHeyGen, mode: str) -> None:
    server.fail_next(429, times=5)
    outcome = call(mode, server.base_url)
    assert isinstance(outcome.error, RateLimitError)
    assert (3, 0, 2) == (attempts(server), len(server.videos), len(outcome.sleeps))


def test_429_with_an_http_date(server: MockHeyGen, mode: str) -> None:
    server.fail_next(429, retry_after=email.utils.formatdate(time.time() + 3, usegmt=True))
    outcome = call(mode, server.base_url)
    assert outcome.result is not None
    assert (2, 1) == (attempts(server), len(server.videos))
    assert 1.0 < outcome.sleeps[0] <= 3.0


def test_429_with_a_huge_retry_after_raises_at_once(server: MockHeyGen, mode: str) -> None:
    server.fail_next(429, retry_after=86_400)
    outcome = call(mode, server.base_url)
    assert isinstance(outcome.error, RateLimitError)
    assert 86_400.0 == outcome.error.retry_after
    assert (1, 0, []) == (attempts(server), len(server.videos), outcome.sleeps)


@pytest.mark.parametrize("garbage", ["soon", "-5", "Thu, 01 Jan 1970 00:00:00 GMT"])
def test_429_with_a_garbage_retry_after_backs_off(server: MockHeyGen, mode: str, garbage: str) -> None:
    server.fail_next(429, retry_after=garbage)
    outcome = call(mode, server.base_url)
    assert outcome.result is not None
    assert (2, 1) == (attempts(server), len(server.videos))
    assert 0.375 <= outcome.sleeps[0] <= 0.5


@pytest.mark.parametrize("opt_in", [False, True])
def test_500_is_never_retried(server: MockHeyGen, mode: str, opt_in: bool) -> None:
    server.fail_next(500)
    outcome = call(mode, server.base_url, retry_server_errors=opt_in)
    assert isinstance(outcome.error, InternalServerError)
    assert (1, 0) == (attempts(server), len(server.videos))


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_without_opt_in(server: MockHeyGen, mode: str, status: int) -> None:
    server.fail_next(status)
    outcome = call(mode, server.base_url)
    assert isinstance(outcome.error, InternalServerError)
    assert (status, 1, 0) == (outcome.error.status_code, attempts(server), len(server.videos))


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_with_opt_in(server: MockHeyGen, mode: str, status: int) -> None:
    server.fail_next(status)
    outcome = call(mode, server.base_url, retry_server_errors=True)
    assert outcome.result is not None
    assert (2, 1) == (attempts(server), len(server.videos))


def test_read_timeout_after_the_job_was_accepted(server: MockHeyGen, mode: str) -> None:
    server.stall_next(10)
    # Even a caller who opts in to every retry must not get a second job.
    outcome = call(mode, server.base_url, timeout=0.2, max_retries=5, retry_server_errors=True)
    assert isinstance(outcome.error, OutcomeUnknownError)
    assert (1, 1, []) == (attempts(server), len(server.videos), outcome.sleeps)
    assert "order-1234" in str(outcome.error)
    assert "may have created" in str(outcome.error)


def test_connection_dropped_after_the_body(server: MockHeyGen, mode: str) -> None:
    server.drop_next()
    outcome = call(mode, server.base_url, max_retries=5, retry_server_errors=True)
    assert isinstance(outcome.error, OutcomeUnknownError)
    assert (1, 1, []) == (attempts(server), len(server.videos), outcome.sleeps)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_connection_refused_is_retried_then_raised(mode: str) -> None:
    outcome = call(mode, f"http://127.0.0.1:{closed_port()}")
    assert isinstance(outcome.error, APIConnectionError)
    assert 2 == len(outcome.sleeps)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
    ],
)
def test_client_errors(server: MockHeyGen, mode: str, status: int, cls: type[APIStatusError]) -> None:
    server.fail_next(status)
    outcome = call(mode, server.base_url, retry_server_errors=True)
    assert cls is type(outcome.error)
    assert (1, 0) == (attempts(server), len(server.videos))


def test_wrong_key(server: MockHeyGen, mode: str) -> None:
    outcome = call(mode, server.base_url, api_key="another-key-123456")
    assert isinstance(outcome.error, AuthenticationError)
    assert (1, 0) == (attempts(server), len(server.videos))


def test_2xx_with_broken_json(server: MockHeyGen, mode: str) -> None:
    server.fail_next(200, body='{"data": {"video_id": ')
    outcome = call(mode, server.base_url, retry_server_errors=True)
    assert isinstance(outcome.error, APIResponseValidationError)
    assert (1, 0) == (attempts(server), len(server.videos))


def test_redirect_to_another_origin_is_not_followed(server: MockHeyGen, mode: str) -> None:
    server.fail_next(302, headers={"Location": "https://evil.example/v2/video/generate"})
    outcome = call(mode, server.base_url)
    assert isinstance(outcome.error, APIStatusError)
    assert 302 == outcome.error.status_code
    assert "https://evil.example/v2/video/generate" in str(outcome.error)
    assert (1, 0) == (attempts(server), len(server.videos))


def test_invalid_payload_sends_nothing(server: MockHeyGen, mode: str) -> None:
    outcome = call(mode, server.base_url, {"video_inputs": [{"voice": {"type": "audio"}}]})
    assert isinstance(outcome.error, RequestValidationError)
    assert (0, 0) == (len(server.requests), len(server.videos))


@pytest.fixture(scope="module")
def untrusted_tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[int]]]:
    """A TLS server on loopback with a self-signed certificate; yields its URL and a list of accepted connections."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a self-signed certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    accepted: list[int] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            accepted.append(1)
            with contextlib.suppress(OSError):
                connection.settimeout(2)
                context.wrap_socket(connection, server_side=True).close()
            connection.close()

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        yield f"https://127.0.0.1:{listener.getsockname()[1]}", accepted
    finally:
        stop.set()
        thread.join()
        listener.close()


def test_tls_verification_failure_is_not_retried(untrusted_tls_server: tuple[str, list[int]], mode: str) -> None:
    url, accepted = untrusted_tls_server
    accepted.clear()
    outcome = call(mode, url, max_retries=5)
    assert isinstance(outcome.error, APIConnectionError)
    assert "CERTIFICATE_VERIFY_FAILED" in str(outcome.error)
    assert ([1], []) == (accepted, outcome.sleeps)


# -- GET and DELETE (v3): idempotent, so every transient fault is retried --------------------------------------------
# MockHeyGen serves v2 only on this branch, so these run on a raw loopback server (tests/heygen_studio/hostile.py)
# answering a script, one entry per request; the last entry repeats.


def scripted(*answers: hostile.Answer) -> hostile.Answer:
    used = [0]

    def answer(conn: socket.socket, seen: hostile.Seen, stopped: threading.Event) -> None:
        index = min(used[0], len(answers) - 1)
        used[0] += 1
        answers[index](conn, seen, stopped)

    return answer


def hang_up(conn: socket.socket, seen: hostile.Seen, stopped: threading.Event) -> None:
    conn.close()


VIDEO = hostile.fixed(200, b'{"data": {"id": "v1", "status": "completed", "video_url": "https://f/v1.mp4"}}')
GONE = hostile.fixed(200, b'{"data": {"id": "v1", "deleted": true}}')
BUSY = hostile.fixed(503, b'{"error": {"code": "busy", "message": "try later"}}')
SLOW = hostile.fixed(429, b'{"error": {"message": "slow down"}}', {"Retry-After": "2"})
MISSING = hostile.fixed(404, b'{"error": {"code": "not_found", "message": "Video not found."}}')


# (faults before the success, client options, the error expected or None, requests seen, sleeps)
Case = tuple[list[hostile.Answer], dict[str, Any], type[Exception] | None, int, list[float]]


def read_call(mode: str, base_url: str, operation: str, **options: Any) -> Outcome:
    """One get() or delete() of video v1 through the public API, with sleeps recorded instead of slept."""
    outcome = Outcome(result=None, error=None)
    if mode == "sync":
        with HeyGen(api_key=CANARY, base_url=base_url, sleep=outcome.sleeps.append, **options) as client:
            try:
                outcome.result = getattr(client.videos, operation)("v1")
            except Exception as exc:
                outcome.error = exc
    else:

        async def sleep(seconds: float) -> None:
            outcome.sleeps.append(seconds)

        async def main() -> None:
            async with AsyncHeyGen(api_key=CANARY, base_url=base_url, sleep=sleep, **options) as client:
                try:
                    outcome.result = await getattr(client.videos, operation)("v1")
                except Exception as exc:
                    outcome.error = exc

        asyncio.run(main())
    if outcome.error is not None:
        assert CANARY not in "".join(traceback.format_exception(outcome.error))
    return outcome


@pytest.mark.parametrize("operation", ["get", "delete"])
@pytest.mark.parametrize(
    "case",
    [
        ([], {}, None, 1, []),
        ([BUSY], {}, None, 2, [0.5]),
        ([BUSY, BUSY], {}, None, 3, [0.5, 1.0]),
        ([BUSY, BUSY, BUSY], {}, InternalServerError, 3, [0.5, 1.0]),
        ([SLOW], {}, None, 2, [2.0]),
        ([hang_up], {}, None, 2, [0.5]),
        ([hostile.silent()], {"timeout": 0.3}, None, 2, [0.5]),
        ([MISSING], {}, NotFoundError, 1, []),
        ([BUSY], {"max_retries": 0}, InternalServerError, 1, []),
    ],
    ids=["ok", "503", "503x2", "503x3", "429", "dropped", "read-timeout", "404", "no-retries"],
)
def test_reads_and_deletes_retry_every_transient_fault(mode: str, operation: str, case: Case) -> None:
    faults, options, expected, requests, sleeps = case
    success = VIDEO if operation == "get" else GONE
    with hostile.HostileServer(scripted(*faults, success)) as server:
        outcome = read_call(mode, server.url, operation, **options)
    if expected is None:
        assert outcome.error is None
    else:
        assert isinstance(outcome.error, expected)
    method = "GET" if operation == "get" else "DELETE"
    assert [f"{method} /v3/videos/v1 HTTP/1.1"] * requests == [seen.line for seen in server.requests]
    # Backoff is jittered down by up to a quarter; Retry-After is exact.
    assert len(sleeps) == len(outcome.sleeps)
    assert all(0.75 * want <= got <= want for want, got in zip(sleeps, outcome.sleeps, strict=True))


# -- GET, DELETE and list (v3) on MockHeyGen: its fault script, per operation, sync and async -----------------------

V3_VIDEO: dict[str, Any] = {
    "type": "avatar",
    "avatar_id": "Daisy-inskirt-20220818",
    "script": "Welcome!",
    "voice_id": "2d5b0e6cf36f460aa7fc47e3eee4ba54",
}
V3_OPERATIONS = {
    "get": ("GET", "GET /v3/videos/{video_id}"),
    "delete": ("DELETE", "DELETE /v3/videos/{video_id}"),
    "list": ("GET", "GET /v3/videos"),
}


@dataclass
class V3Outcome:
    result: Any
    error: BaseException | None
    sleeps: list[float] = field(default_factory=list)


def v3_call(mode: str, server: MockHeyGen, operation: str, video_id: str, **options: Any) -> V3Outcome:
    """One get(), delete() or list() (consumed whole) through the public API, sleeps recorded instead of slept."""
    outcome = V3Outcome(result=None, error=None)

    def run(videos: Any) -> Any:
        return videos.list() if operation == "list" else getattr(videos, operation)(video_id)

    if mode == "sync":
        with HeyGen(api_key=CANARY, base_url=server.base_url, sleep=outcome.sleeps.append, **options) as client:
            try:
                answer = run(client.videos)
                outcome.result = list(answer) if operation == "list" else answer
            except Exception as exc:
                outcome.error = exc
    else:

        async def sleep(seconds: float) -> None:
            outcome.sleeps.append(seconds)

        async def main() -> None:
            async with AsyncHeyGen(api_key=CANARY, base_url=server.base_url, sleep=sleep, **options) as client:
                try:
                    answer = run(client.videos)
                    outcome.result = [video async for video in answer] if operation == "list" else await answer
                except Exception as exc:
                    outcome.error = exc

        asyncio.run(main())
    for shown in (repr(outcome.result), repr(outcome.error), str(outcome.error)):
        assert CANARY not in shown
    if outcome.error is not None:
        assert CANARY not in "".join(traceback.format_exception(outcome.error))
    return outcome


def v3_attempts(server: MockHeyGen, operation: str, video_id: str) -> int:
    method, _ = V3_OPERATIONS[operation]
    path = "/v3/videos" if operation == "list" else f"/v3/videos/{video_id}"
    return len([r for r in server.requests if r.method == method and r.path.split("?")[0] == path])


@pytest.fixture
def v3_video(server: MockHeyGen) -> str:
    with HeyGen(api_key=CANARY, base_url=server.base_url) as client:
        return client.videos.create(V3_VIDEO).video_id


FAULTS: dict[str, Callable[[MockHeyGen, str], None]] = {
    "ok": lambda server, name: None,
    "429": lambda server, name: server.fail_next(429, operation=name),
    "429-retry-after": lambda server, name: server.fail_next(429, retry_after=3, operation=name),
    "429-retry-after-too-long": lambda server, name: server.fail_next(429, retry_after=3600, operation=name),
    "502": lambda server, name: server.fail_next(502, operation=name),
    "503": lambda server, name: server.fail_next(503, operation=name),
    "504": lambda server, name: server.fail_next(504, operation=name),
    "503x2": lambda server, name: server.fail_next(503, times=2, operation=name),
    "503x3": lambda server, name: server.fail_next(503, times=3, operation=name),
    "503-no-retries": lambda server, name: server.fail_next(503, operation=name),
    "500": lambda server, name: server.fail_next(500, operation=name),
    "400": lambda server, name: server.fail_next(400, operation=name),
    "401": lambda server, name: server.fail_next(401, operation=name),
    "403": lambda server, name: server.fail_next(403, operation=name),
    "404": lambda server, name: server.fail_next(404, operation=name),
    "2xx-html": lambda server, name: server.fail_next(200, body="<html>not json</html>", operation=name),
    "dropped": lambda server, name: server.drop_next(operation=name),
}

# fault: (the error expected or None, attempts seen, sleeps, client options)
V3_CASES: dict[str, tuple[type[Exception] | None, int, list[float], dict[str, Any]]] = {
    "ok": (None, 1, [], {}),
    "429": (None, 2, [0.5], {}),
    "429-retry-after": (None, 2, [3.0], {}),
    "429-retry-after-too-long": (RateLimitError, 1, [], {}),
    "502": (None, 2, [0.5], {}),
    "503": (None, 2, [0.5], {}),
    "504": (None, 2, [0.5], {}),
    "503x2": (None, 3, [0.5, 1.0], {}),
    "503x3": (InternalServerError, 3, [0.5, 1.0], {}),
    "503-no-retries": (InternalServerError, 1, [], {"max_retries": 0}),
    "500": (InternalServerError, 1, [], {}),
    "400": (BadRequestError, 1, [], {}),
    "401": (AuthenticationError, 1, [], {}),
    "403": (PermissionDeniedError, 1, [], {}),
    "404": (NotFoundError, 1, [], {}),
    "2xx-html": (APIResponseValidationError, 1, [], {}),
    "dropped": (None, 2, [0.5], {}),
}


@pytest.mark.parametrize("operation", sorted(V3_OPERATIONS))
@pytest.mark.parametrize("fault", sorted(V3_CASES))
def test_v3_reads_lists_and_deletes_on_mockheygen(
    server: MockHeyGen, v3_video: str, mode: str, operation: str, fault: str
) -> None:
    expected, seen, sleeps, options = V3_CASES[fault]
    if (operation, fault) == ("delete", "dropped"):
        # MockHeyGen deleted the video before dropping the answer; the retry finds it gone (the documented hazard).
        expected = NotFoundError
    _, name = V3_OPERATIONS[operation]
    FAULTS[fault](server, name)
    outcome = v3_call(mode, server, operation, v3_video, **options)
    if expected is None:
        assert outcome.error is None, outcome.error
    else:
        assert isinstance(outcome.error, expected), outcome.error
    assert seen == v3_attempts(server, operation, v3_video)
    # Backoff is jittered down by up to a quarter; Retry-After is exact.
    assert len(sleeps) == len(outcome.sleeps)
    assert all(0.75 * want <= got <= want for want, got in zip(sleeps, outcome.sleeps, strict=True))
    if operation == "list" and expected is None:
        assert [v3_video] == [video.id for video in outcome.result]
    # Only a delete that reached the store removes the video: a faulted or refused one leaves it.
    gone = operation == "delete" and fault in ("ok", "429", "429-retry-after", "502", "503", "504", "503x2", "dropped")
    assert gone == (v3_video not in server.videos or _missing(server, v3_video))


def _missing(server: MockHeyGen, video_id: str) -> bool:
    try:
        server.video(video_id)
    except KeyError:
        return True
    return False
