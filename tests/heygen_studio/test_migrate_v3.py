"""The v3 side of the migration: the table against the v3 spec, and the one v3 check the migration tests use.

``_v3_spec()`` is the one place the v3 request schema is read from: the patched
spec the SDK's validator is generated from (``openapi/heygen-api.patched.json``),
so a ``nox -s update`` that brings a v3 spec without a field the table maps
fails ``test_every_v3_path_of_the_table_is_in_the_v3_request_schema``.

``check_v3`` is the SDK's own verdict, ``validate_request(...,
operation="POST /v3/videos")``, plus what only a migration needs checked, each
a check the SDK does not make (see ``_beyond_the_sdk``):

- unknown fields are refused (the v3 spec leaves ``additionalProperties`` open,
  so the SDK would pass a misspelt table target such as ``input.scripts``), and
  the request must be the ``studio`` arm;
- an asset source's ``type`` selects its arm (the spec's ``url``/``asset_id``/
  ``base64`` arms carry no tag the SDK checks, so it passes
  ``{"type": "asset_id", "url": ...}`` as the ``url`` arm), and ``base64``
  ``data`` decodes ("Base64-encoded file content");
- the ElevenLabs tuning fields stay within 0 to 1: v3 "Inherits the ElevenLabs
  tuning fields" of v2, where each "ranges from `0.0` to `1.0`".
"""

from __future__ import annotations

import base64
import binascii
import copy
import functools
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from heygen_studio import validate_request
from heygen_studio._migrate_model import ASPECT_RATIOS, RESOLUTIONS, Row, Target
from heygen_studio._migrate_scenes import EXPLICIT_DEFAULTS, REFUSALS, SLOTS
from heygen_studio._migrate_spec import v2_leaf_patterns, v2_nodes
from heygen_studio._migrate_table import ELEVENLABS_MODELS, ROWS, ROWS_BY_PATH, row_for
from tests.shared import CORPUS, ROOT, needs_corpus

V3_SPEC = ROOT / "openapi" / "heygen-api.patched.json"
V3 = "POST /v3/videos"


@functools.cache
def _v3_spec() -> dict[str, Any]:
    """The patched spec, whose ``POST /v3/videos`` request body the SDK validates against."""
    spec: dict[str, Any] = json.loads(V3_SPEC.read_text(encoding="utf-8"))
    return spec


def _arm(union: Mapping[str, Any], tag: str) -> Mapping[str, Any]:
    """The ``oneOf`` arm of ``union`` whose discriminator value is ``tag``.

    The spec inlines its arms, so the mapping's ``$ref`` names lead nowhere: an
    arm is known by its tag's ``const`` or description ("Must be 'avatar_v'")
    or, for the asset sources that have neither, by its own required field or
    description.
    """
    name = union["discriminator"]["propertyName"]
    arms = union["oneOf"]
    for arm in arms:
        tag_schema = arm["properties"][name]
        if tag_schema.get("const") == tag or f"Must be '{tag}'" in tag_schema.get("description", ""):
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
    """The ``studio`` arm made strict: unknown fields refused, each discriminator tag a ``const`` of its arm."""
    schema = _strict_node(studio())
    schema["properties"]["type"] = {"const": "studio"}
    return Draft202012Validator(schema)


def check_v3(payload: Mapping[str, Any]) -> list[str]:
    """Every way ``payload`` is not a valid v3 studio request; empty when it is.

    The SDK's violations come first, then those of the checks it does not make.
    """
    problems = [str(violation) for violation in validate_request(payload, operation=V3)]
    return problems + list(_beyond_the_sdk(payload))


def _beyond_the_sdk(payload: Mapping[str, Any]) -> Iterator[str]:
    errors = list(_validator().iter_errors(payload))
    yield from (f"{'.'.join(map(str, error.absolute_path))}: {error.message}" for error in errors)
    if errors:
        return  # the shape is wrong; the checks below read it
    for index, scene in enumerate(payload["scenes"]):
        yield from (f"scenes.{index}.{problem}" for problem in _scene_problems(scene))


def _scene_problems(scene: Mapping[str, Any]) -> Iterator[str]:
    speaker, at = (scene.get("input") or {}, "input.") if scene["type"] == "avatar_video" else (scene, "")
    source = scene.get("source") or {}
    if source.get("type") == "base64":
        try:
            base64.b64decode(source["data"], validate=True)  # "Base64-encoded file content"
        except binascii.Error as error:
            yield f"source.data: not base64 ({error})"
    engine = (speaker.get("voice_settings") or {}).get("engine_settings") or {}
    if engine.get("engine_type") == "elevenlabs":
        for name in ("similarity_boost", "stability", "style"):
            if engine.get(name) is not None and not 0 <= engine[name] <= 1:
                yield f"{at}voice_settings.engine_settings.{name}: {engine[name]} is not within 0 to 1"


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


