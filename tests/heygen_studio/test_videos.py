"""``client.videos`` on v3: create, get, list, delete and wait, sync and async, over the one transport core.

Unit tests answer from an ``httpx.MockTransport`` script; the end-to-end tests run a
small v3 server on loopback (``V3Server``), whose videos move ``waiting`` →
``processing`` → ``completed`` one step per poll. Time is a fake clock that the
injected ``sleep`` advances, so nothing sleeps for real.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from heygen_studio import (
    DEFAULT_READ_TIMEOUT,
    DEFAULT_TIMEOUT,
    APIResponseValidationError,
    AsyncHeyGen,
    CreatedVideo,
    HeyGen,
    HeyGenError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    RequestValidationError,
    Video,
    VideoFailedError,
    WaitTimeoutError,
)
from tests.heygen_studio.fake_clock import FakeClock

KEY = "videos-test-key-0123456789"
STUDIO: dict[str, Any] = {
    "type": "studio",
    "scenes": [
        {"type": "avatar_video", "input": {"type": "avatar", "avatar_id": "a1", "script": "Hello", "voice_id": "v1"}}
    ],
}


def detail(video_id: str = "v1", status: str = "completed", **extra: Any) -> dict[str, Any]:
    return {"id": video_id, "status": status, **extra}


class Script:
    """A MockTransport handler answering from a list (the last answer repeats), recording requests."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    @property
    def seen(self) -> list[str]:
        return [f"{request.method} {request.url.raw_path.decode()}" for request in self.requests]


def ok(data: Any, **top: Any) -> httpx.Response:
    return httpx.Response(200, json={"data": data, **top})


def sync_client(script: Script, clock: FakeClock | None = None, **settings: Any) -> HeyGen:
    clock = clock or FakeClock()
    transport = httpx.MockTransport(script)
    return HeyGen(
        api_key=KEY, http_client=httpx.Client(transport=transport), sleep=clock.sleep, clock=clock, **settings
    )


def async_client(script: Script, clock: FakeClock | None = None, **settings: Any) -> AsyncHeyGen:
    clock = clock or FakeClock()

    async def handle(request: httpx.Request) -> httpx.Response:
        return script(request)

    transport = httpx.MockTransport(handle)
    return AsyncHeyGen(
        api_key=KEY,
        http_client=httpx.AsyncClient(transport=transport),
        sleep=clock.async_sleep,
        clock=clock,
        **settings,
    )


# -- create ---------------------------------------------------------------------------------------------------------


def test_create_from_a_dict_and_from_fields_sends_the_same_body() -> None:
    script = Script(ok({"video_id": "v_new", "status": "waiting", "output_format": "mp4"}))
    client = sync_client(script)
    created = client.videos.create(STUDIO)
    again = client.videos.create(**STUDIO)
    assert CreatedVideo("v_new", None, 0, {}, status="waiting") == attrs_without_response(created)
    assert created == again
    assert ["POST /v3/videos", "POST /v3/videos"] == script.seen
    assert [STUDIO, STUDIO] == [json.loads(request.content) for request in script.requests]
    assert {"output_format": "mp4", "status": "waiting", "video_id": "v_new"} == created.response["data"]  # type: ignore[index]


def attrs_without_response(created: CreatedVideo) -> CreatedVideo:
    return CreatedVideo(created.video_id, created.request_id, created.retries_taken, {}, status=created.status)


@pytest.mark.parametrize(
    ("request_", "fields", "expected"),
    [
        (None, {}, TypeError),
        (STUDIO, {"type": "studio"}, TypeError),
        (["not", "an", "object"], {}, TypeError),
        ({"title": "\udc80"}, {}, RequestValidationError),
    ],
)
def test_create_refuses_what_is_not_a_json_object_and_sends_nothing(
    request_: Any, fields: dict[str, Any], expected: type[Exception]
) -> None:
    script = Script(ok({"video_id": "v", "status": "waiting"}))
    with pytest.raises(expected):
        sync_client(script).videos.create(request_, **fields)
    assert [] == script.requests


def test_create_is_not_retried_on_503_nor_after_a_read_timeout() -> None:
    for answer in (httpx.Response(503, json={"error": {"message": "busy"}}), httpx.ReadTimeout("slow")):
        script = Script(answer)
        with pytest.raises(HeyGenError):
            sync_client(script).videos.create(STUDIO)
        assert 1 == len(script.requests)


