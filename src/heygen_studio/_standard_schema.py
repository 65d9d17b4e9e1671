"""The request schema as standard JSON Schema (Draft 2020-12), for engines that speak only that.

The validator itself runs compiled Python checkers (see ``_schema_compile``);
this form is what the tests hand to ``jsonschema`` as an independent oracle and
what the benchmark hands to jsonschema-rs as its baseline. What OpenAPI adds to
JSON Schema is translated: ``$ref`` into ``$defs``, 3.0's ``nullable`` and
boolean exclusive bounds, integer formats as bounds, discriminators as tag
dispatch (``if``/``then``, as the validator dispatches), and each
``x-heygen-rules`` kind as the standard keywords that state it (``oneOf`` of
``required``, ``if``/``then``/``else`` with ``required`` and ``not``, a dotted
``when`` path as nested ``properties``), except ``numeric-string``, which no
standard keyword can state: it becomes the custom keyword ``x-numeric-string``
(:class:`NumericString` implements it for jsonschema-rs).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from heygen_studio._checks import SchemaCompileError
from heygen_studio._scalars import ANNOTATIONS, effective
from heygen_studio._unions import discriminated_arms

_REF = "#/components/schemas/"
_NUMERIC_STRING = "x-numeric-string"


def standard_schema(schemas: Mapping[str, Any], root: Mapping[str, Any], *, dispatch: bool = True) -> dict[str, Any]:
    """``root`` (and every component it reaches) as one self-contained Draft 2020-12 schema.

    Args:
        schemas: The spec's components.
        root: The schema to translate.
        dispatch: Whether a discriminated union becomes tag dispatch (``if``/``then`` per tag, as the
            validator checks it) or stays the ``oneOf``/``anyOf`` the spec writes (the discriminator
            dropped, as JSON Schema ignores it); the two agree wherever each arm states its tag value.
    """
    translate = _Translator(schemas, dispatch=dispatch)
    body = translate(root)
    defs = {}
    while translate.pending:
        name = translate.pending.pop()
        defs[name] = translate(schemas[name])
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **body, "$defs": defs}


class _Translator:
    def __init__(self, schemas: Mapping[str, Any], *, dispatch: bool) -> None:
        self.schemas = schemas
        self.tag_dispatch = dispatch
        self.pending: list[str] = []
        self.seen: set[str] = set()

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        while isinstance(schema.get("$ref"), str) and str(schema["$ref"]).startswith(_REF):
            schema = self.schemas[schema["$ref"][len(_REF) :]]
        return schema

    def __call__(self, schema: Any) -> Any:
        if not isinstance(schema, Mapping):
            return schema
        schema = effective(schema)
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key in ANNOTATIONS or (key.startswith("x-") and key != "x-heygen-rules"):
                continue
            if key == "$ref":
                name = str(value)[len(_REF) :]
                if name not in self.schemas:
                    raise SchemaCompileError(f"unresolvable $ref {value!r}")
                if name not in self.seen:
                    self.seen.add(name)
                    self.pending.append(name)
                out["$ref"] = f"#/$defs/{name}"
            elif key in ("properties", "$defs"):
                out[key] = {name: self(sub) for name, sub in value.items()}
            elif key in ("items", "additionalProperties", "not"):
                out[key] = self(value)
            elif key in ("allOf", "anyOf", "oneOf"):
                out[key] = [self(sub) for sub in value]
            elif key not in ("nullable", "discriminator", "x-heygen-rules"):
                out[key] = value
        for keyword in ("oneOf", "anyOf"):
            if keyword in schema and isinstance(schema.get("discriminator"), Mapping):
                self.dispatch(schema, keyword, out)
        rules = [self.rule(rule, schema) for rule in schema.get("x-heygen-rules", ())]
        if rules:
            out["allOf"] = [*out.get("allOf", ()), *rules]
        if schema.get("nullable") is True:
            out = _nullable(out)
        return out

    def dispatch(self, schema: Mapping[str, Any], keyword: str, out: dict[str, Any]) -> None:
        """A discriminated union as tag dispatch, as the validator does it (not "exactly one arm matches")."""
        arms = schema[keyword]
        tag = schema["discriminator"]["propertyName"]
        by_tag = discriminated_arms(schema, arms, self.resolve, where="")
        tags = list(by_tag if by_tag is not None else schema["discriminator"]["mapping"])
        out["type"] = "object"
        out["required"] = sorted({*out.get("required", ()), tag})
        out.setdefault("properties", {})[tag] = {"type": "string", "enum": tags}
        if by_tag is None or not self.tag_dispatch:
            return  # the union as written, with the tag's values required as the discriminator says
        del out[keyword]
        out["allOf"] = [
            *out.get("allOf", ()),
            *({"if": _has(tag, value), "then": self(arm)} for value, arm in by_tag.items()),
        ]

    def rule(self, rule: Mapping[str, Any], schema: Mapping[str, Any]) -> dict[str, Any]:
        kind = rule.get("rule")
        when = {"allOf": [_has(key, value) for key, value in rule.get("when", {}).items()]}
        if kind == "exactly-one-of":
            one = {"oneOf": [{"required": [name]} for name in rule["properties"]]}
            return {"if": when, "then": one} if "when" in rule else one
        if kind == "at-most-one-of":
            names = list(rule["properties"])
            pairs = [[first, second] for index, first in enumerate(names) for second in names[index + 1 :]]
            return {"not": {"anyOf": [{"required": pair} for pair in pairs]}}
        if kind == "requires":
            return {"if": {"required": [rule["property"]]}, "then": {"required": list(rule["requires"])}}
        if kind == "required-when":
            return {"if": when, "then": {"required": list(rule["properties"])}}
        if kind == "absent-when":
            return {"if": when, "then": {"not": {"anyOf": [{"required": [name]} for name in rule["properties"]]}}}
        if kind == "only-when":
            return {"if": when, "else": {"not": {"anyOf": [{"required": [name]} for name in rule["properties"]]}}}
        if kind == "enum-when":
            return {"if": when, "then": {"properties": {rule["property"]: {"enum": list(rule["enum"])}}}}
        if kind == "numeric-string":
            bounds = {"minimum": rule.get("minimum"), "maximum": rule.get("maximum")}
            return {_NUMERIC_STRING: {"property": rule["property"], **bounds}}
        if kind == "excludes-variant":
            array = self.resolve(schema["properties"][rule["items"]])
            union = self.resolve(array["items"])["properties"][rule["union"]]
            tag = union["discriminator"]["propertyName"]
            banned = {"properties": {tag: {"not": {"enum": list(rule["variants"])}}}}
            member = {"properties": {rule["union"]: banned}}
            return {"if": when, "then": {"properties": {rule["items"]: {"items": member}}}}
        raise SchemaCompileError(f"unknown x-heygen-rules kind {kind!r}")


def _has(key: str, value: Any) -> dict[str, Any]:
    """The object has ``value`` at ``key``: a dotted path into nested objects, a list meaning any of its values."""
    *outer, last = key.split(".")
    leaf = {"enum": list(value)} if isinstance(value, list) else {"const": value}
    schema: dict[str, Any] = {"properties": {last: leaf}, "required": [last]}
    for part in reversed(outer):
        schema = {"properties": {part: {"type": "object", **schema}}, "required": [part]}
    return schema


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    kinds = schema.get("type")
    if isinstance(kinds, str) and not {"allOf", "anyOf", "oneOf", "$ref"} & set(schema):
        widened = {**schema, "type": [kinds, "null"]}
        if "enum" in schema and None not in schema["enum"]:
            widened["enum"] = [*schema["enum"], None]
        return widened
    return {"anyOf": [schema, {"type": "null"}]}


class NumericString:
    """The ``numeric-string`` rule as a jsonschema-rs keyword: a decimal number written as a string, in range."""

    def __init__(self, parent_schema: dict[str, Any], value: dict[str, Any], schema_path: list[str | int]) -> None:
        self.name: str = value["property"]
        self.low: float | None = value.get("minimum")
        self.high: float | None = value.get("maximum")

    def validate(self, instance: Any) -> None:
        if not isinstance(instance, dict) or not isinstance(text := instance.get(self.name), str):
            return
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        low, high = self.low, self.high
        if not (math.isfinite(number) and (low is None or number >= low) and (high is None or number <= high)):
            raise ValueError(f"{self.name} is not a number in range written as a string")
