"""From an HTTP response to a result or an error: status mapping, error bodies in every shape, request ids."""

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
) -> APIStatusError:
    """The error for a response HeyGen answered with an error status.

    Args:
        status_code: The HTTP status (3xx, 4xx or 5xx).
        headers: The response headers (case-insensitive mapping).
        content: The raw body.
        now: Wall-clock time for an HTTP-date ``Retry-After``; defaults to ``time.time()``.

    Returns:
        An instance of the class for the status (``InternalServerError`` for every 5xx,
        ``APIStatusError`` for the rest), with HeyGen's code and message when the body has them.
    """
    body = decode_body(content)
    code, message = error_message(body, status_code=status_code)
    request_id = request_id_of(headers)
    if 300 <= status_code < 400:
        location = headers.get("location")
        message = (
            f"HeyGen answered with a redirect to {location or 'nowhere'}; redirects are not followed, "
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
    """The request id HeyGen (or its CDN) put in the response headers, if any."""
    for name in REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value
    return None


def decode_body(content: bytes) -> Any:
    """The body as JSON when it is JSON, else as text (invalid UTF-8 replaced)."""
    try:
        return json.loads(content)
    except ValueError:
        return content.decode("utf-8", errors="replace")


_TAG = re.compile(r"<[^>]*>")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_MAX_MESSAGE = 300


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
        return None, _clip(f"{fallback}: {json.dumps(body, ensure_ascii=False)}")
    if isinstance(body, str):
        text = body.strip()
        if not text:
            return None, fallback
        if text.startswith("<"):
            title = _TITLE.search(text)
            summary = title.group(1) if title else _TAG.sub(" ", text)
            summary = " ".join(html.unescape(summary).split())
            page = f"HeyGen (or a proxy in front of it) answered {status_code} with an HTML page"
            return None, _clip(f"{page}: {summary}")
        return None, _clip(text)
    if body is None:
        return None, fallback
    return None, _clip(f"{fallback}: {json.dumps(body, ensure_ascii=False)}")


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def parse_created(status_code: int, *, headers: Mapping[str, str], content: bytes) -> CreateVideoResponse:
    """The 2xx body of a create-video call, read leniently.

    Unknown fields land in ``additional_properties`` and ``error`` may be null, a
    string or an object; only a body that is not JSON or has no ``data.video_id``
    string is refused.

    Raises:
        APIResponseValidationError: The body is not what the spec says.
    """
    request_id = request_id_of(headers)
    try:
        body = json.loads(content)
    except ValueError:
        raise APIResponseValidationError(
            "the body is not JSON, so the video id is unknown; the video was probably created"
            f" ({_clip(content.decode('utf-8', errors='replace')) or 'empty body'})",
            status_code=status_code,
            body=content.decode("utf-8", errors="replace"),
            request_id=request_id,
        ) from None
    data = body.get("data") if isinstance(body, Mapping) else None
    video_id = data.get("video_id") if isinstance(data, Mapping) else None
    if not isinstance(video_id, str) or not video_id:
        raise APIResponseValidationError(
            f"the body has no data.video_id string, so the video id is unknown: {_clip(json.dumps(body))}",
            status_code=status_code,
            body=body,
            request_id=request_id,
        )
    try:
        return CreateVideoResponse.from_dict(body)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise APIResponseValidationError(
            f"the body does not match the spec ({type(exc).__name__}: {exc}): {_clip(json.dumps(body))}",
            status_code=status_code,
            body=body,
            request_id=request_id,
        ) from exc
