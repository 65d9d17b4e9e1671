"""validate_request / prepare_request: one row per rule, asserting exactly which paths and rules are reported."""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from heygen_studio_api.schema import SCHEMAS

from heygen_studio import (
    UNSET,
    AudioVoice,
    AvatarCharacter,
    ColorBackground,
    CreateVideoRequest,
    Dimension,
    HeyGenWarning,
    RequestValidationError,
    TalkingPhotoCharacter,
    TextVoice,
    VideoInput,
    Violation,
    validate_request,
)
from heygen_studio._validation import SchemaCompileError, _Compiler, prepare_request

Payload = dict[str, Any]


def valid_payload() -> Payload:
    """The README's request, in wire form: valid, and the base every row below changes one thing in."""
    return {
        "video_inputs": [
            {
                "character": {"type": "avatar", "avatar_id": "Daisy-inskirt-20220818"},
                "voice": {"type": "text", "voice_id": "2d5b", "input_text": "Welcome!"},
                "background": {"type": "color", "value": "#FAFAFA"},
            }
        ],
        "dimension": {"width": 1280, "height": 720},
    }


def scene_with(**parts: Any) -> Payload:
    payload = valid_payload()
    payload["video_inputs"][0].update(parts)
    return payload


def changed(path: str, value: Any) -> Payload:
    """The valid payload with one dotted path set (or deleted, for ``DELETE``)."""
    payload = valid_payload()
    *parents, last = path.split(".")
    node: Any = payload
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return payload


DELETE = object()
TALKING_PHOTO = {"type": "talking_photo", "talking_photo_id": "tp-1"}
AUDIO = {"type": "audio", "audio_url": "https://example.com/a.mp3"}
TEXT = {"type": "text", "text": "Hi", "line_height": 1.2}

VALID: list[tuple[str, Payload]] = [
    ("readme example", valid_payload()),
    ("no dimension", changed("dimension", DELETE)),
    (
        "every top-level field",
        {
            **valid_payload(),
            "caption": True,
            "title": "t",
            "callback_id": "c",
            "folder_id": "f",
            "callback_url": "https://example.com/cb",
        },
    ),
    ("talking photo", scene_with(character=TALKING_PHOTO)),
    (
        "talking photo with prompt and iv",
        scene_with(
            character={**TALKING_PHOTO, "use_avatar_iv_model": True, "prompt": "nod", "keep_original_prompt": True}
        ),
    ),
    ("audio url", scene_with(voice=AUDIO)),
    ("audio asset", scene_with(voice={"type": "audio", "audio_asset_id": "a1"})),
    ("silence default", scene_with(voice={"type": "silence"})),
    ("silence 1", scene_with(voice={"type": "silence", "duration": "1"})),
    ("silence 100.0", scene_with(voice={"type": "silence", "duration": "100.0"})),
    ("image url", scene_with(background={"type": "image", "url": "u"})),
    ("image asset", scene_with(background={"type": "image", "image_asset_id": "i"})),
    (
        "video asset",
        scene_with(background={"type": "video", "video_asset_id": "v", "fit": "contain", "play_style": "loop"}),
    ),
    ("text overlay", scene_with(text={**TEXT, "font_size": 0.5, "color": "#00ff00", "position": {"x": 1, "y": 2}})),
    ("scale bounds", changed("video_inputs.0.character.scale", 5)),
    ("scale zero", changed("video_inputs.0.character.scale", 0.0)),
    ("speed float", changed("video_inputs.0.voice.speed", 1.5)),
    ("pitch -50", changed("video_inputs.0.voice.pitch", -50)),
    (
        "eleven_v3 stability 0.5",
        changed("video_inputs.0.voice.elevenlabs_settings", {"model": "eleven_v3", "stability": 0.5}),
    ),
    (
        "eleven_v3 stability 1.0",
        changed("video_inputs.0.voice.elevenlabs_settings", {"model": "eleven_v3", "stability": 1.0}),
    ),
    (
        "other model any stability",
        changed("video_inputs.0.voice.elevenlabs_settings", {"model": "eleven_turbo_v2", "stability": 0.3}),
    ),
    (
        "caption with text and silence scenes",
        {"caption": True, "video_inputs": [valid_payload()["video_inputs"][0], {"voice": {"type": "silence"}}]},
    ),
    ("audio without caption", {"caption": False, "video_inputs": [{"voice": AUDIO}]}),
    ("int32 extremes", {**valid_payload(), "dimension": {"width": 2**31 - 1, "height": -(2**31)}}),
    ("50 scenes", {"video_inputs": [valid_payload()["video_inputs"][0] for _ in range(50)]}),
    ("scene without character", scene_with()),
]


