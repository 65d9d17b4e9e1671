"""HeyGen and AsyncHeyGen on an httpx.MockTransport: building, the three input forms, options, retries and logs."""

from __future__ import annotations

import asyncio
import json
import logging
import pickle
import ssl
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from heygen_studio import (
    DEFAULT_READ_TIMEOUT,
    DEFAULT_TIMEOUT,
    APIConnectionError,
    AsyncHeyGen,
    AvatarCharacter,
    ColorBackground,
    ConfigurationError,
    CreateVideoRequest,
    Dimension,
    HeyGen,
    HeyGenWarning,
    OutcomeUnknownError,
    RateLimitError,
    RequestValidationError,
    TextVoice,
    VideoInput,
)
from heygen_studio._redact import RedactingFilter, Secret, protect, redact

KEY = "hg-test-key-0123456789"

WIRE: dict[str, Any] = {
    "video_inputs": [
        {
            "character": {"type": "avatar", "avatar_id": "Daisy-inskirt-20220818"},
            "voice": {"type": "text", "voice_id": "2d5b0e6cf36f460aa7fc47e3eee4ba54", "input_text": "Welcome!"},
            "background": {"type": "color", "value": "#FAFAFA"},
        }
    ],
    "dimension": {"width": 1280, "height": 720},
}

OK = {"error": None, "data": {"video_id": "v1"}}


