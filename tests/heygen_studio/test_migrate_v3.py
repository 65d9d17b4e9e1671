"""The v3 side of the migration: the table against the v3 spec, and the one v3 check the migration tests use.

``_v3_spec()`` is the one place the v3 request schema is read from; ``check_v3``
is the one v3 validity check (until ``validate_request(..., operation="POST
/v3/videos")`` exists: then ``check_v3`` should call it). ``check_v3`` is
jsonschema Draft 2020-12 on the ``studio`` arm made strict (the spec's
discriminators become ``const`` tags, ``nullable`` becomes a ``null`` type, and
unknown fields are refused, so a misspelt target fails), plus the prose rules of
the v3 descriptions that a migration could break, each quoted below.
"""

from __future__ import annotations

import base64
import copy
import functools
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from heygen_studio._migrate_model import ASPECT_RATIOS, RESOLUTIONS, Row, Target
from heygen_studio._migrate_spec import v2_leaf_patterns, v2_nodes
from heygen_studio._migrate_table import ELEVENLABS_MODELS, EXPLICIT_DEFAULTS, ROWS, ROWS_BY_PATH, SLOTS, row_for
from tests.shared import CORPUS, needs_corpus

pytestmark = needs_corpus

V3_SPEC = CORPUS / "v3-videos-history" / "20_2026-07-21_3905c9a.json"


@functools.cache
def _v3_spec() -> dict[str, Any]:
    """The v3 spec the table is checked against (the coordinator will point this at the vendored copy)."""
    spec: dict[str, Any] = json.loads(V3_SPEC.read_text(encoding="utf-8"))
    return spec


def _arm(union: Mapping[str, Any], tag: str) -> Mapping[str, Any]:
    """The ``oneOf`` arm of ``union`` whose discriminator value is ``tag``.

    The spec inlines its arms, so the mapping's ``$ref`` names lead nowhere: an
    arm is known by its tag's description ("Must be 'avatar_v'") or, for the
    asset sources that lack one, by its own required field or description.
    """
    name = union["discriminator"]["propertyName"]
    arms = union["oneOf"]
    for arm in arms:
        if f"Must be '{tag}'" in arm["properties"][name].get("description", ""):
            return arm  # type: ignore[no-any-return]
    for arm in arms:
        if tag in arm.get("required", ()) or tag in arm.get("description", ""):
            return arm  # type: ignore[no-any-return]
    raise KeyError(f"no arm {tag!r} among {sorted(union['discriminator']['mapping'])}")