@pytest.mark.parametrize(("name", "payload"), VALID, ids=[name for name, _ in VALID])
def test_valid_payloads_have_no_violations(name: str, payload: Payload) -> None:
    assert [] == validate_request(payload)


INVALID: list[tuple[str, Payload, list[tuple[str, str]]]] = [
    # required, per object and per variant
    ("no video_inputs", {}, [("video_inputs", "required")]),
    (
        "avatar without avatar_id",
        changed("video_inputs.0.character.avatar_id", DELETE),
        [("video_inputs.0.character.avatar_id", "required")],
    ),
    (
        "talking photo without id",
        scene_with(character={"type": "talking_photo"}),
        [("video_inputs.0.character.talking_photo_id", "required")],
    ),
    (
        "text voice without input_text",
        changed("video_inputs.0.voice.input_text", DELETE),
        [("video_inputs.0.voice.input_text", "required")],
    ),
    (
        "text overlay without line_height",
        scene_with(text={"type": "text", "text": "Hi"}),
        [("video_inputs.0.text.line_height", "required")],
    ),
    (
        "voice without type",
        scene_with(voice={"voice_id": "v", "input_text": "x"}),
        [("video_inputs.0.voice.type", "required")],
    ),
    # discriminators
    (
        "unknown voice type",
        changed("video_inputs.0.voice.type", "tts"),
        [("video_inputs.0.voice.type", "discriminator")],
    ),
    (
        "numeric background type",
        changed("video_inputs.0.background.type", 1),
        [("video_inputs.0.background.type", "discriminator")],
    ),
    ("text overlay wrong type", scene_with(text={**TEXT, "type": "txt"}), [("video_inputs.0.text.type", "enum")]),
    # exactly-one-of
    ("audio neither", scene_with(voice={"type": "audio"}), [("video_inputs.0.voice", "exactly-one-of")]),
    ("audio both", scene_with(voice={**AUDIO, "audio_asset_id": "a"}), [("video_inputs.0.voice", "exactly-one-of")]),
    ("image neither", scene_with(background={"type": "image"}), [("video_inputs.0.background", "exactly-one-of")]),
    (
        "image both",
        scene_with(background={"type": "image", "url": "u", "image_asset_id": "i"}),
        [("video_inputs.0.background", "exactly-one-of")],
    ),
    ("video neither", scene_with(background={"type": "video"}), [("video_inputs.0.background", "exactly-one-of")]),
    (
        "video both",
        scene_with(background={"type": "video", "url": "u", "video_asset_id": "v"}),
        [("video_inputs.0.background", "exactly-one-of")],
    ),
    # numeric ranges
    ("scale above 5", changed("video_inputs.0.character.scale", 5.01), [("video_inputs.0.character.scale", "maximum")]),
    ("scale below 0", changed("video_inputs.0.character.scale", -0.1), [("video_inputs.0.character.scale", "minimum")]),
    ("speed below 0.5", changed("video_inputs.0.voice.speed", 0.49), [("video_inputs.0.voice.speed", "minimum")]),
    ("pitch above 50", changed("video_inputs.0.voice.pitch", 51), [("video_inputs.0.voice.pitch", "maximum")]),
    (
        "similarity above 1",
        changed("video_inputs.0.voice.elevenlabs_settings", {"similarity_boost": 1.5}),
        [("video_inputs.0.voice.elevenlabs_settings.similarity_boost", "maximum")],
    ),
    ("font size 0", scene_with(text={**TEXT, "font_size": 0}), [("video_inputs.0.text.font_size", "exclusiveMinimum")]),
    (
        "line height 0.0",
        scene_with(text={**TEXT, "line_height": 0.0}),
        [("video_inputs.0.text.line_height", "exclusiveMinimum")],
    ),
    # JSON types
    ("width as string", changed("dimension.width", "1920"), [("dimension.width", "type")]),
    ("width as float", changed("dimension.width", 1920.0), [("dimension.width", "type")]),
    ("width as bool", changed("dimension.width", True), [("dimension.width", "type")]),
    ("height null", changed("dimension.height", None), [("dimension.height", "type")]),
    ("pitch float", changed("video_inputs.0.voice.pitch", 1.5), [("video_inputs.0.voice.pitch", "type")]),
    ("scale true", changed("video_inputs.0.character.scale", True), [("video_inputs.0.character.scale", "type")]),
    ("scale NaN", changed("video_inputs.0.character.scale", math.nan), [("video_inputs.0.character.scale", "type")]),
    (
        "offset inf",
        changed("video_inputs.0.character.offset", {"x": math.inf}),
        [("video_inputs.0.character.offset.x", "type")],
    ),
    (
        "offset x string",
        changed("video_inputs.0.character.offset", {"x": "0"}),
        [("video_inputs.0.character.offset.x", "type")],
    ),
    ("caption string", {**valid_payload(), "caption": "false"}, [("caption", "type")]),
    ("title number", {**valid_payload(), "title": 5}, [("title", "type")]),
    (
        "avatar_id number",
        changed("video_inputs.0.character.avatar_id", 7),
        [("video_inputs.0.character.avatar_id", "type")],
    ),
    ("video_inputs object", {"video_inputs": {"0": {}}}, [("video_inputs", "type")]),
    ("scene not an object", {"video_inputs": ["scene"]}, [("video_inputs.0", "type")]),
    ("voice not an object", changed("video_inputs.0.voice", "text"), [("video_inputs.0.voice", "type")]),
    ("dimension a list", changed("dimension", [1280, 720]), [("dimension", "type")]),
    ("root a list", [], [("", "type")]),  # type: ignore[list-item]
    # patterns
    (
        "colour name",
        changed("video_inputs.0.background.value", "white"),
        [("video_inputs.0.background.value", "pattern")],
    ),
    (
        "colour short",
        changed("video_inputs.0.background.value", "#FFF"),
        [("video_inputs.0.background.value", "pattern")],
    ),
    (
        "colour trailing newline",
        changed("video_inputs.0.background.value", "#FFFFFF\n"),
        [("video_inputs.0.background.value", "pattern")],
    ),
    (
        "circle colour",
        changed("video_inputs.0.character.circle_background_color", "#GGGGGG"),
        [("video_inputs.0.character.circle_background_color", "pattern")],
    ),
    ("text colour", scene_with(text={**TEXT, "color": "red"}), [("video_inputs.0.text.color", "pattern")]),
    (
        "duration not numeric",
        scene_with(voice={"type": "silence", "duration": "1e2"}),
        [("video_inputs.0.voice.duration", "pattern")],
    ),
    # numeric-string
    (
        "duration below 1",
        scene_with(voice={"type": "silence", "duration": "0.5"}),
        [("video_inputs.0.voice.duration", "numeric-string")],
    ),
    (
        "duration above 100",
        scene_with(voice={"type": "silence", "duration": "100.01"}),
        [("video_inputs.0.voice.duration", "numeric-string")],
    ),
    (
        "duration a number",
        scene_with(voice={"type": "silence", "duration": 5}),
        [("video_inputs.0.voice.duration", "type")],
    ),
    # enum-when
    (
        "eleven_v3 stability 0.3",
        changed("video_inputs.0.voice.elevenlabs_settings", {"model": "eleven_v3", "stability": 0.3}),
        [("video_inputs.0.voice.elevenlabs_settings.stability", "enum-when")],
    ),
    # only-when
    (
        "prompt without iv",
        scene_with(character={**TALKING_PHOTO, "prompt": "nod"}),
        [("video_inputs.0.character.prompt", "only-when")],
    ),
    (
        "keep prompt with iv false",
        scene_with(
            character={**TALKING_PHOTO, "use_avatar_iv_model": False, "keep_original_prompt": True, "prompt": "x"}
        ),
        [
            ("video_inputs.0.character.prompt", "only-when"),
            ("video_inputs.0.character.keep_original_prompt", "only-when"),
        ],
    ),
    # excludes-variant: "caption ... Only supported for text-based input."
    (
        "caption with an audio scene",
        {"caption": True, "video_inputs": [valid_payload()["video_inputs"][0], {"voice": AUDIO}]},
        [("caption", "wrong-variant")],
    ),
    (
        "caption with audio and its own type error",
        {"caption": 1, "video_inputs": [{"voice": AUDIO}]},
        [("caption", "type")],
    ),
    # integer formats: width, height and pitch are int32
    (
        "width past int32",
        {**valid_payload(), "dimension": {"width": 2**31, "height": -(2**31) - 1}},
        [("dimension.width", "maximum"), ("dimension.height", "minimum")],
    ),
    # items
    ("no scenes", {"video_inputs": []}, [("video_inputs", "minItems")]),
    (
        "51 scenes",
        {"video_inputs": [valid_payload()["video_inputs"][0] for _ in range(51)]},
        [("video_inputs", "maxItems")],
    ),
    # enums
    (
        "avatar style",
        changed("video_inputs.0.character.avatar_style", "square"),
        [("video_inputs.0.character.avatar_style", "enum")],
    ),
    ("emotion case", changed("video_inputs.0.voice.emotion", "excited"), [("video_inputs.0.voice.emotion", "enum")]),
    (
        "eleven model",
        changed("video_inputs.0.voice.elevenlabs_settings", {"model": "eleven_v4"}),
        [("video_inputs.0.voice.elevenlabs_settings.model", "enum")],
    ),
    (
        "fit",
        scene_with(background={"type": "video", "url": "u", "fit": "stretch"}),
        [("video_inputs.0.background.fit", "enum")],
    ),
    # closed objects
    ("unknown root field", {**valid_payload(), "webhook": "x"}, [("webhook", "unknown-field")]),
    ("unknown dimension field", changed("dimension.depth", 3), [("dimension.depth", "unknown-field")]),
    ("unknown scene field", scene_with(avatar={"type": "avatar"}), [("video_inputs.0.avatar", "unknown-field")]),
    (
        "misspelt voice field",
        changed("video_inputs.0.voice.voice_idd", "v"),
        [("video_inputs.0.voice.voice_idd", "unknown-field")],
    ),
    # fields of a sibling variant
    (
        "talking_style on avatar",
        changed("video_inputs.0.character.talking_style", "stable"),
        [("video_inputs.0.character.talking_style", "wrong-variant")],
    ),
    (
        "avatar_style on talking photo",
        scene_with(character={**TALKING_PHOTO, "avatar_style": "circle"}),
        [("video_inputs.0.character.avatar_style", "wrong-variant")],
    ),
    (
        "input_text on audio",
        scene_with(voice={**AUDIO, "input_text": "hi"}),
        [("video_inputs.0.voice.input_text", "wrong-variant")],
    ),
    (
        "url on colour",
        changed("video_inputs.0.background.url", "u"),
        [("video_inputs.0.background.url", "wrong-variant")],
    ),
]


