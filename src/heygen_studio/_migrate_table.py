"""The v2 → v3 mapping as data, field by field: one row per v2 field (the scene rules are ``_migrate_scenes``).

Every decision quotes the spec text it rests on (``v2_says``, ``v3_says``); a
test checks each quote against the two specs, and another checks every v3 path
below against the v3 request schema, so a v3 update that removes a field the
table writes fails the tests. ``docs/migrating-to-v3.md`` is rendered from the two
modules (``python -m heygen_studio._migrate_docs``).

Paths. A v2 path names a leaf of the v2 request: ``video_inputs.*.voice[text].speed``
(``*`` any scene; ``[text]`` the variant whose ``type`` is ``text``; ``[*]`` any
variant; a trailing ``**`` any leaf below). A v3 path is relative to the request,
or, inside a scene, to ``scenes.N``; ``{slot}`` is where that scene kind keeps a
part (``_migrate_scenes.SLOTS``), and ``name[tag]`` / ``name[key=tag]`` steps into the union
variant whose ``type`` (or ``key``) is ``tag``, setting it.
"""

from __future__ import annotations

from collections.abc import Mapping

from heygen_studio._migrate_model import OMIT, Row, Target, aspect_ratio, png, resolution, seconds

# ElevenLabs models both specs list (v2 `elevenlabs_settings.model`, v3 `engine_settings.model`).
ELEVENLABS_MODELS = ("eleven_multilingual_v2", "eleven_turbo_v2_5", "eleven_v3")
_ELEVENLABS = "{speaker}.voice_settings.engine_settings[engine_type=elevenlabs]"

_LAYOUT = "v3 places and sizes the avatar itself ('The server owns layout and center-crops each scene')"
_STUDIO_SAYS = "The server owns layout and center-crops each scene to the global output"
_AVATAR_FIELDS = (
    "the v3 avatar input takes avatar_id, audio, background, engine, expressiveness, motion_prompt, script, "
    "voice_id and voice_settings"
)

_ODD_FRAME = (
    "the ratio is not one of v3's (16:9, 9:16, 4:5, 5:4, 1:1) or the short edge is not 720, 1080 or 2160 px; "
    "the nearest is written"
)

