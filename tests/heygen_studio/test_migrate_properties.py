"""Property-based: any valid v2 request migrates to a valid v3 studio request, losing nothing without a record."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings

from heygen_studio import RequestValidationError, validate_request
from heygen_studio.migrate import Migration, MigrationError, v2_to_v3
from tests.heygen_studio.strategies import payloads
from tests.heygen_studio.test_migrate_v3 import check_v3
from tests.shared import examples

SETTINGS = settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _leaves(value: Any, path: str = "") -> Iterator[str]:
    """Dotted paths of every scalar in ``value``, written here independently of the migration's own walk."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}.{index}")
    else:
        yield path


def _get(payload: Any, path: str) -> Any:
    for step in path.split("."):
        payload = payload[int(step)] if isinstance(payload, list) else payload[step]
    return payload


# v2 field -> where v3 keeps it, by the kind of scene it landed in.
SPEECH_FIELDS = {
    "voice_id": "voice_id",
    "input_text": "script",
    "audio_url": "audio_url",
    "audio_asset_id": "audio_asset_id",
}


def _check_content(payload: dict[str, Any], migration: Migration) -> None:
    """Every avatar id, voice id, script and audio source is in its scene, in order, or recorded as dropped."""
    dropped = {record.path for record in migration.dropped}
    for index, (scene, result) in enumerate(zip(payload["video_inputs"], migration.payload["scenes"], strict=True)):
        speaker = result.get("input", result)
        character = scene.get("character", {})
        for field in ("avatar_id", "talking_photo_id"):
            if field in character and f"video_inputs.{index}.character.{field}" not in dropped:
                assert character[field] == speaker["avatar_id"]
        voice = scene.get("voice", {})
        for field, name in SPEECH_FIELDS.items():
            if field in voice and f"video_inputs.{index}.voice.{field}" not in dropped:
                assert voice[field] == speaker[name]
        if voice.get("type") in {"text", "audio"}:
            # Speech is never what a scene gives up.
            assert not any(f"video_inputs.{index}.voice.{field}" in dropped for field in SPEECH_FIELDS)
            event(f"speech in a {result['type']} scene")


@SETTINGS
@given(payloads(mutate=False))
def test_any_valid_v2_request_becomes_a_valid_v3_studio_request(payload: dict[str, Any]) -> None:
    assert [] == validate_request(payload)
    before = copy.deepcopy(payload)
    migration = v2_to_v3(payload, allow_drop=True)
    assert before == payload  # the input is left untouched
    assert [] == check_v3(migration.payload)
    assert len(payload["video_inputs"]) == len(migration.payload["scenes"])
    carried = {record.path for record in migration.carried}
    dropped = {record.path for record in migration.dropped}
    leaves = set(_leaves(payload))
    assert leaves == carried | (dropped & leaves)  # every leaf carried or dropped
    assert carried.isdisjoint(dropped)
    assert len(carried) == len(migration.carried)  # and each recorded once
    for record in migration.carried:
        if not record.implied:
            _get(migration.payload, record.to)  # a carried leaf's v3 path exists
    _check_content(payload, migration)


@SETTINGS
@given(payloads(mutate=False))
def test_without_allow_drop_a_scene_v3_cannot_express_is_refused_by_index(payload: dict[str, Any]) -> None:
    lenient = v2_to_v3(payload, allow_drop=True)
    scenes = [
        int(record.path.split(".")[1])
        for record in lenient.dropped
        if record.path.startswith("video_inputs.") and record.path.count(".") == 1
    ]
    try:
        strict = v2_to_v3(payload)
    except MigrationError as error:
        assert scenes[0] == error.scene
        assert error.reason in next(
            record.reason for record in lenient.dropped if record.path == f"video_inputs.{error.scene}"
        )
        event("refused")
    else:
        assert [] == scenes
        assert lenient == strict


@SETTINGS
@given(payloads(mutate=True))
def test_an_invalid_v2_request_is_refused_with_its_violations_first(payload: Any) -> None:
    violations = validate_request(payload) if isinstance(payload, dict) else None
    if violations == []:
        v2_to_v3(payload, allow_drop=True)
        return
    with pytest.raises(RequestValidationError) as raised:
        v2_to_v3(payload, allow_drop=True)
    if violations is not None:
        assert violations == raised.value.violations