def test_create_answer_without_a_video_id_is_refused() -> None:
    script = Script(ok({"status": "waiting"}))
    with pytest.raises(HeyGenError, match=r"no data\.video_id string"):
        sync_client(script).videos.create(STUDIO)


# -- get, delete: path parameters, retries, unknown statuses ---------------------------------------------------------


def test_get_reads_every_field_and_keeps_an_unknown_status() -> None:
    body = detail(
        "v1",
        "rendering_on_mars",
        title="T",
        video_url="https://f/v.mp4",
        thumbnail_url="https://f/t.jpg",
        captioned_video_url="https://f/c.mp4",
        subtitle_url="https://f/s.srt",
        duration=12.5,
        created_at=1711929600,
        completed_at=1711930200,
        failure_code=None,
        failure_message=None,
        later_field={"x": 1},
    )
    script = Script(ok(body))
    video = sync_client(script).videos.get("v1")
    expected = Video(
        id="v1",
        status="rendering_on_mars",
        title="T",
        video_url="https://f/v.mp4",
        thumbnail_url="https://f/t.jpg",
        captioned_video_url="https://f/c.mp4",
        subtitle_url="https://f/s.srt",
        duration=12.5,
        created_at=1711929600,
        completed_at=1711930200,
    )
    assert expected == video
    assert body == video.response
    assert ["GET /v3/videos/v1"] == script.seen


def test_optional_fields_of_an_unexpected_type_read_as_none_and_stay_in_response() -> None:
    body = detail("v1", "processing", duration="12", created_at=True, video_url=7, title=None, completed_at=3.5)
    video = sync_client(Script(ok(body))).videos.get("v1")
    assert Video(id="v1", status="processing") == video
    assert body == video.response


@pytest.mark.parametrize(
    "data",
    [None, [], {"status": "completed"}, {"id": "v1"}, {"id": "v 1", "status": "x"}, {"id": "v1", "status": ""}],
    ids=["null", "list", "no-id", "no-status", "bad-id", "empty-status"],
)
def test_a_video_without_an_id_token_or_a_status_is_refused(data: Any) -> None:
    with pytest.raises(APIResponseValidationError):
        sync_client(Script(ok(data))).videos.get("v1")


@pytest.mark.parametrize(
    ("video_id", "path"), [("a/b", "/v3/videos/a%2Fb"), ("a..b", "/v3/videos/a..b"), ("%2e", "/v3/videos/%252e")]
)
def test_path_parameters_are_percent_encoded(video_id: str, path: str) -> None:
    script = Script(ok(detail(video_id.replace("/", "_"))))
    sync_client(script).videos.get(video_id)
    assert [f"GET {path}"] == script.seen


@pytest.mark.parametrize("video_id", ["..", ".", "", "a b", "a\r\nb", "x" * 129, "caf\u00e9"])
def test_video_ids_that_could_change_the_path_are_refused_before_sending(video_id: str) -> None:
    script = Script(ok(detail()))
    with pytest.raises(RequestValidationError, match="video_id"):
        sync_client(script).videos.get(video_id)
    with pytest.raises(RequestValidationError, match="video_id"):
        sync_client(script).videos.delete(video_id)
    assert [] == script.requests


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(503, json={"error": {"message": "busy"}}),
        httpx.Response(502, text="bad gateway"),
        httpx.Response(429, headers={"Retry-After": "3"}, json={"error": {"message": "slow down"}}),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("dropped"),
    ],
    ids=["503", "502", "429", "read-timeout", "dropped"],
)
def test_get_and_delete_are_retried(failure: httpx.Response | Exception) -> None:
    clock = FakeClock()
    script = Script(failure, ok(detail()), failure, ok({"id": "v1", "deleted": True}))
    client = sync_client(script, clock)
    assert "completed" == client.videos.get("v1").status
    assert client.videos.delete("v1") is None
    assert ["GET /v3/videos/v1"] * 2 + ["DELETE /v3/videos/v1"] * 2 == script.seen
    if isinstance(failure, httpx.Response) and failure.status_code == 429:
        assert [3.0, 3.0] == clock.sleeps


