"""The gate's own forms (``_schema_gate``): what it rewrites for speed must not change a verdict.

Fractional bounds and numeric enums become Python keywords (``x-bounds``, ``x-among``),
a union's repeated tag checks are dropped where every arm makes them, ``if`` without
``else`` tests its condition once, and a schema that refers to itself gets no gate.
Each is held to the compiled checkers' verdict.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from heygen_studio._schema_gate import Among, Bounds, draft4, gate
from heygen_studio._standard_schema import standard_schema
from heygen_studio._validation import _Operation


def _checkers_accept(schemas: dict[str, Any], schema: Any, value: Any) -> bool:
    return not _Operation("tiny", schemas, schema).errors(value)


FRACTIONAL = {
    "type": "object",
    "properties": {
        "inclusive": {"type": "number", "minimum": 0.5, "maximum": 1.5},
        "exclusive": {"type": "number", "exclusiveMinimum": 0.5, "exclusiveMaximum": 1.5},
        "low_only": {"type": "integer", "minimum": -2.5},
        "whole": {"type": "number", "minimum": 1.0, "maximum": 2.0},
    },
    "additionalProperties": False,
}


def test_fractional_bounds_become_x_bounds_and_whole_ones_ints() -> None:
    properties = draft4(standard_schema({}, FRACTIONAL))["properties"]
    assert {"inclusive": [0.5, False, 1.5, False], "exclusive": [0.5, True, 1.5, True]} == {
        name: properties[name]["x-bounds"] for name in ("inclusive", "exclusive")
    }
    assert [-2.5, False, None, False] == properties["low_only"]["x-bounds"]
    assert (1, int, 2, int, False) == (
        properties["whole"]["minimum"],
        type(properties["whole"]["minimum"]),
        properties["whole"]["maximum"],
        type(properties["whole"]["maximum"]),
        "x-bounds" in properties["whole"],
    )


@pytest.mark.parametrize("encoded", [False, True])
@pytest.mark.parametrize(
    ("field", "value"),
    [
        (field, value)
        for field in ("inclusive", "exclusive", "low_only", "whole")
        for value in (
            0.5,
            0.5000001,
            0.49999999,
            1,
            1.5,
            1.4999999,
            2,
            2.0000001,
            -2.5,
            -3,
            -2,
            True,
            "1",
            None,
            10**30,
        )
    ],
)
def test_the_gate_with_x_bounds_agrees_with_the_checkers(field: str, value: Any, encoded: bool) -> None:
    fast = gate({}, FRACTIONAL, encoded=encoded)
    assert fast is not None
    assert _checkers_accept({}, FRACTIONAL, {field: value}) == fast({field: value})


def test_x_bounds_leaves_what_is_not_an_int_or_float_to_the_checkers() -> None:
    bounds = Bounds({}, [0.5, False, 1.5, False], [])
    for value in (True, "x", None, {}, [], ()):
        bounds.validate(value)  # the other keywords' business
    with pytest.raises(ValueError, match="Decimal"):
        bounds.validate(Decimal("1"))
    with pytest.raises(ValueError, match="minimum"):
        bounds.validate(0.25)
    with pytest.raises(ValueError, match="maximum"):
        bounds.validate(float("inf"))


def test_a_schema_that_refers_to_itself_gets_no_gate() -> None:
    closed = {"type": "object", "additionalProperties": False}
    schemas = {
        "Node": {**closed, "properties": {"child": {"$ref": "#/components/schemas/Node"}}},
        "Leaf": {**closed, "properties": {"n": {"type": "integer"}}},
        "Tree": {
            **closed,
            "properties": {"a": {"$ref": "#/components/schemas/Leaf"}, "b": {"$ref": "#/components/schemas/Leaf"}},
        },
    }
    assert gate(schemas, {"$ref": "#/components/schemas/Node"}) is None
    assert gate(schemas, {"$ref": "#/components/schemas/Tree"}) is not None  # reaching one component twice is fine


# -- x-among -------------------------------------------------------------------------------------------------------

NUMERIC_ENUMS = {
    "type": "object",
    "properties": {
        "fractional": {"type": "number", "enum": [0, 0.5, 1]},
        "whole": {"type": "number", "enum": [0, 1.0, 2]},
        "mixed": {"enum": [0.5, "0.5", None]},
    },
    "additionalProperties": False,
}


def test_a_numeric_enum_with_a_fraction_becomes_x_among_and_others_stay() -> None:
    properties = draft4(standard_schema({}, NUMERIC_ENUMS))["properties"]
    assert ([0, 0.5, 1], [0, 1.0, 2], [0.5, "0.5", None]) == (
        properties["fractional"]["x-among"],
        properties["whole"]["enum"],
        properties["mixed"]["enum"],
    )


@pytest.mark.parametrize("encoded", [False, True])
@pytest.mark.parametrize(
    ("field", "value"),
    [
        (field, value)
        for field in ("fractional", "whole", "mixed")
        for value in (0, 0.0, 0.5, 1, 1.0, 2, 0.25, True, False, "0.5", None, [0.5], {"a": 0.5})
    ],
)
def test_the_gate_with_x_among_agrees_with_the_checkers(field: str, value: Any, encoded: bool) -> None:
    fast = gate({}, NUMERIC_ENUMS, encoded=encoded)
    assert fast is not None
    accepted = _checkers_accept({}, NUMERIC_ENUMS, {field: value})
    if not encoded and value == 0 and type(value) in (int, float):
        accepted = False  # the gate for unencoded payloads leaves a numeric 0 to the checkers (huge ints read as 0)
    assert accepted == fast({field: value})


def test_x_among_takes_only_ints_and_floats() -> None:
    among = Among({}, [0, 0.5, 1], [])
    among.validate(1.0)
    for value in (True, Decimal("0.5"), "0.5", None, float("nan")):
        with pytest.raises(ValueError, match="allowed numbers"):
            among.validate(value)


# -- unions and conditions -----------------------------------------------------------------------------------------

REF = "#/components/schemas/"


def _arm(tag: str, *, requires_tag: bool = True) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"kind": {"type": "string", "enum": [tag]}, "size": {"type": "integer"}},
        "additionalProperties": False,
        **({"required": ["kind"]} if requires_tag else {}),
    }


def _union(*arms: str) -> dict[str, Any]:
    mapping = {tag: f"{REF}{tag.title()}" for tag in arms}
    return {
        "type": "object",
        "properties": {
            "shape": {
                "oneOf": [{"$ref": ref} for ref in mapping.values()],
                "discriminator": {"propertyName": "kind", "mapping": mapping},
            }
        },
        "additionalProperties": False,
    }


def _shape(defs: dict[str, Any]) -> Any:
    return defs["properties"]["shape"]


def test_a_union_whose_arms_check_the_tag_loses_the_repeated_checks_and_stops_at_the_first_match() -> None:
    schemas = {"Circle": _arm("circle"), "Square": _arm("square")}
    lean = _shape(draft4(standard_schema(schemas, _union("circle", "square"), dispatch=False)))
    assert ["anyOf"] == list(lean)  # the tags are disjoint: no value passes two arms


def test_arms_that_share_a_tag_value_stay_one_of() -> None:
    both = {**_arm("circle"), "properties": {"kind": {"type": "string", "enum": ["circle", "square"]}}}
    schemas = {"Circle": _arm("circle"), "Square": both}
    root = _union("circle", "square")
    assert ["oneOf"] == list(_shape(draft4(standard_schema(schemas, root, dispatch=False))))
    fast = gate(schemas, root)
    assert fast is not None
    for shape in ({"kind": "circle"}, {"kind": "square"}, {"kind": "circle", "size": 1}, {"kind": "oval"}):
        if fast({"shape": shape}):  # its "no" only means "look closer" (a circle passes both arms here)
            assert _checkers_accept(schemas, root, {"shape": shape}), shape


def test_a_union_whose_arm_does_not_require_the_tag_keeps_them() -> None:
    schemas = {"Circle": _arm("circle"), "Square": _arm("square", requires_tag=False)}
    root = _union("circle", "square")
    kept = _shape(draft4(standard_schema(schemas, root, dispatch=False)))
    assert ["kind"] == kept["required"]
    fast = gate(schemas, root)
    assert fast is not None
    for shape in ({"kind": "circle"}, {"size": 1}, {"kind": "oval"}, {"kind": "square", "size": 2}, {}):
        assert _checkers_accept(schemas, root, {"shape": shape}) == fast({"shape": shape}), shape


@pytest.mark.parametrize(
    ("keywords", "values"),
    [
        ({"then": {"required": ["b"]}}, [{"a": 1}, {"a": 1, "b": 2}, {"a": 2}, {}]),
        ({"else": {"required": ["b"]}}, [{"a": 1}, {"a": 2}, {"a": 2, "b": 1}, {}]),
        (
            {"then": {"required": ["b"]}, "else": {"required": ["c"]}},
            [{"a": 1, "b": 1}, {"a": 1, "c": 1}, {"c": 1}, {}],
        ),
    ],
)
def test_if_then_else_in_draft_4_keeps_its_meaning(keywords: dict[str, Any], values: list[Any]) -> None:
    import jsonschema_rs

    schema = {"if": {"properties": {"a": {"enum": [1]}}, "required": ["a"]}, **keywords}
    native = jsonschema_rs.Draft202012Validator(schema)
    translated = jsonschema_rs.Draft4Validator(
        draft4({"$schema": "https://json-schema.org/draft/2020-12/schema", **schema})
    )
    assert [native.is_valid(value) for value in values] == [translated.is_valid(value) for value in values]
