"""The v3 workflow end to end: the public client against MockHeyGen on loopback, sync and async.

Every test runs twice, once through ``HeyGen`` and once through ``AsyncHeyGen``
(driven by ``Driver``, which awaits each call on one event loop and collects
``async for`` over ``list``). Time is one fake clock shared by the server (it
moves the renders) and the client (``wait`` reads it, and its injected ``sleep``
advances it), so ``wait`` runs through a 60-second render without sleeping.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from heygen_studio_api.models import (
    CreateVideoFromAvatar,
    CreateVideoFromCinematicAvatar,
    CreateVideoFromImage,
    CreateVideoFromStudio,
)

from heygen_studio import (
    AsyncHeyGen,
    BadRequestError,
    CreatedVideo,
    HeyGen,
    InternalServerError,
    NotFoundError,
    OutcomeUnknownError,
    RequestValidationError,
    Video,
    VideoFailedError,
    WaitTimeoutError,
)
from heygen_studio.testing import MockHeyGen
from tests.heygen_studio.fake_clock import FakeClock
from tests.heygen_studio.testing import v3_payloads

START = 1_780_000_000.0
RENDER = 60.0
FILES = "https://mockheygen.invalid/videos"
MODELS: dict[str, Any] = {
    "avatar": CreateVideoFromAvatar,
    "image": CreateVideoFromImage,
    "cinematic_avatar": CreateVideoFromCinematicAvatar,
    "studio": CreateVideoFromStudio,
}
ONE_VIDEO = "GET /v3/videos/{video_id}"


class Driver:
    """The same calls on a ``HeyGen`` or an ``AsyncHeyGen``, so each test runs on both."""

    def __init__(self, mode: str, server: MockHeyGen, clock: FakeClock, **options: Any) -> None:
        self.mode = mode
        self.loop: asyncio.AbstractEventLoop | None = None
        settings: dict[str, Any] = {"api_key": server.api_key, "base_url": server.base_url, "clock": clock, **options}
        if mode == "sync":
            self.client: HeyGen | AsyncHeyGen = HeyGen(sleep=clock.sleep, **settings)
        else:
            self.loop = asyncio.new_event_loop()
            self.client = AsyncHeyGen(sleep=clock.async_sleep, **settings)

    def _run(self, value: Any) -> Any:
        if self.loop is None:
            return value
        assert inspect.isawaitable(value), value
        return self.loop.run_until_complete(value)

    def create(self, request: Any = None, /, **fields: Any) -> CreatedVideo[dict[str, Any]]:
        created: CreatedVideo[dict[str, Any]] = self._run(self.client.videos.create(request, **fields))
        return created

    def get(self, video_id: str) -> Video:
        video: Video = self._run(self.client.videos.get(video_id))
        return video

    def delete(self, video_id: str) -> None:
        self._run(self.client.videos.delete(video_id))

    def wait(self, video_id: str, **options: Any) -> Video:
        video: Video = self._run(self.client.videos.wait(video_id, **options))
        return video

    def list(self, *, take: int | None = None, **options: Any) -> list[Video]:
        """The first ``take`` videos of ``list(...)`` (all when ``None``), consumed as a caller would."""
        videos = self.client.videos.list(**options)
        if self.loop is None:
            assert isinstance(videos, Iterator)
            return [video for _, video in zip(range(take or 10**9), videos, strict=False)]
        assert isinstance(videos, AsyncIterator)

        async def collect() -> list[Video]:
            taken: list[Video] = []
            async for video in videos:
                taken.append(video)
                if take is not None and len(taken) == take:
                    break
            return taken

        return list(self._run(collect()))

    def close(self) -> None:
        if isinstance(self.client, HeyGen):
            self.client.close()
        else:
            assert self.loop is not None
            self.loop.run_until_complete(self.client.close())
            self.loop.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def server(clock: FakeClock) -> Iterator[MockHeyGen]:
    with MockHeyGen(render_seconds=RENDER, clock=clock) as mock:
        yield mock


@pytest.fixture(params=["sync", "async"])
def make(request: pytest.FixtureRequest, server: MockHeyGen, clock: FakeClock) -> Iterator[Callable[..., Driver]]:
    drivers: list[Driver] = []

    def build(**options: Any) -> Driver:
        drivers.append(Driver(str(request.param), server, clock, **options))
        return drivers[-1]

    yield build
    for driver in drivers:
        driver.close()


@pytest.fixture
def client(make: Callable[..., Driver]) -> Driver:
    return make()


def lines(server: MockHeyGen) -> list[str]:
    """Each request the server saw, as ``METHOD path`` (query string included)."""
    return [f"{request.method} {request.path}" for request in server.requests]


# -- create: every arm, from a generated model, a dict and keyword fields ----------------------------------------


@pytest.mark.parametrize("arm", sorted(v3_payloads.ARMS))
@pytest.mark.parametrize("form", ["model", "dict", "fields"])
def test_each_arm_is_created_from_a_model_a_dict_and_fields(
    client: Driver, server: MockHeyGen, arm: str, form: str
) -> None:
    payload = v3_payloads.ARMS[arm]()
    if form == "model":
        model = MODELS[arm].from_dict(payload)
        assert payload == model.to_dict()
        created = client.create(model)
    elif form == "dict":
        created = client.create(payload)
    else:
        created = client.create(**payload)
    assert ([created.video_id], "waiting") == (server.videos, created.status)
    assert (["POST /v3/videos"], [payload]) == (lines(server), [request.json() for request in server.requests])


# -- invalid payloads: refused with HeyGen's paths, nothing sent ---------------------------------------------------


def _script_not_a_string() -> dict[str, Any]:
    payload = v3_payloads.studio()
    payload["scenes"][0]["input"]["script"] = 5
    return payload


def _no_scenes() -> dict[str, Any]:
    return v3_payloads.studio(scenes=[])


def _unknown_arm() -> dict[str, Any]:
    return {**v3_payloads.avatar(), "type": "hologram"}


def _avatar_without_id() -> dict[str, Any]:
    payload = v3_payloads.avatar()
    del payload["avatar_id"]
    return payload


@pytest.mark.parametrize(
    ("build", "path"),
    [
        (_script_not_a_string, "scenes.0.input.script"),
        (_no_scenes, "scenes"),
        (_unknown_arm, "type"),
        (_avatar_without_id, "avatar_id"),
    ],
    ids=["script-type", "no-scenes", "unknown-type", "missing-avatar-id"],
)
def test_invalid_v3_payloads_are_refused_with_heygen_paths_and_nothing_is_sent(
    client: Driver, server: MockHeyGen, build: Callable[[], dict[str, Any]], path: str
) -> None:
    with pytest.raises(RequestValidationError) as refused:
        client.create(build())
    assert path in [violation.path for violation in refused.value.violations]
    assert ([], []) == (server.requests, server.videos)


# -- wait: completed, failed, timed out, on the shared fake clock -------------------------------------------------


def test_wait_runs_to_completed_with_urls_and_logs_each_status_change(
    client: Driver, server: MockHeyGen, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="heygen_studio")
    created = client.create(v3_payloads.avatar())
    video = client.wait(created.video_id)
    base = f"{FILES}/{created.video_id}"
    assert (created.video_id, "completed", f"{base}/video.mp4", f"{base}/thumbnail.jpg") == (
        video.id,
        video.status,
        video.video_url,
        video.thumbnail_url,
    )
    assert int(START + RENDER) == video.completed_at
    # Polls grow 2, 3, 4.5, ... s; the render ends at 60 s and the poll after it sees it.
    assert [2.0, 3.0, 4.5, 6.75, 10.125, 15.1875, 22.78125] == clock.sleeps
    assert [f"video {created.video_id} is {status}" for status in ("waiting", "processing", "completed")] == [
        record.getMessage()
        for record in caplog.records
        if record.name == "heygen_studio" and " is " in record.getMessage()
    ]
    assert [f"GET /v3/videos/{created.video_id}"] * 8 == lines(server)[1:]


def test_wait_with_a_fixed_poll_interval(client: Driver, server: MockHeyGen, clock: FakeClock) -> None:
    created = client.create(v3_payloads.studio())
    video = client.wait(created.video_id, poll_interval=10)
    assert ("completed", [10.0] * 6) == (video.status, clock.sleeps)


def test_wait_raises_video_failed_with_the_renders_code_and_message(
    client: Driver, server: MockHeyGen, clock: FakeClock
) -> None:
    server.fail_render_next("avatar_not_found", "The avatar was removed.")
    created = client.create(v3_payloads.image())
    with pytest.raises(VideoFailedError) as failed:
        client.wait(created.video_id, poll_interval=30)
    error = failed.value
    assert (created.video_id, "avatar_not_found", "The avatar was removed.") == (
        error.video_id,
        error.failure_code,
        error.failure_message,
    )
    assert [30.0, 30.0] == clock.sleeps


def test_wait_times_out_without_sleeping_past_the_timeout(client: Driver, server: MockHeyGen, clock: FakeClock) -> None:
    created = client.create(v3_payloads.avatar())
    with pytest.raises(WaitTimeoutError) as late:
        client.wait(created.video_id, timeout=20)
    assert isinstance(late.value, TimeoutError)
    assert (created.video_id, "waiting", 20.0) == (late.value.video_id, late.value.status, late.value.timeout)
    # 2 + 3 + 4.5 + 6.75 = 16.25, then the last sleep ends exactly at the timeout for one final poll.
    assert ([2.0, 3.0, 4.5, 6.75, 3.75], START + 20) == (clock.sleeps, clock.now)
    assert 6 == lines(server).count(f"GET /v3/videos/{created.video_id}")


# -- list: three pages, lazily ------------------------------------------------------------------------------------


def test_list_follows_next_token_across_three_pages(client: Driver, server: MockHeyGen) -> None:
    created = [client.create(v3_payloads.avatar(title=f"video {n}")).video_id for n in range(5)]
    listed = client.list(limit=2)
    assert list(reversed(created)) == [video.id for video in listed]
    assert {"waiting"} == {video.status for video in listed}
    pages = [urlsplit(request.path) for request in server.requests if request.method == "GET"]
    assert ["/v3/videos"] * 3 == [page.path for page in pages]
    queries = [parse_qs(page.query) for page in pages]
    assert [["2"]] * 3 == [query["limit"] for query in queries]
    assert ["token" in query for query in queries] == [False, True, True]


def test_list_fetches_the_next_page_only_when_iterated_that_far(client: Driver, server: MockHeyGen) -> None:
    for _ in range(5):
        client.create(v3_payloads.avatar())
    assert 2 == len(client.list(limit=2, take=2))
    assert 1 == len([line for line in lines(server) if line.startswith("GET /v3/videos?")])


# -- get: an unknown status kept; retries by operation -------------------------------------------------------------


def test_a_status_the_spec_does_not_know_is_kept_as_a_string(client: Driver, server: MockHeyGen) -> None:
    created = client.create(v3_payloads.avatar())
    body = {"data": {"id": created.video_id, "status": "upscaling", "video_url": None}}
    server.fail_next(200, body=body, operation=ONE_VIDEO)
    video = client.get(created.video_id)
    assert (created.video_id, "upscaling") == (video.id, video.status)
    assert body["data"] == video.response


@pytest.mark.parametrize(("status", "retry_after"), [(503, None), (429, 1)])
def test_get_is_retried_on_503_and_429(
    client: Driver, server: MockHeyGen, clock: FakeClock, status: int, retry_after: int | None
) -> None:
    created = client.create(v3_payloads.avatar())
    server.fail_next(status, retry_after=retry_after, times=2, operation=ONE_VIDEO)
    assert "waiting" == client.get(created.video_id).status
    assert ["POST /v3/videos"] + [f"GET /v3/videos/{created.video_id}"] * 3 == lines(server)
    assert 2 == len(clock.sleeps)
    if retry_after is not None:
        assert [1.0, 1.0] == clock.sleeps


def test_get_gives_up_after_max_retries(make: Callable[..., Driver], server: MockHeyGen) -> None:
    client = make(max_retries=1)
    created = client.create(v3_payloads.avatar())
    server.fail_next(503, times=5, operation=ONE_VIDEO)
    with pytest.raises(InternalServerError):
        client.get(created.video_id)
    assert 2 == lines(server).count(f"GET /v3/videos/{created.video_id}")


def test_create_is_not_retried_on_503(client: Driver, server: MockHeyGen, clock: FakeClock) -> None:
    server.fail_next(503, times=3, operation="POST /v3/videos")
    with pytest.raises(InternalServerError):
        client.create(v3_payloads.studio())
    assert (["POST /v3/videos"], [], []) == (lines(server), server.videos, clock.sleeps)


def test_create_is_not_retried_when_its_answer_is_lost(client: Driver, server: MockHeyGen) -> None:
    server.drop_next(operation="POST /v3/videos")
    with pytest.raises(OutcomeUnknownError):
        client.create(v3_payloads.studio())
    # The video exists although the caller never heard of it: one attempt, one video, never two.
    assert (["POST /v3/videos"], 1) == (lines(server), len(server.videos))


def test_create_is_retried_on_429_which_means_it_was_refused(
    client: Driver, server: MockHeyGen, clock: FakeClock
) -> None:
    server.fail_next(429, retry_after=2, operation="POST /v3/videos")
    created = client.create(v3_payloads.studio())
    assert (["POST /v3/videos"] * 2, [created.video_id], [2.0]) == (lines(server), server.videos, clock.sleeps)


def test_a_400_from_the_server_is_not_retried(client: Driver, server: MockHeyGen) -> None:
    server.fail_next(400, operation="POST /v3/videos")
    with pytest.raises(BadRequestError):
        client.create(v3_payloads.avatar())
    assert ["POST /v3/videos"] == lines(server)


# -- delete ------------------------------------------------------------------------------------------------------


def test_delete_then_get_is_not_found(client: Driver, server: MockHeyGen) -> None:
    created = client.create(v3_payloads.cinematic_avatar())
    client.delete(created.video_id)
    with pytest.raises(NotFoundError):
        client.get(created.video_id)
    with pytest.raises(NotFoundError):
        client.delete(created.video_id)
    assert [] == client.list()
    path = f"/v3/videos/{created.video_id}"
    assert ["POST /v3/videos", f"DELETE {path}", f"GET {path}", f"DELETE {path}"] == lines(server)[:4]
