"""From HTTP responses to results and errors: the status map and HeyGen's error bodies in all their shapes."""

from __future__ import annotations

import json

import httpx
import pytest

from heygen_studio import (
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from heygen_studio._responses import make_status_error, parse_created


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (504, InternalServerError),
        (599, InternalServerError),
        (402, APIStatusError),
        (418, APIStatusError),
        (302, APIStatusError),
    ],
)
def test_status_maps_to_one_class(status: int, cls: type[APIStatusError]) -> None:
    error = make_status_error(status, headers=httpx.Headers(), content=b"")
    assert cls is type(error)
    assert status == error.status_code


def as_json(value: object) -> bytes:
    return json.dumps(value).encode()


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (
            as_json({"data": None, "error": {"code": "invalid_parameter", "message": "caption is invalid"}}),
            "invalid_parameter",
            "caption is invalid",
        ),
        (
            as_json(
                {
                    "error": {
                        "code": "invalid_parameter",
                        "message": "bad voice",
                        "param": "voice_id",
                        "doc_url": "https://docs.heygen.com/errors",
                    }
                }
            ),
            "invalid_parameter",
            "bad voice (param voice_id); see https://docs.heygen.com/errors",
        ),
        (as_json({"error": "Unauthorized"}), None, "Unauthorized"),
        (as_json({"code": 400112, "message": "Unauthorized"}), "400112", "Unauthorized"),
        (as_json("quota exhausted"), None, "quota exhausted"),
        (
            b"<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>",
            None,
            "HeyGen (or a proxy in front of it) answered 502 with an HTML page: 502 Bad Gateway",
        ),
        (
            b"<html><body><p>Service&nbsp;down</p></body></html>",
            None,
            "HeyGen (or a proxy in front of it) answered 502 with an HTML page: Service down",
        ),
        (b"upstream connect error", None, "upstream connect error"),
        (b"", None, "HeyGen answered 502 with no explanation"),
        (as_json(None), None, "HeyGen answered 502 with no explanation"),
        (as_json({"unexpected": 1}), None, 'HeyGen answered 502 with no explanation: {"unexpected": 1}'),
        (as_json([1, 2]), None, "HeyGen answered 502 with no explanation: [1, 2]"),
        (b"\xff\xfe broken utf-8", None, "\ufffd\ufffd broken utf-8"),
    ],
)
def test_error_bodies_give_a_useful_message(content: bytes, code: str | None, message: str) -> None:
    error = make_status_error(502, headers=httpx.Headers(), content=content)
    assert (code, message) == (error.code, error.message)
    assert message in str(error)


def test_long_bodies_are_clipped() -> None:
    error = make_status_error(500, headers=httpx.Headers(), content=b"x" * 10_000)
    assert 300 == len(error.message)
    assert error.message.endswith("…")
    assert b"x" * 10_000 == error.body.encode()


def test_request_id_comes_from_the_headers() -> None:
    error = make_status_error(400, headers=httpx.Headers({"X-Request-Id": "req_123"}), content=b"{}")
    assert "req_123" == error.request_id
    assert str(error).endswith("(request id req_123)")


def test_redirect_names_the_location() -> None:
    error = make_status_error(307, headers=httpx.Headers({"Location": "https://evil.example/steal"}), content=b"")
    assert "redirect to https://evil.example/steal" in str(error)
    assert "not followed" in str(error)


def test_rate_limit_reads_retry_after() -> None:
    error = make_status_error(429, headers=httpx.Headers({"Retry-After": "7"}), content=b"")
    assert isinstance(error, RateLimitError)
    assert 7.0 == error.retry_after


def test_success_body_is_read_leniently() -> None:
    body = {"error": {"code": "note", "message": "later"}, "data": {"video_id": "abc", "new_field": 1}, "extra": True}
    parsed = parse_created(200, headers=httpx.Headers(), content=as_json(body))
    assert "abc" == parsed.data.video_id
    assert {"new_field": 1} == parsed.data.additional_properties
    assert {"extra": True} == parsed.additional_properties
    assert body == parsed.to_dict()


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b"",
        as_json({"error": None}),
        as_json({"data": None}),
        as_json({"data": {"video_id": 7}}),
        as_json([]),
    ],
)
def test_success_body_without_a_video_id_is_an_error(content: bytes) -> None:
    with pytest.raises(APIResponseValidationError) as caught:
        parse_created(200, headers=httpx.Headers({"x-request-id": "r"}), content=content)
    assert "video id is unknown" in str(caught.value)
    assert 200 == caught.value.status_code
    assert "r" == caught.value.request_id