class Recorder:
    """A MockTransport handler answering from a script (the last answer repeats) and recording requests."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers) or [httpx.Response(200, json=OK)]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        return self(request)


def client(recorder: Recorder, **kwargs: Any) -> HeyGen:
    sleeps: list[float] = kwargs.pop("sleeps", [])
    return HeyGen(
        api_key=KEY, http_client=httpx.Client(transport=httpx.MockTransport(recorder)), sleep=sleeps.append, **kwargs
    )


@pytest.fixture(autouse=True)
def no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEYGEN_API_KEY", raising=False)
    monkeypatch.delenv("HEYGEN_BASE_URL", raising=False)


# Building a client


def test_missing_key_is_a_clear_error_when_the_client_is_built() -> None:
    with pytest.raises(ConfigurationError, match="HEYGEN_API_KEY"):
        HeyGen()
    with pytest.raises(ConfigurationError, match="HEYGEN_API_KEY"):
        AsyncHeyGen(api_key="")


@pytest.mark.parametrize("key", ["short", " padded-key-123 ", "line\nbreak-key-123"])
def test_keys_that_cannot_be_keys_are_refused_without_echoing_them(key: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        HeyGen(api_key=key)
    assert key.strip() not in str(caught.value)


def test_key_and_base_url_default_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEYGEN_API_KEY", KEY)
    monkeypatch.setenv("HEYGEN_BASE_URL", "http://127.0.0.1:9/prefix/")
    recorder = Recorder()
    with HeyGen(http_client=httpx.Client(transport=httpx.MockTransport(recorder))) as heygen:
        heygen.videos.generate(WIRE)
    assert "http://127.0.0.1:9/prefix/v2/video/generate" == str(recorder.requests[0].url)
    assert KEY == recorder.requests[0].headers["x-api-key"]


def test_default_base_url_is_heygen() -> None:
    recorder = Recorder()
    client(recorder).videos.generate(WIRE)
    assert "https://api.heygen.com/v2/video/generate" == str(recorder.requests[0].url)


def test_repr_hides_the_key() -> None:
    heygen = HeyGen(api_key=KEY)
    assert "HeyGen(base_url='https://api.heygen.com', api_key='***', max_retries=2)" == repr(heygen)
    assert KEY not in repr(vars(heygen))
    assert KEY not in str(heygen)


def test_secret_is_not_pickled() -> None:
    with pytest.raises(TypeError, match="not pickled"):
        pickle.dumps(Secret(KEY))


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://api.heygen.com", True),
        ("https://api.heygen.com/", True),
        ("https://proxy.example.com:8443/heygen", True),
        ("http://localhost:8000", True),
        ("http://LOCALHOST", True),
        ("http://127.0.0.1:8000", True),
        ("http://127.8.9.10", True),
        ("http://[::1]:8000", True),
        ("http://127.0.0.1.example.com", False),
        ("http://localhost.example.com", False),
        ("http://localhost@evil.example", False),
        ("http://evil.example/127.0.0.1", False),
        ("http://api.heygen.com", False),
        ("http://10.0.0.1", False),
        ("http://0.0.0.0:8000", False),
        ("http://[::ffff:127.0.0.1]", True),
        ("http://[::ffff:10.0.0.1]", False),
        ("http://2130706433", False),
        ("ftp://api.heygen.com", False),
        ("api.heygen.com", False),
        ("https://user:pass@api.heygen.com", False),
        ("https://api.heygen.com?x=1", False),
        ("https://api.heygen.com#frag", False),
        ("https://", False),
        ("", False),
    ],
)
def test_base_urls(url: str, allowed: bool) -> None:
    if allowed:
        assert url.lower().rstrip("/").startswith(str(HeyGen(api_key=KEY, base_url=url).base_url).rstrip("/").lower())
    else:
        with pytest.raises(ConfigurationError, match="base_url"):
            HeyGen(api_key=KEY, base_url=url)


def test_insecure_http_needs_an_explicit_opt_in() -> None:
    heygen = HeyGen(api_key=KEY, base_url="http://api.internal.example", allow_insecure_http=True)
    assert "http://api.internal.example" == str(heygen.base_url)


# The three input forms


def model_request() -> CreateVideoRequest:
    return CreateVideoRequest(
        video_inputs=[
            VideoInput(
                character=AvatarCharacter(avatar_id="Daisy-inskirt-20220818"),
                voice=TextVoice(voice_id="2d5b0e6cf36f460aa7fc47e3eee4ba54", input_text="Welcome!"),
                background=ColorBackground(value="#FAFAFA"),
            )
        ],
        dimension=Dimension(width=1280, height=720),
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda v: v.generate(WIRE),
        lambda v: v.generate(model_request()),
        lambda v: v.generate(video_inputs=model_request().video_inputs, dimension=Dimension(width=1280, height=720)),
        lambda v: v.generate(video_inputs=WIRE["video_inputs"], dimension={"width": 1280, "height": 720}),
        lambda v: v.generate(
            video_inputs=[
                VideoInput(
                    character=WIRE["video_inputs"][0]["character"],
                    **{
                        "voice": TextVoice(voice_id="2d5b0e6cf36f460aa7fc47e3eee4ba54", input_text="Welcome!"),
                        "background": {"type": "color", "value": "#FAFAFA"},
                    },
                )
            ],
            dimension=Dimension(width=1280, height=720),
        ),
    ],
    ids=["dict", "model", "model-fields", "dict-fields", "mixed"],
)
def test_every_input_form_sends_the_same_bytes(call: Callable[[Any], Any]) -> None:
    recorder = Recorder()
    created = call(client(recorder).videos)
    assert "v1" == created.video_id
    assert WIRE == json.loads(recorder.requests[0].content)
    assert json.dumps(WIRE, separators=(",", ":")).encode() == recorder.requests[0].content


def test_request_headers() -> None:
    recorder = Recorder()
    client(recorder).videos.generate(WIRE)
    headers = recorder.requests[0].headers
    assert ("application/json", "application/json", KEY) == (
        headers["content-type"],
        headers["accept"],
        headers["x-api-key"],
    )
    assert headers["user-agent"].startswith("heygen-studio/")


def test_the_clients_own_pools_send_the_same_headers_once_each() -> None:
    # The pool this package builds carries the fixed headers itself; each request adds only the key.
    from heygen_studio.testing import MockHeyGen

    async def create_async(server: MockHeyGen) -> None:
        async with AsyncHeyGen(api_key=server.api_key, base_url=server.base_url) as heygen:
            await heygen.videos.generate(WIRE)

    with MockHeyGen() as server:
        with HeyGen(api_key=server.api_key, base_url=server.base_url) as heygen:
            heygen.videos.generate(WIRE)
        asyncio.run(create_async(server))
        seen = server.requests
    assert 2 == len(seen)
    for request in seen:
        assert ("application/json", "application/json", "gzip, deflate", server.api_key, True) == (
            request.headers["content-type"],
            request.headers["accept"],
            request.headers["accept-encoding"],
            request.headers["x-api-key"],
            request.headers["user-agent"].startswith("heygen-studio/"),
        )


def test_invalid_payload_sends_nothing_and_lists_every_violation() -> None:
    recorder = Recorder()
    bad = {"video_inputs": [{"character": {"type": "avatar"}}, {"character": {"type": "robot"}}], "caption": "yes"}
    with pytest.raises(RequestValidationError) as caught:
        client(recorder).videos.generate(bad)
    assert [] == recorder.requests
    assert isinstance(caught.value, ValueError)
    paths = [violation.path for violation in caught.value.violations]
    assert "video_inputs.0.character.avatar_id" in paths
    assert "video_inputs.1.character.type" in paths
    assert "caption" in paths


def test_request_and_fields_together_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="not both"):
        client(Recorder()).videos.generate(WIRE, title="x")


def test_lenient_client_warns_for_fields_of_another_variant_and_sends() -> None:
    recorder = Recorder()
    payload = json.loads(json.dumps(WIRE))
    payload["video_inputs"][0]["character"]["talking_style"] = "stable"
    with pytest.warns(HeyGenWarning, match="talking_style"):
        client(recorder, strict=False).videos.generate(payload)
    assert 1 == len(recorder.requests)
    with pytest.raises(RequestValidationError, match="talking_style"):
        client(recorder).videos.generate(payload)
    assert 1 == len(recorder.requests)


# Results


def test_generate_detailed_exposes_status_headers_and_body() -> None:
    body = {"error": None, "data": {"video_id": "v9", "later": "field"}, "new": 1}
    recorder = Recorder(httpx.Response(200, json=body, headers={"x-request-id": "req_1"}))
    detailed = client(recorder).videos.generate_detailed(WIRE)
    assert (200, "req_1", body) == (
        detailed.status_code,
        detailed.headers["x-request-id"],
        json.loads(detailed.content),
    )
    assert ("v9", "req_1", 0) == (detailed.parsed.video_id, detailed.parsed.request_id, detailed.parsed.retries_taken)
    assert {"later": "field"} == detailed.parsed.response.data.additional_properties


# Timeouts


def test_default_and_overridden_timeouts() -> None:
    recorder = Recorder()
    heygen = client(recorder, deadline=None)
    heygen.videos.generate(WIRE)
    heygen.videos.generate(WIRE, timeout=3.5)
    heygen.videos.generate(WIRE, timeout=httpx.Timeout(1.0, connect=0.5))
    client(recorder, timeout=9, deadline=None).videos.generate(WIRE)
    seen = [request.extensions["timeout"] for request in recorder.requests]
    assert [
        DEFAULT_TIMEOUT.as_dict(),
        httpx.Timeout(3.5).as_dict(),
        httpx.Timeout(1.0, connect=0.5).as_dict(),
        httpx.Timeout(9).as_dict(),
    ] == seen
    assert {"connect": 5.0, "read": 120.0, "write": 30.0, "pool": 10.0} == DEFAULT_TIMEOUT.as_dict()
    assert {"connect": 5.0, "read": 30.0, "write": 30.0, "pool": 10.0} == DEFAULT_READ_TIMEOUT.as_dict()


def test_each_attempts_timeouts_are_cut_to_the_time_left_before_the_deadline() -> None:
    now = [100.0]
    recorder = Recorder()
    client(recorder, deadline=7.5, clock=lambda: now[0]).videos.generate(WIRE, timeout=httpx.Timeout(10.0, connect=2.0))
    assert {"connect": 2.0, "read": 7.5, "write": 7.5, "pool": 7.5} == recorder.requests[0].extensions["timeout"]


@pytest.mark.parametrize("timeout", [0, -1, "5", True])
def test_bad_timeouts_are_refused(timeout: Any) -> None:
    with pytest.raises(ConfigurationError, match="timeout"):
        HeyGen(api_key=KEY, timeout=timeout)


# Retries, sleeps, logs


def test_retries_are_byte_identical_slept_through_the_injected_sleep_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    recorder = Recorder(
        httpx.ConnectError("refused"),
        httpx.Response(429, headers={"Retry-After": "2"}),
        httpx.Response(200, json=OK),
    )
    sleeps: list[float] = []
    with caplog.at_level(logging.INFO, logger="heygen_studio"):
        created = client(recorder, sleeps=sleeps).videos.generate(WIRE)
    assert 2 == created.retries_taken
    assert 3 == len(recorder.requests)
    first = recorder.requests[0]
    for later in recorder.requests[1:]:
        assert (first.content, list(first.headers.multi_items())) == (later.content, list(later.headers.multi_items()))
    assert 2.0 == sleeps[1]
    assert 0.375 <= sleeps[0] <= 0.5
    retries = [record.getMessage() for record in caplog.records if record.levelno == logging.INFO]
    assert 2 == len(retries)
    assert "never reached HeyGen" in retries[0]
    assert "asked to wait 2s" in retries[1]


def test_deadline_uses_the_injected_clock() -> None:
    now = [0.0]
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": "5"}))

    def sleep(seconds: float) -> None:
        now[0] += seconds

    heygen = HeyGen(
        api_key=KEY,
        http_client=httpx.Client(transport=httpx.MockTransport(recorder)),
        sleep=sleep,
        clock=lambda: now[0],
        max_retries=10,
        deadline=12.0,
    )
    with pytest.raises(RateLimitError):
        heygen.videos.generate(WIRE)
    # Attempts at t=0, 5 and 10; a third wait would end at 15, past the 12 s deadline.
    assert 3 == len(recorder.requests)
    assert 10.0 == now[0]


def test_connection_errors_are_raised_after_the_retries() -> None:
    recorder = Recorder(httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError, match="refused"):
        client(recorder).videos.generate(WIRE)
    assert 3 == len(recorder.requests)


# Ownership of the httpx client


def test_own_http_client_is_closed_and_a_callers_is_not() -> None:
    mine = httpx.Client(transport=httpx.MockTransport(Recorder()))
    with HeyGen(api_key=KEY, http_client=mine) as heygen:
        heygen.videos.generate(WIRE)
    assert not mine.is_closed
    owned = HeyGen(api_key=KEY)
    owned.close()
    assert owned._http.is_closed
    mine.close()


def test_async_client_shares_the_behaviour() -> None:
    recorder = Recorder(httpx.Response(429), httpx.Response(200, json=OK))
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async def main() -> tuple[str, int, bool]:
        mine = httpx.AsyncClient(transport=httpx.MockTransport(recorder.handle_async))
        async with AsyncHeyGen(api_key=KEY, http_client=mine, sleep=sleep) as heygen:
            created = await heygen.videos.generate(model_request())
            with pytest.raises(RequestValidationError):
                await heygen.videos.generate({"video_inputs": []})
        closed = mine.is_closed
        await mine.aclose()
        return created.video_id, created.retries_taken, closed

    assert ("v1", 1, False) == asyncio.run(main())
    assert 2 == len(recorder.requests)
    assert 1 == len(sleeps)
    assert "AsyncHeyGen(base_url='https://api.heygen.com', api_key='***', max_retries=2)" == repr(
        AsyncHeyGen(api_key=KEY)
    )


# Redaction


@pytest.fixture
def registered() -> Iterator[str]:
    heygen = HeyGen(api_key=KEY)  # registers the key for redaction while it lives
    yield KEY
    heygen.close()


def test_redact_replaces_keys_and_header_values(registered: str) -> None:
    assert "key *** in text" == redact(f"key {registered} in text")
    assert "{'x-api-key': '***'}" == redact("{'x-api-key': 'someone-elses-key'}")
    assert "(b'x-api-key', b'***')" == redact("(b'x-api-key', b'abcdefgh')")
    assert "X-Api-Key: ***" == redact("X-Api-Key: abcdefgh")


@pytest.mark.parametrize("name", ["heygen_studio", "httpx", "httpcore.http11", "httpcore.connection"])
def test_log_records_are_redacted(name: str, registered: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger=name):
        logging.getLogger(name).debug("headers %s", {"x-api-key": registered})
    assert registered not in caplog.text
    assert "***" in caplog.text


def test_filter_leaves_other_records_alone() -> None:
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, "plain %s", ("message",), None)
    assert RedactingFilter().filter(record)
    assert ("plain %s", ("message",)) == (record.msg, record.args)


# Transport errors: which mean "never sent" (retried) and which mean "may have been received" (never retried)


@pytest.mark.parametrize(
    ("raised", "expected", "attempts"),
    [
        (httpx.ConnectError("refused"), APIConnectionError, 3),
        (httpx.ConnectTimeout("connect timed out"), APIConnectionError, 3),
        (httpx.PoolTimeout("no connection free"), APIConnectionError, 3),
        (httpx.ProxyError("proxy refused"), APIConnectionError, 3),
        (httpx.ReadTimeout("read timed out"), OutcomeUnknownError, 1),
        (httpx.WriteTimeout("write timed out"), OutcomeUnknownError, 1),
        (httpx.ReadError("connection reset"), OutcomeUnknownError, 1),
        (httpx.WriteError("broken pipe"), OutcomeUnknownError, 1),
        (httpx.RemoteProtocolError("Server disconnected without sending a response."), OutcomeUnknownError, 1),
        (httpx.DecodingError("bad gzip"), OutcomeUnknownError, 1),
    ],
)
def test_transport_errors(raised: Exception, expected: type[Exception], attempts: int) -> None:
    recorder = Recorder(raised)
    with pytest.raises(expected) as caught:
        client(recorder, retry_server_errors=True).videos.generate(WIRE)
    assert attempts == len(recorder.requests)
    assert raised is caught.value.__cause__


def test_clients_share_one_tls_context_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # httpx would load the CA bundle for every client (tens of ms of CPU each); ours is built once.
    from heygen_studio import _tls

    built: list[ssl.SSLContext] = []

    def create_ssl_context() -> ssl.SSLContext:
        context = ssl.create_default_context()
        built.append(context)
        return context

    monkeypatch.setattr(_tls.httpx, "create_ssl_context", create_ssl_context)
    _tls.default_ssl_context.cache_clear()
    try:
        contexts = []
        for heygen in (HeyGen(api_key=KEY), HeyGen(api_key=KEY), AsyncHeyGen(api_key=KEY)):
            pool = heygen._http._transport._pool  # type: ignore[attr-defined]  # httpcore's, holding the context
            contexts.append(pool._ssl_context)
        assert 1 == len(built)
        assert [built[0]] * 3 == contexts
        assert ssl.CERT_REQUIRED == built[0].verify_mode
    finally:
        _tls.default_ssl_context.cache_clear()


def test_a_key_containing_another_live_key_is_redacted_whole() -> None:
    # Seen as a flaky failure: a shorter key from another test, still alive, was replaced inside KEY first.
    longer, shorter = Secret("hg-live-key-0123456789"), Secret("live-key-0123")
    protect(shorter)
    protect(longer)
    assert "key *** and ***" == redact("key hg-live-key-0123456789 and live-key-0123")
