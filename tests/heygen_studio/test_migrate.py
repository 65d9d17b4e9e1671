"""v2_to_v3, case by case: one example per scene rule, the frame sizes, the request fields, the errors."""

from __future__ import annotations

import copy
import pickle
import re
import struct
import zlib
from typing import Any

import pytest

from heygen_studio import (
    AvatarCharacter,
    ColorBackground,
    CreateVideoRequest,
    Dimension,
    HeyGenError,
    RequestValidationError,
    TextVoice,
    VideoInput,
)
from heygen_studio._migrate_png import solid_png
from heygen_studio.migrate import Migration, MigrationError, v2_to_v3

AVATAR = {"type": "avatar", "avatar_id": "Daisy-inskirt-20220818"}
TEXT = {"type": "text", "voice_id": "2d5b0e6cf36f460aa7fc47e3eee4ba54", "input_text": "Welcome!"}
SPOKEN = {"type": "avatar", "avatar_id": "Daisy-inskirt-20220818", "voice_id": TEXT["voice_id"], "script": "Welcome!"}
WHITE = {"type": "base64", "media_type": "image/png", "data": "white"}  # `data` is checked apart, in _png_color


def _scene(scene: dict[str, Any], *, allow_drop: bool = False) -> tuple[dict[str, Any], list[str]]:
    migration = v2_to_v3({"video_inputs": [scene]}, allow_drop=allow_drop)
    return migration.payload["scenes"][0], [record.path for record in migration.dropped]


def _png_color(data: str) -> str:
    """The colour of a solid PNG, read back from its pixel rows."""
    import base64

    raw = base64.b64decode(data)
    length = struct.unpack(">I", raw[33:37])[0]
    pixels = zlib.decompress(raw[41 : 41 + length])
    return "#" + pixels[1:4].hex().upper()


def _without_png(scene: dict[str, Any]) -> dict[str, Any]:
    scene = copy.deepcopy(scene)
    source = scene.get("source", {})
    if source.get("type") == "base64":
        source["data"] = "white" if _png_color(source["data"]) == "#FFFFFF" else _png_color(source["data"])
    return scene


SCENES = [
    pytest.param(
        {"character": AVATAR, "voice": TEXT, "background": {"type": "color", "value": "#FAFAFA"}},
        {"type": "avatar_video", "input": {**SPOKEN, "background": {"type": "color", "color": "#FAFAFA"}}},
        [],
        id="avatar speaking on a colour",
    ),
    pytest.param(
        {
            "character": {
                "type": "talking_photo",
                "talking_photo_id": "tp1",
                "use_avatar_iv_model": True,
                "prompt": "nod",
            },
            "voice": {"type": "audio", "audio_asset_id": "aud1"},
            "background": {"type": "image", "image_asset_id": "img1"},
        },
        {
            "type": "avatar_video",
            "input": {
                "type": "avatar",
                "avatar_id": "tp1",
                "engine": {"type": "avatar_iv"},
                "motion_prompt": "nod",
                "audio_asset_id": "aud1",
            },
        },
        ["video_inputs.0.background.type", "video_inputs.0.background.image_asset_id"],
        id="talking photo on an image: the image is dropped",
    ),
    pytest.param(
        {"voice": TEXT, "background": {"type": "image", "url": "https://example.com/a.png"}},
        {
            "type": "image",
            "voice_id": TEXT["voice_id"],
            "script": "Welcome!",
            "source": {"type": "url", "url": "https://example.com/a.png"},
        },
        [],
        id="narrated image",
    ),
    pytest.param(
        {"voice": {"type": "silence", "duration": "2.5"}, "background": {"type": "color", "value": "#0A0B0C"}},
        {"type": "image", "duration": 2.5, "source": {**WHITE, "data": "#0A0B0C"}},
        [],
        id="silent colour",
    ),
    pytest.param(
        {"background": {"type": "video", "url": "https://example.com/v.mp4", "fit": "cover", "play_style": "loop"}},
        {"type": "video", "source": {"type": "url", "url": "https://example.com/v.mp4"}},
        ["video_inputs.0.background.play_style"],
        id="video clip",
    ),
    pytest.param(
        {
            "voice": {"type": "silence", "duration": "3"},
            "background": {"type": "video", "video_asset_id": "v1", "fit": "contain"},
        },
        {"type": "video", "source": {"type": "asset_id", "asset_id": "v1"}},
        ["video_inputs.0.voice.duration", "video_inputs.0.background.fit"],
        id="silent video: its duration and fit are dropped",
    ),
]


@pytest.mark.parametrize(("v2", "v3", "dropped"), SCENES)
def test_a_scene_v3_can_express(v2: dict[str, Any], v3: dict[str, Any], dropped: list[str]) -> None:
    scene, records = _scene(v2)
    assert (v3, dropped) == (_without_png(scene), records)


