"""MockHeyGen's fault script: fail_next, stall_next and drop_next, seen by a real httpx client."""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx
import pytest

from heygen_studio.testing import MockHeyGen
from tests.heygen_studio.test_validation import valid_payload
from tests.heygen_studio.testing.conftest import CREATE, KEY, create, mock_threads
from tests.shared import loopback_client

# -- fail_next ---------------------------------------------------------------------------------------------------

DEFAULT_ERRORS = [
    (400, "invalid_parameter", "Invalid parameters"),
    (401, "unauthorized", "Unauthorized"),
    (403, "permission_denied", "You do not have permission to perform this action"),
    (404, "not_found", "Not found"),
    (409, "conflict", "The request conflicts with the current state of the resource"),
    (418, "im_a_teapot", "I'm a Teapot"),
    (422, "unprocessable_entity", "The request could not be processed"),
    (429, "rate_limit_exceeded", "Too many requests"),
    (500, "internal_error", "Internal Server Error"),
    (502, "internal_error", "Bad Gateway"),
    (503, "internal_error", "Service Unavailable"),
    (504, "internal_error", "Gateway Timeout"),
    (599, "internal_error", "Error"),
]


@pytest.mark.parametrize(("status", "code", "message"), DEFAULT_ERRORS, ids=[str(row[0]) for row in DEFAULT_ERRORS])
def test_fail_next_answers_heygens_error_body_for_the_status(
    server: MockHeyGen, client: httpx.Client, status: int, code: str, message: str
) -> None:
    server.fail_next(status)

    response = create(client)

    assert status == response.status_code
    assert "application/json" == response.headers["content-type"]
    assert {"data": None, "error": {"code": code, "message": message}} == response.json()
    assert response.headers["x-request-id"]
    assert "retry-after" not in response.headers
    assert [] == server.videos
    assert [valid_payload()] == [request.json() for request in server.requests]


def test_fail_next_below_400_sends_an_empty_body_by_default(server: MockHeyGen, client: httpx.Client) -> None:
    server.fail_next(200)

    response = create(client)

    assert (200, b"", "0") == (response.status_code, response.content, response.headers["content-length"])
    assert [] == server.videos


def test_fail_next_applies_once_then_the_server_processes_again(server: MockHeyGen, client: httpx.Client) -> None:
    server.fail_next(500)

    assert [500, 200, 200] == [create(client).status_code for _ in range(3)]
    assert 2 == len(server.videos)
    assert 3 == len(server.requests)


def test_fail_next_times_and_the_queue_is_first_in_first_out(server: MockHeyGen, client: httpx.Client) -> None:
    server.fail_next(429, times=2)
    server.fail_next(503)

    assert [429, 429, 503, 200] == [create(client).status_code for _ in range(4)]
    assert 1 == len(server.videos)


def test_only_create_requests_consume_the_script(server: MockHeyGen, client: httpx.Client) -> None:
    server.fail_next(429)

    assert 404 == client.post("/v2/other", json={}).status_code
    assert 405 == client.get(CREATE).status_code
    assert 429 == create(client).status_code
    assert 200 == create(client).status_code


def test_fail_next_answers_even_a_request_with_a_wrong_key(server: MockHeyGen) -> None:
    server.fail_next(503)
    with loopback_client(base_url=server.base_url) as http:
        assert [503, 401] == [create(http, headers={"x-api-key": "wrong"}).status_code for _ in range(2)]


@pytest.mark.parametrize(
    ("retry_after", "header"),
    [
        (2, "2"),
        (2.0, "2"),
        (1.5, "1.5"),
        (0, "0"),
        (-1, "-1"),
        (86400 * 365, "31536000"),
        ("Wed, 21 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 07:28:00 GMT"),
        ("soon", "soon"),
        ("", ""),
    ],
)
def test_retry_after_is_sent_verbatim(
    server: MockHeyGen, client: httpx.Client, retry_after: str | float, header: str
) -> None:
    server.fail_next(429, retry_after=retry_after)

    response = create(client)

    assert (429, header) == (response.status_code, response.headers["retry-after"])
    assert "rate_limit_exceeded" == response.json()["error"]["code"]


