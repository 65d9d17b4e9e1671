"""The committed generated/ package says exactly what the patched spec says.

These tests walk ``openapi/heygen-api.patched.json`` rather than listing
schemas by hand: for every component schema, property, enum value, default and
required flag, the attrs model and (for request schemas) the TypedDict carry
the same thing.  A new field or enum value in the spec that the generated code
misses fails here by name.  They import the committed package only, so they
run on every Python the SDK supports.
"""

from __future__ import annotations

import json
import keyword
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import attrs
import httpx
import pytest
import typing_extensions
from heygen_studio_api import models, params
from heygen_studio_api.api.default import create_an_avatar_video_v2 as endpoint
from heygen_studio_api.client import AuthenticatedClient
from heygen_studio_api.schema import REQUEST_BODIES, SCHEMAS
from heygen_studio_api.types import UNSET, Unset

ROOT = Path(__file__).resolve().parents[2]
SPEC = json.loads((ROOT / "openapi" / "heygen-api.patched.json").read_text(encoding="utf-8"))
COMPONENTS: dict[str, Any] = SPEC["components"]["schemas"]
CLASS_NAMES = json.loads((ROOT / "codegen" / "config" / "datamodel-codegen.json").read_text())["class_names"]


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return COMPONENTS[ref.rsplit("/", 1)[1]] if ref else schema


def ref_name(schema: dict[str, Any]) -> str:
    return str(schema["$ref"]).rsplit("/", 1)[1]


def request_schema_names(spec: dict[str, Any]) -> list[str]:
    """Component schemas of ``spec`` reachable from a request body (what the TypedDicts cover)."""
    seen: list[str] = []
    components = spec["components"]["schemas"]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "$ref" in node and ref_name(node) not in seen:
                seen.append(ref_name(node))
                walk(components[ref_name(node)])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for item in spec["paths"].values():
        for operation in item.values():
            walk(operation.get("requestBody", {}))
    return seen


OBJECT_SCHEMAS = sorted(name for name, schema in COMPONENTS.items() if "properties" in schema)
ENUM_SCHEMAS = sorted(name for name, schema in COMPONENTS.items() if "enum" in schema and "properties" not in schema)
REQUEST_SCHEMAS = request_schema_names(SPEC)


def properties(name: str) -> Iterator[tuple[str, dict[str, Any], bool]]:
    schema = COMPONENTS[name]
    required = set(schema.get("required", []))
    for prop, prop_schema in schema["properties"].items():
        yield prop, prop_schema, prop in required


def attr_name(prop: str) -> str:
    """openapi-python-client's identifier for a snake_case wire name: a trailing `_` on clashes."""
    return f"{prop}_" if keyword.iskeyword(prop) or prop in {"type", "format"} else prop


def literal_values(annotation: Any) -> set[Any]:
    """Every value of every Literal inside an annotation (through unions and aliases)."""
    if get_origin(annotation) is Literal:
        return set(get_args(annotation))
    values: set[Any] = set()
    for arg in get_args(annotation):
        values |= literal_values(arg)
    return values


def union_members(annotation: Any) -> set[Any]:
    if get_origin(annotation) in (typing.Union, types.UnionType):
        return set(get_args(annotation))
    return {annotation}


def model_hints(cls: type) -> dict[str, Any]:
    # models/__init__ loads each model on first use, so its namespace is built from __all__.
    return typing.get_type_hints(cls, localns={name: getattr(models, name) for name in models.__all__})


def params_class(name: str) -> Any:
    return getattr(params, CLASS_NAMES.get(name, f"{name}Params"))