@pytest.mark.parametrize(("name", "payload", "expected"), INVALID, ids=[row[0] for row in INVALID])
def test_each_rule_reports_exactly_its_paths(name: str, payload: Payload, expected: list[tuple[str, str]]) -> None:
    assert expected == [(v.path, v.rule) for v in validate_request(payload)]


def test_every_violation_across_all_scenes_at_once_in_payload_order() -> None:
    payload = {
        "title": 5,
        "video_inputs": [
            {"character": {"type": "avatar"}, "voice": {"type": "audio"}},
            valid_payload()["video_inputs"][0],
            {"voice": {"type": "silence", "duration": "0"}, "background": {"type": "gif"}},
        ],
        "dimension": {"width": "1920", "height": 1080.0},
    }
    expected = [
        ("title", "type"),
        ("video_inputs.0.character.avatar_id", "required"),
        ("video_inputs.0.voice", "exactly-one-of"),
        ("video_inputs.2.voice.duration", "numeric-string"),
        ("video_inputs.2.background.type", "discriminator"),
        ("dimension.width", "type"),
        ("dimension.height", "type"),
    ]
    assert expected == [(v.path, v.rule) for v in validate_request(payload)]
    assert validate_request(payload) == validate_request(copy.deepcopy(payload))


MESSAGES: list[tuple[Payload, Violation]] = [
    (
        changed("dimension.width", "1920"),
        Violation("dimension.width", 'must be of type integer, got string "1920"', "type"),
    ),
    (
        changed("dimension.width", True),
        Violation("dimension.width", "must be of type integer, got boolean true", "type"),
    ),
    (
        changed("video_inputs.0.character.scale", math.inf),
        Violation(
            "video_inputs.0.character.scale", "must be of type number, got Infinity (not a finite number)", "type"
        ),
    ),
    (
        changed("video_inputs.0.character.scale", 6),
        Violation("video_inputs.0.character.scale", "must be <= 5 (maximum), got integer 6", "maximum"),
    ),
    (
        scene_with(text={**TEXT, "font_size": 0}),
        Violation("video_inputs.0.text.font_size", "must be > 0 (exclusiveMinimum), got integer 0", "exclusiveMinimum"),
    ),
    (
        changed("video_inputs.0.background.value", "red"),
        Violation(
            "video_inputs.0.background.value",
            'must match the pattern ^#[0-9a-fA-F]{6}$ (pattern), got string "red"',
            "pattern",
        ),
    ),
    (
        changed("video_inputs.0.voice.type", "tts"),
        Violation(
            "video_inputs.0.voice.type",
            'unknown voice type "tts"; allowed voice types: `text`, `audio`, `silence`',
            "discriminator",
        ),
    ),
    (
        scene_with(voice={"type": "audio"}),
        Violation(
            "video_inputs.0.voice",
            "exactly one of `audio_url` and `audio_asset_id` must be given (exactly-one-of), got neither",
            "exactly-one-of",
        ),
    ),
    (
        scene_with(background={"type": "image", "url": "u", "image_asset_id": "i"}),
        Violation(
            "video_inputs.0.background",
            "exactly one of `url` and `image_asset_id` must be given (exactly-one-of), got both",
            "exactly-one-of",
        ),
    ),
    (
        scene_with(voice={"type": "silence", "duration": "0.5"}),
        Violation(
            "video_inputs.0.voice.duration",
            'must be a number from 1 to 100 written as a string (numeric-string), got string "0.5"',
            "numeric-string",
        ),
    ),
    (
        changed("video_inputs.0.voice.elevenlabs_settings", {"model": "eleven_v3", "stability": 0.3}),
        Violation(
            "video_inputs.0.voice.elevenlabs_settings.stability",
            'must be one of 0, 0.5, 1 when `model` is "eleven_v3" (enum-when), got number 0.3',
            "enum-when",
        ),
    ),
    (
        scene_with(character={**TALKING_PHOTO, "prompt": "nod"}),
        Violation(
            "video_inputs.0.character.prompt",
            "`prompt` is allowed only when `use_avatar_iv_model` is true (only-when), but `use_avatar_iv_model` is "
            "not given",
            "only-when",
        ),
    ),
    ({"video_inputs": []}, Violation("video_inputs", "must have at least 1 item (minItems), got 0", "minItems")),
    (
        changed("dimension.width", 2**32),
        Violation(
            "dimension.width", "must be <= 2147483647 (maximum, format int32), got integer 4294967296", "maximum"
        ),
    ),
    (
        changed("video_inputs.0.character.avatar_style", "square"),
        Violation(
            "video_inputs.0.character.avatar_style",
            'must be one of "circle", "closeUp", "normal" (enum), got string "square"',
            "enum",
        ),
    ),
    (
        changed("dimension.widht", 1),
        Violation(
            "dimension.widht",
            "unknown field `widht` (additionalProperties is false); did you mean `width`?",
            "unknown-field",
        ),
    ),
    (
        changed("video_inputs.0.character.talking_style", "stable"),
        Violation(
            "video_inputs.0.character.talking_style",
            "`talking_style` applies only to `talking_photo` characters, not `avatar`",
            "wrong-variant",
        ),
    ),
    (
        changed("video_inputs.0.background.url", "u"),
        Violation(
            "video_inputs.0.background.url",
            "`url` applies only to `image` or `video` backgrounds, not `color`",
            "wrong-variant",
        ),
    ),
    (
        changed("video_inputs.0.character.avatar_id", DELETE),
        Violation("video_inputs.0.character.avatar_id", "`avatar_id` is required", "required"),
    ),
    (
        {"caption": True, "video_inputs": [{"voice": AUDIO}, {}, *[{"voice": AUDIO}] * 4]},
        Violation(
            "caption",
            "cannot be true when a `voice` in `video_inputs` is of type `audio`; found at video_inputs.0.voice,"
            " video_inputs.2.voice, video_inputs.3.voice and 2 more",
            "wrong-variant",
        ),
    ),
]