def studio() -> Mapping[str, Any]:
    """The ``type: "studio"`` arm of the ``POST /v3/videos`` request body."""
    body = _v3_spec()["paths"]["/v3/videos"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    return _arm(body, "studio")


def v3_nodes(path: str) -> list[Mapping[str, Any]]:
    """The v3 schema nodes along a table path (``scenes.*[avatar_video].input[avatar].script``), root first."""
    node = studio()
    nodes = [node]
    for step in (step for step in path.split(".") if step):
        name, _, tag = step.partition("[")
        node = node["items"] if name == "*" else node["properties"][name]
        nodes.append(node)
        if tag:
            node = _arm(node, tag.rstrip("]").rpartition("=")[2])
            nodes.append(node)
    return nodes


def _strict_node(schema: Mapping[str, Any]) -> dict[str, Any]:
    result = dict(schema)
    if "properties" in schema:
        result["properties"] = {name: _strict_node(sub) for name, sub in schema["properties"].items()}
        result["additionalProperties"] = False
    if "items" in schema:
        result["items"] = _strict_node(schema["items"])
    if "oneOf" in schema:
        name = schema["discriminator"]["propertyName"]
        arms = []
        for tag in schema["discriminator"]["mapping"]:
            arm = _strict_node(_arm(schema, tag))
            arm["properties"][name] = {**arm["properties"][name], "const": tag}
            arms.append(arm)
        result["oneOf"] = arms
        del result["discriminator"]
    if result.pop("nullable", False):
        return {"anyOf": [{"type": "null"}, result]}
    return result


@functools.cache
def _validator() -> Draft202012Validator:
    schema = _strict_node(studio())
    schema["properties"]["type"] = {"const": "studio"}
    return Draft202012Validator(schema)


HEX = re.compile(r"#[0-9a-fA-F]{6}")


def check_v3(payload: Mapping[str, Any]) -> list[str]:
    """Every way ``payload`` is not a valid v3 studio request; empty when it is."""
    problems = [
        f"{'.'.join(map(str, error.absolute_path))}: {error.message}" for error in _validator().iter_errors(payload)
    ]
    if problems:
        return problems
    scenes = payload["scenes"]
    if not 1 <= len(scenes) <= 50:  # "Must contain 1 to 50 scenes."
        problems.append(f"scenes: {len(scenes)} scenes")
    for index, scene in enumerate(scenes):
        problems += [f"scenes.{index}: {problem}" for problem in _scene_problems(scene)]
    return problems


def _scene_problems(scene: Mapping[str, Any]) -> Iterator[str]:
    speaker: Mapping[str, Any] | None = None
    if scene["type"] == "avatar_video":
        speaker = scene["input"]
        # "An audio source is required: exactly one of (script + voice_id), audio_url, or audio_asset_id."
        sources = [key for key in ("script", "audio_url", "audio_asset_id") if speaker.get(key) is not None]
        if len(sources) != 1:
            yield f"input: exactly one audio source, got {sources}"
        background = speaker.get("background")
        if background and not HEX.fullmatch(background["color"]):  # "as a 6-digit hex string"
            yield f"input.background.color: {background['color']!r}"
    elif scene["type"] == "image":
        speaker = scene
        # "Exactly one mode must be chosen": duration, or exactly one audio source.
        modes = [key for key in ("duration", "script", "audio_url", "audio_asset_id") if scene.get(key) is not None]
        if len(modes) != 1:
            yield f"exactly one of duration or an audio source, got {modes}"
        if scene.get("script") is not None and scene.get("voice_id") is None:  # "Required when script is provided."
            yield "script without voice_id"
        duration = scene.get("duration")
        if duration is not None and not 0 < duration <= 300:  # "Must be > 0 and <= 300."
            yield f"duration: {duration}"
    if scene["type"] in {"image", "video"} and scene["source"]["type"] == "base64":
        base64.b64decode(scene["source"]["data"], validate=True)
    if speaker is not None and speaker.get("voice_settings"):
        yield from _voice_problems(speaker["voice_settings"])


def _voice_problems(settings: Mapping[str, Any]) -> Iterator[str]:
    if "speed" in settings and not 0.5 <= settings["speed"] <= 1.5:  # "0.5 (half speed) to 1.5 (1.5x speed)."
        yield f"voice_settings.speed: {settings['speed']}"
    if "pitch" in settings and not -50 <= settings["pitch"] <= 50:  # "-50 to +50."
        yield f"voice_settings.pitch: {settings['pitch']}"
    engine = settings.get("engine_settings") or {}
    # ElevenLabs settings keep "the eleven_v3 stability validator" of v2: 0, 0.5 or 1.0 on eleven_v3.
    if engine.get("model") == "eleven_v3" and engine.get("stability", 1) not in (0, 0.5, 1):
        yield f"voice_settings.engine_settings.stability: {engine['stability']}"
    for name in ("similarity_boost", "stability", "style"):
        if name in engine and not 0 <= engine[name] <= 1:
            yield f"voice_settings.engine_settings.{name}: {engine[name]}"


# -- the table against the two specs ------------------------------------------------------------------------


def _targets(row: Row) -> Iterator[tuple[str, Target, str]]:
    """``(scene kind or "", target, v3 path)`` for every place a row can write."""
    for target in row.targets:
        if "{" not in target.path:
            yield "", target, target.path
            continue
        for kind, slots in SLOTS.items():
            slot = target.path[target.path.index("{") + 1 : target.path.index("}")]
            if slot in slots:
                yield kind, target, target.path.replace(f"{{{slot}}}", slots[slot])


def _fill(path: str, kind: str) -> str:
    if "{" not in path:
        return path
    slot = path[path.index("{") + 1 : path.index("}")]
    return path.replace(f"{{{slot}}}", SLOTS[kind][slot])


def _scene_path(kind: str, path: str) -> str:
    return f"scenes.*[{kind}].{path}" if kind else path


@pytest.mark.parametrize("row", ROWS, ids=[row.v2 for row in ROWS])
def test_every_v3_path_of_the_table_is_in_the_v3_request_schema(row: Row) -> None:
    for kind, target, path in _targets(row):
        v3_nodes(_scene_path(kind, path))
        for also in target.also:
            v3_nodes(_scene_path(kind, _fill(also, kind)))


def _descriptions(nodes: list[Mapping[str, Any]]) -> str:
    return "\n".join(" ".join(str(node.get("description", "")).split()) for node in nodes)


def _all_descriptions(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("description"), str):
            yield " ".join(node["description"].split())
        for value in node.values():
            yield from _all_descriptions(value)
    elif isinstance(node, list):
        for value in node:
            yield from _all_descriptions(value)


@pytest.mark.parametrize("row", ROWS, ids=[row.v2 for row in ROWS])
def test_every_row_quotes_the_specs(row: Row) -> None:
    pattern = row.v2.removesuffix(".**")
    assert row.v2_says in _descriptions(v2_nodes(pattern.replace("[*]", "[avatar]")))
    places = [_scene_path(kind, path) for kind, _, path in _targets(row)]
    places += [_scene_path(kind, _fill(also, kind)) for kind, target, _ in _targets(row) for also in target.also]
    if places:
        assert any(row.v3_says in _descriptions(v3_nodes(place)) for place in places), places
    else:
        assert any(row.v3_says in text for text in _all_descriptions(studio()))


def test_every_v2_leaf_has_exactly_one_row() -> None:
    leaves = list(v2_leaf_patterns())
    used = {row_for(leaf).v2 for leaf in leaves}
    assert 60 < len(leaves)
    assert set(ROWS_BY_PATH) == used
    assert len(ROWS) == len(ROWS_BY_PATH)


def test_value_lists_are_in_both_specs() -> None:
    elevenlabs = "scenes.*[avatar_video].input[avatar].voice_settings.engine_settings[elevenlabs].model"
    v3_models = v3_nodes(elevenlabs)[-1]["enum"]
    v2_models = v2_nodes("video_inputs.*.voice[text].elevenlabs_settings.model")[-1]["enum"]
    assert sorted(set(v2_models) & set(v3_models)) == sorted(ELEVENLABS_MODELS)
    assert set(ASPECT_RATIOS) | {"auto"} == set(v3_nodes("aspect_ratio")[-1]["enum"])
    assert set(RESOLUTIONS.values()) == set(v3_nodes("resolution")[-1]["enum"])


def test_explicit_defaults_are_v2_defaults() -> None:
    for parent, fields in EXPLICIT_DEFAULTS.items():
        for field in fields:
            assert "default" in v2_nodes(f"{parent}.{field}")[-1]


VALID = {
    "type": "studio",
    "scenes": [
        {"type": "avatar_video", "input": {"type": "avatar", "avatar_id": "a", "script": "Hi", "voice_id": "v"}},
        {"type": "image", "source": {"type": "url", "url": "https://x"}, "duration": 2},
        {"type": "video", "source": {"type": "asset_id", "asset_id": "c"}},
    ],
}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda p: p["scenes"][0]["input"].update(audio_url="u"), "exactly one audio source"),
        (lambda p: p["scenes"][0]["input"].pop("script"), "exactly one audio source"),
        (lambda p: p["scenes"][0]["input"].update(scripts="x"), "is not valid under any of the given schemas"),
        (lambda p: p["scenes"][0]["input"].update(type="avatars"), "is not valid under any of the given schemas"),
        (lambda p: p["scenes"][1].update(script="x", voice_id="v"), "exactly one of duration"),
        (lambda p: p["scenes"][1].update(duration=301), "duration: 301"),
        (lambda p: p["scenes"][1]["source"].update(type="asset_id"), "is not valid under any of the given schemas"),
        (lambda p: p["scenes"][0]["input"].update(background={"type": "color", "color": "#FFF"}), "background.color"),
        (lambda p: p["scenes"][0]["input"].update(voice_settings={"speed": 2}), "voice_settings.speed"),
        (lambda p: p.update(resolution="8k"), "resolution: '8k' is not valid"),
        (lambda p: p.update(aspect_ratio=None, title=None), ""),
        (lambda p: p.update(type="avatar"), "'studio' was expected"),
    ],
)
def test_check_v3_refuses_what_v3_refuses(change: Any, problem: str) -> None:
    payload = copy.deepcopy(VALID)
    assert [] == check_v3(VALID)
    change(payload)
    problems = check_v3(payload)
    if problem:
        assert any(problem in found for found in problems), problems
    else:
        assert [] == problems