REFUSED = [
    pytest.param(
        {"character": AVATAR, "voice": {"type": "silence"}},
        "avatar is silent",
        {"type": "image", "source": WHITE, "duration": 1},
        ["video_inputs.0", "video_inputs.0", "video_inputs.0.character.type", "video_inputs.0.character.avatar_id"],
        id="a silent avatar",
    ),
    pytest.param(
        {"voice": TEXT, "background": {"type": "video", "video_asset_id": "v1"}},
        "speaks over a video background",
        {"type": "image", "voice_id": TEXT["voice_id"], "script": "Welcome!", "source": WHITE},
        ["video_inputs.0", "video_inputs.0.background.type", "video_inputs.0.background.video_asset_id"],
        id="speech over a video",
    ),
    pytest.param(
        {},
        "neither a character nor",
        {"type": "image", "source": WHITE, "duration": 1},
        ["video_inputs.0"] * 2,
        id="empty",
    ),
    pytest.param(
        {"background": {"type": "image", "url": "https://example.com/a.png"}},
        "no voice",
        {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}, "duration": 1},
        ["video_inputs.0"],
        id="a still without a length",
    ),
    pytest.param(
        {"voice": {"type": "silence", "duration": "2"}, "background": {"type": "image", "url": "http://x/a.png"}},
        'background.url "http://x/a.png" is no HTTPS URL',
        {"type": "image", "source": WHITE, "duration": 2},
        ["video_inputs.0", "video_inputs.0.background.type", "video_inputs.0.background.url"],
        id="a still over plain HTTP",
    ),
    pytest.param(
        {"background": {"type": "video", "url": "ftp://x/a.mp4"}},
        'background.url "ftp://x/a.mp4" is no HTTPS URL',
        {"type": "image", "source": WHITE, "duration": 1},
        ["video_inputs.0", "video_inputs.0", "video_inputs.0.background.type", "video_inputs.0.background.url"],
        id="a clip not over HTTPS",
    ),
]


@pytest.mark.parametrize(("v2", "why", "v3", "dropped"), REFUSED)
def test_a_scene_v3_cannot_express_is_refused_unless_drops_are_allowed(
    v2: dict[str, Any], why: str, v3: dict[str, Any], dropped: list[str]
) -> None:
    with pytest.raises(MigrationError, match=why) as raised:
        v2_to_v3({"video_inputs": [{"character": AVATAR, "voice": TEXT}, v2]})
    assert 1 == raised.value.scene
    assert str(raised.value).startswith("video_inputs.1: v3 cannot express this scene: ")
    scene, records = _scene(v2, allow_drop=True)
    assert (v3, dropped) == (_without_png(scene), records)


def test_a_url_v3_refuses_matters_only_where_the_scene_would_carry_it() -> None:
    # Behind an avatar, v3 takes no image background at all: the scene keeps its avatar, the URL is dropped.
    background = {"type": "image", "url": "http://x/a.png"}
    scene, records = _scene({"character": AVATAR, "voice": TEXT, "background": background})
    assert ({"type": "avatar_video", "input": SPOKEN}, ["video_inputs.0.background.type"]) == (scene, records[:1])
    scene, records = _scene({"voice": TEXT, "background": {"type": "image", "url": "HTTPS://x/a.png"}})
    assert ({"type": "url", "url": "HTTPS://x/a.png"}, []) == (scene["source"], records)


@pytest.mark.parametrize(
    ("dimension", "aspect_ratio", "resolution", "exact"),
    [
        (None, "16:9", "1080p", True),  # v2's default, 1920x1080, written out
        ({"width": 1920, "height": 1080}, "16:9", "1080p", True),
        ({"width": 1280, "height": 720}, "16:9", "720p", True),
        ({"width": 3840, "height": 2160}, "16:9", "4k", True),
        ({"width": 1080, "height": 1920}, "9:16", "1080p", True),
        ({"width": 1080, "height": 1350}, "4:5", "1080p", True),
        ({"width": 1350, "height": 1080}, "5:4", "1080p", True),
        ({"width": 720, "height": 720}, "1:1", "720p", True),
        ({"height": 1080}, "16:9", "1080p", True),
        ({"width": 1280}, "5:4", "1080p", False),  # 1280x1080: height keeps v2's default
        ({"width": 1000, "height": 700}, "5:4", "720p", False),
        ({"width": 0, "height": 1080}, "16:9", "720p", False),
    ],
)
def test_dimension_becomes_aspect_ratio_and_resolution(
    dimension: dict[str, int] | None, aspect_ratio: str, resolution: str, exact: bool
) -> None:
    request: dict[str, Any] = {"video_inputs": [{"character": AVATAR, "voice": TEXT}]}
    if dimension is not None:
        request["dimension"] = dimension
    migration = v2_to_v3(request)
    assert (aspect_ratio, resolution) == (migration.payload["aspect_ratio"], migration.payload["resolution"])
    dropped = [record.path for record in migration.dropped]
    assert ([] if exact else [f"dimension.{name}" for name in dimension or {}]) == dropped


