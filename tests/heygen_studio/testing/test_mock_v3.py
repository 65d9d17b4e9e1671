"""MockHeyGen's v3 video workflow over real loopback HTTP with httpx: create, get, list, delete, v1 status."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from heygen_studio import Violation, validate_request
from heygen_studio._validation import WRONG_VARIANT
from heygen_studio.testing import MockHeyGen, _handlers
from tests.heygen_studio.test_validation import valid_payload
from tests.heygen_studio.testing import v3_payloads
from tests.heygen_studio.testing.conftest import CREATE, KEY, mock_threads
from tests.shared import loopback_client

VIDEO_ID = re.compile(r"[0-9a-f]{32}")
START = 1_780_000_000.0
FILES = "https://mockheygen.invalid/videos"


class FakeClock:
    """Seconds since the epoch that move only when a test says so."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def rendering(clock: FakeClock) -> Iterator[MockHeyGen]:
    """A server whose videos take 60 s to render on the fake clock."""
    with MockHeyGen(render_seconds=60, clock=clock) as mock:
        yield mock
    assert [] == mock_threads()


@pytest.fixture
def http(rendering: MockHeyGen) -> Iterator[httpx.Client]:
    with loopback_client(base_url=rendering.base_url, headers={"x-api-key": KEY}, timeout=5) as client:
        yield client


def v3_error(code: str, message: str, param: str | None = None) -> dict[str, object]:
    return {"error": {"code": code, "message": message, "param": param, "doc_url": None}}


def create(http: httpx.Client, payload: dict[str, Any] | None = None) -> str:
    response = http.post("/v3/videos", json=v3_payloads.avatar() if payload is None else payload)
    assert 200 == response.status_code, response.text
    video_id: str = response.json()["data"]["video_id"]
    return video_id


# -- create ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("arm", sorted(v3_payloads.ARMS))
def test_each_arm_creates_a_waiting_video(rendering: MockHeyGen, http: httpx.Client, arm: str) -> None:
    response = http.post("/v3/videos", json=v3_payloads.ARMS[arm]())

    assert 200 == response.status_code
    body = response.json()
    video_id = body["data"]["video_id"]
    assert VIDEO_ID.fullmatch(video_id), video_id
    assert {"data": {"video_id": video_id, "status": "waiting", "output_format": "mp4"}} == body
    assert [video_id] == rendering.videos


def test_the_output_format_asked_for_is_echoed(http: httpx.Client) -> None:
    response = http.post("/v3/videos", json=v3_payloads.avatar(output_format="webm"))

    assert "webm" == response.json()["data"]["output_format"]


@pytest.mark.parametrize(
    ("payload", "param"),
    [({"avatar_id": "a"}, "type"), ({"type": "podcast", "avatar_id": "a"}, "type")],
    ids=["no-type", "unknown-type"],
)
def test_a_body_without_a_known_type_is_400_in_the_v3_envelope(
    rendering: MockHeyGen, http: httpx.Client, payload: dict[str, Any], param: str
) -> None:
    response = http.post("/v3/videos", json=payload)

    assert 400 == response.status_code
    body = response.json()
    assert ["error"] == list(body)
    assert ("invalid_parameter", param, None) == (
        body["error"]["code"],
        body["error"]["param"],
        body["error"]["doc_url"],
    )
    assert "type" in body["error"]["message"]
    assert [] == rendering.videos


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[]", "body is invalid: expected a JSON object, got list"),
        (b"{", "body is invalid: not valid JSON (Expecting property name enclosed in double quotes: "),
    ],
)
def test_a_body_that_is_not_a_json_object_is_400(http: httpx.Client, content: bytes, message: str) -> None:
    response = http.post("/v3/videos", content=content)

    assert 400 == response.status_code
    assert response.json()["error"]["message"].startswith(message), response.json()


def test_without_validation_any_json_object_creates_a_video(clock: FakeClock) -> None:
    with MockHeyGen(validate=False, clock=clock) as server, loopback_client(base_url=server.base_url) as client:
        response = client.post("/v3/videos", json={"anything": 1}, headers={"x-api-key": KEY})

        assert 200 == response.status_code
        assert 1 == len(server.videos)


