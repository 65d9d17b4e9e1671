"""Every JSON request body of HeyGen's real specs compiles, and the validator agrees with an independent oracle.

The corpus (``../shared/corpus/heygen``): the External API (25 JSON request
bodies) and the 21 published versions of ``POST /v3/videos``. For each body the
compiled checker must exist (nothing refused), and on a minimal payload built
from the schema and on mutations of it (a required field dropped, a field of the
wrong JSON type), its verdict must equal ``jsonschema``'s (Draft 2020-12) on the
same schema written as standard JSON Schema by ``_standard_schema``.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from heygen_studio._schema_compile import _Compiler
from heygen_studio._standard_schema import standard_schema
from tests.shared import CORPUS, needs_corpus

pytestmark = needs_corpus

EXTERNAL = CORPUS / "external-api-1.0.0.json"
HISTORY = sorted((CORPUS / "v3-videos-history").glob("*.json")) if CORPUS.is_dir() else []
REF = "#/components/schemas/"


@cache
def load(path: Path) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return spec


def json_bodies(spec: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {}) if isinstance(operation, dict) else {}
            if "application/json" in content:
                yield f"{method.upper()} {path}", content["application/json"]["schema"]


class Minimal:
    """The smallest payload a schema describes: required fields only, first enum values, lower bounds."""

    def __init__(self, schemas: Mapping[str, Any]) -> None:
        self.schemas = schemas

    def __call__(self, schema: Any) -> Any:
        if not isinstance(schema, Mapping):
            return {}
        if "$ref" in schema:
            return self(self.schemas[schema["$ref"][len(REF) :]])
        if "allOf" in schema:
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                merged.update(self(part))
            return merged
        for keyword in ("oneOf", "anyOf"):
            if keyword in schema:
                arms = [arm for arm in schema[keyword] if arm.get("type") != "null"]
                return self.tagged(schema, self(arms[0]))
        if "const" in schema:
            return schema["const"]
        if schema.get("enum"):
            return next(option for option in schema["enum"] if option is not None)
        kind = schema.get("type")
        kind = next(k for k in kind if k != "null") if isinstance(kind, list) else kind
        if kind == "object" or "properties" in schema:
            properties = schema.get("properties", {})
            return {name: self(properties.get(name, {})) for name in schema.get("required", ())}
        if kind == "array":
            return [self(schema.get("items", {})) for _ in range(schema.get("minItems", 0))]
        if kind in ("integer", "number"):
            low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
            return int(low) + (1 if "exclusiveMinimum" in schema else 0)
        if kind == "boolean":
            return False
        return "x" * max(schema.get("minLength", 1), 1)

    def tagged(self, union: Mapping[str, Any], payload: Any) -> Any:
        """An arm's payload with a tag value the union accepts, when its arms do not state their tag.

        The published /v3/videos unions map tags to components that were never published; the tag that
        selects the first arm is found by asking the oracle (jsonschema), not the validator under test.
        """
        tag = union.get("discriminator", {}).get("propertyName")
        if not tag or not isinstance(payload, dict):
            return payload
        oracle = Draft202012Validator(standard_schema(self.schemas, union))
        for value in union["discriminator"].get("mapping", {}):
            if oracle.is_valid({**payload, tag: value}):
                return {**payload, tag: value}
        return payload


def mutations(payload: Any) -> Iterator[tuple[str, Any]]:
    """A required field dropped, and each field given the wrong JSON type, one at a time (top level)."""
    if not isinstance(payload, dict):
        return
    for key in payload:
        dropped = {k: v for k, v in payload.items() if k != key}
        yield f"without {key}", dropped
        wrong = copy.deepcopy(payload)
        wrong[key] = {"not": ["the", "right", "type"]} if not isinstance(payload[key], dict) else "text"
        yield f"{key} of the wrong type", wrong
    yield "an unknown field", {**payload, "zz_unknown": 1}
    yield "not an object", [payload]


def agree(spec: Mapping[str, Any], operation: str, schema: Mapping[str, Any], payload: Any) -> bool:
    """Our verdict on ``payload``, after checking it equals the oracle's."""
    schemas = spec.get("components", {}).get("schemas", {})
    ours = _Compiler(schemas).compile(schema, where=operation)(payload) is None
    oracle = Draft202012Validator(standard_schema(schemas, schema)).is_valid(payload)
    assert oracle == ours, (operation, json.dumps(payload)[:300])
    return ours


