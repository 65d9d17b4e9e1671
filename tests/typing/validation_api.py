"""Checked by mypy, never run: the params TypedDicts and the validation signatures catch mistakes statically.

Lines that must be type errors carry ``# type: ignore[<code>]``; mypy's
warn_unused_ignores (strict) fails the check if one of them stops being an error.
"""

from __future__ import annotations

from typing import Any

from heygen_studio import (
    UNSET,
    AudioVoiceParams,
    AvatarCharacter,
    ColorBackground,
    CreateVideoParams,
    CreateVideoRequest,
    Dimension,
    DimensionParams,
    TextVoice,
    TextVoiceParams,
    VideoInput,
    VideoInputParams,
    Violation,
    validate_request,
)
from heygen_studio._validation import prepare_request

# -- the happy path type-checks without casts --------------------------------------------------------------------

payload: CreateVideoParams = {
    "video_inputs": [
        {
            "character": {"type": "avatar", "avatar_id": "Daisy-inskirt-20220818", "scale": 1.0},
            "voice": {"type": "text", "voice_id": "2d5b", "input_text": "Welcome!", "pitch": 3},
            "background": {"type": "color", "value": "#FAFAFA"},
        },
        {
            "character": {
                "type": "talking_photo",
                "talking_photo_id": "t",
                "use_avatar_iv_model": True,
                "prompt": "nod",
            },
            "voice": {"type": "audio", "audio_url": "https://example.com/a.mp3"},
            "background": {"type": "video", "video_asset_id": "v", "fit": "cover"},
        },
    ],
    "dimension": {"width": 1280, "height": 720},
    "caption": False,
}
violations: list[Violation] = validate_request(payload)
lenient: list[Violation] = validate_request(payload, strict=False)
first_path: str = violations[0].path
body: dict[str, Any] = prepare_request(payload, {})

request = CreateVideoRequest(
    video_inputs=[
        VideoInput(
            character=AvatarCharacter(avatar_id="Daisy-inskirt-20220818"),
            voice=TextVoice(voice_id="2d5b", input_text="Welcome!"),
            background=ColorBackground(value="#FAFAFA"),
        )
    ],
    dimension=Dimension(width=1280, height=720),
    title=UNSET,
)
from_model: list[Violation] = validate_request(request)
from_fields: dict[str, Any] = prepare_request(
    None, {"video_inputs": request.video_inputs, "dimension": request.dimension}
)

# -- mistakes are type errors ------------------------------------------------------------------------------------

# A text voice's field on an audio voice.
audio_with_text: AudioVoiceParams = {"type": "audio", "audio_url": "u", "input_text": "hi"}  # type: ignore[typeddict-unknown-key]

# The same mistake inside a whole request: no voice variant of the union has both.
scene_with_wrong_voice: VideoInputParams = {
    "voice": {"type": "audio", "audio_url": "u", "input_text": "hi"},  # type: ignore[typeddict-item]
}

# A misspelt field.
misspelt: TextVoiceParams = {"type": "text", "voice_id": "v", "input_text": "hi", "pich": 3}  # type: ignore[typeddict-unknown-key]
misspelt_root: CreateVideoParams = {"video_inputs": [], "dimensions": {"width": 1}}  # type: ignore[typeddict-unknown-key]

# A wrong tag, and a wrong JSON type.
wrong_tag: TextVoiceParams = {"type": "audio", "voice_id": "v", "input_text": "hi"}  # type: ignore[typeddict-item]
width_as_text: DimensionParams = {"width": "1920"}  # type: ignore[typeddict-item]

# A required field missing.
no_scenes: CreateVideoParams = {"title": "t"}  # type: ignore[typeddict-item]

# validate_request takes a mapping or a model, and operation and strict only by keyword.
validate_request("video.json")  # type: ignore[arg-type]
validate_request(payload, False)  # type: ignore[arg-type, call-arg]
validate_request(payload, "POST /v2/video/generate")  # type: ignore[call-arg]
validate_request(payload, operation="POST /v2/video/generate", strict=False)
validate_request(payload, operation=1)  # type: ignore[arg-type]