@pytest.mark.parametrize("refusal", REFUSALS, ids=[f"{refusal.part}.{refusal.field}" for refusal in REFUSALS])
def test_each_refusal_is_the_v3_spec_s_own_rule(refusal: Any) -> None:
    # Where the table carries the refused field, v3 holds it to exactly this pattern.
    rows = [
        row
        for row in ROWS
        if row.v2.startswith(f"video_inputs.*.{refusal.part}[") and row.v2.endswith(f"].{refusal.field}")
    ]
    places = {
        _scene_path(kind, path)
        for row in rows
        for kind, target, path in _targets(row)
        if target.path.startswith(tuple(f"{{{slot}}}" for slot in refusal.slots))
    }
    assert 2 <= len(places), places
    assert {refusal.pattern} == {v3_nodes(place)[-1].get("pattern") for place in places}


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


def _changed(change: Any) -> dict[str, Any]:
    payload = copy.deepcopy(VALID)
    change(payload)
    return payload


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda p: p["scenes"][0]["input"].update(audio_url="u"), "scenes.0.input: exactly one of `script`"),
        (lambda p: p["scenes"][0]["input"].pop("script"), "scenes.0.input: exactly one of `script`"),
        (lambda p: p["scenes"][0]["input"].update(type="avatars"), 'unknown input type "avatars"'),
        (lambda p: p["scenes"][1].update(script="x", voice_id="v"), "scenes.1: exactly one of `duration`"),
        (lambda p: p["scenes"][1].update(duration=301), "scenes.1.duration: must be <= 300"),
        (lambda p: p["scenes"][0]["input"].update(background={"type": "color", "color": "#FFF"}), "color: must match"),
        (lambda p: p["scenes"][0]["input"].update(voice_settings={"speed": 2}), "voice_settings.speed: must be <="),
        (lambda p: p.update(resolution="8k"), 'resolution: must be one of "4k", "1080p", "720p"'),
        (lambda p: p.update(scenes=[]), "scenes: must have at least 1 item"),
        (lambda p: p.update(scenes=p["scenes"] * 17), "scenes: must have at most 50 items"),
        (lambda p: p.update(aspect_ratio=None, title=None), ""),
        (lambda p: p.update(type="avatar"), "'studio' was expected"),  # valid as an avatar request it is not
    ],
)
def test_check_v3_gives_the_sdk_s_verdict(change: Any, problem: str) -> None:
    assert [] == check_v3(VALID)
    payload = _changed(change)
    problems = check_v3(payload)
    sdk = [str(violation) for violation in validate_request(payload, operation=V3)]
    assert sdk == problems[: len(sdk)]
    if problem:
        assert any(problem in found for found in problems), problems
    else:
        assert [] == problems


BEYOND_THE_SDK = [
    (lambda p: p["scenes"][0]["input"].update(scripts="x"), "scenes.0: "),
    (lambda p: p.update(folder_id="f"), "'folder_id' was unexpected"),
    (lambda p: p["scenes"][1]["source"].update(type="asset_id"), "scenes.1: "),
    (lambda p: p["scenes"][1].update(source={"type": "base64", "media_type": "image/png", "data": "!"}), "not base64"),
    (
        lambda p: p["scenes"][0]["input"].update(
            voice_settings={"engine_settings": {"engine_type": "elevenlabs", "similarity_boost": 2}}
        ),
        "scenes.0.input.voice_settings.engine_settings.similarity_boost: 2 is not within 0 to 1",
    ),
]


@pytest.mark.parametrize(("change", "problem"), BEYOND_THE_SDK)
def test_check_v3_adds_only_checks_the_sdk_does_not_make(change: Any, problem: str) -> None:
    # When the SDK learns one of these, the first assert fails: drop that check from `_beyond_the_sdk`.
    payload = _changed(change)
    assert [] == validate_request(payload, operation=V3)
    assert any(problem in found for found in check_v3(payload)), check_v3(payload)


def test_a_mapped_field_gone_from_v3_fails_the_path_check(monkeypatch: pytest.MonkeyPatch) -> None:
    # What `nox -s update` bringing a v3 spec without `motion_prompt` does to the patched spec the table reads.
    spec = copy.deepcopy(_v3_spec())
    monkeypatch.setattr(__import__(__name__, fromlist=["_v3_spec"]), "_v3_spec", lambda: spec)
    avatar_input = v3_nodes("scenes.*[avatar_video].input[avatar]")[-1]
    del avatar_input["properties"]["motion_prompt"]
    row = ROWS_BY_PATH["video_inputs.*.character[talking_photo].prompt"]
    with pytest.raises(KeyError, match="motion_prompt"):
        test_every_v3_path_of_the_table_is_in_the_v3_request_schema(row)


def test_the_golden_and_readme_results_are_valid_v3() -> None:
    from tests.heygen_studio.test_migrate_cli import GOLDEN, README

    results = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(GOLDEN.glob("*.v3.json"))]
    section = README.read_text(encoding="utf-8").split("## Moving to v3", 1)[1]
    results.append(json.loads(re.findall(r"```json\n(.*?)```", section, re.DOTALL)[1]))
    assert [[]] * 3 == [check_v3(result) for result in results]


@needs_corpus
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
