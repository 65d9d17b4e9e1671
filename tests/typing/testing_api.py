"""Checked by mypy, never run: the public signatures of heygen_studio.testing.

Lines that must be type errors carry ``# type: ignore[<code>]``; mypy's
warn_unused_ignores (strict) fails the check if one of them stops being an error.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from typing_extensions import assert_type

from heygen_studio.testing import MockHeyGen, RecordedRequest

# -- the happy path type-checks without casts --------------------------------------------------------------------

with MockHeyGen() as server:
    assert_type(server, MockHeyGen)
    assert_type(server.base_url, str)
    assert_type(server.api_key, str)
    assert_type(server.requests, list[RecordedRequest])
    assert_type(server.videos, list[str])
    server.fail_next(429)
    server.fail_next(429, retry_after=2)
    server.fail_next(429, retry_after=1.5)
    server.fail_next(429, retry_after="Wed, 21 Oct 2015 07:28:00 GMT")
    server.fail_next(502, body="<html>Bad Gateway</html>")
    server.fail_next(200, body=b'{"data": ')
    server.fail_next(500, body={"error": {"code": "x", "message": "y"}})
    server.fail_next(302, headers={"Location": "https://evil.example/x"}, times=2)
    server.stall_next(5)
    server.stall_next(0.5)
    server.drop_next()
    server.fail_next(503, operation="GET /v3/videos/{video_id}")
    server.stall_next(1, operation="GET /v3/videos")
    server.drop_next(operation="DELETE /v3/videos/{video_id}")
    server.advance(60)
    server.advance(0.5)
    server.fail_render_next()
    server.fail_render_next("avatar_not_found", "The avatar was deleted")
    assert_type(server.video("0123"), dict[str, Any])
    server.reset()

clocked = MockHeyGen(render_seconds=60, clock=lambda: 1_780_000_000.0)
clocked_too = MockHeyGen(render_seconds=0.5, clock=time.monotonic)

started: MockHeyGen = MockHeyGen(api_key="k", host="::1", port=8000, validate=False).start()
started.close()

request = started.requests[0]
assert_type(request.method, str)
assert_type(request.path, str)
assert_type(request.headers, Mapping[str, str])
assert_type(request.body, bytes)
assert_type(request.json(), Any)
key: str = request.headers["x-api-key"]

# -- mistakes mypy must catch ------------------------------------------------------------------------------------

MockHeyGen("test-key")  # type: ignore[call-arg]
MockHeyGen(port="8000")  # type: ignore[arg-type]
server.fail_next("429")  # type: ignore[arg-type]
server.fail_next(429, 2)  # type: ignore[call-arg]
server.fail_next(429, retry_after=[1])  # type: ignore[arg-type]
server.fail_next(429, headers={"Retry-After": 1})  # type: ignore[dict-item]
server.stall_next("5")  # type: ignore[arg-type]
server.drop_next(1)  # type: ignore[call-arg,arg-type]
server.drop_next("DELETE /v3/videos/{video_id}")  # type: ignore[call-arg]
server.fail_next(503, operation=1)  # type: ignore[arg-type]
server.advance("5")  # type: ignore[arg-type]
server.fail_render_next(code=1)  # type: ignore[arg-type]
MockHeyGen(render_seconds="60")  # type: ignore[arg-type]
MockHeyGen(clock=0.0)  # type: ignore[arg-type]
MockHeyGen(clock=lambda: "now")  # type: ignore[arg-type,return-value]
server.base_url = "http://elsewhere"  # type: ignore[misc]
request.body = b""  # type: ignore[misc]
request.headers["x-api-key"] = "other"  # type: ignore[index]
