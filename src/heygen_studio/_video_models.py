"""What the video operations return, and the operations themselves, as data.

The shapes follow HeyGen's specs: ``POST /v3/videos`` answers ``{"data": {"video_id",
"status", ...}}`` (``v3-videos-history/20_2026-07-21``); ``GET /v3/videos/{video_id}``
answers ``{"data": VideoDetail}``; ``GET /v3/videos`` answers ``{"data": [VideoDetail],
"has_more", "next_token"}`` (the list itself is ``data``); ``DELETE /v3/videos/{video_id}``
answers ``{"data": {"id", "deleted"}}`` (``external-api-1.0.0.json``).

Answers are read leniently, as the v2 one is: only what a caller cannot do without
(a video id, a status string) is required; a status the spec does not list is kept
as it came; an optional field of an unexpected type reads as ``None`` and stays, as
sent, in ``response``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic

import attrs
from heygen_studio_api.models import CreateVideoResponse
from typing_extensions import TypeVar

from heygen_studio._errors import APIResponseValidationError
from heygen_studio._reading import Received
from heygen_studio._responses import UNKNOWN_VIDEO, VIDEO_ID, check_video_id, load_json, parse_created, request_id_of
from heygen_studio._transport import Operation

#: The parsed body of a create: the generated model for v2 (the default), the JSON object for v3.
R = TypeVar("R", default=CreateVideoResponse)


@attrs.frozen
class CreatedVideo(Generic[R]):
    """A video HeyGen accepted for rendering.

    ``CreatedVideo`` (that is, ``CreatedVideo[CreateVideoResponse]``) is what ``generate``
    returns; ``create`` returns ``CreatedVideo[dict[str, Any]]``.

    Attributes:
        video_id: HeyGen's id for the video; ``wait`` for it, ``get`` it, or wait for the callback.
        request_id: The request id from the response headers, when present.
        retries_taken: Retries this call needed (0 when the first attempt succeeded).
        response: The whole parsed body, unknown fields included (a ``CreateVideoResponse``
            for ``generate``, the JSON object for ``create``).
        status: The initial status (``create`` only; e.g. ``"waiting"``).
    """

    video_id: str
    request_id: str | None
    retries_taken: int
    response: R = attrs.field(repr=False)
    status: str | None = None


@attrs.frozen
class Video:
    """A video as ``GET /v3/videos/{video_id}`` and ``GET /v3/videos`` describe it.

    Attributes:
        id: HeyGen's id for the video.
        status: ``"pending"``, ``"processing"``, ``"completed"``, ``"failed"``, or any other
            string HeyGen sends (kept as it came, never an error).
        title: The video's title.
        video_url: Presigned URL of the video file, once completed.
        thumbnail_url: URL of its thumbnail image.
        captioned_video_url: Presigned URL of the video with captions burned in.
        subtitle_url: Presigned URL of the SRT subtitle file.
        duration: Its duration in seconds.
        created_at: Unix time of creation.
        completed_at: Unix time generation finished.
        failure_code: Machine-readable failure reason (``status == "failed"`` only).
        failure_message: Human-readable failure description (``status == "failed"`` only).
        response: The whole parsed ``VideoDetail`` object, unknown fields included.
    """

    id: str
    status: str
    title: str | None = None
    video_url: str | None = None
    thumbnail_url: str | None = None
    captioned_video_url: str | None = None
    subtitle_url: str | None = None
    duration: float | None = None
    created_at: int | None = None
    completed_at: int | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    response: dict[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@dataclass(frozen=True)
class Page:
    """One page of ``GET /v3/videos``: its videos and the cursor of the next page (``None`` on the last)."""

    videos: list[Video]
    next_token: str | None


def video_from(detail: Any, received: Received) -> Video:
    """A ``Video`` from one ``VideoDetail`` object.

    Raises:
        APIResponseValidationError: It is not an object, or has no ``id`` token or ``status`` string.
    """
    if type(detail) is not dict:
        raise _invalid(received, "a video that is not an object")
    get = detail.get
    video_id, status = get("id"), get("status")
    if type(video_id) is not str or not VIDEO_ID.fullmatch(video_id):
        raise _invalid(received, "a video whose id is not a short printable token")
    if type(status) is not str or not status:
        raise _invalid(received, f"video {video_id} without a status string")
    duration = get("duration")
    return Video(
        video_id,
        status,
        _string(get("title")),
        _string(get("video_url")),
        _string(get("thumbnail_url")),
        _string(get("captioned_video_url")),
        _string(get("subtitle_url")),
        float(duration) if type(duration) is float or type(duration) is int else None,
        _integer(get("created_at")),
        _integer(get("completed_at")),
        _string(get("failure_code")),
        _string(get("failure_message")),
        detail,
    )


def _string(value: Any) -> str | None:
    return value if type(value) is str else None


def _integer(value: Any) -> int | None:
    return value if type(value) is int else None


def _invalid(received: Received, problem: str) -> APIResponseValidationError:
    return APIResponseValidationError(
        f"the body has {problem}",
        status_code=received.status_code,
        body=None,
        request_id=request_id_of(received.headers),
    )


def _data(received: Received, what: str) -> tuple[dict[str, Any], Any]:
    body = load_json(received.status_code, headers=received.headers, content=received.content, what=what)
    if not isinstance(body, dict):
        raise _invalid(received, "no JSON object at its top")
    return body, body.get("data")


# -- parsers, one per operation ------------------------------------------------------------------------------------


def created_v2(received: Received) -> CreatedVideo:
    """``POST /v2/video/generate``: the video id, via the generated ``CreateVideoResponse``."""
    parsed = parse_created(received.status_code, headers=received.headers, content=received.content)
    return CreatedVideo(parsed.data.video_id, request_id_of(received.headers), 0, parsed)


def created_v3(received: Received) -> CreatedVideo[dict[str, Any]]:
    """``POST /v3/videos``: ``{"data": {"video_id", "status", ...}}``."""
    body, data = _data(received, UNKNOWN_VIDEO)
    video_id = check_video_id(
        data.get("video_id") if isinstance(data, dict) else None, received.status_code, received.headers, body
    )
    status = data.get("status") if isinstance(data, dict) else None
    return CreatedVideo(
        video_id, request_id_of(received.headers), 0, body, status=status if isinstance(status, str) else None
    )


def video(received: Received) -> Video:
    """``GET /v3/videos/{video_id}``: ``{"data": VideoDetail}``."""
    _, data = _data(received, "the video's state is unknown")
    return video_from(data, received)


def page(received: Received) -> Page:
    """``GET /v3/videos``: ``{"data": [VideoDetail], "has_more", "next_token"}``."""
    body, data = _data(received, "the page of videos is unknown")
    if not isinstance(data, list):
        raise _invalid(received, "no data list of videos")
    token = body.get("next_token")
    more = body.get("has_more")
    next_token = token if isinstance(token, str) and token and more is not False else None
    return Page([video_from(item, received) for item in data], next_token)


def deleted(received: Received) -> None:
    """``DELETE /v3/videos/{video_id}``: ``{"data": {"id", "deleted"}}``; a 2xx is success."""
    _data(received, "whether the video was deleted is unknown")


GENERATE = Operation("POST /v2/video/generate", "create", created_v2, lost=UNKNOWN_VIDEO)
CREATE = Operation("POST /v3/videos", "create", created_v3, lost=UNKNOWN_VIDEO)
GET = Operation("GET /v3/videos/{video_id}", "idempotent", video)
LIST = Operation("GET /v3/videos", "idempotent", page)
DELETE = Operation("DELETE /v3/videos/{video_id}", "idempotent", deleted)


def list_params(limit: Any, folder_id: Any, title: Any) -> dict[str, str]:
    """The query of ``GET /v3/videos``, checked.

    Raises:
        TypeError: An argument of the wrong type.
        ValueError: ``limit`` outside 1 to 100 (the spec's bounds on a page).
    """
    params: dict[str, str] = {}
    if limit is not None:
        if not isinstance(limit, int) or isinstance(limit, bool):
            raise TypeError(f"limit must be an int (videos per page), got {type(limit).__name__}")
        if not 1 <= limit <= 100:
            raise ValueError(f"limit must be 1 to 100 videos per page, got {limit}")
        params["limit"] = str(limit)
    for name, value in (("folder_id", folder_id), ("title", title)):
        if value is not None:
            if not isinstance(value, str):
                raise TypeError(f"{name} must be a str, got {type(value).__name__}")
            params[name] = value
    return params
