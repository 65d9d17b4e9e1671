"""MockHeyGen's operations: one table from method and path template to handler, and the handlers.

Each row names an operation as HeyGen's specs do (``"GET /v3/videos/{video_id}"``),
the error envelope it answers with and the function that answers it. Routing
is a lookup in this table: a path no row matches is 404, a path some row
matches with another method is 405 with ``Allow``. Adding an operation is one
row and one function.
"""

from __future__ import annotations

import codecs
import hmac
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

from heygen_studio._validation import WRONG_VARIANT, validate_request
from heygen_studio.testing._answers import Answer, ErrorStyle, error_answer, json_answer
from heygen_studio.testing._http import RecordedRequest
from heygen_studio.testing._store import BadTokenError, VideoStore

V2_CREATE = "POST /v2/video/generate"
V3_CREATE = "POST /v3/videos"
# The External API spec's bounds and default for ``GET /v3/videos?limit=``.
_LIMIT_MIN, _LIMIT_MAX, _LIMIT_DEFAULT = 1, 100, 10
_LIST_PARAMETERS = ("limit", "token", "folder_id", "title")
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF8, "UTF-8"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_CHARSET = re.compile(r";\s*charset\s*=\s*\"?([^\";\s]*)", re.IGNORECASE)
_UTF8_CHARSETS = frozenset({"utf-8", "utf8"})


@dataclass(frozen=True)
class Call:
    """One request routed to an operation: the request, its path parameters and its query."""

    request: RecordedRequest
    params: Mapping[str, str]
    query: Mapping[str, list[str]]


@dataclass(frozen=True)
class Context:
    """What the handlers share: the videos and whether bodies are checked against the spec."""

    store: VideoStore
    validate: bool


#: A handler answers a call; the ``str`` is the id of the video it created, for the log.
Handler = Callable[[Context, Call], tuple[Answer, "str | None"]]


@dataclass(frozen=True)
class Operation:
    """One row of the table."""

    method: str
    template: str
    style: ErrorStyle
    handle: Handler

    @property
    def name(self) -> str:
        """The operation as HeyGen's specs name it, e.g. ``"GET /v3/videos/{video_id}"``."""
        return f"{self.method} {self.template}"

    @property
    def pattern(self) -> re.Pattern[str]:
        """The path template as a regular expression; each ``{name}`` matches one path segment."""
        parts = re.split(r"\{(\w+)\}", self.template)
        source = "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>[^/]+)" for index, part in enumerate(parts)
        )
        return re.compile(source)


# -- bodies ------------------------------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_object(request: RecordedRequest) -> dict[str, Any] | str:
    """The body as a JSON object, or why it is not one. HeyGen reads UTF-8 JSON only: no BOM, no UTF-16/32."""
    declared = _CHARSET.search(request.headers.get("content-type", ""))
    if declared is not None and declared.group(1).lower() not in _UTF8_CHARSETS:
        return f"body is invalid: charset {declared.group(1)[:40]!r} is not accepted; send UTF-8 JSON"
    body = request.body
    for mark, encoding in _BYTE_ORDER_MARKS:
        if body.startswith(mark):
            return f"body is invalid: not valid JSON (a {encoding} byte order mark; send UTF-8 without one)"
    if b"\0" in body[:4]:
        return "body is invalid: not valid JSON (it looks like UTF-16 or UTF-32; send UTF-8)"
    try:
        text = body.decode("utf-8")
        payload = json.loads(text, parse_constant=_reject_constant)
    except UnicodeDecodeError as error:
        return f"body is invalid: not valid JSON (not UTF-8: {error.reason} at byte {error.start})"
    except (ValueError, RecursionError) as error:
        return f"body is invalid: not valid JSON ({error})"
    if not isinstance(payload, dict):
        return f"body is invalid: expected a JSON object, got {type(payload).__name__}"
    return payload


def first_violation(payload: dict[str, Any], operation: str) -> tuple[str, str] | None:
    """The first rule ``payload`` breaks for ``operation``, as (dotted path, message), or ``None``.

    The one place the mock calls the SDK's validation, so the mock and the client agree on every body.
    """
    violations = validate_request(payload, operation=operation)
    # HeyGen ignores a field that belongs to a sibling variant (``talking_style`` on an ``avatar``): the SDK
    # reports those as warnings when not strict, and the server accepts them, so the mock does too.
    for violation in violations:
        if violation.rule != WRONG_VARIANT:
            return violation.path, violation.message
    return None


def authorize(request: RecordedRequest, api_key: str, style: ErrorStyle) -> Answer | None:
    """401 in the operation's envelope unless ``x-api-key`` carries ``api_key``."""
    key = request.headers.get("x-api-key")
    if key is not None and hmac.compare_digest(key.encode(), api_key.encode()):
        return None
    if style is ErrorStyle.V3:
        return error_answer(401, style=style)
    if key is None:
        return error_answer(401, "Unauthorized: the x-api-key header is missing")
    return error_answer(401, "Unauthorized: the x-api-key header does not carry a valid API key")


# -- the handlers ------------------------------------------------------------------------------------------------