@pytest.mark.parametrize(("payload", "expected"), MESSAGES, ids=[v.rule + ":" + v.path for _, v in MESSAGES])
def test_messages_name_the_rule_and_the_offending_value(payload: Payload, expected: Violation) -> None:
    assert [expected] == validate_request(payload)


# -- strict=False ---------------------------------------------------------------------------------------------


def test_lenient_turns_only_wrong_variant_fields_into_warnings() -> None:
    payload = changed("video_inputs.0.character.talking_style", "stable")
    payload["video_inputs"][0]["voice"]["pitch"] = 99
    with pytest.warns(HeyGenWarning) as record:
        violations = validate_request(payload, strict=False)
    assert [("video_inputs.0.voice.pitch", "maximum")] == [(v.path, v.rule) for v in violations]
    expected = "`talking_style` applies only to `talking_photo` characters, not `avatar`"
    assert [f"video_inputs.0.character.talking_style: {expected}"] == [str(w.message) for w in record]
    assert __file__ == record[0].filename


def test_lenient_turns_caption_with_an_audio_voice_into_a_warning() -> None:
    payload = {"caption": True, "video_inputs": [{"voice": AUDIO}]}
    with pytest.warns(HeyGenWarning, match="^caption: cannot be true when a `voice`"):
        assert [] == validate_request(payload, strict=False)


