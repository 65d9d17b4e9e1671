"""Property-based: validate_request agrees with an independent check on thousands of generated payloads.

The oracle is ``jsonschema`` (Draft 2020-12) on a schema written here by hand
from the seed's prose, with ``if``/``then``/``oneOf`` for the conditional rules,
and with JSON's own types (``true`` is not a number, ``1920.0`` is not an
integer, NaN is not a number). It shares no code with the validator, so a rule
the validator drops or gets wrong shows up as a disagreement.
"""

from __future__ import annotations

import math
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, event, given, settings
from jsonschema import Draft202012Validator

from heygen_studio import CreateVideoRequest, validate_request
from heygen_studio._validation import DEFAULT_OPERATION, _operation, prepare_request
from tests.heygen_studio.strategies import payloads
from tests.shared import examples

HEX = r"^#[0-9a-fA-F]{6}\Z"
OFFSET = {
    "type": "object",
    "properties": {"x": {"type": "number"}, "y": {"type": "number"}},
    "additionalProperties": False,
}
SCALE = {"type": "number", "minimum": 0, "maximum": 5}
INT32 = {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1}  # "format": "int32"


def variant(tag: str, properties: dict[str, Any], required: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"type": {"const": tag}, **properties},
        "required": ["type", *required],
        "additionalProperties": False,
        **extra,
    }


def tagged(options: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A union dispatched on `type`: an unknown tag, a missing tag, and each variant's rules all fail it."""
    return {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"enum": list(options)}},
        "allOf": [
            {"if": {"properties": {"type": {"const": tag}}, "required": ["type"]}, "then": schema}
            for tag, schema in options.items()
        ],
    }