def test_an_invalid_v3_body_is_refused_with_the_sdks_verdict_and_creates_nothing(
    rendering: MockHeyGen, http: httpx.Client
) -> None:
    payload = v3_payloads.studio(scenes=[])
    [expected] = validate_request(payload, operation="POST /v3/videos")

    refused = http.post("/v3/videos", json=payload)

    error = v3_error("invalid_parameter", expected.message, expected.path)
    assert (400, error) == (refused.status_code, refused.json())
    assert 0 == len(rendering.videos)


def test_a_wrong_variant_field_is_tolerated_as_heygen_does(http: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def validate_request(payload: dict[str, Any], *, operation: str) -> list[Violation]:
        return [Violation("motion_prompt", "only for photo avatars", WRONG_VARIANT)]

    monkeypatch.setattr(_handlers, "validate_request", validate_request)

    assert 200 == http.post("/v3/videos", json=v3_payloads.avatar()).status_code


# -- authentication ----------------------------------------------------------------------------------------------

V3_CALLS = [
    ("POST", "/v3/videos"),
    ("GET", "/v3/videos"),
    ("GET", "/v3/videos/0123"),
    ("DELETE", "/v3/videos/0123"),
]


@pytest.mark.parametrize(("method", "path"), V3_CALLS)
@pytest.mark.parametrize("headers", [{}, {"x-api-key": "wrong"}, {"authorization": f"Bearer {KEY}"}])
def test_every_v3_operation_needs_the_key(
    rendering: MockHeyGen, method: str, path: str, headers: dict[str, str]
) -> None:
    with loopback_client(base_url=rendering.base_url) as client:
        response = client.request(method, path, json=v3_payloads.avatar(), headers=headers)

    message = "Invalid or expired API key. Verify your x-api-key header."
    assert (401, v3_error("authentication_failed", message)) == (response.status_code, response.json())
    assert [] == rendering.videos


def test_the_v1_status_call_needs_the_key_too(rendering: MockHeyGen) -> None:
    with loopback_client(base_url=rendering.base_url) as client:
        response = client.get("/v1/video_status.get", params={"video_id": "x"})

    message = "Unauthorized: the x-api-key header is missing"
    assert (401, {"data": None, "error": {"code": "unauthorized", "message": message}}) == (
        response.status_code,
        response.json(),
    )


# -- get: the render on a controlled clock -----------------------------------------------------------------------


def test_a_video_moves_from_waiting_to_processing_to_completed_as_the_clock_moves(
    rendering: MockHeyGen, http: httpx.Client, clock: FakeClock
) -> None:
    video_id = create(http)

    def status() -> str:
        response = http.get(f"/v3/videos/{video_id}")
        assert 200 == response.status_code
        value: str = response.json()["data"]["status"]
        return value

    seen = [status()]
    clock.now += 29.9
    seen.append(status())
    clock.now += 0.1
    seen.append(status())
    rendering.advance(29.9)
    seen.append(status())
    rendering.advance(0.1)
    seen.append(status())

    assert ["waiting", "waiting", "processing", "processing", "completed"] == seen


def test_a_completed_video_has_heygens_detail_shape_with_urls(
    rendering: MockHeyGen, http: httpx.Client, clock: FakeClock
) -> None:
    video_id = create(http, v3_payloads.avatar(title="Launch", caption={"style": "default"}))
    rendering.advance(60)

    response = http.get(f"/v3/videos/{video_id}")

    base = f"{FILES}/{video_id}"
    expected = {
        "id": video_id,
        "title": "Launch",
        "status": "completed",
        "created_at": int(START),
        "completed_at": int(START) + 60,
        "video_url": f"{base}/video.mp4",
        "thumbnail_url": f"{base}/thumbnail.jpg",
        "gif_url": f"{base}/preview.gif",
        "captioned_video_url": f"{base}/captioned.mp4",
        "subtitle_url": f"{base}/captions.srt",
        "duration": 1.6,  # four words at 150 a minute
        "folder_id": None,
        "output_language": None,
        "failure_code": None,
        "failure_message": None,
        "video_page_url": base,
    }
    assert (200, {"data": expected}) == (response.status_code, response.json())
    assert expected == rendering.video(video_id)


def test_an_unfinished_video_has_no_urls_yet(rendering: MockHeyGen, http: httpx.Client) -> None:
    video_id = create(http)

    data = http.get(f"/v3/videos/{video_id}").json()["data"]

    urls = ("video_url", "thumbnail_url", "gif_url", "captioned_video_url", "subtitle_url", "completed_at")
    assert [None] * len(urls) == [data[name] for name in urls]
    assert (None, "waiting") == (data["duration"], data["status"])


def test_without_captions_there_are_no_caption_urls(rendering: MockHeyGen, http: httpx.Client) -> None:
    video_id = create(http)
    rendering.advance(60)

    data = rendering.video(video_id)

    assert (None, None) == (data["captioned_video_url"], data["subtitle_url"])
    assert data["video_url"] is not None


def test_render_seconds_zero_completes_at_once_though_the_create_answer_says_waiting(clock: FakeClock) -> None:
    with MockHeyGen(clock=clock) as server, loopback_client(base_url=server.base_url, headers={"x-api-key": KEY}) as c:
        created = c.post("/v3/videos", json=v3_payloads.cinematic_avatar(duration=8)).json()["data"]
        detail = c.get(f"/v3/videos/{created['video_id']}").json()["data"]

    assert ("waiting", "completed", 8.0) == (created["status"], detail["status"], detail["duration"])


def test_fail_render_next_ends_the_next_video_failed(rendering: MockHeyGen, http: httpx.Client) -> None:
    rendering.fail_render_next("avatar_not_found", "The avatar was deleted")
    failing, fine = create(http), create(http)
    rendering.advance(30)
    halfway = rendering.video(failing)["status"]
    rendering.advance(30)

    failed = http.get(f"/v3/videos/{failing}").json()["data"]

    assert "processing" == halfway
    assert ("failed", "avatar_not_found", "The avatar was deleted") == (
        failed["status"],
        failed["failure_code"],
        failed["failure_message"],
    )
    assert (None, None) == (failed["video_url"], failed["completed_at"])
    assert ("completed", None) == (rendering.video(fine)["status"], rendering.video(fine)["failure_code"])


def test_fail_render_next_defaults_to_the_specs_example(rendering: MockHeyGen, http: httpx.Client) -> None:
    rendering.fail_render_next()
    video_id = create(http)
    rendering.advance(60)

    data = rendering.video(video_id)

    assert ("rendering_failed", "Avatar rendering timed out") == (data["failure_code"], data["failure_message"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"code": 1}, "code must be a str, got int"), ({"message": None}, "message must be a str, got NoneType")],
)
def test_fail_render_next_refuses_what_is_not_text(rendering: MockHeyGen, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        rendering.fail_render_next(**kwargs)


def test_render_time_is_fixed_when_the_video_is_created(rendering: MockHeyGen, http: httpx.Client) -> None:
    early = create(http)
    rendering.advance(45)
    late = create(http)
    rendering.advance(15)

    assert ("completed", "waiting") == (rendering.video(early)["status"], rendering.video(late)["status"])


@pytest.mark.parametrize("path", ["/v3/videos/unknown", "/v3/videos/%00", "/v3/videos/" + "9" * 300])
def test_an_unknown_id_is_404(http: httpx.Client, path: str) -> None:
    response = http.get(path)

    assert (404, v3_error("not_found", "Video not found.")) == (response.status_code, response.json())


def test_a_v2_video_is_seen_by_the_v3_get(rendering: MockHeyGen, http: httpx.Client) -> None:
    video_id = http.post(CREATE, json=valid_payload()).json()["data"]["video_id"]
    rendering.advance(60)

    assert "completed" == http.get(f"/v3/videos/{video_id}").json()["data"]["status"]


@pytest.mark.parametrize(
    ("advance", "status", "has_url"), [(0, "waiting", False), (30, "processing", False), (60, "completed", True)]
)
def test_the_v1_status_call_follows_the_same_render(
    rendering: MockHeyGen, http: httpx.Client, advance: float, status: str, has_url: bool
) -> None:
    video_id = http.post(CREATE, json={**valid_payload(), "callback_id": "order-7"}).json()["data"]["video_id"]
    rendering.advance(advance)

    response = http.get("/v1/video_status.get", params={"video_id": video_id})

    body = response.json()
    assert (200, 100, "Success") == (response.status_code, body["code"], body["message"])
    data = body["data"]
    assert (video_id, status, "order-7", None) == (data["id"], data["status"], data["callback_id"], data["error"])
    assert has_url == (data["video_url"] == f"{FILES}/{video_id}/video.mp4")
    expected_keys = [
        "callback_id",
        "caption_url",
        "created_at",
        "duration",
        "error",
        "gif_url",
        "id",
        "status",
        "thumbnail_url",
        "video_url",
        "video_url_caption",
    ]
    assert expected_keys == sorted(data)


def test_the_v1_status_of_a_failed_video_carries_the_error(rendering: MockHeyGen, http: httpx.Client) -> None:
    rendering.fail_render_next("too_long", "Video is too long")
    video_id = http.post(CREATE, json=valid_payload()).json()["data"]["video_id"]
    rendering.advance(60)

    data = http.get("/v1/video_status.get", params={"video_id": video_id}).json()["data"]

    assert ("failed", {"code": "too_long", "message": "Video is too long", "detail": "Video is too long"}) == (
        data["status"],
        data["error"],
    )


@pytest.mark.parametrize(("query", "status"), [({"video_id": "nope"}, 404), ({}, 400), ({"video_id": ""}, 400)])
def test_the_v1_status_call_refuses_a_missing_or_unknown_id(
    http: httpx.Client, query: dict[str, str], status: int
) -> None:
    response = http.get("/v1/video_status.get", params=query)

    assert status == response.status_code
    assert response.json()["data"] is None


# -- list --------------------------------------------------------------------------------------------------------


def test_list_pages_newest_first_across_three_pages(rendering: MockHeyGen, http: httpx.Client) -> None:
    created = [create(http) for _ in range(7)]
    pages: list[list[str]] = []
    tokens: list[str | None] = []
    params: dict[str, Any] = {"limit": 3}
    while True:
        body = http.get("/v3/videos", params=params).json()
        pages.append([video["id"] for video in body["data"]])
        tokens.append(body["next_token"])
        assert (body["next_token"] is not None) == body["has_more"]
        if body["next_token"] is None:
            break
        params = {"limit": 3, "token": body["next_token"]}

    newest_first = created[::-1]
    assert [newest_first[0:3], newest_first[3:6], newest_first[6:]] == pages
    assert 3 == len(tokens) and tokens[-1] is None


def test_list_entries_have_the_detail_shape(rendering: MockHeyGen, http: httpx.Client) -> None:
    video_id = create(http)

    body = http.get("/v3/videos").json()

    assert {"data": [rendering.video(video_id)], "has_more": False, "next_token": None} == body


def test_list_defaults_to_ten_a_page(http: httpx.Client) -> None:
    for _ in range(11):
        create(http)

    body = http.get("/v3/videos").json()

    assert (10, True) == (len(body["data"]), body["has_more"])


def test_a_token_survives_deletes_on_the_pages_already_read(rendering: MockHeyGen, http: httpx.Client) -> None:
    first, second, third = (create(http) for _ in range(3))
    page = http.get("/v3/videos", params={"limit": 1}).json()
    assert [third] == [video["id"] for video in page["data"]]
    assert 200 == http.delete(f"/v3/videos/{third}").status_code

    rest = http.get("/v3/videos", params={"limit": 5, "token": page["next_token"]}).json()

    assert [second, first] == [video["id"] for video in rest["data"]]


def test_list_filters_by_title_substring_ignoring_case(rendering: MockHeyGen, http: httpx.Client) -> None:
    launch = create(http, v3_payloads.avatar(title="Product LAUNCH video"))
    create(http, v3_payloads.avatar(title="Weekly update"))
    create(http)

    titles = http.get("/v3/videos", params={"title": "launch"}).json()

    assert [launch] == [video["id"] for video in titles["data"]]


def test_list_filters_by_folder(clock: FakeClock) -> None:
    # No create arm has a folder_id field, so the videos are filed through an unvalidated body.
    with (
        MockHeyGen(validate=False, clock=clock) as server,
        loopback_client(base_url=server.base_url, headers={"x-api-key": KEY}) as client,
    ):
        filed = create(client, {"type": "avatar", "folder_id": "f1"})
        create(client, {"type": "avatar", "folder_id": "f2"})
        create(client, {"type": "avatar"})

        listed = client.get("/v3/videos", params={"folder_id": "f1"}).json()

    assert [filed] == [video["id"] for video in listed["data"]]
    assert "f1" == listed["data"][0]["folder_id"]


@pytest.mark.parametrize(
    ("params", "message", "param"),
    [
        ({"limit": "0"}, "'limit' must be between 1 and 100.", "limit"),
        ({"limit": "101"}, "'limit' must be between 1 and 100.", "limit"),
        ({"limit": "-1"}, "'limit' must be between 1 and 100.", "limit"),
        ({"limit": "ten"}, "'limit' must be between 1 and 100.", "limit"),
        ({"token": "garbage!"}, "'token' is not a cursor from a previous response.", "token"),
        ({"token": "YWZ0ZXI6eA"}, "'token' is not a cursor from a previous response.", "token"),
        (
            {"next_token": "x"},
            "Unknown query parameter 'next_token'; known: 'limit', 'token', 'folder_id', 'title'.",
            "next_token",
        ),
        ([("limit", "1"), ("limit", "2")], "'limit' is given 2 times; give it once.", "limit"),
    ],
    ids=["zero", "above", "negative", "text", "token", "token-not-a-number", "unknown", "twice"],
)
def test_bad_list_parameters_are_400_naming_the_parameter(
    http: httpx.Client, params: Any, message: str, param: str
) -> None:
    response = http.get("/v3/videos", params=params)

    assert (400, v3_error("invalid_parameter", message, param)) == (response.status_code, response.json())


# -- delete ------------------------------------------------------------------------------------------------------


def test_delete_removes_the_video_then_get_and_delete_are_404(rendering: MockHeyGen, http: httpx.Client) -> None:
    video_id, kept = create(http), create(http)

    deleted = http.delete(f"/v3/videos/{video_id}")
    after = http.get(f"/v3/videos/{video_id}")
    again = http.delete(f"/v3/videos/{video_id}")

    assert (200, {"data": {"id": video_id, "deleted": True}}) == (deleted.status_code, deleted.json())
    assert (404, 404) == (after.status_code, again.status_code)
    assert [kept] == [video["id"] for video in http.get("/v3/videos").json()["data"]]
    assert [video_id, kept] == rendering.videos  # every video ever accepted, deleted ones included
    with pytest.raises(KeyError):
        rendering.video(video_id)


# -- routing -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/v3/videos", "POST, GET"),
        ("POST", "/v3/videos/abc", "GET, DELETE"),
        ("POST", "/v1/video_status.get", "GET"),
    ],
)
def test_a_known_path_with_another_method_is_405_with_allow(
    http: httpx.Client, method: str, path: str, allow: str
) -> None:
    response = http.request(method, path)

    assert (405, allow) == (response.status_code, response.headers["allow"])
    assert (
        f"Method {method} is not allowed on {path}; use {allow.replace(', ', ' or ')}"
        == (response.json()["error"]["message"])
    )