def test_get_gives_up_after_max_retries_and_does_not_retry_a_404() -> None:
    script = Script(httpx.Response(503, json={"error": {"message": "busy"}}))
    with pytest.raises(InternalServerError):
        sync_client(script, max_retries=2).videos.get("v1")
    assert 3 == len(script.requests)
    script = Script(httpx.Response(404, json={"error": {"code": "not_found", "message": "Video not found."}}))
    with pytest.raises(NotFoundError, match="Video not found"):
        sync_client(script).videos.get("v1")
    assert 1 == len(script.requests)


def test_default_timeouts_by_operation_class_and_per_call_override() -> None:
    script = Script(ok({"video_id": "v", "status": "waiting"}), ok(detail()))
    client = sync_client(script, deadline=None)
    client.videos.create(STUDIO)
    client.videos.get("v1")
    client.videos.get("v1", timeout=4)
    assert [DEFAULT_TIMEOUT.as_dict(), DEFAULT_READ_TIMEOUT.as_dict(), httpx.Timeout(4).as_dict()] == [
        request.extensions["timeout"] for request in script.requests
    ]


# -- list ------------------------------------------------------------------------------------------------------------


def three_pages() -> Script:
    return Script(
        ok([detail("v1"), detail("v2")], has_more=True, next_token="t2"),
        ok([detail("v3")], has_more=True, next_token="t3"),
        ok([detail("v4", "failed")], has_more=False, next_token=None),
    )


def test_list_follows_next_token_lazily_across_three_pages() -> None:
    script = three_pages()
    videos = sync_client(script).videos.list(limit=2, folder_id="f 1", title="T")
    assert "v1" == next(videos).id
    assert 1 == len(script.requests)
    assert ["v2", "v3", "v4"] == [video.id for video in videos]
    assert [
        {"limit": ["2"], "folder_id": ["f 1"], "title": ["T"]},
        {"limit": ["2"], "folder_id": ["f 1"], "title": ["T"], "token": ["t2"]},
        {"limit": ["2"], "folder_id": ["f 1"], "title": ["T"], "token": ["t3"]},
    ] == [parse_qs(request.url.query.decode()) for request in script.requests]


def test_list_stops_when_the_server_repeats_its_cursor() -> None:
    script = Script(ok([detail("v1")], has_more=True, next_token="same"))
    assert ["v1", "v1"] == [video.id for video in sync_client(script).videos.list()]
    assert 2 == len(script.requests)


@pytest.mark.parametrize(
    ("limit", "expected"), [(0, ValueError), (101, ValueError), (True, TypeError), ("5", TypeError)]
)
def test_list_refuses_a_bad_limit_at_once(limit: Any, expected: type[Exception]) -> None:
    script = three_pages()
    with pytest.raises(expected, match="limit"):
        sync_client(script).videos.list(limit=limit)
    assert [] == script.requests


# -- wait --------------------------------------------------------------------------------------------------------------


