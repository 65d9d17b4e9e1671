"""The fault script on every operation: GET and DELETE fail, stall and drop; faults scoped to one operation."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from heygen_studio.testing import MockHeyGen
from tests.heygen_studio.test_validation import valid_payload
from tests.heygen_studio.testing import v3_payloads
from tests.heygen_studio.testing.conftest import CREATE, KEY
from tests.shared import loopback_client

GET = "GET /v3/videos/{video_id}"
DELETE = "DELETE /v3/videos/{video_id}"


@pytest.fixture
def video_id(server: MockHeyGen, client: httpx.Client) -> str:
    response = client.post("/v3/videos", json=v3_payloads.avatar())
    assert 200 == response.status_code
    value: str = response.json()["data"]["video_id"]
    return value


ERRORS = [
    (429, "rate_limit_exceeded", "Too many requests. Retry after the duration specified in the Retry-After header."),
    (503, "internal_error", "Service Unavailable"),
    (401, "authentication_failed", "Invalid or expired API key. Verify your x-api-key header."),
]


@pytest.mark.parametrize("error", ERRORS, ids=[str(row[0]) for row in ERRORS])
@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_fail_next_on_get_and_delete_answers_the_v3_envelope(
    server: MockHeyGen, client: httpx.Client, video_id: str, method: str, error: tuple[int, str, str]
) -> None:
    status, code, message = error
    server.fail_next(status, retry_after=2)

    failed = client.request(method, f"/v3/videos/{video_id}")
    after = client.request(method, f"/v3/videos/{video_id}")

    expected = {"error": {"code": code, "message": message, "param": None, "doc_url": None}}
    assert (status, expected, "2") == (failed.status_code, failed.json(), failed.headers["retry-after"])
    assert 200 == after.status_code


def test_a_failed_delete_leaves_the_video(server: MockHeyGen, client: httpx.Client, video_id: str) -> None:
    server.fail_next(500)

    assert 500 == client.delete(f"/v3/videos/{video_id}").status_code
    assert video_id == server.video(video_id)["id"]
    assert 200 == client.get(f"/v3/videos/{video_id}").status_code


def test_fail_next_on_list(server: MockHeyGen, client: httpx.Client) -> None:
    server.fail_next(502, body="<html>Bad Gateway</html>")

    response = client.get("/v3/videos")

    assert (502, "text/html; charset=utf-8") == (response.status_code, response.headers["content-type"])
    assert 200 == client.get("/v3/videos").status_code


def test_a_stalled_get_times_out_the_client_then_answers(
    server: MockHeyGen, client: httpx.Client, video_id: str
) -> None:
    server.stall_next(5)

    with pytest.raises(httpx.ReadTimeout):
        client.get(f"/v3/videos/{video_id}", timeout=0.05)
    response = client.get(f"/v3/videos/{video_id}")

    assert 200 == response.status_code
    assert 3 == len(server.requests)


def test_a_dropped_delete_still_deleted_the_video(server: MockHeyGen, client: httpx.Client, video_id: str) -> None:
    server.drop_next()

    with pytest.raises(httpx.RemoteProtocolError, match="Server disconnected without sending a response"):
        client.delete(f"/v3/videos/{video_id}")

    assert 404 == client.get(f"/v3/videos/{video_id}").status_code
    with pytest.raises(KeyError):
        server.video(video_id)


def test_a_dropped_v3_create_still_created_the_video(server: MockHeyGen, client: httpx.Client) -> None:
    server.drop_next(operation="POST /v3/videos")

    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/v3/videos", json=v3_payloads.studio())

    assert 1 == len(server.videos)


def test_a_scoped_fault_waits_for_its_operation(server: MockHeyGen, client: httpx.Client, video_id: str) -> None:
    server.fail_next(503, operation=GET, times=2)
    server.fail_next(429)

    statuses = [
        client.post(CREATE, json=valid_payload()).status_code,  # the unscoped 429 is first for a create
        client.delete(f"/v3/videos/{video_id}").status_code,
        client.get(f"/v3/videos/{video_id}").status_code,
        client.get(f"/v3/videos/{video_id}").status_code,
        client.get(f"/v3/videos/{video_id}").status_code,
    ]

    assert [429, 200, 503, 503, 404] == statuses


def test_scoped_stall_and_drop(server: MockHeyGen, client: httpx.Client, video_id: str) -> None:
    server.drop_next(operation=DELETE)
    server.stall_next(5, operation=GET)

    assert 200 == client.get("/v3/videos").status_code
    with pytest.raises(httpx.ReadTimeout):
        client.get(f"/v3/videos/{video_id}", timeout=0.05)
    with pytest.raises(httpx.RemoteProtocolError):
        client.delete(f"/v3/videos/{video_id}")


def test_404_and_405_answers_leave_the_script_alone(server: MockHeyGen, client: httpx.Client, video_id: str) -> None:
    server.fail_next(500)

    assert 404 == client.get("/v3/nothing").status_code
    assert 405 == client.put("/v3/videos").status_code
    assert 500 == client.get(f"/v3/videos/{video_id}").status_code


@pytest.mark.parametrize("operation", ["GET /v3/videos/{id}", "get /v3/videos", "/v3/videos", ""])
def test_an_unknown_operation_is_refused_naming_the_known_ones(server: MockHeyGen, operation: str) -> None:
    message = r"operation must be one the server serves \(DELETE /v3/videos/\{video_id\}, GET /v1/video_status.get"
    with pytest.raises(ValueError, match=message):
        server.fail_next(500, operation=operation)
    with pytest.raises(ValueError, match=message):
        server.stall_next(1, operation=operation)
    with pytest.raises(ValueError, match=message):
        server.drop_next(operation=operation)


def test_v1_status_faults(server: MockHeyGen, client: httpx.Client) -> None:
    server.fail_next(500, operation="GET /v1/video_status.get")
    video_id = client.post(CREATE, json=valid_payload()).json()["data"]["video_id"]

    failed = client.get("/v1/video_status.get", params={"video_id": video_id})
    after = client.get("/v1/video_status.get", params={"video_id": video_id})

    error = {"data": None, "error": {"code": "internal_error", "message": "Internal Server Error"}}
    assert (500, error, 200) == (failed.status_code, failed.json(), after.status_code)


@pytest.fixture
def wrong_key(server: MockHeyGen) -> Iterator[httpx.Client]:
    with loopback_client(base_url=server.base_url, headers={"x-api-key": KEY + "-wrong"}) as http:
        yield http


def test_a_fault_answers_even_a_request_with_a_wrong_key(server: MockHeyGen, wrong_key: httpx.Client) -> None:
    server.fail_next(503, operation="GET /v3/videos")

    assert [503, 401] == [wrong_key.get("/v3/videos").status_code for _ in range(2)]