def sample(schema: dict[str, Any], name: str = "x") -> Any:
    """A type-correct wire value for ``schema`` that sets every property (not a valid request)."""
    schema = resolve(schema)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][-1]
    for key in ("oneOf", "anyOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return sample(options[-1], name)
    kind = schema.get("type")
    if isinstance(kind, list):  # a 3.1 type list such as ["string", "null"]: sample the first non-null type
        return sample({**schema, "type": next(k for k in kind if k != "null")}, name)
    if kind == "object" or "properties" in schema:
        return {prop: sample(sub, prop) for prop, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [sample(schema["items"], name)]
    if kind == "string":
        if "pattern" in schema and "a-fA-F" in schema["pattern"]:
            return "#0A0B0C"
        return "7.5" if "pattern" in schema else f"{name}-value"
    if kind == "integer":
        return int(schema.get("maximum", 7))
    if kind == "number":
        return 0.25
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    raise AssertionError(f"no sample for {schema}")


# --- the attrs models ---------------------------------------------------------


def test_the_walk_covers_every_component_schema() -> None:
    """Guards the tests below: an unwalked schema would be a silent gap."""
    assert sorted(COMPONENTS) == sorted(OBJECT_SCHEMAS + ENUM_SCHEMAS)
    assert "CreateVideoRequest" in REQUEST_SCHEMAS
    assert "CreateVideoResponse" not in REQUEST_SCHEMAS


@pytest.mark.parametrize("name", OBJECT_SCHEMAS)
def test_every_property_is_an_attrs_field_and_nothing_else(name: str) -> None:
    cls = getattr(models, name)
    expected = {attr_name(prop) for prop, _, _ in properties(name)}
    if COMPONENTS[name].get("additionalProperties") is not False:
        # Open objects (responses) keep what HeyGen adds later instead of crashing.
        expected.add("additional_properties")
    assert expected == {field.name for field in attrs.fields(cls)}


@pytest.mark.parametrize("name", ENUM_SCHEMAS)
def test_every_enum_component_is_a_literal_with_the_spec_values(name: str) -> None:
    assert set(COMPONENTS[name]["enum"]) == literal_values(getattr(models, name))


@pytest.mark.parametrize("name", OBJECT_SCHEMAS)
def test_required_flags_and_server_defaults(name: str) -> None:
    fields = attrs.fields_dict(getattr(models, name))
    for prop, schema, required in properties(name):
        field = fields[attr_name(prop)]
        if "const" in schema:
            assert schema["const"] == field.default, prop
        elif required:
            assert attrs.NOTHING is field.default, f"{name}.{prop} is required but has a default"
        else:
            # Optional fields are UNSET unless the caller sets them: no server default on the wire.
            assert UNSET is field.default, f"{name}.{prop}"
        if schema.get("default") is not None:  # `"default": null` on a nullable field says nothing to send
            assert schema["default"] == field.metadata.get("server_default"), f"{name}.{prop}"
            assert type(schema["default"]) is type(field.metadata["server_default"]) or (
                schema.get("type") == "number"
            ), f"{name}.{prop} default typed differently from the spec"
        else:
            assert "server_default" not in field.metadata, f"{name}.{prop}"


@pytest.mark.parametrize("name", OBJECT_SCHEMAS)
def test_enums_and_consts_are_literals_with_the_spec_values(name: str) -> None:
    hints = model_hints(getattr(models, name))
    for prop, prop_schema, _ in properties(name):
        schema = resolve(prop_schema)
        values = literal_values(hints[attr_name(prop)])
        if "enum" in schema:
            assert set(schema["enum"]) == values, f"{name}.{prop}"
        elif "const" in schema:
            assert {schema["const"]} == values, f"{name}.{prop}"
        else:
            assert set() == values, f"{name}.{prop} is not an enum in the spec"


@pytest.mark.parametrize("name", OBJECT_SCHEMAS)
def test_references_and_unions_become_the_named_classes(name: str) -> None:
    hints = model_hints(getattr(models, name))
    for prop, schema, _ in properties(name):
        targets = [s for s in schema.get("oneOf", [schema]) if "$ref" in s]
        if not targets or "enum" in resolve(targets[0]):
            continue
        members = union_members(hints[attr_name(prop)]) - {Unset}
        assert {getattr(models, ref_name(t)) for t in targets} == members, f"{name}.{prop}"


@pytest.mark.parametrize("name", OBJECT_SCHEMAS)
def test_a_value_setting_every_property_round_trips(name: str) -> None:
    cls = getattr(models, name)
    wire = sample({"$ref": f"#/components/schemas/{name}"})
    model = cls.from_dict(wire)
    assert wire == model.to_dict()
    assert model == cls.from_dict(model.to_dict())


@pytest.mark.parametrize("name", OBJECT_SCHEMAS)
def test_only_what_the_caller_set_is_sent(name: str) -> None:
    """Dropping any optional property from the wire drops it from to_dict(): nothing is filled in."""
    cls = getattr(models, name)
    wire = sample({"$ref": f"#/components/schemas/{name}"})
    for prop, schema, required in properties(name):
        if required:
            with pytest.raises((KeyError, TypeError, ValueError)):
                cls.from_dict({k: v for k, v in wire.items() if k != prop})
        elif "const" not in schema:
            smaller = {k: v for k, v in wire.items() if k != prop}
            assert smaller == cls.from_dict(smaller).to_dict(), f"{name}.{prop}"


def test_a_discriminated_union_reads_each_variant_by_its_tag() -> None:
    for prop in ("character", "voice", "background"):
        union = COMPONENTS["VideoInput"]["properties"][prop]
        for tag, ref in union["discriminator"]["mapping"].items():
            variant = ref.rsplit("/", 1)[1]
            wire = {prop: sample({"$ref": ref})}
            assert tag == wire[prop]["type"]
            parsed = getattr(models.VideoInput.from_dict(wire), prop)
            assert variant == type(parsed).__name__


@pytest.mark.parametrize("name", OBJECT_SCHEMAS)
def test_enum_checks_reject_values_the_spec_does_not_list(name: str) -> None:
    cls = getattr(models, name)
    for prop, schema, _ in properties(name):
        if "enum" in resolve(schema):
            wire = sample({"$ref": f"#/components/schemas/{name}"})
            wire[prop] = "NotInTheSpec"
            with pytest.raises(TypeError, match="NotInTheSpec"):
                cls.from_dict(wire)


def media_examples() -> Iterator[tuple[str, str, Any]]:
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            bodies = [("request", operation.get("requestBody", {}))]
            bodies += [(f"response {code}", r) for code, r in operation.get("responses", {}).items()]
            for where, body in bodies:
                for media in body.get("content", {}).values():
                    schema = media.get("schema", {})
                    found = dict(media.get("examples", {}))
                    if "example" in media:
                        found["example"] = {"value": media["example"]}
                    if "$ref" not in schema:
                        continue  # inline schemas: test_every_operation_parses_its_documented_examples
                    for title, example in found.items():
                        yield f"{method.upper()} {path} {where}: {title}", ref_name(schema), example["value"]


EXAMPLES = list(media_examples())


def test_the_spec_has_examples_to_check() -> None:
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize(("where", "name", "value"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_every_spec_example_parses_and_round_trips(where: str, name: str, value: Any) -> None:
    model = getattr(models, name).from_dict(value)
    assert value == model.to_dict()


# --- the TypedDicts -----------------------------------------------------------


@pytest.mark.parametrize("name", REQUEST_SCHEMAS)
def test_typeddict_keys_and_required_keys_match_the_spec(name: str) -> None:
    cls = params_class(name)
    expected = [prop for prop, _, _ in properties(name)]
    assert expected == list(cls.__annotations__)
    assert {prop for prop, _, required in properties(name) if required} == set(cls.__required_keys__)


@pytest.mark.parametrize("name", REQUEST_SCHEMAS)
def test_typeddict_literals_and_unions_match_the_spec(name: str) -> None:
    hints = typing_extensions.get_type_hints(params_class(name), localns=vars(params))
    for prop, schema, _ in properties(name):
        values = literal_values(hints[prop])
        target = resolve(schema)
        if "enum" in target:
            assert set(target["enum"]) == values, f"{name}.{prop}"
        elif "const" in target:
            assert {target["const"]} == values, f"{name}.{prop}"
        refs = [s for s in schema.get("oneOf", []) if "$ref" in s]
        if refs:
            assert {params_class(ref_name(r)) for r in refs} == union_members(hints[prop]), f"{name}.{prop}"


def test_typeddicts_cover_the_request_schemas_only() -> None:
    # The generators read the spec with inline bodies and union arms hoisted into named components
    # (codegen.generate.generator_spec), so every request body, inline or not, has its TypedDicts.
    pytest.importorskip("openapi_python_client", reason="the pipeline (codegen.generate) needs Python 3.11+")
    from codegen.generate import generator_spec

    readable, _ = generator_spec(SPEC, source="openapi/heygen-api.patched.json")
    names = {
        value.__name__
        for value in vars(params).values()
        if isinstance(value, type) and typing_extensions.is_typeddict(value) and value.__module__ == params.__name__
    }
    objects = [
        name for name in request_schema_names(readable) if "properties" in readable["components"]["schemas"][name]
    ]
    assert {params_class(name).__name__ for name in objects} == names


# --- the schema module and the endpoint ---------------------------------------


def test_schema_module_is_the_patched_spec() -> None:
    assert COMPONENTS == SCHEMAS
    assert {"POST /v2/video/generate": "CreateVideoRequest"} == REQUEST_BODIES


def test_the_endpoint_functions_exist_for_every_operation() -> None:
    operation = SPEC["paths"]["/v2/video/generate"]["post"]
    assert "create_an_avatar_video_v2" == endpoint.__name__.rsplit(".", 1)[1]
    assert operation["requestBody"]["required"] is True
    for function in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
        assert callable(getattr(endpoint, function))


def mock_client(handler: Any) -> AuthenticatedClient:
    client = AuthenticatedClient(base_url="https://api.heygen.test", token="sk-test", prefix="")
    client.set_httpx_client(httpx.Client(base_url="https://api.heygen.test", transport=httpx.MockTransport(handler)))
    return client


def test_the_endpoint_posts_to_dict_and_parses_both_documented_responses() -> None:
    sent: list[httpx.Request] = []
    answers = iter(
        [
            httpx.Response(200, json={"error": None, "data": {"video_id": "v1"}}),
            httpx.Response(400, json={"data": None, "error": {"code": "invalid_parameter", "message": "bad"}}),
        ]
    )

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return next(answers)

    body = models.CreateVideoRequest(video_inputs=[models.VideoInput(voice=models.SilenceVoice(duration="2"))])
    client = mock_client(handler)
    ok = endpoint.sync(client=client, body=body)
    failed = endpoint.sync(client=client, body=body)

    assert ["POST", "POST"] == [r.method for r in sent]
    assert "/v2/video/generate" == sent[0].url.path
    assert {"video_inputs": [{"voice": {"type": "silence", "duration": "2"}}]} == json.loads(sent[0].content)
    assert isinstance(ok, models.CreateVideoResponse)
    assert "v1" == ok.data.video_id
    assert isinstance(failed, models.ErrorResponse)
    assert "invalid_parameter" == failed.error.code


def test_responses_keep_fields_heygen_adds_later() -> None:
    wire = {"error": None, "data": {"video_id": "v1", "eta_seconds": 30}, "trace": "t"}
    parsed = models.CreateVideoResponse.from_dict(wire)
    assert 30 == parsed.data["eta_seconds"]
    assert wire == parsed.to_dict()


# --- every operation, v2 and v3, through its endpoint module ----------------------------------------------
#
# Found by the method and URL each module sends, not by module or class names (those are codegen's choice),
# so these tests keep holding when the inline schemas get readable names.


def endpoint_modules() -> dict[str, types.ModuleType]:
    import importlib
    import pkgutil
    import re

    from heygen_studio_api import api

    found: dict[str, types.ModuleType] = {}
    for info in pkgutil.walk_packages(api.__path__, prefix=f"{api.__name__}."):
        module = importlib.import_module(info.name)
        if not hasattr(module, "_get_kwargs"):
            continue
        source = Path(str(module.__file__)).read_text(encoding="utf-8")
        method = re.search(r'"method": "(\w+)"', source)
        url = re.search(r'"url": f?"([^"]+)"', source)
        assert method and url, info.name
        found[f"{method[1].upper()} {url[1]}"] = module
    return found


ENDPOINTS = endpoint_modules()
OPERATIONS = [(f"{m.upper()} {path}", op) for path, item in SPEC["paths"].items() for m, op in item.items()]


def test_every_operation_has_exactly_one_endpoint_module() -> None:
    assert sorted(name for name, _ in OPERATIONS) == sorted(ENDPOINTS)
    for name in ENDPOINTS:
        for function in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
            assert callable(getattr(ENDPOINTS[name], function)), (name, function)


def documented_answers(operation: dict[str, Any]) -> Iterator[tuple[int, Any]]:
    """(status, body) for each documented JSON answer: its examples, or a sample of its schema."""
    for code, response in operation["responses"].items():
        media = response.get("content", {}).get("application/json")
        if media is None:
            continue
        examples = [e["value"] for e in media.get("examples", {}).values()]
        examples += [media["example"]] if "example" in media else []
        for value in examples or [sample(media["schema"])]:
            yield int(code), value


def body_for(module: types.ModuleType, operation: dict[str, Any]) -> dict[str, Any]:
    """A body model for the endpoint (any union arm that reads the sample back unchanged)."""
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    hint = typing.get_type_hints(module.sync_detailed)["body"]
    for option in schema.get("oneOf", [schema]):
        wire = sample(option)
        for cls in union_members(hint):
            try:
                model = cls.from_dict(wire)
            except (KeyError, TypeError, ValueError):
                continue
            if wire == model.to_dict():
                return {"body": model}
    raise AssertionError(f"no body class reads a sample of {schema.get('description', schema)!r}")


@pytest.mark.parametrize(("name", "operation"), OPERATIONS, ids=[name for name, _ in OPERATIONS])
def test_every_operation_sends_its_method_and_path_and_reads_every_documented_answer(
    name: str, operation: dict[str, Any]
) -> None:
    module = ENDPOINTS[name]
    method, path = name.split(" ", 1)
    args = {p["name"]: f"{p['name']}-1" for p in operation.get("parameters", []) if p["in"] == "path"}
    if "requestBody" in operation:
        args.update(body_for(module, operation))
    answers = list(documented_answers(operation))
    assert answers, name
    sent: list[httpx.Request] = []
    for status, value in answers:

        def handler(request: httpx.Request, status: int = status, value: Any = value) -> httpx.Response:
            sent.append(request)
            return httpx.Response(status, json=value)

        response = module.sync_detailed(client=mock_client(handler), **args)
        assert status == response.status_code
        assert value == response.parsed.to_dict(), (name, status)
    assert {method} == {request.method for request in sent}
    assert {path.format(**args)} == {request.url.path for request in sent}