@pytest.mark.parametrize(
    ("body", "content", "content_type"),
    [
        (
            {"error": {"code": "x", "message": "y", "param": None}},
            b'{"error": {"code": "x", "message": "y", "param": null}}',
            "application/json",
        ),
        (["a"], b'["a"]', "application/json"),
        (7, b"7", "application/json"),
        ("Bad Gateway", b"Bad Gateway", "text/plain; charset=utf-8"),
        (
            "<html><body>502 Bad Gateway</body></html>",
            b"<html><body>502 Bad Gateway</body></html>",
            "text/html; charset=utf-8",
        ),
        (b'{"data": {"video_id": ', b'{"data": {"video_id": ', "text/plain; charset=utf-8"),
        (b"  <!doctype html>", b"  <!doctype html>", "text/html; charset=utf-8"),
        ("", b"", "text/plain; charset=utf-8"),
    ],
    ids=["error-object", "list", "number", "text", "html", "broken-json", "bytes-html", "empty"],
)
def test_a_custom_body_is_sent_as_given(
    server: MockHeyGen, client: httpx.Client, body: object, content: bytes, content_type: str
) -> None:
    server.fail_next(502, body=body)

    response = create(client)

    assert (502, content, content_type) == (response.status_code, response.content, response.headers["content-type"])


def test_a_2xx_with_a_broken_body(server: MockHeyGen, client: httpx.Client) -> None:
    server.fail_next(200, body=b'{"data": ', headers={"Content-Type": "application/json"})

    response = create(client)

    assert (200, b'{"data": ', "application/json") == (
        response.status_code,
        response.content,
        response.headers["content-type"],
    )
    assert [] == server.videos


