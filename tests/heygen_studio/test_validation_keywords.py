"""Golden tests per JSON Schema keyword, on tiny schemas; any operation's body by name; what is refused."""

from __future__ import annotations

from typing import Any

import pytest

from codegen.generate import _schema_module
from heygen_studio import validate_request
from heygen_studio._checks import SchemaCompileError
from heygen_studio._schema_compile import _Compiler
from heygen_studio._validation import _operations, prepare_request
from tests.heygen_studio.test_validation import valid_payload

REF = "#/components/schemas/"
COMPONENTS: dict[str, Any] = {
    "Cat": {
        "type": "object",
        "properties": {"kind": {"type": "string", "enum": ["cat"]}, "lives": {"type": "integer"}},
        "required": ["kind"],
        "additionalProperties": False,
    },
    "Dog": {
        "type": "object",
        "properties": {"kind": {"const": "dog"}, "bark": {"type": "boolean"}},
        "required": ["kind"],
        "additionalProperties": False,
    },
    "Named": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
}
PET = {"oneOf": [{"$ref": f"{REF}Cat"}, {"$ref": f"{REF}Dog"}], "discriminator": {"propertyName": "kind"}}
PET_MAPPED = {**PET, "discriminator": {"propertyName": "kind", "mapping": {"cat": f"{REF}Cat", "dog": f"{REF}Dog"}}}
PET_INLINE = {
    "oneOf": [
        {"type": "object", "properties": {"kind": {"const": "a"}, "x": {"type": "string"}}, "required": ["kind", "x"]},
        {"type": "object", "properties": {"kind": {"enum": ["b"]}, "y": {"type": "string"}}, "required": ["kind", "y"]},
    ],
    "discriminator": {"propertyName": "kind", "mapping": {"a": f"{REF}NeverPublishedA", "b": f"{REF}NeverPublishedB"}},
}