def test_caption_rule_reads_models_inside_a_dict() -> None:
    payload: Any = {"caption": True, "video_inputs": [VideoInput(voice=AudioVoice(audio_asset_id="a"))]}
    assert [("caption", "wrong-variant")] == [(v.path, v.rule) for v in validate_request(payload)]
    payload = {"caption": True, "video_inputs": [{"voice": AudioVoice(audio_asset_id="a")}]}
    assert [("caption", "wrong-variant")] == [(v.path, v.rule) for v in validate_request(payload)]
    request = CreateVideoRequest(caption=True, video_inputs=[VideoInput(voice=AudioVoice(audio_asset_id="a"))])
    assert [("caption", "wrong-variant")] == [(v.path, v.rule) for v in validate_request(request)]


def test_lenient_is_silent_for_a_valid_payload() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [] == validate_request(valid_payload(), strict=False)


def test_strict_reports_wrong_variant_fields_as_violations() -> None:
    payload = scene_with(voice={**AUDIO, "input_text": "hi"})
    assert ["wrong-variant"] == [v.rule for v in validate_request(payload, strict=True)]


# -- models ---------------------------------------------------------------------------------------------------


def readme_request(**changes: Any) -> CreateVideoRequest:
    return CreateVideoRequest(
        video_inputs=[
            VideoInput(
                character=AvatarCharacter(avatar_id="Daisy-inskirt-20220818"),
                voice=TextVoice(voice_id="2d5b", input_text="Welcome!"),
                background=ColorBackground(value="#FAFAFA"),
            )
        ],
        dimension=Dimension(width=1280, height=720),
        **changes,
    )