def corpus_bodies() -> list[Any]:
    specs = [EXTERNAL, *HISTORY] if CORPUS.is_dir() else []
    return [
        pytest.param(path, operation, id=f"{path.stem}:{operation}")
        for path in specs
        for operation, _ in json_bodies(load(path))
    ]


def test_the_corpus_has_the_bodies_the_issue_counts() -> None:
    assert 25 == len(list(json_bodies(load(EXTERNAL))))
    assert 21 == len(HISTORY)
    assert all(["POST /v3/videos"] == [op for op, _ in json_bodies(load(path))] for path in HISTORY)


@pytest.mark.parametrize(("path", "operation"), corpus_bodies())
def test_every_body_compiles_and_agrees_with_jsonschema(path: Path, operation: str) -> None:
    spec = load(path)
    schema = dict(json_bodies(spec))[operation]
    schemas = spec.get("components", {}).get("schemas", {})
    Draft202012Validator.check_schema(standard_schema(schemas, schema))
    minimal = Minimal(schemas)(schema)
    agree(spec, operation, schema, minimal)
    for _, mutated in mutations(minimal):
        agree(spec, operation, schema, mutated)


def arm_tag(arm: Mapping[str, Any]) -> str:
    # The published arms say their tag only in prose ("Must be 'avatar' for ..."); the test reads it there.
    match = re.search(r"[Mm]ust be '(\w+)'", arm["properties"]["type"].get("description", ""))
    assert match, arm["properties"]["type"]
    return match.group(1)


@pytest.mark.parametrize("path", HISTORY, ids=[path.stem for path in HISTORY])
def test_each_v3_arm_accepts_its_minimal_payload_and_refuses_a_broken_one(path: Path) -> None:
    spec = load(path)
    schema = dict(json_bodies(spec))["POST /v3/videos"]
    schemas = spec.get("components", {}).get("schemas", {})
    check = _Compiler(schemas).compile(schema, where="POST /v3/videos")
    arms = schema.get("oneOf") or [schema]
    for arm in arms:
        payload = {**Minimal(schemas)(arm), "type": arm_tag(arm)} if "oneOf" in schema else Minimal(schemas)(arm)
        assert agree(spec, "POST /v3/videos", schema, payload), payload
        required = [name for name in arm.get("required", ()) if name != "type"]
        if required:
            broken = {key: value for key, value in payload.items() if key != required[0]}
        else:  # the first version requires nothing: a string field given a number instead
            text = next(name for name, sub in arm["properties"].items() if sub.get("type") == "string")
            broken = {**payload, text: 123}
        assert not agree(spec, "POST /v3/videos", schema, broken)
        assert check(broken)
    if "oneOf" in schema:
        errors = check({"type": "no-such-type"}) or []
        assert ["type"] == [error.violation().path for error in errors[:1]]


def test_studio_scenes_report_heygen_style_paths() -> None:
    spec = load(CORPUS / "v3-videos-history" / "20_2026-07-21_3905c9a.json")
    schema = dict(json_bodies(spec))["POST /v3/videos"]
    check = _Compiler({}).compile(schema, where="POST /v3/videos")
    studio = next(arm for arm in schema["oneOf"] if arm_tag(arm) == "studio")
    scene = Minimal({})(studio["properties"]["scenes"]["items"])
    assert {"type": "avatar_video", "input": {"type": "avatar", "avatar_id": "x"}} == scene
    payload = {**Minimal({})(studio), "type": "studio", "scenes": [scene, scene]}
    assert check(payload) is None
    broken = copy.deepcopy(payload)
    broken["scenes"][1]["input"]["avatar_id"] = 7
    del broken["scenes"][0]["input"]["avatar_id"]
    found = [(e.violation().path, e.violation().rule) for e in check(broken) or []]
    # These arms state their tag only in prose, so the union cannot always tell which arm was meant; the
    # violations still name the scene, in HeyGen's dotted style.
    assert ["scenes.0", "scenes.1"] == [".".join(path.split(".")[:2]) for path, _ in found], found
    assert all(path.startswith(("scenes.0.input", "scenes.1.input")) for path, _ in found), found