def test_wait_polls_with_a_growing_interval_until_completed_and_logs_each_change(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = FakeClock()
    statuses = ["waiting", "processing", "processing", "processing", "completed"]
    script = Script(
        *[
            ok(detail("v1", status, video_url="https://f/v.mp4" if status == "completed" else None))
            for status in statuses
        ]
    )
    with caplog.at_level(logging.INFO, logger="heygen_studio"):
        video = sync_client(script, clock).videos.wait("v1")
    assert ("completed", "https://f/v.mp4") == (video.status, video.video_url)
    assert [2.0, 3.0, 4.5, 6.75] == clock.sleeps
    assert ["video v1 is waiting", "video v1 is processing", "video v1 is completed"] == [
        record.getMessage() for record in caplog.records if record.name == "heygen_studio"
    ]


def test_the_growing_interval_stops_at_thirty_seconds() -> None:
    clock = FakeClock()
    script = Script(*[ok(detail("v1", "processing"))] * 12, ok(detail("v1")))
    sync_client(script, clock).videos.wait("v1", timeout=10_000)
    assert 30.0 == max(clock.sleeps)
    assert [2.0, 3.0, 4.5] == clock.sleeps[:3]


def test_wait_raises_video_failed_with_the_servers_reason() -> None:
    script = Script(
        ok(detail("v1", "processing")),
        ok(detail("v1", "failed", failure_code="MOVIO_ERR", failure_message="avatar not found")),
    )
    with pytest.raises(VideoFailedError) as caught:
        sync_client(script).videos.wait("v1", poll_interval=5)
    assert ("v1", "MOVIO_ERR", "avatar not found") == (
        caught.value.video_id,
        caught.value.failure_code,
        caught.value.failure_message,
    )


def test_wait_times_out_without_sleeping_past_the_timeout() -> None:
    clock = FakeClock()
    script = Script(ok(detail("v1", "processing")))
    with pytest.raises(WaitTimeoutError) as caught:
        sync_client(script, clock).videos.wait("v1", timeout=10)
    assert isinstance(caught.value, TimeoutError)
    assert [2.0, 3.0, 4.5, 0.5] == clock.sleeps
    assert 10.0 == sum(clock.sleeps)
    assert 5 == len(script.requests)
    assert "processing" == caught.value.status


def test_each_poll_gets_only_the_time_the_wait_has_left() -> None:
    clock = FakeClock()
    script = Script(ok(detail("v1", "processing")))
    with pytest.raises(WaitTimeoutError):
        sync_client(script, clock).videos.wait("v1", timeout=10, poll_interval=4)
    assert [4.0, 4.0, 2.0] == clock.sleeps
    # The per-attempt read timeout is cut to each poll's budget: 10, 6, 2 s left, then the 1 s minimum.
    assert [10.0, 6.0, 2.0, 1.0] == [request.extensions["timeout"]["read"] for request in script.requests]


def test_wait_honours_retry_after_and_polls_through_transient_failures() -> None:
    clock = FakeClock()
    script = Script(
        httpx.Response(429, headers={"Retry-After": "17"}, json={"error": {"message": "slow down"}}),
        httpx.Response(503, text="busy"),
        ok(detail("v1")),
    )
    video = sync_client(script, clock, max_retries=0).videos.wait("v1", poll_interval=1)
    assert "completed" == video.status
    assert [17.0, 1.0] == clock.sleeps


def test_wait_raises_what_waiting_cannot_mend() -> None:
    script = Script(httpx.Response(404, json={"error": {"message": "Video not found."}}))
    with pytest.raises(NotFoundError):
        sync_client(script).videos.wait("v1")
    assert 1 == len(script.requests)


@pytest.mark.parametrize(
    ("settings", "expected"),
    [({"timeout": 0}, ValueError), ({"timeout": "5"}, TypeError), ({"poll_interval": -1}, ValueError)],
)
def test_wait_refuses_bad_arguments(settings: dict[str, Any], expected: type[Exception]) -> None:
    with pytest.raises(expected):
        sync_client(Script(ok(detail()))).videos.wait("v1", **settings)


def test_rate_limit_error_is_what_get_raises_when_retries_are_spent() -> None:
    script = Script(httpx.Response(429, json={"error": {"message": "slow down"}}))
    with pytest.raises(RateLimitError):
        sync_client(script, max_retries=1).videos.get("v1")
    assert 2 == len(script.requests)


# -- async twins ----------------------------------------------------------------------------------------------------


def test_the_async_client_mirrors_every_method() -> None:
    clock = FakeClock()
    script = Script(
        ok({"video_id": "v1", "status": "waiting"}),
        httpx.Response(503, text="busy"),
        ok(detail("v1", "processing")),
        ok(detail("v1")),
        ok(detail("v1")),
        ok([detail("v1"), detail("v2")], has_more=True, next_token="t2"),
        ok([detail("v3")], has_more=False, next_token=None),
        ok({"id": "v1", "deleted": True}),
    )

    async def main() -> tuple[str | None, str, str, list[str]]:
        async with async_client(script, clock) as client:
            created = await client.videos.create(**STUDIO)
            done = await client.videos.wait(created.video_id, poll_interval=4)
            got = await client.videos.get("v1")
            listed = [video.id async for video in client.videos.list(limit=2)]
            await client.videos.delete("v1")
            return created.status, done.status, got.status, listed

    assert ("waiting", "completed", "completed", ["v1", "v2", "v3"]) == asyncio.run(main())
    assert [
        "POST /v3/videos",
        "GET /v3/videos/v1",
        "GET /v3/videos/v1",
        "GET /v3/videos/v1",
        "GET /v3/videos/v1",
        "GET /v3/videos?limit=2",
        "GET /v3/videos?limit=2&token=t2",
        "DELETE /v3/videos/v1",
    ] == script.seen


def test_async_wait_times_out_on_the_fake_clock() -> None:
    clock = FakeClock()
    script = Script(ok(detail("v1", "waiting")))

    async def main() -> None:
        async with async_client(script, clock) as client:
            await client.videos.wait("v1", timeout=5, poll_interval=2)

    with pytest.raises(WaitTimeoutError):
        asyncio.run(main())
    assert [2.0, 2.0, 1.0] == clock.sleeps


# -- end to end on loopback -----------------------------------------------------------------------------------------


class V3Server:
    """A small v3 server: each GET of a video moves it one status on; pages of two; delete removes."""

    ORDER = ("waiting", "processing", "completed")

    def __init__(self) -> None:
        self.videos: dict[str, int] = {}
        self.bodies: list[Any] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return None

            def answer(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                if self.headers.get("x-api-key") != KEY:
                    return self.answer(401, {"error": {"code": "authentication_failed", "message": "bad key"}})
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with outer.lock:
                    outer.bodies.append(body)
                    video_id = f"v{len(outer.videos) + 1}"
                    outer.videos[video_id] = 0
                return self.answer(200, {"data": {"video_id": video_id, "status": "waiting"}})

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path == "/v3/videos":
                    ids = sorted(outer.videos)
                    start = int(parse_qs(url.query).get("token", ["0"])[0])
                    page = [{"id": i, "status": outer.ORDER[outer.videos[i]]} for i in ids[start : start + 2]]
                    more = start + 2 < len(ids)
                    return self.answer(
                        200, {"data": page, "has_more": more, "next_token": str(start + 2) if more else None}
                    )
                video_id = url.path.rsplit("/", 1)[1]
                with outer.lock:
                    if video_id not in outer.videos:
                        return self.answer(404, {"error": {"code": "not_found", "message": "Video not found."}})
                    step = outer.videos[video_id]
                    outer.videos[video_id] = min(step + 1, 2)
                status = outer.ORDER[step]
                url_ = f"https://files.example/{video_id}.mp4" if status == "completed" else None
                return self.answer(200, {"data": {"id": video_id, "status": status, "video_url": url_}})

            def do_DELETE(self) -> None:
                video_id = urlsplit(self.path).path.rsplit("/", 1)[1]
                with outer.lock:
                    outer.videos.pop(video_id, None)
                return self.answer(200, {"data": {"id": video_id, "deleted": True}})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> V3Server:
        # shutdown() waits for the loop's next poll: a short interval keeps each test's teardown short.
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def v3() -> Iterator[V3Server]:
    with V3Server() as server:
        yield server


def test_end_to_end_sync_create_wait_list_delete(v3: V3Server) -> None:
    clock = FakeClock()
    with HeyGen(api_key=KEY, base_url=v3.url, sleep=clock.sleep, clock=clock) as client:
        first = client.videos.create(STUDIO)
        second = client.videos.create(**STUDIO)
        third = client.videos.create(STUDIO)
        done = client.videos.wait(first.video_id)
        assert ("completed", "https://files.example/v1.mp4") == (done.status, done.video_url)
        assert [first.video_id, second.video_id, third.video_id] == [video.id for video in client.videos.list()]
        client.videos.delete(second.video_id)
        with pytest.raises(NotFoundError):
            client.videos.get(second.video_id)
    assert [STUDIO] * 3 == v3.bodies
    assert [2.0, 3.0] == clock.sleeps


def test_end_to_end_async_create_wait_list_delete(v3: V3Server) -> None:
    clock = FakeClock()

    async def main() -> tuple[str, list[str]]:
        async with AsyncHeyGen(api_key=KEY, base_url=v3.url, sleep=clock.async_sleep, clock=clock) as client:
            created = await client.videos.create(STUDIO)
            done = await client.videos.wait(created.video_id, poll_interval=1)
            listed = [video.id async for video in client.videos.list()]
            await client.videos.delete(created.video_id)
            return done.status, listed

    assert ("completed", ["v1"]) == asyncio.run(main())
    assert {} == v3.videos
    assert [1.0, 1.0] == clock.sleeps


def test_create_validates_the_v3_body_against_the_spec_and_sends_nothing_invalid() -> None:
    script = Script(ok({"video_id": "v", "status": "waiting"}))
    scene = {"type": "avatar_video", "input": {"type": "avatar", "avatar_id": "a1", "voice_id": "v1"}}
    with pytest.raises(RequestValidationError) as caught:
        sync_client(script).videos.create({"type": "studio", "scenes": [scene]})
    assert ["scenes.0.input"] == [violation.path for violation in caught.value.violations]
    assert [] == script.requests