def test_a_valid_model_has_no_violations() -> None:
    assert [] == validate_request(readme_request())


def test_a_model_is_checked_in_its_wire_form_with_unset_left_out() -> None:
    request = readme_request(title=UNSET)
    request.video_inputs.append(
        VideoInput(character=TalkingPhotoCharacter(talking_photo_id="t", prompt="nod"), voice=AudioVoice())
    )
    request.dimension = Dimension(width=1920.0)  # type: ignore[arg-type]
    assert [
        ("video_inputs.1.character.prompt", "only-when"),
        ("video_inputs.1.voice", "exactly-one-of"),
        ("dimension.width", "type"),
    ] == [(v.path, v.rule) for v in validate_request(request)]


def test_a_dict_may_hold_models_and_a_model_may_hold_dicts() -> None:
    payload: Any = {"video_inputs": [VideoInput(character={"type": "avatar"})]}  # type: ignore[arg-type]
    assert [("video_inputs.0.character.avatar_id", "required")] == [(v.path, v.rule) for v in validate_request(payload)]


# -- prepare_request ------------------------------------------------------------------------------------------

PREPARE_SOURCES: list[tuple[str, Callable[[], tuple[Any, dict[str, Any]]]]] = [
    ("wire dict", lambda: (valid_payload(), {})),
    ("model", lambda: (readme_request(), {})),
    (
        "keyword fields with models",
        lambda: (None, {"video_inputs": readme_request().video_inputs, "dimension": Dimension(width=1280, height=720)}),
    ),
    (
        "keyword fields with dicts",
        lambda: (None, {"video_inputs": valid_payload()["video_inputs"], "dimension": {"width": 1280, "height": 720}}),
    ),
    (
        "keyword fields, a tuple of scenes and an UNSET title",
        lambda: (
            None,
            {
                "video_inputs": tuple(readme_request().video_inputs),
                "dimension": {"width": 1280, "height": 720},
                "title": UNSET,
            },
        ),
    ),
]