def test_request_fields() -> None:
    migration = v2_to_v3(
        {
            "title": "Q3",
            "caption": True,
            "callback_id": "c-1",
            "callback_url": "https://example.com/hook",
            "folder_id": "f1",
            "video_inputs": [{"character": AVATAR, "voice": TEXT}],
        }
    )
    expected = {
        "type": "studio",
        "title": "Q3",
        "caption": {"style": "default"},
        "callback_id": "c-1",
        "callback_url": "https://example.com/hook",
        "aspect_ratio": "16:9",
        "resolution": "1080p",
        "scenes": [{"type": "avatar_video", "input": SPOKEN}],
    }
    assert expected == migration.payload
    assert ["folder_id"] == [record.path for record in migration.dropped]
    captionless = v2_to_v3({"caption": False, "video_inputs": [{"character": AVATAR, "voice": TEXT}]})
    assert "caption" not in captionless.payload
    assert [("caption", "caption.style", True)] == [
        (record.path, record.to, record.implied) for record in captionless.carried if record.path == "caption"
    ]


def test_voice_settings() -> None:
    voice = {
        **TEXT,
        "speed": 1.2,
        "pitch": -5,
        "locale": "en-IN",
        "emotion": "Friendly",
        "elevenlabs_settings": {"model": "eleven_turbo_v2", "stability": 0.4, "style": 0.1},
    }
    scene, dropped = _scene({"character": {**AVATAR, "use_avatar_iv_model": False, "scale": 1}, "voice": voice})
    settings = {
        "speed": 1.2,
        "pitch": -5,
        "locale": "en-IN",
        "engine_settings": {"engine_type": "elevenlabs", "stability": 0.4, "style": 0.1},
    }
    assert {"type": "avatar_video", "input": {**SPOKEN, "voice_settings": settings}} == scene
    expected = ["use_avatar_iv_model", "scale", "emotion", "elevenlabs_settings.model"]
    assert expected == [path.split(".", 3)[3] for path in dropped]


def test_every_record_names_a_reason_from_the_table() -> None:
    migration = v2_to_v3(
        {
            "video_inputs": [
                {
                    "character": {**AVATAR, "offset": {"x": 0.1}},
                    "voice": TEXT,
                    "text": {"type": "text", "text": "Hi", "line_height": 1},
                }
            ]
        }
    )
    reasons = {record.path: record.reason for record in migration.dropped}
    assert "The server owns layout" in reasons["video_inputs.0.character.offset.x"]
    assert "no text overlay" in reasons["video_inputs.0.text.text"]
    assert [
        "video_inputs.0.character.offset.x",
        "video_inputs.0.text.type",
        "video_inputs.0.text.text",
        "video_inputs.0.text.line_height",
    ] == list(reasons)


def test_an_invalid_v2_request_is_refused_first() -> None:
    request = {"video_inputs": [{"character": {"type": "avatar"}, "voice": {"type": "silence"}}]}
    with pytest.raises(
        RequestValidationError, match=re.escape("video_inputs.0.character.avatar_id: `avatar_id` is required")
    ):
        v2_to_v3(request, allow_drop=True)


def test_a_model_migrates_like_its_wire_form() -> None:
    request = CreateVideoRequest(
        video_inputs=[
            VideoInput(
                character=AvatarCharacter(avatar_id=AVATAR["avatar_id"]),
                voice=TextVoice(voice_id=TEXT["voice_id"], input_text="Welcome!"),
                background=ColorBackground(value="#FAFAFA"),
            )
        ],
        dimension=Dimension(width=1280, height=720),
    )
    wire = request.to_dict()
    assert v2_to_v3(wire) == v2_to_v3(request)


def test_the_input_is_left_untouched_and_the_result_shares_nothing_with_it() -> None:
    request = {
        "video_inputs": [{"character": AVATAR, "voice": TEXT, "background": {"type": "color", "value": "#FAFAFA"}}]
    }
    before = copy.deepcopy(request)
    migration = v2_to_v3(request)
    migration.payload["scenes"][0]["input"]["avatar_id"] = "changed"
    assert before == request


def test_migration_error_is_plain_data() -> None:
    error = MigrationError(3, "why")
    assert isinstance(error, HeyGenError)
    assert isinstance(error, ValueError)
    for copied in (pickle.loads(pickle.dumps(error)), copy.deepcopy(error), copy.copy(error)):
        assert (MigrationError, 3, "why", str(error)) == (type(copied), copied.scene, copied.reason, str(copied))


def test_solid_png_is_one_colour() -> None:
    data = solid_png("#12AbEF", side=3)
    assert b"\x89PNG\r\n\x1a\n" == data[:8]
    assert (3, 3) == struct.unpack(">II", data[16:24])
    pixels = zlib.decompress(data[41 : 41 + struct.unpack(">I", data[33:37])[0]])
    assert (b"\x00" + bytes.fromhex("12ABEF") * 3) * 3 == pixels
    with pytest.raises(ValueError, match="#RRGGBB"):
        solid_png("red")


def test_migration_is_deterministic() -> None:
    request = {"video_inputs": [{"voice": {"type": "silence"}}, {"character": AVATAR, "voice": TEXT}]}
    first: Migration = v2_to_v3(request, allow_drop=True)
    assert first == v2_to_v3(copy.deepcopy(request), allow_drop=True)


def test_the_module_docstring_example_runs() -> None:
    import doctest

    import heygen_studio.migrate

    assert (0, 3) == tuple(doctest.testmod(heygen_studio.migrate))