# keyword, schema, value, [(path, rule)]; [] means valid
GOLDEN: list[tuple[str, Any, Any, list[tuple[str, str]]]] = [
    ("const", {"const": "x"}, "x", []),
    ("const", {"const": "x"}, "y", [("", "const")]),
    ("const number", {"const": 1}, 1.0, []),
    ("const number", {"const": 1}, True, [("", "const")]),
    ("enum with null", {"enum": ["a", None]}, None, []),
    ("enum with null", {"enum": ["a", None]}, "b", [("", "enum")]),
    ("minLength", {"type": "string", "minLength": 2}, "ab", []),
    ("minLength", {"type": "string", "minLength": 2}, "a", [("", "minLength")]),
    ("minLength counts code points", {"type": "string", "minLength": 2}, "\U0001f600", [("", "minLength")]),
    ("maxLength", {"type": "string", "maxLength": 2}, "abc", [("", "maxLength")]),
    ("pattern", {"type": "string", "pattern": "^[a-z]+$"}, "abc", []),
    ("pattern", {"type": "string", "pattern": "^[a-z]+$"}, "abc\n", [("", "pattern")]),
    ("exclusiveMinimum 3.1", {"type": "number", "exclusiveMinimum": 0}, 0, [("", "exclusiveMinimum")]),
    ("exclusiveMinimum 3.1", {"type": "number", "exclusiveMinimum": 0}, 0.1, []),
    ("exclusiveMaximum 3.0", {"type": "number", "maximum": 5, "exclusiveMaximum": True}, 5, [("", "exclusiveMaximum")]),
    ("exclusiveMaximum 3.0 false", {"type": "number", "maximum": 5, "exclusiveMaximum": False}, 5, []),
    ("nullable 3.0", {"type": "string", "nullable": True}, None, []),
    ("nullable 3.0", {"type": "string", "nullable": True}, 1, [("", "type")]),
    ("nullable enum 3.0", {"type": "string", "enum": ["a"], "nullable": True}, None, []),
    ("nullable object 3.0", {"type": "object", "properties": {"a": {"type": "integer"}}, "nullable": True}, None, []),
    (
        "nullable object 3.0",
        {"type": "object", "properties": {"a": {"type": "integer"}}, "nullable": True},
        {"a": "1"},
        [("a", "type")],
    ),
    ("type list 3.1", {"type": ["string", "null"]}, None, []),
    ("type list 3.1", {"type": ["string", "null"]}, 3, [("", "type")]),
    (
        "type list with object",
        {"type": ["object", "null"], "properties": {"a": {"type": "integer"}}},
        {"a": "x"},
        [("a", "type")],
    ),
    ("anyOf null form", {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}]}, None, []),
    ("anyOf null form", {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}]}, 0, [("", "minimum")]),
    ("anyOf", {"anyOf": [{"type": "string"}, {"type": "integer"}]}, 2, []),
    ("anyOf", {"anyOf": [{"type": "string"}, {"type": "integer"}]}, 2.5, [("", "anyOf")]),
    ("oneOf plain", {"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 10}]}, 3, []),
    (
        "oneOf plain, two match",
        {"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 10}]},
        11,
        [("", "oneOf")],
    ),
    ("oneOf, one arm close", {"oneOf": [{"type": "string"}, {"$ref": f"{REF}Named"}]}, {"name": 1}, [("name", "type")]),
    ("discriminator, implicit", PET, {"kind": "cat", "lives": 9}, []),
    ("discriminator, implicit", PET, {"kind": "Dog"}, [("kind", "discriminator")]),
    ("discriminator, mapping", PET_MAPPED, {"kind": "dog", "lives": 9}, [("lives", "wrong-variant")]),
    ("discriminator, mapping", PET_MAPPED, {"lives": 9}, [("kind", "required")]),
    ("discriminator, inline arms", PET_INLINE, {"kind": "b", "y": "1"}, []),
    ("discriminator, inline arms", PET_INLINE, {"kind": "a", "y": "1"}, [("x", "required")]),
    (
        "allOf",
        {"allOf": [{"$ref": f"{REF}Named"}, {"properties": {"age": {"type": "integer"}}}]},
        {"name": "n", "age": 1},
        [],
    ),
    (
        "allOf",
        {"allOf": [{"$ref": f"{REF}Named"}, {"properties": {"age": {"type": "integer"}}}]},
        {"age": "1"},
        [("name", "required"), ("age", "type")],
    ),
    ("$ref with siblings", {"$ref": f"{REF}Named", "maxProperties": 1}, {"name": "n", "x": 1}, [("", "maxProperties")]),
    (
        "additionalProperties schema",
        {"type": "object", "additionalProperties": {"type": "integer"}},
        {"a": 1, "b": "2"},
        [("b", "type")],
    ),
    (
        "additionalProperties false",
        {"type": "object", "properties": {"a": {}}, "additionalProperties": False},
        {"b": 1},
        [("b", "unknown-field")],
    ),
    ("minProperties", {"type": "object", "minProperties": 1}, {}, [("", "minProperties")]),
    ("minProperties", {"type": "object", "minProperties": 1}, {"a": None}, []),
    (
        "minItems/maxItems",
        {"type": "array", "items": {"type": "integer"}, "maxItems": 1},
        [1, "x"],
        [("", "maxItems"), ("0", "type")][:1],
    ),
    ("boolean schema false", {"type": "object", "properties": {"a": False}}, {"a": 1}, [("a", "false")]),
    ("empty schema", {}, {"any": [1, "json", None]}, []),
    ("int32 format", {"type": "integer", "format": "int32"}, 2**31, [("", "maximum")]),
]


@pytest.mark.parametrize(
    ("keyword", "schema", "value", "expected"), GOLDEN, ids=[f"{row[0]}: {row[2]!r}"[:60] for row in GOLDEN]
)
def test_each_keyword(keyword: str, schema: Any, value: Any, expected: list[tuple[str, str]]) -> None:
    check = _Compiler(COMPONENTS).compile(schema, where=keyword)
    found = [(error.violation().path, error.violation().rule) for error in check(value) or []]
    assert expected == found


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({"type": "number", "multipleOf": 2}, r"unsupported keywords \['multipleOf'\]"),
        ({"type": "array", "uniqueItems": True}, r"unsupported array keywords \['uniqueItems'\]"),
        ({"type": "array", "prefixItems": [{}]}, r"unsupported array keywords \['prefixItems'\]"),
        ({"type": "array", "contains": {}}, r"unsupported array keywords \['contains'\]"),
        ({"type": "object", "patternProperties": {"^a": {}}}, r"unsupported object keywords \['patternProperties'\]"),
        ({"type": "object", "dependentRequired": {"a": ["b"]}}, r"unsupported object keywords \['dependentRequired'\]"),
        ({"type": "object", "propertyNames": {"maxLength": 3}}, r"unsupported object keywords \['propertyNames'\]"),
        ({"if": {"type": "string"}, "then": {"minLength": 1}}, r"unsupported keywords \['if', 'then'\]"),
        ({"not": {"type": "string"}}, r"unsupported keywords \['not'\]"),
        ({"type": "string", "pattern": "(?<!x"}, "not a regex this validator can read"),
        ({"type": "string", "minLength": -1}, "minLength must be a non-negative integer"),
        ({"enum": []}, "enum must be a non-empty list"),
        ({"anyOf": []}, "anyOf must be a non-empty list"),
        (
            {
                "oneOf": [{"$ref": f"{REF}Cat"}],
                "discriminator": {"propertyName": "kind", "mapping": {"x": f"{REF}Nope"}},
            },
            "'x' matches 0 arms",
        ),
        ({"$ref": f"{REF}Nope"}, r"unresolvable \$ref"),
    ],
)
def test_what_is_not_understood_is_refused_when_compiling(schema: Any, message: str) -> None:
    with pytest.raises(SchemaCompileError, match=message):
        _Compiler(COMPONENTS).compile(schema, where="tiny")


