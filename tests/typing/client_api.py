"""Checked by mypy, never run: the client's public signatures.

Lines that must be type errors carry ``# type: ignore[<code>]``; mypy's
warn_unused_ignores (strict) fails the check if one of them stops being an error.
"""

from __future__ import annotations

from typing import Any

import httpx

from heygen_studio import (
    APIResponse,
    AsyncHeyGen,
    AvatarCharacter,
    ColorBackground,
    CreatedVideo,
    CreateVideoParams,
    CreateVideoRequest,
    CreateVideoResponse,
    Dimension,
    HeyGen,
    RateLimitError,
    TextVoice,
    Video,
    VideoFailedError,
    VideoInput,
    WaitTimeoutError,
)

client = HeyGen(timeout=httpx.Timeout(10.0), max_retries=0, retry_server_errors=True, deadline=None)
scene = VideoInput(
    character=AvatarCharacter(avatar_id="Daisy-inskirt-20220818"),
    voice=TextVoice(voice_id="2d5b", input_text="Welcome!"),
    background=ColorBackground(value="#FAFAFA"),
)

# -- the three input forms, without casts -------------------------------------------------------------------------
video: CreatedVideo = client.videos.generate(video_inputs=[scene], dimension=Dimension(width=1280, height=720))
video = client.videos.generate(CreateVideoRequest(video_inputs=[scene]), timeout=5.0)
video = client.videos.generate({"video_inputs": [{"character": {"type": "avatar", "avatar_id": "a"}}]})
params: CreateVideoParams = {"video_inputs": [{"voice": {"type": "silence", "duration": "2.0"}}]}
video = client.videos.generate(params)
video_id: str = video.video_id
retries: int = video.retries_taken
detailed: APIResponse[CreatedVideo] = client.videos.generate_detailed(params)
status: int = detailed.status_code
header: str | None = detailed.headers.get("x-request-id")

# -- mistakes mypy catches -----------------------------------------------------------------------------------------
client.videos.generate({"video_inputs": [], "titel": "typo"})  # type: ignore[arg-type]
client.videos.generate({"video_inputs": [{"voice": {"type": "text", "audio_url": "x"}}]})  # type: ignore[arg-type]
client.videos.generate(params, timeout="5")  # type: ignore[arg-type]
client.videos.generate(params, params)  # type: ignore[arg-type,call-arg]
HeyGen(base_url=8000)  # type: ignore[arg-type]
video.video_id = "x"  # type: ignore[misc]
retry_after: float | None = RateLimitError("x", status_code=429).retry_after

# -- the v3 workflow -------------------------------------------------------------------------------------------------
created: CreatedVideo[dict[str, Any]] = client.videos.create({"type": "studio", "scenes": []})
created = client.videos.create(type="avatar", avatar_id="a", script="Hi", voice_id="v", timeout=30.0)
initial: str | None = created.status
v2_body: CreateVideoResponse = video.response
v3_body: dict[str, Any] = created.response
wrong: CreatedVideo = client.videos.create(type="studio")  # type: ignore[assignment]
got: Video = client.videos.get(created.video_id, timeout=httpx.Timeout(5.0))
done: Video = client.videos.wait(created.video_id, timeout=300, poll_interval=5)
url: str | None = done.video_url
duration: float | None = done.duration
for listed in client.videos.list(limit=100, folder_id="f", title="t"):
    listed_status: str = listed.status
client.videos.delete(created.video_id)
client.videos.get(42)  # type: ignore[arg-type]
client.videos.list(100)  # type: ignore[call-arg]
client.videos.wait(created.video_id, 300)  # type: ignore[call-arg]
done.status = "x"  # type: ignore[misc]
failure: str | None = VideoFailedError("v", failure_code="c", failure_message=None).failure_code
timed_out: TimeoutError = WaitTimeoutError("v", status=None, timeout=1.0)


async def main() -> str:
    async with AsyncHeyGen(http_client=httpx.AsyncClient()) as heygen:
        created = await heygen.videos.generate(params)
        HeyGen(http_client=httpx.AsyncClient())  # type: ignore[arg-type]
        v3 = await heygen.videos.create({"type": "studio", "scenes": []})
        finished: Video = await heygen.videos.wait(v3.video_id)
        ids = [video.id async for video in heygen.videos.list(limit=10)]
        await heygen.videos.delete(finished.id)
        return created.video_id + ids[0]
