"""Valid ``POST /v3/videos`` bodies, one per arm, written from HeyGen's 2026-07-21 spec (required fields only)."""

from __future__ import annotations

from typing import Any

AVATAR_ID = "Angela-inTshirt-20220820"
VOICE_ID = "1bd001e7e50f421d891986aad5158bc8"


def avatar(**extra: Any) -> dict[str, Any]:
    return {"type": "avatar", "avatar_id": AVATAR_ID, "script": "Hello from the mock.", "voice_id": VOICE_ID, **extra}


def image(**extra: Any) -> dict[str, Any]:
    picture = {"type": "url", "url": "https://example.com/face.png"}
    return {"type": "image", "image": picture, "script": "Hi there.", "voice_id": VOICE_ID, **extra}


def cinematic_avatar(**extra: Any) -> dict[str, Any]:
    return {"type": "cinematic_avatar", "avatar_id": [AVATAR_ID], "prompt": "A walk through a sunny office.", **extra}


def studio(**extra: Any) -> dict[str, Any]:
    def scene(script: str) -> dict[str, Any]:
        speaker = {"type": "avatar", "avatar_id": AVATAR_ID, "script": script, "voice_id": VOICE_ID}
        return {"type": "avatar_video", "input": speaker}

    return {"type": "studio", "scenes": [scene("First scene."), scene("Second scene.")], **extra}


ARMS = {"avatar": avatar, "image": image, "cinematic_avatar": cinematic_avatar, "studio": studio}