def test_extra_headers_such_as_a_redirect_to_another_origin(server: MockHeyGen, client: httpx.Client) -> None:
    server.fail_next(302, headers={"Location": "https://evil.example/x", "x-request-id": "fixed"})

    response = create(client)

    assert 302 == response.status_code
    assert "https://evil.example/x" == response.headers["location"]
    assert ["fixed"] == response.headers.get_list("x-request-id")
    assert 1 == len(server.requests)  # httpx does not follow it, and the server did not create a job
    assert [] == server.videos


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"status": 199}, ValueError, "status must be an int from 200 to 599, got 199"),
        ({"status": 600}, ValueError, "status must be an int from 200 to 599, got 600"),
        ({"status": True}, ValueError, "status must be an int from 200 to 599, got True"),
        ({"status": 500, "times": 0}, ValueError, "times must be a positive int, got 0"),
        ({"status": 500, "headers": {"content-length": "3"}}, ValueError, "framing: content-length"),
        ({"status": 500, "headers": {"Connection": "close"}}, ValueError, "framing: Connection"),
        (
            {"status": 429, "retry_after": 1, "headers": {"Retry-After": "2"}},
            ValueError,
            "Retry-After given both as retry_after= and in headers=",
        ),
        ({"status": 500, "body": {1, 2}}, TypeError, "body cannot be sent as JSON"),
        ({"status": 429, "retry_after": True}, TypeError, "retry_after must be a str or a number, got bool"),
        ({"status": 429, "retry_after": [1]}, TypeError, "retry_after must be a str or a number, got list"),
    ],
)
def test_bad_fail_next_arguments_are_refused_and_nothing_is_queued(
    server: MockHeyGen, client: httpx.Client, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        server.fail_next(**kwargs)

    assert 200 == create(client).status_code


# -- stall_next --------------------------------------------------------------------------------------------------


def test_a_stalled_answer_times_out_the_client_but_the_job_exists(server: MockHeyGen, client: httpx.Client) -> None:
    server.stall_next(5)

    with pytest.raises(httpx.ReadTimeout):
        create(client, timeout=0.05)

    assert 1 == len(server.videos)
    assert [valid_payload()] == [request.json() for request in server.requests]


def test_close_releases_a_stalled_answer_at_once() -> None:
    server = MockHeyGen().start()
    server.stall_next(30)
    with loopback_client(base_url=server.base_url, headers={"x-api-key": KEY}) as http:
        with pytest.raises(httpx.ReadTimeout):
            create(http, timeout=0.05)
        assert 2 == len(mock_threads())  # the accept loop and the stalled connection

        closer = threading.Thread(target=server.close)
        closer.start()
        closer.join(timeout=10)  # a generous bound: only a close() stuck on the stall would reach it

        assert not closer.is_alive()
        assert [] == mock_threads()


def test_close_releases_a_stall_whose_client_still_waits() -> None:
    server = MockHeyGen().start()
    server.stall_next(30)
    outcome: list[object] = []

    def wait_for_answer() -> None:
        with loopback_client(base_url=server.base_url, headers={"x-api-key": KEY}, timeout=10) as http:
            try:
                outcome.append(create(http))
            except httpx.TransportError as error:
                outcome.append(error)

    waiter = threading.Thread(target=wait_for_answer)
    waiter.start()
    while not server.videos:  # the job exists once the stall has begun
        threading.Event().wait(0.005)
    server.close()
    waiter.join(timeout=10)

    assert not waiter.is_alive()
    [error] = outcome
    assert isinstance(error, httpx.RemoteProtocolError), error
    assert 1 == len(server.videos)


def test_a_short_stall_then_sends_the_normal_answer(server: MockHeyGen, client: httpx.Client) -> None:
    server.stall_next(0.05)

    response = create(client, timeout=5)

    assert 200 == response.status_code
    assert [response.json()["data"]["video_id"]] == server.videos


def test_a_stall_withholds_whatever_the_answer_is(server: MockHeyGen) -> None:
    server.stall_next(5)
    with loopback_client(base_url=server.base_url, timeout=0.05) as http, pytest.raises(httpx.ReadTimeout):
        create(http, headers={"x-api-key": "wrong"})

    assert [] == server.videos  # a refused request creates no job, stalled or not


@pytest.mark.parametrize("seconds", [-1, float("nan"), float("inf")])
def test_bad_stall_seconds_are_refused(server: MockHeyGen, seconds: float) -> None:
    with pytest.raises(ValueError, match="seconds must be a finite number >= 0"):
        server.stall_next(seconds)


# -- drop_next ---------------------------------------------------------------------------------------------------


def test_a_dropped_connection_after_the_body_still_created_the_job(server: MockHeyGen, client: httpx.Client) -> None:
    server.drop_next()

    with pytest.raises(httpx.RemoteProtocolError, match="Server disconnected without sending a response"):
        create(client)

    assert 1 == len(server.videos)
    assert [json.dumps(valid_payload()).encode()] == [
        json.dumps(request.json()).encode() for request in server.requests
    ]
    assert 200 == create(client).status_code  # the client reconnects; the next request is processed
    assert 2 == len(server.videos)
    assert 2 == server._connections_accepted


def test_a_drop_after_a_large_body_is_read_completely(server: MockHeyGen, client: httpx.Client) -> None:
    payload = valid_payload()
    payload["video_inputs"] = payload["video_inputs"] * 50
    payload["title"] = "x" * 200_000
    server.drop_next()

    with pytest.raises(httpx.RemoteProtocolError):
        create(client, payload)

    [request] = server.requests
    assert payload == request.json()
    assert 1 == len(server.videos)


def test_faults_are_consumed_in_order_across_kinds(server: MockHeyGen, client: httpx.Client) -> None:
    server.drop_next()
    server.fail_next(429, retry_after=1)
    server.stall_next(0)

    with pytest.raises(httpx.RemoteProtocolError):
        create(client)
    assert 429 == create(client).status_code
    assert 200 == create(client).status_code
    assert 200 == create(client).status_code
    assert 3 == len(server.videos)  # dropped, stalled and plain: everything but the fail_next