def test_a_mapped_field_gone_from_v3_fails_the_path_check(monkeypatch: pytest.MonkeyPatch) -> None:
    # What `nox -s update` bringing a v3 spec without `motion_prompt` would do to the table's check.
    spec = copy.deepcopy(_v3_spec())
    monkeypatch.setattr(__import__(__name__, fromlist=["_v3_spec"]), "_v3_spec", lambda: spec)
    avatar_input = v3_nodes("scenes.*[avatar_video].input[avatar]")[-1]
    del avatar_input["properties"]["motion_prompt"]  # type: ignore[attr-defined]
    row = ROWS_BY_PATH["video_inputs.*.character[talking_photo].prompt"]
    with pytest.raises(KeyError, match="motion_prompt"):
        test_every_v3_path_of_the_table_is_in_the_v3_request_schema(row)


def test_the_golden_and_readme_results_are_valid_v3() -> None:
    from tests.heygen_studio.test_migrate_cli import GOLDEN, README

    results = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(GOLDEN.glob("*.v3.json"))]
    section = README.read_text(encoding="utf-8").split("## Moving to v3", 1)[1]
    results.append(json.loads(re.findall(r"```json\n(.*?)```", section, re.DOTALL)[1]))
    assert [[]] * 3 == [check_v3(result) for result in results]