@pytest.mark.parametrize("source", [s for _, s in PREPARE_SOURCES], ids=[n for n, _ in PREPARE_SOURCES])
def test_prepare_request_gives_the_same_wire_json_from_every_form(
    source: Callable[[], tuple[Any, dict[str, Any]]],
) -> None:
    request, fields = source()
    assert valid_payload() == prepare_request(request, fields)


def test_prepare_request_copies_the_callers_dict() -> None:
    payload = valid_payload()
    prepared = prepare_request(payload, {})
    prepared["video_inputs"][0]["voice"]["input_text"] = "changed"
    assert "Welcome!" == payload["video_inputs"][0]["voice"]["input_text"]


def test_prepare_request_raises_once_with_every_violation() -> None:
    payload = scene_with(voice={"type": "audio"})
    payload["dimension"]["width"] = "1920"
    with pytest.raises(RequestValidationError) as caught:
        prepare_request(payload, {})
    assert [("video_inputs.0.voice", "exactly-one-of"), ("dimension.width", "type")] == [
        (v.path, v.rule) for v in caught.value.violations
    ]
    assert isinstance(caught.value, ValueError)
    assert "2 problems in the request, nothing was sent" in str(caught.value)
    assert 'dimension.width: must be of type integer, got string "1920"' in str(caught.value)


def test_prepare_request_lenient_warns_and_keeps_the_field() -> None:
    payload = changed("video_inputs.0.character.talking_style", "stable")
    with pytest.warns(HeyGenWarning, match="talking_style"):
        prepared = prepare_request(payload, {}, strict=False)
    assert payload == prepared


