"""The v3 prose rules of ``12-v3-more-rules.overlay.yaml`` on real ``POST /v3/videos`` payloads.

Each rule has a payload that keeps it (valid) and one that breaks it, reported
at its exact HeyGen-style path with its rule kind and nothing else.
"""

from __future__ import annotations

from typing import Any

import pytest

from heygen_studio import validate_request
from tests.heygen_studio.testing import v3_payloads
from tests.heygen_studio.testing.v3_payloads import AVATAR_ID, VOICE_ID

V3 = "POST /v3/videos"
PICTURE = {"type": "url", "url": "https://example.com/face.png"}
COLOR = {"type": "color", "value": "#00ff00"}


def without(payload: dict[str, Any], *names: str) -> dict[str, Any]:
    return {key: value for key, value in payload.items() if key not in names}


def studio(*scenes: dict[str, Any]) -> dict[str, Any]:
    return {"type": "studio", "scenes": list(scenes)}


def talking(**input_fields: Any) -> dict[str, Any]:
    """An ``avatar_video`` scene with an avatar input speaking a script."""
    speaker = {"type": "avatar", "avatar_id": AVATAR_ID, "script": "Hi.", "voice_id": VOICE_ID, **input_fields}
    return {"type": "avatar_video", "input": speaker}


def animated(**input_fields: Any) -> dict[str, Any]:
    """An ``avatar_video`` scene with a still-image input."""
    return {"type": "avatar_video", "input": {"type": "image", "image": PICTURE, **input_fields}}


def still(**fields: Any) -> dict[str, Any]:
    return {"type": "image", "source": PICTURE, **fields}


AUDIO = "https://example.com/speech.mp3"
OFFICE = "https://example.com/office.png"

# rule, payload, [(path, rule)]; [] means valid
CASES: list[tuple[str, dict[str, Any], list[tuple[str, str]]]] = [
    # requires: voice_id "Required when script is provided"
    ("image arm: script and voice_id", v3_payloads.image(), []),
    ("image arm: script without voice_id", without(v3_payloads.image(), "voice_id"), [("voice_id", "requires")]),
    ("studio image input: script and voice_id", studio(animated(script="Hi.", voice_id=VOICE_ID)), []),
    (
        "studio image input: script without voice_id",
        studio(animated(script="Hi.")),
        [("scenes.0.input.voice_id", "requires")],
    ),
    ("still image: narrated", studio(still(script="Look.", voice_id=VOICE_ID)), []),
    ("still image: silent", studio(still(duration=3)), []),
    ("still image: script without voice_id", studio(still(script="Look.")), [("scenes.0.voice_id", "requires")]),
    ("avatar arm: avatar_id stands in for voice_id", without(v3_payloads.avatar(), "voice_id"), []),
    # absent-when: expressiveness "rejected when engine.type is 'avatar_v'"
    (
        "avatar arm: expressiveness on Avatar IV",
        v3_payloads.avatar(engine={"type": "avatar_iv"}, expressiveness="high"),
        [],
    ),
    (
        "avatar arm: expressiveness on Avatar V",
        v3_payloads.avatar(engine={"type": "avatar_v"}, expressiveness="high"),
        [("expressiveness", "absent-when")],
    ),
    (
        "studio avatar input: expressiveness on Avatar V",
        studio(talking(), talking(engine={"type": "avatar_v"}, expressiveness="low")),
        [("scenes.1.input.expressiveness", "absent-when")],
    ),
    # absent-when: Avatar III "``motion_prompt`` and ``expressiveness`` are not supported with this engine."
    ("avatar arm: Avatar III alone", v3_payloads.avatar(engine={"type": "avatar_iii"}), []),
    (
        "avatar arm: motion_prompt and expressiveness on Avatar III",
        v3_payloads.avatar(engine={"type": "avatar_iii"}, motion_prompt="Wave.", expressiveness="low"),
        [("motion_prompt", "absent-when"), ("expressiveness", "absent-when")],
    ),
    (
        "studio avatar input: motion_prompt on Avatar III",
        studio(talking(engine={"type": "avatar_iii"}, motion_prompt="Wave.")),
        [("scenes.0.input.motion_prompt", "absent-when")],
    ),
    (
        "avatar arm: motion_prompt on Avatar V",
        v3_payloads.avatar(engine={"type": "avatar_v"}, motion_prompt="Wave."),
        [],
    ),
    # absent-when: "When 'webm' is selected, any 'background' value is rejected"
    ("avatar arm: webm without background", v3_payloads.avatar(output_format="webm"), []),
    ("avatar arm: mp4 with background", v3_payloads.avatar(output_format="mp4", background=COLOR), []),
    (
        "avatar arm: webm with background",
        v3_payloads.avatar(output_format="webm", background=COLOR),
        [("background", "absent-when")],
    ),
    (
        "image arm: webm with background",
        v3_payloads.image(output_format="webm", background=COLOR),
        [("background", "absent-when")],
    ),
    # absent-when: duration "Omit when auto_duration is true."
    ("cinematic: duration without auto_duration", v3_payloads.cinematic_avatar(duration=8), []),
    ("cinematic: auto_duration alone", v3_payloads.cinematic_avatar(auto_duration=True), []),
    (
        "cinematic: duration with auto_duration",
        v3_payloads.cinematic_avatar(auto_duration=True, duration=8),
        [("duration", "absent-when")],
    ),
    # at-most-one-of: audio_url/audio_asset_id "Mutually exclusive with script."
    ("avatar arm: audio instead of a script", {"type": "avatar", "avatar_id": AVATAR_ID, "audio_url": AUDIO}, []),
    ("avatar arm: script and audio_url", v3_payloads.avatar(audio_url=AUDIO), [("", "at-most-one-of")]),
    ("image arm: script and audio_asset_id", v3_payloads.image(audio_asset_id="a1"), [("", "at-most-one-of")]),
    # background: value "Required when type is 'color'"; url/asset_id "Mutually exclusive", for type 'image'
    ("avatar arm: image background by url", v3_payloads.avatar(background={"type": "image", "url": OFFICE}), []),
    (
        "avatar arm: color background without value",
        v3_payloads.avatar(background={"type": "color"}),
        [("background.value", "required-when")],
    ),
    (
        "avatar arm: image background with neither",
        v3_payloads.avatar(background={"type": "image"}),
        [("background", "exactly-one-of")],
    ),
    (
        "image arm: image background with both",
        v3_payloads.image(background={"type": "image", "url": OFFICE, "asset_id": "a1"}),
        [("background", "exactly-one-of")],
    ),
]


@pytest.mark.parametrize(("name", "payload", "expected"), CASES, ids=[case[0] for case in CASES])
def test_each_v3_rule_on_a_real_payload(name: str, payload: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert expected == [(v.path, v.rule) for v in validate_request(payload, operation=V3)]


def test_the_message_names_the_field_and_the_rule() -> None:
    payload = studio(talking(engine={"type": "avatar_v"}, expressiveness="low"))
    expected = [
        (
            "scenes.0.input.expressiveness",
            'not allowed when `engine.type` is "avatar_v" (absent-when)',
        )
    ]
    assert expected == [(v.path, v.message) for v in validate_request(payload, operation=V3)]


@pytest.mark.parametrize("arm", sorted(v3_payloads.ARMS))
def test_every_valid_v3_payload_still_validates(arm: str) -> None:
    assert [] == validate_request(v3_payloads.ARMS[arm](), operation=V3)
