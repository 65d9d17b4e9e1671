"""MockHeyGen's videos: what each one is, where its render stands on a clock the test controls, and paging.

A video is ``waiting`` for the first half of its render time, ``processing``
for the second half, and ``completed`` (or ``failed``, when
:meth:`VideoStore.fail_render_next` marked it) from then on. Its render time is
the store's ``render_seconds`` when it was created. The time is the injected
clock plus whatever :meth:`VideoStore.advance` added, so a test moves a video
through its states without sleeping.

The URLs of a finished video are on ``mockheygen.invalid``, a reserved name
that never resolves: they have HeyGen's shape, and nothing downloads from
them by accident.
"""

from __future__ import annotations

import base64
import binascii
import math
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

#: Where the URLs of a finished video point (RFC 2606 reserves ``.invalid``).
FILES_URL = "https://mockheygen.invalid/videos"
# A speaking rate for the duration a finished video reports: 150 words a minute.
_SECONDS_PER_WORD = 0.4
_TOKEN_PREFIX = "after:"


class BadTokenError(ValueError):
    """A list cursor this store did not issue."""


@dataclass(frozen=True)
class Video:
    """One video as created; its status is computed from the time (see :meth:`VideoStore.status`)."""

    id: str
    sequence: int
    created: float
    render_seconds: float
    title: str | None
    folder_id: str | None
    callback_id: str | None
    duration: float
    subtitles: bool
    burned_captions: bool
    failure: tuple[str, str] | None


def _words(value: Any) -> int:
    """Count the words of every ``script`` and ``input_text`` string in a request payload."""
    if isinstance(value, Mapping):
        return sum(
            len(item.split()) if key in ("script", "input_text") and isinstance(item, str) else _words(item)
            for key, item in value.items()
        )
    if isinstance(value, list):
        return sum(_words(item) for item in value)
    return 0


def describe(payload: Mapping[str, Any]) -> dict[str, Any]:
    """What a create request says about its video: title, folder, callback, captions and an estimated duration.

    The duration is the cinematic ``duration`` when given, else the script's
    words at 150 a minute (at least one second).
    """
    caption = payload.get("caption")
    duration = payload.get("duration")
    if not isinstance(duration, (int, float)) or isinstance(duration, bool):
        duration = max(1.0, round(_words(payload) * _SECONDS_PER_WORD, 1))
    text = {name: payload.get(name) if isinstance(payload.get(name), str) else None for name in ("title", "folder_id")}
    callback_id = payload.get("callback_id")
    return {
        **text,
        "callback_id": callback_id if isinstance(callback_id, str) else None,
        "duration": float(duration),
        # v2 takes ``caption: true``; v3 takes a caption object whose ``style`` also burns them in.
        "subtitles": caption is True or isinstance(caption, Mapping),
        "burned_captions": caption is True or (isinstance(caption, Mapping) and caption.get("style") is not None),
    }