@pytest.mark.parametrize(
    ("request_", "fields", "message"),
    [
        (None, {}, "nothing to send"),
        ({"video_inputs": []}, {"title": "x"}, "not both"),
        ("video.json", {}, "expected a CreateVideoRequest or a dict, got str"),
    ],
    ids=["neither", "both", "a string"],
)
def test_prepare_request_type_errors(request_: Any, fields: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        prepare_request(request_, fields)


# -- the table covers every rule ------------------------------------------------------------------------------


def _without(node: Any, keyword: str, *, in_properties: bool = False) -> Any:
    """A schema with ``keyword`` (a JSON Schema keyword, or an x-heygen-rules kind) removed everywhere."""
    if isinstance(node, list):
        return [_without(item, keyword) for item in node]
    if not isinstance(node, dict):
        return node
    stripped: dict[str, Any] = {}
    for key, value in node.items():
        if key == "x-heygen-rules":
            stripped[key] = [rule for rule in value if rule["rule"] != keyword]
        elif in_properties or key != keyword:
            stripped[key] = _without(value, keyword, in_properties=key == "properties" and not in_properties)
    return stripped


@pytest.mark.parametrize(
    "dropped",
    [
        "required",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "pattern",
        "enum",
        "minItems",
        "maxItems",
        "additionalProperties",
        "exactly-one-of",
        "only-when",
        "enum-when",
        "numeric-string",
        "excludes-variant",
        "format",
    ],
)
def test_dropping_any_rule_from_the_spec_fails_a_row_of_the_table(dropped: str) -> None:
    check = _Compiler(_without(SCHEMAS, dropped)).compile_named("CreateVideoRequest")

    def reported(payload: Any) -> list[tuple[str, str]]:
        errors = check(payload) or []
        return [(v.path, v.rule) for v in (error.violation() for error in errors)]

    assert _without(SCHEMAS, dropped) != SCHEMAS
    broken = [name for name, payload, expected in INVALID if reported(payload) != expected]
    assert broken, f"no row of INVALID notices that {dropped!r} was dropped"


# -- the compiler refuses what it does not understand ---------------------------------------------------------


def _schemas_with(path: str, value: Any) -> dict[str, Any]:
    """The patched components with one dotted path set, e.g. ``Dimension.properties.width.format``."""
    schemas = copy.deepcopy(dict(SCHEMAS))
    *parents, last = path.split(".")
    node: Any = schemas
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[int(last) if isinstance(node, list) else last] = value
    return schemas


CAPTION_RULE = "CreateVideoRequest.x-heygen-rules.0"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("Dimension.properties.width.multipleOf", 2, r"Dimension\.width: unsupported keywords \['multipleOf'\]"),
        ("Dimension.properties.width.type", "int", "unknown type 'int'"),
        ("Dimension.properties.width.minimum", "0", "minimum must be a number"),
        ("Dimension.patternProperties", {"^x": {}}, r"unsupported object keywords \['patternProperties'\]"),
        ("VideoInput.properties.voice.oneOf", [], "oneOf must be a non-empty list"),
        ("Dimension.properties.width", {"$ref": "#/components/schemas/Nope"}, "unresolvable \\$ref"),
        ("VideoInput.properties.voice.discriminator", None, "discriminator must be an object with a propertyName"),
        ("VideoInput.properties.voice.discriminator.mapping.tts", "#/components/schemas/Nope", "'tts' matches 0 arms"),
        ("Dimension.properties.width.pattern", "(", "not a regex this validator can read"),
        ("AudioVoice.x-heygen-rules.0.rule", "at-least-two-of", "unknown x-heygen-rules kind 'at-least-two-of'"),
        ("AudioVoice.x-heygen-rules.0.properties.0", "audio_uri", "names unknown property 'audio_uri'"),
        (f"{CAPTION_RULE}.items", "scenes", "names unknown property 'scenes'"),
        (f"{CAPTION_RULE}.union", "narration", r"`video_inputs\[\]\.narration` is not a union"),
        (f"{CAPTION_RULE}.variants", ["audio", "tts"], r"with the variants \['tts'\]"),
        (f"{CAPTION_RULE}.when", {"caption": True, "title": "x"}, "exactly one `when` property"),
    ],
)
def test_the_compiler_refuses_a_spec_it_does_not_understand(path: str, value: Any, message: str) -> None:
    # Refusing beats skipping: a keyword silently ignored would let through what HeyGen rejects.
    with pytest.raises(SchemaCompileError, match=message):
        _Compiler(_schemas_with(path, value)).compile_named("CreateVideoRequest")