AVATAR = variant(
    "avatar",
    {
        "avatar_id": {"type": "string"},
        "scale": SCALE,
        "avatar_style": {"enum": ["circle", "closeUp", "normal"]},
        "use_avatar_iv_model": {"type": "boolean"},
        "matting": {"type": "boolean"},
        "circle_background_color": {"type": "string", "pattern": HEX},
        "offset": OFFSET,
    },
    ["avatar_id"],
)
TALKING_PHOTO = variant(
    "talking_photo",
    {
        "talking_photo_id": {"type": "string"},
        "scale": SCALE,
        "talking_photo_style": {"enum": ["circle"]},
        "use_avatar_iv_model": {"type": "boolean"},
        "prompt": {"type": "string"},
        "keep_original_prompt": {"type": "boolean"},
        "talking_style": {"enum": ["stable", "expressive"]},
        "expression": {"enum": ["default", "happy"]},
        "super_resolution": {"type": "boolean"},
        "matting": {"type": "boolean"},
        "circle_background_color": {"type": "string", "pattern": HEX},
        "offset": OFFSET,
    },
    ["talking_photo_id"],
    # "prompt, keep_original_prompt: only when use_avatar_iv_model is true"
    **{
        "if": {"properties": {"use_avatar_iv_model": {"const": True}}, "required": ["use_avatar_iv_model"]},
        "else": {"properties": {"prompt": False, "keep_original_prompt": False}},
    },
)
ELEVENLABS = {
    "type": "object",
    "properties": {
        "model": {
            "enum": [
                "eleven_monolingual_v1",
                "eleven_multilingual_v1",
                "eleven_multilingual_v2",
                "eleven_turbo_v2",
                "eleven_turbo_v2_5",
                "eleven_v3",
            ]
        },
        "similarity_boost": {"type": "number", "minimum": 0, "maximum": 1},
        "stability": {"type": "number", "minimum": 0, "maximum": 1},
        "style": {"type": "number", "minimum": 0, "maximum": 1},
    },
    "additionalProperties": False,
    # "for eleven_v3 model ... allowed value to one of 0, 0.5, 1.0"
    "if": {"properties": {"model": {"const": "eleven_v3"}}, "required": ["model"]},
    "then": {"properties": {"stability": {"enum": [0, 0.5, 1]}}},
}
TEXT_VOICE = variant(
    "text",
    {
        "voice_id": {"type": "string"},
        "input_text": {"type": "string"},
        "speed": {"type": "number", "minimum": 0.5, "maximum": 1.5},
        "pitch": {"type": "integer", "minimum": -50, "maximum": 50},
        "emotion": {"enum": ["Excited", "Friendly", "Serious", "Soothing", "Broadcaster"]},
        "locale": {"type": "string"},
        "elevenlabs_settings": ELEVENLABS,
    },
    ["voice_id", "input_text"],
)
AUDIO_VOICE = variant(
    "audio",
    {"audio_url": {"type": "string"}, "audio_asset_id": {"type": "string"}},
    [],
    oneOf=[{"required": ["audio_url"]}, {"required": ["audio_asset_id"]}],
)
# "Duration of silence, value ranges from 1.0 and 100.0", written as a string: 1 to 99.99.. or 100(.0..)
SILENCE_VOICE = variant(
    "silence",
    {"duration": {"type": "string", "pattern": r"^(0*[1-9][0-9]?(\.[0-9]+)?|0*100(\.0+)?)\Z"}},
    [],
)
COLOR = variant("color", {"value": {"type": "string", "pattern": HEX}}, [])
IMAGE = variant(
    "image",
    {"url": {"type": "string"}, "image_asset_id": {"type": "string"}},
    [],
    oneOf=[{"required": ["url"]}, {"required": ["image_asset_id"]}],
)
VIDEO = variant(
    "video",
    {
        "url": {"type": "string"},
        "video_asset_id": {"type": "string"},
        "play_style": {"enum": ["freeze", "loop", "fit_to_scene"]},
        "fit": {"enum": ["crop", "cover", "contain", "none"]},
    },
    [],
    oneOf=[{"required": ["url"]}, {"required": ["video_asset_id"]}],
)
TEXT_OVERLAY = {
    "type": "object",
    "properties": {
        "type": {"enum": ["text"]},
        "text": {"type": "string"},
        "font_family": {"type": "string"},
        "font_size": {"type": "number", "exclusiveMinimum": 0},
        "font_weight": {"enum": ["bold"]},
        "color": {"type": "string", "pattern": HEX},
        "text_align": {"enum": ["left", "center", "right"]},
        "line_height": {"type": "number", "exclusiveMinimum": 0},
        "width": {"type": "number"},
        "position": OFFSET,
    },
    "required": ["type", "text", "line_height"],
    "additionalProperties": False,
}
ORACLE_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "caption": {"type": "boolean"},
        "title": {"type": "string"},
        "callback_id": {"type": "string"},
        "folder_id": {"type": "string"},
        "callback_url": {"type": "string"},
        "video_inputs": {
            "type": "array",
            "minItems": 1,
            "maxItems": 50,
            "items": {
                "type": "object",
                "properties": {
                    "character": tagged({"avatar": AVATAR, "talking_photo": TALKING_PHOTO}),
                    "voice": tagged({"text": TEXT_VOICE, "audio": AUDIO_VOICE, "silence": SILENCE_VOICE}),
                    "background": tagged({"color": COLOR, "image": IMAGE, "video": VIDEO}),
                    "text": TEXT_OVERLAY,
                },
                "additionalProperties": False,
            },
        },
        "dimension": {
            "type": "object",
            "properties": {"width": INT32, "height": INT32},
            "additionalProperties": False,
        },
    },
    "required": ["video_inputs"],
    "additionalProperties": False,
    # caption: "Only supported for text-based input" -- no scene with an audio voice when caption is true.
    "if": {"properties": {"caption": {"const": True}}, "required": ["caption"]},
    "then": {
        "properties": {
            "video_inputs": {
                "not": {
                    "contains": {
                        "type": "object",
                        "properties": {
                            "voice": {
                                "type": "object",
                                "properties": {"type": {"const": "audio"}},
                                "required": ["type"],
                            }
                        },
                        "required": ["voice"],
                    }
                }
            }
        }
    },
}