class VideoStore:
    """Every video the mock accepted, behind one lock."""

    def __init__(self, *, render_seconds: float, clock: Callable[[], float]) -> None:
        self._render_seconds = render_seconds
        self._clock = clock
        self._offset = 0.0
        self._lock = threading.Lock()
        self._videos: dict[str, Video] = {}
        self._accepted: list[str] = []
        self._failures: list[tuple[str, str]] = []

    # -- time --------------------------------------------------------------------------------------------------

    def now(self) -> float:
        """The store's time: the clock plus every :meth:`advance`."""
        with self._lock:
            return self._clock() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the store's time forward by ``seconds`` (finite, >= 0)."""
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds):
            raise ValueError(f"seconds must be a finite number >= 0, got {seconds!r}")
        if seconds < 0:
            raise ValueError(f"seconds must be a finite number >= 0, got {seconds!r}")
        with self._lock:
            self._offset += float(seconds)

    # -- videos ------------------------------------------------------------------------------------------------

    def fail_render_next(self, code: str, message: str) -> None:
        """Make the next created video end ``failed`` with this code and message."""
        with self._lock:
            self._failures.append((code, message))

    def create(self, payload: Mapping[str, Any]) -> Video:
        """Accept a video for ``payload`` (already validated); its render starts now."""
        facts = describe(payload)
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
            video = Video(
                id=uuid.uuid4().hex,
                sequence=len(self._accepted),
                created=self._clock() + self._offset,
                render_seconds=self._render_seconds,
                failure=failure,
                **facts,
            )
            self._videos[video.id] = video
            self._accepted.append(video.id)
        return video

    def get(self, video_id: str) -> Video | None:
        """The video, or ``None`` when it never existed or was deleted."""
        with self._lock:
            return self._videos.get(video_id)

    def delete(self, video_id: str) -> bool:
        """Remove the video; false when there was none."""
        with self._lock:
            return self._videos.pop(video_id, None) is not None

    @property
    def accepted(self) -> list[str]:
        """The id of every video ever accepted, deleted ones included, in order (a copy)."""
        with self._lock:
            return list(self._accepted)

    def reset(self) -> None:
        """Forget every video and every scripted render failure; the clock keeps its time."""
        with self._lock:
            self._videos.clear()
            self._accepted.clear()
            self._failures.clear()

    # -- status ------------------------------------------------------------------------------------------------

    def status(self, video: Video, now: float) -> str:
        """``waiting``, ``processing``, then ``completed`` or ``failed``, by the time elapsed at ``now``."""
        elapsed = now - video.created
        if elapsed >= video.render_seconds:
            return "failed" if video.failure is not None else "completed"
        return "processing" if elapsed >= video.render_seconds / 2 else "waiting"

    def detail(self, video: Video, now: float) -> dict[str, Any]:
        """The video as ``GET /v3/videos/{video_id}`` describes it (``VideoDetail`` in HeyGen's spec)."""
        status = self.status(video, now)
        done = status == "completed"
        failed = status == "failed"
        base = f"{FILES_URL}/{video.id}"
        return {
            "id": video.id,
            "title": video.title,
            "status": status,
            "created_at": int(video.created),
            "completed_at": int(video.created + video.render_seconds) if done else None,
            "video_url": f"{base}/video.mp4" if done else None,
            "thumbnail_url": f"{base}/thumbnail.jpg" if done else None,
            "gif_url": f"{base}/preview.gif" if done else None,
            "captioned_video_url": f"{base}/captioned.mp4" if done and video.burned_captions else None,
            "subtitle_url": f"{base}/captions.srt" if done and video.subtitles else None,
            "duration": video.duration if done else None,
            "folder_id": video.folder_id,
            "output_language": None,
            "failure_code": video.failure[0] if failed and video.failure else None,
            "failure_message": video.failure[1] if failed and video.failure else None,
            "video_page_url": f"{base}",
        }

    def legacy_status(self, video: Video, now: float) -> dict[str, Any]:
        """The video as ``GET /v1/video_status.get`` describes it (HeyGen's "video status" reference)."""
        detail = self.detail(video, now)
        failed = detail["status"] == "failed"
        error = {"code": detail["failure_code"], "message": detail["failure_message"]} if failed else None
        return {
            "callback_id": video.callback_id,
            "caption_url": detail["subtitle_url"],
            "created_at": detail["created_at"],
            "duration": detail["duration"],
            "error": None if error is None else {**error, "detail": error["message"]},
            "gif_url": detail["gif_url"],
            "id": video.id,
            "status": detail["status"],
            "thumbnail_url": detail["thumbnail_url"],
            "video_url": detail["video_url"],
            "video_url_caption": detail["captioned_video_url"],
        }

    # -- paging ------------------------------------------------------------------------------------------------

    def page(
        self, *, limit: int, token: str | None, folder_id: str | None, title: str | None
    ) -> tuple[list[Video], str | None]:
        """One page of videos, newest first, and the cursor of the next page (``None`` on the last).

        Raises:
            BadTokenError: ``token`` was not issued by this store.
        """
        before = _decode_token(token) if token is not None else None
        wanted = title.casefold() if title is not None else None
        with self._lock:
            videos = sorted(self._videos.values(), key=lambda video: video.sequence, reverse=True)
        matching = [
            video
            for video in videos
            if (before is None or video.sequence < before)
            and (folder_id is None or video.folder_id == folder_id)
            and (wanted is None or (video.title is not None and wanted in video.title.casefold()))
        ]
        page = matching[:limit]
        more = len(matching) > limit
        return page, _encode_token(page[-1].sequence) if more else None


def _encode_token(sequence: int) -> str:
    return base64.urlsafe_b64encode(f"{_TOKEN_PREFIX}{sequence}".encode()).decode().rstrip("=")


def _decode_token(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError):
        raise BadTokenError(token) from None
    number = text.removeprefix(_TOKEN_PREFIX)
    if not text.startswith(_TOKEN_PREFIX) or not number.isdigit() or not number.isascii():
        raise BadTokenError(token)
    return int(number)