def _create_v2(context: Context, call: Call) -> tuple[Answer, str | None]:
    payload = parse_object(call.request)
    if isinstance(payload, str):
        return error_answer(400, payload), None
    if context.validate:
        problem = first_violation(payload, V2_CREATE)
        if problem is not None:
            path, message = problem
            return error_answer(400, f"{path or 'body'} is invalid: {message}"), None
    video = context.store.create(payload)
    return json_answer(200, {"error": None, "data": {"video_id": video.id}}), video.id


def _create_v3(context: Context, call: Call) -> tuple[Answer, str | None]:
    payload = parse_object(call.request)
    if isinstance(payload, str):
        return error_answer(400, payload, style=ErrorStyle.V3), None
    if context.validate:
        problem = first_violation(payload, V3_CREATE)
        if problem is not None:
            path, message = problem
            return error_answer(400, message, style=ErrorStyle.V3, param=path or None), None
    video = context.store.create(payload)
    output_format = payload.get("output_format") if payload.get("output_format") in ("mp4", "webm") else "mp4"
    data = {"video_id": video.id, "status": "waiting", "output_format": output_format}
    return json_answer(200, {"data": data}), video.id


def _not_found() -> Answer:
    return error_answer(404, style=ErrorStyle.V3)


def _get_v3(context: Context, call: Call) -> tuple[Answer, str | None]:
    video = context.store.get(call.params["video_id"])
    if video is None:
        return _not_found(), None
    return json_answer(200, {"data": context.store.detail(video, context.store.now())}), None


def _delete_v3(context: Context, call: Call) -> tuple[Answer, str | None]:
    video_id = call.params["video_id"]
    if not context.store.delete(video_id):
        return _not_found(), None
    return json_answer(200, {"data": {"id": video_id, "deleted": True}}), None


def _bad_parameter(message: str, param: str) -> tuple[Answer, str | None]:
    return error_answer(400, message, style=ErrorStyle.V3, param=param), None


def _list_v3(context: Context, call: Call) -> tuple[Answer, str | None]:
    for name, values in call.query.items():
        if name not in _LIST_PARAMETERS:
            known = ", ".join(map(repr, _LIST_PARAMETERS))
            return _bad_parameter(f"Unknown query parameter {name[:40]!r}; known: {known}.", name[:40])
        if len(values) > 1:
            return _bad_parameter(f"'{name}' is given {len(values)} times; give it once.", name)
    one = {name: values[0] for name, values in call.query.items()}
    limit = _LIMIT_DEFAULT
    if "limit" in one:
        text = one["limit"]
        limit = int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else 0
        if not _LIMIT_MIN <= limit <= _LIMIT_MAX:
            return _bad_parameter(f"'limit' must be between {_LIMIT_MIN} and {_LIMIT_MAX}.", "limit")
    try:
        videos, token = context.store.page(
            limit=limit, token=one.get("token"), folder_id=one.get("folder_id"), title=one.get("title")
        )
    except BadTokenError:
        return _bad_parameter("'token' is not a cursor from a previous response.", "token")
    now = context.store.now()
    body = {
        "data": [context.store.detail(video, now) for video in videos],
        "has_more": token is not None,
        "next_token": token,
    }
    return json_answer(200, body), None


def _legacy_status(context: Context, call: Call) -> tuple[Answer, str | None]:
    values = call.query.get("video_id", [])
    if len(values) != 1 or not values[0]:
        return error_answer(400, "video_id is invalid: give one video_id query parameter"), None
    video = context.store.get(values[0])
    if video is None:
        return error_answer(404, "Video not found"), None
    data = context.store.legacy_status(video, context.store.now())
    return json_answer(200, {"code": 100, "data": data, "message": "Success"}), None


#: Every operation the mock serves.
OPERATIONS: tuple[Operation, ...] = (
    Operation("POST", "/v2/video/generate", ErrorStyle.LEGACY, _create_v2),
    Operation("GET", "/v1/video_status.get", ErrorStyle.LEGACY, _legacy_status),
    Operation("POST", "/v3/videos", ErrorStyle.V3, _create_v3),
    Operation("GET", "/v3/videos", ErrorStyle.V3, _list_v3),
    Operation("GET", "/v3/videos/{video_id}", ErrorStyle.V3, _get_v3),
    Operation("DELETE", "/v3/videos/{video_id}", ErrorStyle.V3, _delete_v3),
)
OPERATION_NAMES = frozenset(operation.name for operation in OPERATIONS)
_PATTERNS = tuple((operation, operation.pattern) for operation in OPERATIONS)


def route(request: RecordedRequest) -> tuple[Operation, Call] | Answer:
    """Find the operation for a request, or the 404/405 answer when there is none."""
    method = request.method
    path, _, query = request.path.partition("?")
    allowed: list[Operation] = []
    for operation, pattern in _PATTERNS:
        match = pattern.fullmatch(path)
        if match is None:
            continue
        if operation.method == method:
            params = {name: unquote(value) for name, value in match.groupdict().items()}
            return operation, Call(request, params, parse_qs(query, keep_blank_values=True))
        allowed.append(operation)
    if not allowed:
        return error_answer(404, f"No route for {method} {path}")
    methods = [operation.method for operation in allowed]
    message = f"Method {method} is not allowed on {path}; use {' or '.join(methods)}"
    return error_answer(405, message, ("Allow", ", ".join(methods)), style=allowed[0].style)