def _is_json_integer(checker: Any, value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_json_number(checker: Any, value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


OracleValidator = jsonschema.validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine_many(
        {"integer": _is_json_integer, "number": _is_json_number}
    ),
)
Draft202012Validator.check_schema(ORACLE_SCHEMA)
ORACLE = OracleValidator(ORACLE_SCHEMA)

# Derandomized so CI sees the same examples every run; no example database, so runs do not depend on each other.
PROPERTY_SETTINGS = dict(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


def oracle_says_valid(payload: Any) -> bool:
    return ORACLE.is_valid(payload)


@settings(max_examples=examples(1000), **PROPERTY_SETTINGS)
@given(payloads(mutate=False))
def test_generated_valid_payloads_pass_both_and_round_trip(payload: dict[str, Any]) -> None:
    assert oracle_says_valid(payload), list(ORACLE.iter_errors(payload))
    assert [] == validate_request(payload)
    request = CreateVideoRequest.from_dict(payload)
    assert request == CreateVideoRequest.from_dict(request.to_dict())
    assert payload == request.to_dict()
    assert [] == validate_request(request)
    assert payload == prepare_request(request, {})


@pytest.mark.parametrize(
    ("payload", "valid"),
    [
        ({"video_inputs": [{"dimension": 1}]}, False),
        ({"video_inputs": [{"voice": {"type": "silence", "duration": "100.0"}}]}, True),
        ({"video_inputs": [{"voice": {"type": "silence", "duration": "100.5"}}]}, False),
        ({"video_inputs": [{"character": {"type": "avatar", "avatar_id": "a", "scale": True}}]}, False),
        ({"video_inputs": [{}], "dimension": {"width": 1920.0}}, False),
        ({"video_inputs": [{"character": {"type": "talking_photo", "talking_photo_id": "t", "prompt": "p"}}]}, False),
        ({"caption": True, "video_inputs": [{}, {"voice": {"type": "audio", "audio_url": "u"}}]}, False),
        ({"caption": True, "video_inputs": [{"voice": {"type": "silence"}}]}, True),
        ({"video_inputs": [{}], "dimension": {"width": 2**31}}, False),
    ],
)
def test_the_oracle_itself_knows_the_rules(payload: dict[str, Any], valid: bool) -> None:
    # Guard against an oracle that agrees because it accepts everything.
    assert valid == oracle_says_valid(payload)
    assert valid == (not validate_request(payload))


def _has_numeric_zero(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_numeric_zero(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_numeric_zero(item) for item in value)
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0


# One property for the three verdicts on a mutated payload: generating the payloads costs far more than
# checking them, so each check still sees all 1,200 without generating them once per check.
@settings(max_examples=examples(1200), **PROPERTY_SETTINGS)
@given(payloads(mutate=True))
def test_mutated_payloads_get_the_oracles_verdict_and_the_fast_gate_agrees_with_the_checkers(payload: Any) -> None:
    violations = validate_request(payload)
    event("valid" if not violations else "invalid")  # the mix shows with --hypothesis-show-statistics
    assert oracle_says_valid(payload) == (not violations), (violations, list(ORACLE.iter_errors(payload)))

    # The gate's "valid" is final, so it must never pass what the checkers refuse; its "no" must only
    # ever be for something the checkers refuse, or for a numeric 0, which it leaves to them on purpose.
    operation = _operation(DEFAULT_OPERATION)
    assert operation.gate is not None
    try:
        said: bool | None = operation.gate(payload)
    except Exception:
        said = None
    errors = operation.errors(payload)
    if said:
        assert errors is None, [error.violation() for error in errors or ()]
    if errors is None and said is False:
        assert _has_numeric_zero(payload)