@pytest.mark.parametrize("path", ["/v3/videos/a/b", "/v3/video", "/v3/videos/"])
def test_paths_outside_the_table_are_404(http: httpx.Client, path: str) -> None:
    assert 404 == http.get(path).status_code


# -- the clock arguments -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("seconds", [-1, float("nan"), float("inf")])
def test_bad_render_seconds_and_advances_are_refused(seconds: float) -> None:
    with pytest.raises(ValueError, match="render_seconds must be a finite number >= 0"):
        MockHeyGen(render_seconds=seconds)
    with pytest.raises(ValueError, match="seconds must be a finite number >= 0"):
        MockHeyGen().advance(seconds)


def test_the_default_clock_is_the_wall_clock() -> None:
    before = int(time.time())
    with MockHeyGen() as server, loopback_client(base_url=server.base_url, headers={"x-api-key": KEY}) as client:
        video_id = create(client)
        created_at = server.video(video_id)["created_at"]

    assert before <= created_at <= int(time.time())


def test_reset_forgets_videos_and_scripted_render_failures(rendering: MockHeyGen, http: httpx.Client) -> None:
    create(http)
    rendering.fail_render_next()

    rendering.reset()
    video_id = create(http)
    rendering.advance(60)

    assert ([video_id], "completed") == (rendering.videos, rendering.video(video_id)["status"])
    assert 1 == len(http.get("/v3/videos").json()["data"])
