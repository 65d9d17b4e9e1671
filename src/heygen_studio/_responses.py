"""From an HTTP response to a result or an error: status mapping, error bodies in every shape, request ids.

Everything here reads what a server sent, so everything here is bounded: the
body arrives already capped by the transport, HTML is summarised in one linear
pass, JSON nested too deep to parse is treated as text, and every string taken
from a header (a request id, a ``Location``) is clipped before it enters a message.
"""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Mapping
from typing import Any

from heygen_studio_api.models import CreateVideoResponse

from heygen_studio._errors import (
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
from heygen_studio._retry import parse_retry_after

#: Response headers that carry a request id, in the order they are looked up.
REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-amzn-requestid", "cf-ray")

#: A video id is a short printable token (HeyGen's are 32 hex digits); anything else is refused.
VIDEO_ID = re.compile(r"[!-~]{1,128}")

_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def make_status_error(
    status_code: int,
    *,
    headers: Mapping[str, str],
    content: bytes,
    now: float | None = None,
    limit: int | None = None,
) -> APIStatusError:
    """The error for a response HeyGen answered with an error status.

    Args:
        status_code: The HTTP status (3xx, 4xx or 5xx).
        headers: The response headers (case-insensitive mapping).
        content: The raw body.
        now: Wall-clock time for an HTTP-date ``Retry-After``; defaults to ``time.time()``.
        limit: When given, the body was larger than this many bytes and ``content`` is only
            its start: the message says so instead of quoting a truncated body.

    Returns:
        An instance of the class for the status (``InternalServerError`` for every 5xx,
        ``APIStatusError`` for the rest), with HeyGen's code and message when the body has them.
    """
    if limit is None:
        body = decode_body(content)
        code, message = error_message(body, status_code=status_code)
    else:
        body, code = None, None
        message = f"HeyGen answered {status_code} with a body larger than {limit} bytes, not read past that"
    request_id = request_id_of(headers)
    if 300 <= status_code < 400:
        location = headers.get("location")
        shown = _clip(location, _MAX_HEADER) if location else "nowhere"
        message = (
            f"HeyGen answered with a redirect to {shown}; redirects are not followed, "
            "so the API key never travels to another address"
        )
    if status_code == 429:
        retry_after = parse_retry_after(headers.get("retry-after"), now=time.time() if now is None else now)
        return RateLimitError(
            message, retry_after=retry_after, status_code=status_code, code=code, body=body, request_id=request_id
        )
    cls = _STATUS_ERRORS.get(status_code, InternalServerError if status_code >= 500 else APIStatusError)
    return cls(message, status_code=status_code, code=code, body=body, request_id=request_id)


def request_id_of(headers: Mapping[str, str]) -> str | None:
    """The request id HeyGen (or its CDN) put in the response headers, if any, clipped to 128 characters."""
    for name in REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return _clip(value, _MAX_HEADER)
    return None


def decode_body(content: bytes) -> Any:
    """The body as JSON when it is JSON, else as text (invalid UTF-8 replaced).

    JSON nested deeper than Python's parser can go is kept as text: a server
    cannot turn an error answer into a ``RecursionError``.
    """
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        return content.decode("utf-8", errors="replace")


_MAX_MESSAGE = 300
_MAX_HEADER = 128
# Only the start of an HTML page is summarised: a title or a first sentence is all a message needs.
_MAX_HTML = 16_384


def error_message(body: Any, *, status_code: int) -> tuple[str | None, str]:
    """HeyGen's error code and a readable message from an error body in any of its shapes.

    Shapes seen from HeyGen and what sits in front of it: ``{"data": null, "error":
    {"code", "message"}}``; ``{"error": {"code", "message", "param", "doc_url"}}``;
    ``{"error": "text"}``; ``{"code": 40001, "message": "text"}``; a bare JSON string;
    an HTML page from a proxy; plain text; nothing.
    """
    fallback = f"HeyGen answered {status_code} with no explanation"
    if isinstance(body, Mapping):
        error = body.get("error")
        if isinstance(error, Mapping):
            code = _text(error.get("code"))
            message = _text(error.get("message")) or fallback
            param, doc_url = _text(error.get("param")), _text(error.get("doc_url"))
            if param and param not in message:
                message = f"{message} (param {param})"
            if doc_url:
                message = f"{message}; see {doc_url}"
            return code, _clip(message)
        if isinstance(error, str) and error:
            return None, _clip(error)
        top_message = _text(body.get("message"))
        if top_message:
            return _text(body.get("code")), _clip(top_message)
        return None, _clip(f"{fallback}: {_dumps(body)}")
    if isinstance(body, str):
        text = body.strip()
        if not text:
            return None, fallback
        if text.startswith("<"):
            summary = " ".join(html.unescape(html_summary(text[:_MAX_HTML])).split())
            page = f"HeyGen (or a proxy in front of it) answered {status_code} with an HTML page"
            return None, _clip(f"{page}: {summary}")
        return None, _clip(text)
    if body is None:
        return None, fallback
    return None, _clip(f"{fallback}: {_dumps(body)}")


def html_summary(page: str) -> str:
    """The title of an HTML page, else its text with the tags taken out, in one linear pass.

    A regular expression such as ``<[^>]*>`` rescans the rest of the page from
    every ``<`` that has no ``>``, which is quadratic; ``str.find`` from a moving
    position never looks at a character twice.
    """
    lower = page.lower()
    start = lower.find("<title")
    if start >= 0:
        open_end = lower.find(">", start)
        close = lower.find("</title>", open_end) if open_end >= 0 else -1
        if close >= 0:
            return page[open_end + 1 : close]
    parts: list[str] = []
    position = 0
    while True:
        tag = page.find("<", position)
        if tag < 0:
            parts.append(page[position:])
            break
        parts.append(page[position:tag])
        end = page.find(">", tag)
        if end < 0:
            break  # an unclosed tag runs to the end of the page: nothing after it is text
        position = end + 1
    return " ".join(parts)


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else _dumps(value)


def _dumps(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (ValueError, TypeError, RecursionError):
        return "<a value too deeply nested to show>"


def _clip(text: str, limit: int = _MAX_MESSAGE) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def load_json(status_code: int, *, headers: Mapping[str, str], content: bytes, what: str) -> Any:
    """The JSON of a 2xx body.

    Args:
        status_code: The HTTP status.
        headers: The response headers.
        content: The raw body.
        what: What the caller loses when the body cannot be read, for the message
            (``"the video id is unknown; the video was probably created"``).

    Raises:
        APIResponseValidationError: The body is not JSON, or nested too deep to parse.
    """
    try:
        return json.loads(content)
    except (ValueError, RecursionError) as exc:
        reason = "nested too deeply to read" if isinstance(exc, RecursionError) else "not JSON"
        text = content.decode("utf-8", errors="replace")
        raise APIResponseValidationError(
            f"the body is {reason}, so {what} ({_clip(text) or 'empty body'})",
            status_code=status_code,
            body=text,
            request_id=request_id_of(headers),
        ) from None


def oversized(status_code: int, *, headers: Mapping[str, str], limit: int, what: str) -> APIResponseValidationError:
    """The error for a 2xx body larger than ``limit`` bytes (not read past that)."""
    return APIResponseValidationError(
        f"the body is larger than {limit} bytes and was not read past that, so {what}",
        status_code=status_code,
        body=None,
        request_id=request_id_of(headers),
    )


def parse_created(status_code: int, *, headers: Mapping[str, str], content: bytes) -> CreateVideoResponse:
    """The 2xx body of a create-video call, read leniently.

    Unknown fields land in ``additional_properties`` and ``error`` may be null, a
    string or an object; only a body that is not JSON or has no ``data.video_id``
    string is refused.

    Raises:
        APIResponseValidationError: The body is not what the spec says.
    """
    body = load_json(status_code, headers=headers, content=content, what=UNKNOWN_VIDEO)
    data = body.get("data") if isinstance(body, Mapping) else None
    check_video_id(data.get("video_id") if isinstance(data, Mapping) else None, status_code, headers, body)
    try:
        return CreateVideoResponse.from_dict(body)
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        raise APIResponseValidationError(
            f"the body does not match the spec ({type(exc).__name__}: {_clip(str(exc))}): {_clip(_dumps(body))}",
            status_code=status_code,
            body=body,
            request_id=request_id_of(headers),
        ) from None


#: What a caller loses when a create's 2xx answer cannot be read.
UNKNOWN_VIDEO = "the video id is unknown; the video was probably created"


def check_video_id(video_id: Any, status_code: int, headers: Mapping[str, str], body: Any) -> str:
    """``video_id`` when it is a short printable token (``VIDEO_ID``), else ``APIResponseValidationError``."""
    if isinstance(video_id, str) and VIDEO_ID.fullmatch(video_id):
        return video_id
    if isinstance(video_id, str) and video_id:
        problem = f"a data.video_id that is not a short printable token ({_clip(repr(video_id), 80)})"
    else:
        problem = "no data.video_id string"
    raise APIResponseValidationError(
        f"the body has {problem}, so {UNKNOWN_VIDEO}: {_clip(_dumps(body))}",
        status_code=status_code,
        body=body,
        request_id=request_id_of(headers),
    )


def unreadable(received: Any, exc: BaseException) -> APIResponseValidationError:
    """The error for a 2xx answer whose body provoked ``exc`` in a parser."""
    text = received.content.decode("utf-8", errors="replace")
    return APIResponseValidationError(
        f"the body could not be read ({type(exc).__name__}: {_clip(str(exc), 120)}): {_clip(text)}",
        status_code=received.status_code,
        body=text,
        request_id=request_id_of(received.headers),
    )
