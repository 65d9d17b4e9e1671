"""What MockHeyGen sends back: one answer type and HeyGen's two error envelopes.

HeyGen answers errors in two shapes. The legacy endpoints (``/v1``, ``/v2``)
send ``{"data": null, "error": {"code": ..., "message": ...}}``; the v3
endpoints send ``{"error": {"code", "message", "param", "doc_url"}}``
(``StandardAPIError`` in HeyGen's External API spec). An operation names its
style and every error it answers, fault-script defaults included, uses it.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

JSON = "application/json"

# Codes in HeyGen's style. 400, 401, 404 and 429 are the ones HeyGen's own documents show on its legacy
# ``{"data": null, "error": {...}}`` endpoints; the rest are chosen to read the same way.
_LEGACY_ERRORS: dict[int, tuple[str, str]] = {
    400: ("invalid_parameter", "Invalid parameters"),
    401: ("unauthorized", "Unauthorized"),
    403: ("permission_denied", "You do not have permission to perform this action"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    409: ("conflict", "The request conflicts with the current state of the resource"),
    413: ("payload_too_large", "Request body too large"),
    422: ("unprocessable_entity", "The request could not be processed"),
    429: ("rate_limit_exceeded", "Too many requests"),
}
# The External API spec's own examples for the v3 operations (401, 404 and 429 responses of /v3/videos).
_V3_ERRORS: dict[int, tuple[str, str]] = {
    **_LEGACY_ERRORS,
    401: ("authentication_failed", "Invalid or expired API key. Verify your x-api-key header."),
    404: ("not_found", "Video not found."),
    429: ("rate_limit_exceeded", "Too many requests. Retry after the duration specified in the Retry-After header."),
}


class ErrorStyle(enum.Enum):
    """Which of HeyGen's error envelopes an operation answers with."""

    LEGACY = "legacy"
    V3 = "v3"


@dataclass(frozen=True)
class Answer:
    """One complete response: status, body, its media type and extra headers (applied last)."""

    status: int
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()


def json_answer(status: int, value: Any, *headers: tuple[str, str]) -> Answer:
    """Encode ``value`` as a JSON answer."""
    return Answer(status, json.dumps(value).encode(), JSON, headers)


def default_error(status: int, style: ErrorStyle) -> tuple[str, str]:
    """The code and message HeyGen would send for ``status`` in ``style``."""
    known = (_V3_ERRORS if style is ErrorStyle.V3 else _LEGACY_ERRORS).get(status)
    if known is not None:
        return known
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    if status >= 500:
        return "internal_error", phrase
    return "_".join(phrase.lower().replace("'", "").replace("-", " ").split()), phrase


def error_body(status: int, style: ErrorStyle, message: str | None = None, *, param: str | None = None) -> bytes:
    """HeyGen's error body for ``status``: the default code, and ``message`` or the default message."""
    code, default_message = default_error(status, style)
    if style is ErrorStyle.V3:
        error: dict[str, Any] = {"code": code, "message": message or default_message, "param": param, "doc_url": None}
        return json.dumps({"error": error}).encode()
    return json.dumps({"data": None, "error": {"code": code, "message": message or default_message}}).encode()


def error_answer(
    status: int,
    message: str | None = None,
    *headers: tuple[str, str],
    style: ErrorStyle = ErrorStyle.LEGACY,
    param: str | None = None,
) -> Answer:
    """An error answer in ``style``; ``param`` names the field at fault (v3 only)."""
    return Answer(status, error_body(status, style, message, param=param), JSON, headers)