def test_the_default_operation_is_v2_studio_and_can_be_named() -> None:
    payload = valid_payload()
    assert [] == validate_request(payload, operation="POST /v2/video/generate")
    assert payload == prepare_request(payload, {}, operation="POST /v2/video/generate")


def test_an_unknown_operation_is_a_clear_error_listing_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown operation 'POST /v9/nope'.*\"POST /v2/video/generate\""):
        validate_request({}, operation="POST /v9/nope")
    with pytest.raises(ValueError, match="unknown operation"):
        prepare_request({}, {}, operation="GET /v2/video/generate")


def test_an_inline_request_body_is_validated_by_its_operation(monkeypatch: pytest.MonkeyPatch) -> None:
    import heygen_studio_api.schema as generated

    monkeypatch.setitem(generated.INLINE_REQUEST_BODIES, "POST /v3/pets", PET_INLINE)
    monkeypatch.setattr("heygen_studio._validation._operations", {})
    assert [] == validate_request({"kind": "a", "x": "1"}, operation="POST /v3/pets")
    assert ["x"] == [v.path for v in validate_request({"kind": "a"}, operation="POST /v3/pets")]
    assert "POST /v3/pets" not in _operations  # the patched cache, not the module's own


def test_the_schema_module_emits_inline_request_bodies() -> None:
    spec = {
        "info": {"version": "1"},
        "paths": {
            "/v2/a": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": f"{REF}Named"}}}}}},
            "/v3/b": {"post": {"requestBody": {"content": {"application/json": {"schema": PET_INLINE}}}}},
            "/v3/c": {"post": {"requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object"}}}}}},
        },
        "components": {"schemas": {"Named": COMPONENTS["Named"]}},
    }
    namespace: dict[str, Any] = {}
    exec(compile(_schema_module(spec), "schema.py", "exec"), namespace)
    assert ({"POST /v2/a": "Named"}, {"POST /v3/b": PET_INLINE}) == (
        namespace["REQUEST_BODIES"],
        namespace["INLINE_REQUEST_BODIES"],
    )


@pytest.mark.parametrize(
    ("schema", "gated"),
    [
        ({"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False}, True),
        ({"type": "object", "properties": {"a": {"type": "string"}}}, False),  # open: other keys unseen
        ({"type": "object", "properties": {"a": {}}, "additionalProperties": False}, False),  # {} unseen
        ({"type": "array"}, False),  # items unseen
        (
            {
                "type": "object",
                "properties": {"n": {"type": "number", "nullable": True}},
                "additionalProperties": False,
            },
            False,
        ),
        (PET_MAPPED, True),
        (PET_INLINE, False),  # arms open
    ],
)
def test_the_gate_is_built_only_where_jsonschema_rs_sees_every_value(schema: Any, gated: bool) -> None:
    from heygen_studio._schema_gate import gate

    assert gated == (gate(COMPONENTS, schema) is not None)


def test_without_jsonschema_rs_the_checkers_decide_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from heygen_studio_api.schema import SCHEMAS

    from heygen_studio._schema_gate import gate

    monkeypatch.setitem(sys.modules, "jsonschema_rs", None)  # import fails, as on a platform with no wheel
    assert gate(SCHEMAS, {"$ref": f"{REF}CreateVideoRequest"}) is None
    monkeypatch.setattr("heygen_studio._validation._operations", {})
    assert [] == validate_request(valid_payload())
    assert ["video_inputs"] == [v.path for v in validate_request({"video_inputs": []})]


def test_the_gate_leaves_a_numeric_zero_and_huge_ints_to_the_checkers() -> None:
    from heygen_studio._schema_gate import gate

    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "additionalProperties": False}
    check = gate(COMPONENTS, schema)
    assert check is not None
    assert (True, False, False, False) == (check({"n": 5}), check({"n": 0}), check({"n": 10**5000}), check({"n": 1.0}))
    assert ["type"] == [v.rule for v in _violations_of(schema, {"n": 10**5000})]


def _violations_of(schema: Any, payload: Any) -> list[Any]:
    from heygen_studio._validation import _Operation

    return [error.violation() for error in _Operation("tiny", COMPONENTS, schema).verdict(payload) or ()]