def test_heygen_s_own_v2_example_is_refused_as_invalid_then_migrates_once_fixed() -> None:
    # The v2 example of HeyGen's Postman collection (converted by a third party): a template nobody here wrote.
    import yaml

    from heygen_studio import RequestValidationError
    from heygen_studio.migrate import v2_to_v3

    document = yaml.safe_load((CORPUS / "postman-derived-2026-03-16.yaml").read_text(encoding="utf-8"))
    body = document["paths"]["/v2/video/generate"]["post"]["requestBody"]["content"]["application/json"]
    example = body["examples"]["v2/video/generate"]["value"]
    with pytest.raises(RequestValidationError) as raised:
        v2_to_v3(example)
    assert ["aspect_ratio", "callback_id", "test"] == sorted(violation.path for violation in raised.value.violations)
    fixed = {key: value for key, value in example.items() if key not in {"aspect_ratio", "callback_id", "test"}}
    migration = v2_to_v3(fixed)
    assert [] == check_v3(migration.payload)
    assert [] == list(migration.dropped)  # avatar_style "normal" is v3's whole-frame avatar
    assert ("16:9", "720p") == (migration.payload["aspect_ratio"], migration.payload["resolution"])
    scene = migration.payload["scenes"][0]["input"]
    assert ("Kristin_public_3_20240108", "2f72ee82b83d4b00af16c4771d611752") == (scene["avatar_id"], scene["voice_id"])
