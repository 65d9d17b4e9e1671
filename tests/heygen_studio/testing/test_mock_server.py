"""MockHeyGen answering normal requests, over real loopback HTTP with httpx."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import re
import socket
import threading

import httpx
import pytest

import heygen_studio.testing
from heygen_studio.testing import MockHeyGen, RecordedRequest
from tests.heygen_studio.test_validation import changed, valid_payload
from tests.heygen_studio.testing.conftest import CREATE, KEY, create, mock_threads, raw_exchange
from tests.shared import loopback_async_client, loopback_client

VIDEO_ID = re.compile(r"[0-9a-f]{32}")


def error(code: str, message: str) -> dict[str, object]:
    return {"data": None, "error": {"code": code, "message": message}}


def test_public_names_are_pinned() -> None:
    assert ["MockHeyGen", "RecordedRequest"] == heygen_studio.testing.__all__


# -- the happy path ----------------------------------------------------------------------------------------------


def test_a_valid_request_creates_a_job_and_answers_like_heygen(server: MockHeyGen, client: httpx.Client) -> None:
    response = create(client)

    assert 200 == response.status_code
    assert "application/json" == response.headers["content-type"]
    assert str(len(response.content)) == response.headers["content-length"]
    body = response.json()
    assert ["error", "data"] == list(body)
    assert body["error"] is None
    video_id = body["data"]["video_id"]
    assert VIDEO_ID.fullmatch(video_id), video_id
    assert [video_id] == server.videos


def test_the_request_is_recorded_with_its_body_and_headers(server: MockHeyGen, client: httpx.Client) -> None:
    response = client.post(f"{CREATE}?trace=1", content=json.dumps(valid_payload()), headers={"X-Extra": "a"})

    assert 200 == response.status_code
    [request] = server.requests
    assert "POST" == request.method
    assert f"{CREATE}?trace=1" == request.path
    assert json.dumps(valid_payload()).encode() == request.body
    assert valid_payload() == request.json()
    assert KEY == request.headers["x-api-key"]
    assert KEY == request.headers["X-API-KEY"]
    assert "a" == request.headers["x-extra"]
    assert "X-Extra" in list(request.headers)
    assert "x-missing" not in request.headers


def test_each_job_and_each_answer_gets_a_fresh_id(server: MockHeyGen, client: httpx.Client) -> None:
    first, second = create(client), create(client)

    ids = [first.json()["data"]["video_id"], second.json()["data"]["video_id"]]
    assert ids == server.videos
    assert ids[0] != ids[1]
    request_ids = [first.headers["x-request-id"], second.headers["x-request-id"]]
    assert request_ids[0] != request_ids[1]
    assert all(request_ids)


def test_a_chunked_body_is_decoded_and_the_connection_stays_usable(server: MockHeyGen, client: httpx.Client) -> None:
    encoded = json.dumps(valid_payload()).encode()
    chunks = iter([encoded[:10], encoded[10:]])

    response = client.post(CREATE, content=chunks, headers={"content-type": "application/json"})
    after = create(client)

    assert (200, 200) == (response.status_code, after.status_code)
    assert "chunked" == server.requests[0].headers["transfer-encoding"]
    assert encoded == server.requests[0].body
    assert 1 == server._connections_accepted


def test_a_field_of_a_sibling_variant_is_tolerated_as_heygen_does(server: MockHeyGen, client: httpx.Client) -> None:
    response = create(client, changed("video_inputs.0.character.talking_style", "stable"))

    assert 200 == response.status_code
    assert 1 == len(server.videos)


# -- what HeyGen refuses -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "Unauthorized: the x-api-key header is missing"),
        ({"x-api-key": "wrong"}, "Unauthorized: the x-api-key header does not carry a valid API key"),
        ({"x-api-key": KEY + "x"}, "Unauthorized: the x-api-key header does not carry a valid API key"),
        ({"authorization": f"Bearer {KEY}"}, "Unauthorized: the x-api-key header is missing"),
    ],
    ids=["missing", "wrong", "longer", "bearer"],
)
def test_a_missing_or_wrong_key_is_401_and_no_job(server: MockHeyGen, headers: dict[str, str], message: str) -> None:
    with loopback_client(base_url=server.base_url) as http:
        response = http.post(CREATE, json=valid_payload(), headers=headers)

    assert (401, error("unauthorized", message)) == (response.status_code, response.json())
    assert [] == server.videos
    assert 1 == len(server.requests)


def test_the_key_is_the_one_given(client: httpx.Client) -> None:
    with MockHeyGen(api_key="sk-other") as other, loopback_client(base_url=other.base_url) as http:
        accepted = http.post(CREATE, json=valid_payload(), headers={"x-api-key": "sk-other"})
        refused = http.post(CREATE, json=valid_payload(), headers={"x-api-key": KEY})

        assert (200, 401) == (accepted.status_code, refused.status_code)
        assert "sk-other" == other.api_key
        assert 1 == len(other.videos)


def test_a_rule_violation_is_400_naming_the_path_in_heygens_style(server: MockHeyGen, client: httpx.Client) -> None:
    response = create(client, changed("video_inputs.0.background.value", "red"))

    assert 400 == response.status_code
    body = response.json()
    assert body["data"] is None
    assert "invalid_parameter" == body["error"]["code"]
    assert body["error"]["message"].startswith("video_inputs.0.background.value is invalid: "), body
    assert [] == server.videos


def test_the_message_names_the_first_violation_only(server: MockHeyGen, client: httpx.Client) -> None:
    response = create(client, {})

    assert error("invalid_parameter", "video_inputs is invalid: `video_inputs` is required") == response.json()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "body is invalid: not valid JSON (Expecting property name enclosed in double quotes: "),
        (b"[1, 2]", "body is invalid: expected a JSON object, got list"),
        (b'"text"', "body is invalid: expected a JSON object, got str"),
        (b'{"video_inputs": NaN}', "body is invalid: not valid JSON (NaN is not valid JSON)"),
        (b"\xff\xfe{", "body is invalid: not valid JSON ("),
        (b"", "body is invalid: not valid JSON (Expecting value: "),
    ],
    ids=["broken", "array", "string", "nan", "not-utf8", "empty"],
)
def test_a_body_that_is_not_a_json_object_is_400(
    server: MockHeyGen, client: httpx.Client, content: bytes, message: str
) -> None:
    response = client.post(CREATE, content=content)

    assert 400 == response.status_code
    assert "invalid_parameter" == response.json()["error"]["code"]
    assert response.json()["error"]["message"].startswith(message), response.json()
    assert [] == server.videos


def test_without_validation_any_json_object_creates_a_job() -> None:
    with MockHeyGen(validate=False) as server, loopback_client(base_url=server.base_url) as http:
        accepted = http.post(CREATE, json={"anything": 1}, headers={"x-api-key": KEY})
        refused = http.post(CREATE, json=[1], headers={"x-api-key": KEY})

        assert (200, 400) == (accepted.status_code, refused.status_code)
        assert [accepted.json()["data"]["video_id"]] == server.videos


@pytest.mark.parametrize("path", ["/", "/v2/video/generate/", "/v1/video/generate", "/v2/video_status.get?id=1"])
def test_any_other_path_is_404(server: MockHeyGen, client: httpx.Client, path: str) -> None:
    response = client.post(path, json=valid_payload())

    route = path.partition("?")[0]
    assert (404, error("not_found", f"No route for POST {route}")) == (response.status_code, response.json())
    assert [] == server.videos
    assert path == server.requests[0].path


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_any_other_method_is_405_with_allow(server: MockHeyGen, client: httpx.Client, method: str) -> None:
    response = client.request(method, CREATE)

    assert 405 == response.status_code
    assert "POST" == response.headers["allow"]
    message = f"Method {method} is not allowed on {CREATE}; use POST"
    assert error("method_not_allowed", message) == response.json()
    assert [method] == [request.method for request in server.requests]


def test_head_gets_the_headers_without_a_body(client: httpx.Client) -> None:
    response = client.head(CREATE)

    assert 405 == response.status_code
    assert b"" == response.content
    assert int(response.headers["content-length"]) > 0
    assert 405 == client.head(CREATE).status_code  # the connection still frames correctly


def test_a_broken_content_length_is_400_and_closes_the_connection(server: MockHeyGen) -> None:
    answer = raw_exchange(server, f"POST {CREATE} HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n".encode())

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert b"\r\nConnection: close" in head
    assert error("invalid_parameter", "Content-Length is not a non-negative integer: 'ten'") == json.loads(body)
    assert [b""] == [request.body for request in server.requests]


def test_a_body_above_the_limit_is_413_without_being_read(server: MockHeyGen) -> None:
    answer = raw_exchange(server, f"POST {CREATE} HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n".encode())

    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b'"code": "payload_too_large"' in answer
    assert [] == server.videos


# -- the recorded requests ---------------------------------------------------------------------------------------


def test_recorded_headers_hide_the_key_in_repr_and_join_repeats(server: MockHeyGen, client: httpx.Client) -> None:
    client.post(CREATE, json={}, headers=[("x-api-key", KEY), ("X-Tag", "a"), ("x-tag", "b")])

    [request] = server.requests
    assert "a, b" == request.headers["x-tag"]
    assert len(request.headers) == len(dict(request.headers))
    assert {name.upper(): value for name, value in request.headers.items()} == request.headers
    assert {**request.headers, "x-tag": "c"} != request.headers
    assert KEY not in repr(request)
    assert "'x-api-key': '***'" in repr(request)


def test_a_recorded_request_is_frozen_and_its_json_raises_value_error(server: MockHeyGen, client: httpx.Client) -> None:
    client.post(CREATE, content=b"<html>")

    [request] = server.requests
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.body = b"{}"  # type: ignore[misc]
    with pytest.raises(ValueError, match="Expecting value"):
        request.json()
    assert request == RecordedRequest(request.method, request.path, request.headers, request.body)
    assert hash(request) == hash(RecordedRequest(request.method, request.path, request.headers, request.body))


def test_requests_and_videos_are_snapshots(server: MockHeyGen, client: httpx.Client) -> None:
    requests, videos = server.requests, server.videos
    create(client)

    assert ([], []) == (requests, videos)
    assert (1, 1) == (len(server.requests), len(server.videos))


def test_reset_forgets_requests_jobs_and_the_fault_script(server: MockHeyGen, client: httpx.Client) -> None:
    create(client)
    server.fail_next(500)
    server.stall_next(5)
    server.drop_next()

    server.reset()

    assert ([], []) == (server.requests, server.videos)
    assert 200 == create(client).status_code
    assert 1 == len(server.videos)


# -- connections and threads -------------------------------------------------------------------------------------


def test_keep_alive_reuses_one_connection(server: MockHeyGen, client: httpx.Client) -> None:
    statuses = [create(client).status_code, client.get("/nope").status_code, create(client).status_code]

    assert [200, 404, 200] == statuses
    assert 1 == server._connections_accepted


def test_separate_clients_make_separate_connections(server: MockHeyGen) -> None:
    for _ in range(2):
        with loopback_client(base_url=server.base_url, headers={"x-api-key": KEY}) as http:
            assert 200 == create(http).status_code

    assert 2 == server._connections_accepted


def test_sixteen_concurrent_async_requests_make_sixteen_distinct_jobs(server: MockHeyGen) -> None:
    async def burst() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=16)
        async with loopback_async_client(base_url=server.base_url, headers={"x-api-key": KEY}, limits=limits) as http:
            return await asyncio.gather(*(http.post(CREATE, json=valid_payload()) for _ in range(16)))

    responses = asyncio.run(burst())

    assert [200] * 16 == [response.status_code for response in responses]
    ids = [response.json()["data"]["video_id"] for response in responses]
    assert 16 == len(set(ids))
    assert sorted(ids) == sorted(server.videos)
    assert 16 == len(server.requests)


def test_concurrent_requests_consume_each_fault_exactly_once(server: MockHeyGen) -> None:
    server.fail_next(429, times=8)
    statuses: list[int] = []
    lock = threading.Lock()

    def post(http: httpx.Client) -> None:
        status = create(http).status_code
        with lock:
            statuses.append(status)

    limits = httpx.Limits(max_connections=16)
    with loopback_client(base_url=server.base_url, headers={"x-api-key": KEY}, limits=limits) as http:
        threads = [threading.Thread(target=post, args=(http,)) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert [200] * 8 + [429] * 8 == sorted(statuses)
    assert 8 == len(set(server.videos))


def test_close_ends_idle_keep_alive_connections_and_joins_every_thread() -> None:
    before = set(threading.enumerate())
    server = MockHeyGen().start()
    with loopback_client(base_url=server.base_url, headers={"x-api-key": KEY}) as http:
        assert 200 == create(http).status_code
        assert 2 == len(mock_threads())  # the accept loop and the idle connection

        server.close()

        assert before == set(threading.enumerate())
        with pytest.raises(httpx.TransportError):
            create(http)


def test_start_is_idempotent_and_close_is_final() -> None:
    server = MockHeyGen()
    with pytest.raises(RuntimeError, match="not started"):
        _ = server.base_url
    assert "<MockHeyGen not started>" == repr(server)

    assert server is server.start()
    base_url = server.base_url
    assert server is server.start()
    assert base_url == server.base_url
    assert f"<MockHeyGen {base_url}>" == repr(server)

    server.close()
    server.close()
    assert f"<MockHeyGen {base_url} closed>" == repr(server)
    with pytest.raises(RuntimeError, match="closed; create a new one"):
        server.start()
    assert [] == mock_threads()


def test_close_without_start_is_harmless() -> None:
    MockHeyGen().close()

    assert [] == mock_threads()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"api_key": ""}, "api_key must be a non-empty string"), ({"port": 65536}, "port must be between 0 and 65535")],
)
def test_bad_arguments_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MockHeyGen(**kwargs)  # type: ignore[arg-type]


def test_it_listens_only_on_the_host_given() -> None:
    try:
        server = MockHeyGen(host="127.0.0.2").start()
    except OSError as error:
        pytest.skip(f"127.0.0.2 is not a local address here: {error}")
    with server:
        port = int(server.base_url.rsplit(":", 1)[1])
        assert f"http://127.0.0.2:{port}" == server.base_url
        with loopback_client() as http:
            assert 405 == http.get(f"{server.base_url}{CREATE}").status_code
            with pytest.raises(httpx.ConnectError):
                http.get(f"http://127.0.0.1:{port}{CREATE}")


def ipv6_loopback() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not ipv6_loopback(), reason="this machine cannot bind ::1")
def test_ipv6_loopback_with_a_bracketed_base_url() -> None:
    with MockHeyGen(host="::1") as server, loopback_client(base_url=server.base_url) as http:
        assert re.fullmatch(r"http://\[::1\]:\d+", server.base_url), server.base_url
        assert 200 == create(http, headers={"x-api-key": KEY}).status_code
        assert 1 == len(server.videos)


# -- logging -----------------------------------------------------------------------------------------------------


def test_answers_are_logged_at_debug_without_the_key_and_nothing_goes_to_stderr(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    canary = "sk-canary-7d1f0c"
    caplog.set_level(logging.DEBUG, logger="heygen_studio.testing")
    with MockHeyGen(api_key=canary) as server, loopback_client(base_url=server.base_url) as http:
        create(http, headers={"x-api-key": canary})
        create(http, headers={"x-api-key": canary + "-wrong"})
        http.get("/nope")
        video_id = server.videos[0]

    messages = [record.getMessage() for record in caplog.records]
    assert f"POST {CREATE} 200 video_id={video_id}" in messages
    assert f"POST {CREATE} 401" in messages
    assert "GET /nope 404" in messages
    assert {"DEBUG"} == {record.levelname for record in caplog.records}
    assert not [message for message in messages if canary in message]
    assert ("", "") == capfd.readouterr()
