"""The v2 → v3 mapping, scene by scene: which v3 scene a v2 scene becomes, and what it gives up when it cannot.

The field-by-field rows are ``_migrate_table``; both use its path syntax. A v2
scene becomes the kind of the first ``SCENE_RULES`` entry that matches what it
has; where none can express it, or where a value the scene kind would carry is
one v3 refuses (``REFUSALS``), the scene gives a part up (``MigrationError``
unless ``allow_drop``) and takes the part's ``STAND_INS`` instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from heygen_studio._migrate_model import Refusal, SceneRule
from heygen_studio._migrate_spec import v2_default

# Where each v3 scene kind keeps a part of a v2 scene; a part a kind lacks cannot be carried into it.
SLOTS: Mapping[str, Mapping[str, str]] = {
    "avatar_video": {
        "person": "input[avatar]",
        "speaker": "input[avatar]",
        "backdrop": "input[avatar].background[color]",
    },
    "image": {"speaker": "", "still": "source", "hold": ""},
    "video": {"clip": "source"},
}

# v2 defaults made explicit in v3, because v3's own default differs or is not stated (read from the v2 spec).
EXPLICIT_DEFAULTS: Mapping[str, tuple[str, ...]] = {
    "dimension": ("width", "height"),  # v3 `resolution` has no default
    "video_inputs.*.voice[silence]": ("duration",),  # a v3 still needs its length
    "video_inputs.*.background[color]": ("value",),  # a v3 color needs its value
}

SPEECH = frozenset({"text", "audio"})
QUIET = frozenset({"silence", None})
PICTURES = frozenset({"color", "image"})
ANY_BACKGROUND = frozenset({"color", "image", "video", None})

_NEEDS_AUDIO = (
    "a v3 avatar_video scene needs speech (v3: 'An audio source is required: exactly one of (script + voice_id), "
    "audio_url, or audio_asset_id'), and this scene's avatar is silent"
)
_NEEDS_PICTURE = (
    "a v3 scene shows a picture (v3 scenes are 'avatar_video', 'image', or 'video'), and this scene has "
    "neither a character nor a color or image background"
)
_CLIP_IS_MUTE = (
    "a v3 video scene plays its clip with no narration (v3 'playback' offers only 'volume' and 'mute'), "
    "and this scene speaks over a video background"
)
_NEEDS_LENGTH = (
    "a v3 still-image scene is 'either silent (held for ``duration``) or narrated', and this scene has no voice "
    "to give it a length"
)

SCENE_RULES: tuple[SceneRule, ...] = (
    SceneRule(True, SPEECH, ANY_BACKGROUND, kind="avatar_video"),
    SceneRule(True, QUIET, ANY_BACKGROUND, give_up="character", problem=_NEEDS_AUDIO),
    SceneRule(False, SPEECH, PICTURES, kind="image"),
    SceneRule(False, SPEECH, frozenset({"video"}), give_up="background", problem=_CLIP_IS_MUTE),
    SceneRule(False, frozenset({"silence"}), PICTURES, kind="image"),
    SceneRule(False, QUIET, frozenset({"video"}), kind="video"),
    SceneRule(False, frozenset({None}), PICTURES, give_up="voice", problem=_NEEDS_LENGTH),
    SceneRule(False, SPEECH | QUIET, frozenset({None}), give_up="background", problem=_NEEDS_PICTURE),
)

# What a scene that gives a part up gets instead: v2's own defaults (a white color background, 1 s of silence).
STAND_INS: Mapping[str, Mapping[str, str] | None] = {
    "character": None,
    "background": {"type": "color"},
    "voice": {"type": "silence"},
}

# v2 values v3 refuses where a scene kind would carry them; a test checks each pattern is the v3 spec's.
HTTPS_URL = "^[Hh][Tt][Tt][Pp][Ss]://"
REFUSALS: tuple[Refusal, ...] = (
    Refusal(
        "background",
        "url",
        frozenset({"still", "clip"}),
        HTTPS_URL,
        "is no HTTPS URL, and a v3 scene source takes only a 'Publicly accessible HTTPS URL for the asset' "
        "(v2 says only 'URL of the uploaded image/video.')",
    ),
)


def stand_in(part: str) -> dict[str, Any] | None:
    """What replaces a given-up part: ``STAND_INS`` with the v2 defaults ``EXPLICIT_DEFAULTS`` names for it."""
    base = STAND_INS[part]
    if base is None:
        return None
    variant = f"video_inputs.*.{part}[{base['type']}]"
    return {**base, **{field: v2_default(f"{variant}.{field}") for field in EXPLICIT_DEFAULTS.get(variant, ())}}