ROWS: tuple[Row, ...] = (
    # -- the request ------------------------------------------------------------------------------------------
    Row(
        "dimension.width",
        (Target("aspect_ratio", convert=aspect_ratio, also={"resolution": resolution}),),
        v2_says="Width of the output video.",
        v3_says="Global output aspect ratio.",
        lost=_ODD_FRAME,
    ),
    Row(
        "dimension.height",
        (Target("aspect_ratio", convert=aspect_ratio, also={"resolution": resolution}),),
        v2_says="Height of the output video.",
        v3_says="Global output video resolution.",
        lost=_ODD_FRAME,
    ),
    Row(
        "caption",
        (Target("caption.style", values={True: "default", False: OMIT}),),
        v2_says="Whether to enable captions in the video.",
        v3_says="set 'style' to additionally burn captions into the rendered video",
    ),
    Row("title", (Target("title"),), v2_says="Title of this video", v3_says="Display title for the video"),
    Row(
        "callback_id",
        (Target("callback_id"),),
        v2_says="Returned in the status/webhook payload for tracking.",
        v3_says="Caller-defined identifier echoed back in the webhook payload.",
    ),
    Row(
        "callback_url",
        (Target("callback_url"),),
        v2_says="URL to notify when video rendering is complete",
        v3_says="Webhook URL to receive a POST notification when the video is ready.",
    ),
    Row(
        "folder_id",
        (),
        v2_says="Unique identifier of the folder where the video is stored.",
        v3_says="Create a single video by composing an ordered list of whole-frame scenes.",
        lost="the v3 studio request has no folder_id",
    ),
    # -- characters -------------------------------------------------------------------------------------------
    Row(
        "video_inputs.*.character[*].type",
        (Target("{person}"),),
        v2_says="Could be an `avatar` or `talking photo`.",
        v3_says="'avatar' (avatar_id + audio)",
    ),
    Row(
        "video_inputs.*.character[avatar].avatar_id",
        (Target("{person}.avatar_id"),),
        v2_says="Unique identifier of the avatar.",
        v3_says="HeyGen avatar ID (video avatar or photo avatar look ID).",
    ),
    Row(
        "video_inputs.*.character[talking_photo].talking_photo_id",
        (Target("{person}.avatar_id"),),
        v2_says="Unique identifier of the talking photo.",
        v3_says="HeyGen avatar ID (video avatar or photo avatar look ID).",
    ),
    Row(
        "video_inputs.*.character[*].use_avatar_iv_model",
        (Target("{person}.engine[avatar_iv]", values={True: True}),),
        v2_says="Whether to use avatar iv.",
        v3_says="Avatar IV engine configuration (default behavior).",
        lost="v3 names engines ('avatar_iii', 'avatar_iv', 'avatar_v') but neither spec says which one v2 used "
        "without Avatar IV",
    ),
    Row(
        "video_inputs.*.character[talking_photo].prompt",
        (Target("{person}.motion_prompt"),),
        v2_says="Avatar 4 motion prompt.",
        v3_says="Supported for photo avatars on either engine",
    ),
    Row(
        "video_inputs.*.character[talking_photo].keep_original_prompt",
        (),
        v2_says="Wether to preserve avatar 4 motion prompt as is or allow for prompt enhancement.",
        v3_says="Natural-language prompt controlling avatar body motion and hand gestures.",
        lost="v3's motion_prompt has no switch for prompt enhancement",
    ),
    *(
        Row(
            f"video_inputs.*.character[*].{name}",
            (),
            v2_says=says,
            v3_says=_STUDIO_SAYS,
            lost=lost,
        )
        for name, says, lost in (
            ("scale", "Adjusts the size of the avatar or talking photo.", _LAYOUT),
            ("offset.x", "Horizontal position.", _LAYOUT),
            ("offset.y", "Vertical position.", _LAYOUT),
            ("matting", "Whether to remove the photo background.", f"v3 has no background removal: {_AVATAR_FIELDS}"),
            (
                "circle_background_color",
                "Background color when using the circle style.",
                f"v3 has no circle style: {_AVATAR_FIELDS}",
            ),
        )
    ),
    Row(
        "video_inputs.*.character[talking_photo].talking_photo_style",
        (),
        v2_says="Visual style of the talking photo.",
        v3_says="A whole-frame speaking scene backed by an avatar",
        lost=f"v3 has no circle style: {_AVATAR_FIELDS}",
    ),
    Row(
        "video_inputs.*.character[talking_photo].super_resolution",
        (),
        v2_says="Whether to enhance the image quality.",
        v3_says="HeyGen avatar ID (video avatar or photo avatar look ID).",
        lost=f"v3 has no image enhancement switch: {_AVATAR_FIELDS}",
    ),
    Row(
        "video_inputs.*.character[avatar].avatar_style",
        (Target("{person}", values={"normal": OMIT}),),
        v2_says="Visual style of the avatar.",
        v3_says="A whole-frame speaking scene backed by an avatar",
        lost=f"v3 has one style, the whole frame: {_AVATAR_FIELDS}",
    ),
    *(
        Row(
            f"video_inputs.*.character[{variant}].{name}",
            (),
            v2_says=says,
            v3_says="Avatar expressiveness level. Photo avatars only.",
            lost=f"{_AVATAR_FIELDS}, and its expressiveness ('high', 'medium', 'low') is not said to match",
        )
        for variant, name, says in (
            ("talking_photo", "talking_style", "Supported talking style of the Talking Photo."),
            ("talking_photo", "expression", "Supported expressions of the talking photo."),
        )
    ),
    # -- voices -----------------------------------------------------------------------------------------------
    Row(
        "video_inputs.*.voice[text].type",
        (Target("{speaker}"),),
        v2_says="A voice that speaks `input_text` with a HeyGen voice.",
        v3_says="exactly one of (script + voice_id), audio_url, or audio_asset_id",
    ),
    Row(
        "video_inputs.*.voice[text].voice_id",
        (Target("{speaker}.voice_id"),),
        v2_says="Unique identifier of the voice.",
        v3_says="Voice ID for text-to-speech.",
    ),
    Row(
        "video_inputs.*.voice[text].input_text",
        (Target("{speaker}.script"),),
        v2_says="Text that the avatar/talking photo will speak.",
        v3_says="Text script for the avatar to speak.",
    ),
    *(
        Row(
            f"video_inputs.*.voice[text].{name}",
            (Target(f"{{speaker}}.voice_settings.{name}"),),
            v2_says=v2,
            v3_says=v3,
        )
        for name, v2, v3 in (
            ("speed", "Voice speed, value ranges from `0.5` to `1.5`.", "0.5 (half speed) to 1.5 (1.5x speed)."),
            ("pitch", "Voice pitch, value ranges from `-50` to `50`.", "Pitch adjustment in semitones. -50 to +50."),
            ("locale", "Voice accents/locales for multilingual voices", "Locale/accent hint for multi-lingual voices"),
        )
    ),
    Row(
        "video_inputs.*.voice[text].emotion",
        (),
        v2_says="Adds emotion to voice, if supported.",
        v3_says="Voice tuning parameters (speed, pitch, locale).",
        lost="v3 voice_settings tune speed, pitch, locale, volume and the engine, and have no emotion",
    ),
    Row(
        "video_inputs.*.voice[text].elevenlabs_settings.model",
        (Target(f"{_ELEVENLABS}.model", values={model: model for model in ELEVENLABS_MODELS}),),
        v2_says="The ElevenLabs model to use.",
        v3_says="The model ID to use for ElevenLabs.",
        lost="v3's ElevenLabs models are eleven_multilingual_v2, eleven_turbo_v2_5, eleven_flash_v2_5 and eleven_v3",
    ),
    *(
        Row(
            f"video_inputs.*.voice[text].elevenlabs_settings.{name}",
            (Target(f"{_ELEVENLABS}.{name}"),),
            v2_says=v2,
            v3_says=v3,
        )
        for name, v2, v3 in (
            ("similarity_boost", "Controls how similar the generated speech", "The similarity boost parameter"),
            ("stability", "Controls the stability of the voice generation.", "The stability parameter for ElevenLabs."),
            ("style", "Controls the style intensity of the generated speech.", "The style parameter for ElevenLabs."),
        )
    ),
    Row(
        "video_inputs.*.voice[audio].type",
        (Target("{speaker}"),),
        v2_says="A voice that plays an uploaded audio file.",
        v3_says="exactly one of (script + voice_id), audio_url, or audio_asset_id",
    ),
    Row(
        "video_inputs.*.voice[audio].audio_url",
        (Target("{speaker}.audio_url"),),
        v2_says="URL of the uploaded audio.",
        v3_says="Public URL of an audio file to lip-sync.",
    ),
    Row(
        "video_inputs.*.voice[audio].audio_asset_id",
        (Target("{speaker}.audio_asset_id"),),
        v2_says="Unique identifier of the uploaded audio.",
        v3_says="HeyGen asset ID of an uploaded audio file.",
    ),
    Row(
        "video_inputs.*.voice[silence].type",
        (Target("{hold}"), Target("{clip}")),
        v2_says="A silent voice for `duration` seconds.",
        v3_says="silent: set ``duration`` (seconds) and no audio source.",
    ),
    Row(
        "video_inputs.*.voice[silence].duration",
        (Target("{hold}.duration", convert=seconds),),
        v2_says="Duration of silence, value ranges from `1.0` and `100.0`.",
        v3_says="Silent mode: hold the still image for this many seconds.",
        lost="a v3 video scene lasts as long as its clip ('A whole-frame scene backed by an existing video clip')",
    ),
    # -- backgrounds ------------------------------------------------------------------------------------------
    Row(
        "video_inputs.*.background[color].type",
        (Target("{backdrop}"), Target("{still}[base64]", also={"{still}[base64].media_type": "image/png"})),
        v2_says="A solid colour background.",
        v3_says="Solid-color background for an ``avatar_video`` studio scene.",
    ),
    Row(
        "video_inputs.*.background[color].value",
        (Target("{backdrop}.color"), Target("{still}[base64].data", convert=png)),
        v2_says="Hex colour code for the background.",
        v3_says="Background color as a 6-digit hex string",
    ),
    *(
        Row(
            f"video_inputs.*.background[{variant}].type",
            (Target(f"{{{slot}}}"),),
            v2_says=v2,
            v3_says=v3,
            lost="behind an avatar, v3 backgrounds are 'Color-only in v1' ('Other background types are not yet "
            "supported.')",
        )
        for variant, slot, v2, v3 in (
            ("image", "still", "An uploaded image as background.", "Still image to display."),
            ("video", "clip", "An uploaded video as background.", "Video clip to include."),
        )
    ),
    *(
        Row(
            f"video_inputs.*.background[{variant}].{name}",
            (Target(f"{{{slot}}}[{tag}].{tag}"),),
            v2_says=v2,
            v3_says=v3,
            lost="behind an avatar, v3 backgrounds are 'Color-only in v1' ('Other background types are not yet "
            "supported.')",
        )
        for variant, slot, name, tag, v2, v3 in (
            ("image", "still", "url", "url", "URL of the uploaded image/video.", "Publicly accessible HTTPS URL"),
            ("image", "still", "image_asset_id", "asset_id", "Unique identifier of the uploaded image.", "asset ID"),
            ("video", "clip", "url", "url", "URL of the uploaded image/video.", "Publicly accessible HTTPS URL"),
            ("video", "clip", "video_asset_id", "asset_id", "Unique identifier of the uploaded video.", "asset ID"),
        )
    ),
    Row(
        "video_inputs.*.background[video].fit",
        (Target("{clip}", values={"cover": OMIT}),),
        v2_says="Choose how background video fits to the screen.",
        v3_says="center-crops each scene to the global output",
        lost="v3 center-crops ('The server owns layout and center-crops each scene'), which is 'cover'; "
        "it has no other fit",
    ),
    Row(
        "video_inputs.*.background[video].play_style",
        (),
        v2_says="Playback mode.",
        v3_says="Optional playback capability: audio 'volume'",
        lost="v3 playback sets only volume and mute; a clip plays once, as long as it is",
    ),
    # -- text overlays ----------------------------------------------------------------------------------------
    Row(
        "video_inputs.*.text.**",
        (),
        v2_says="Text displayed on the screen.",
        v3_says="Create a single video by composing an ordered list of whole-frame scenes.",
        lost="v3 studio scenes are whole frames ('avatar_video', 'image', 'video') with no text overlay",
    ),
)

ROWS_BY_PATH: Mapping[str, Row] = {row.v2: row for row in ROWS}


def row_for(pattern: str) -> Row:
    """The row for a concrete leaf pattern: exact, else with its variant as ``[*]``, else a ``**`` row above it."""
    candidates = [pattern]
    head, dot, last = pattern.rpartition(".")
    if "[" in head:
        start, end = head.rindex("["), head.rindex("]")
        candidates.append(f"{head[:start]}[*]{head[end + 1 :]}{dot}{last}")
    steps = pattern.split(".")
    candidates += [".".join([*steps[:cut], "**"]) for cut in range(len(steps) - 1, 0, -1)]
    for candidate in candidates:
        if candidate in ROWS_BY_PATH:
            return ROWS_BY_PATH[candidate]
    raise AssertionError(f"the migration table has no row for {pattern}")  # a test checks every v2 leaf has one
