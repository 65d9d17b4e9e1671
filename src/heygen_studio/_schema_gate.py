"""The fast "yes": jsonschema-rs decides that a request is valid, in Rust, when the schema lets it decide alone.

A valid payload is the common case, and jsonschema-rs's ``is_valid`` walks it
several times faster than the compiled Python checkers. It sees less than they
do, so the schema it gets is the standard form (``_standard_schema``, unions as
written) in Draft 4, OpenAPI 3.0's own dialect, made to see the rest:

- Draft 4's ``integer`` excludes ``1920.0``, as the spec means it;
- every string gets the pattern ``^``, so jsonschema-rs reads it as UTF-8 and a
  lone surrogate raises instead of passing unseen;
- every number must not be 0: jsonschema-rs reads an int past Python's
  4,300-digit ``str`` limit (which ``json.dumps`` cannot write) as 0, so a
  payload with a numeric 0 is left to the checkers;
- keys are read wherever ``additionalProperties`` is false, so a key that is
  not a str, or not encodable, raises; so does any value that is not JSON.

Where the schema leaves a value unexamined (``{}``, an open object, an array
without ``items``, a nullable number where NaN would read as null, a union whose
arms do not state their tag), no gate is built and the Python checkers decide
alone. A "no" or a raise is never a verdict: the checkers then decide, and
explain.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from heygen_studio._scalars import ANNOTATIONS
from heygen_studio._standard_schema import NumericString, standard_schema


class _Unsafe(Exception):
    """The schema leaves some value unexamined: no gate."""


def gate(schemas: Mapping[str, Any], root: Mapping[str, Any]) -> Callable[[Any], bool] | None:
    """jsonschema-rs's ``is_valid`` on the Draft 4 form of ``root``, or ``None`` where it would not see everything."""
    try:
        _examined(schemas, root, set())
        return _validator(schemas, root).is_valid  # type: ignore[no-any-return]
    except (_Unsafe, ImportError):  # without jsonschema-rs (no wheel for some platform) the checkers decide
        return None


def _validator(schemas: Mapping[str, Any], root: Mapping[str, Any]) -> Any:
    import jsonschema_rs

    schema = draft4(standard_schema(schemas, root, dispatch=False))
    return jsonschema_rs.Draft4Validator(schema, keywords={"x-numeric-string": NumericString})


def draft4(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A Draft 2020-12 schema from ``standard_schema`` in Draft 4 terms, with the reads described above."""
    defs = {name: _node(sub) for name, sub in schema.get("$defs", {}).items()}
    body = _node({key: value for key, value in schema.items() if key not in ("$defs", "$schema")})
    return {"$schema": "http://json-schema.org/draft-04/schema#", **body, "definitions": defs}


def _node(schema: Any) -> dict[str, Any]:
    if schema is True:
        return {}
    if schema is False:
        return {"not": {}}
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "$ref":
            out[key] = value.replace("#/$defs/", "#/definitions/")
        elif key == "properties":
            out[key] = {name: _node(sub) for name, sub in value.items()}
        elif key in ("items", "not", "additionalProperties"):
            out[key] = _node(value) if isinstance(value, Mapping) else value
        elif key in ("allOf", "anyOf", "oneOf"):
            out[key] = [_node(sub) for sub in value]
        elif key == "const":
            out["enum"] = [value]
        elif key in ("exclusiveMinimum", "exclusiveMaximum"):
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            if bound in schema:  # both: the stricter one
                stricter = max if bound == "minimum" else min
                if stricter(value, schema[bound]) != value:
                    continue
            out[bound], out[key] = value, True
        elif key not in ("if", "then", "else"):
            out[key] = value
    if "if" in schema:
        condition = _node(schema["if"])
        then, otherwise = _node(schema.get("then", True)), _node(schema.get("else", True))
        choice = {"anyOf": [{"allOf": [condition, then]}, {"allOf": [{"not": condition}, otherwise]}]}
        out["allOf"] = [*out.get("allOf", ()), choice]
    kinds = schema.get("type")
    names = {kinds} if isinstance(kinds, str) else set(kinds or ())
    if "string" in names and "pattern" not in out and "enum" not in out:
        out["pattern"] = "^"  # a match needs the text as UTF-8: a lone surrogate raises
    if names & {"number", "integer"}:
        # jsonschema-rs reads an int past Python's 4,300-digit str limit as 0: a 0 is left to the checkers.
        # (Written as anyOf of two exclusive bounds: "not": {"enum": [0]} costs jsonschema-rs far more.)
        nonzero = {"anyOf": [{"minimum": 0, "exclusiveMinimum": True}, {"maximum": 0, "exclusiveMaximum": True}]}
        out = {**out, "allOf": [*out.get("allOf", ()), nonzero]}
    return out


def _examined(schemas: Mapping[str, Any], schema: Any, seen: set[str]) -> None:
    """Raise :class:`_Unsafe` where the OpenAPI schema leaves some value to jsonschema-rs unexamined."""
    if not isinstance(schema, Mapping):
        if schema is not False:
            raise _Unsafe("a schema that allows any value")
        return
    keys = {key for key in schema if key not in ANNOTATIONS and not key.startswith("x-")} - {"nullable"}
    if not keys:
        raise _Unsafe("a schema that allows any value")
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            _examined(schemas, schemas[name], seen)
    for keyword in ("allOf", "anyOf", "oneOf"):
        for arm in schema.get(keyword, ()):
            _examined(schemas, arm, seen)
            tag = schema.get("discriminator", {}).get("propertyName") if keyword != "allOf" else None
            own = _resolve(schemas, arm).get("properties", {}).get(tag, {}) if tag else {}
            if tag and not ("const" in own or own.get("enum")):
                raise _Unsafe("a union arm that does not state its tag")
    kinds = schema.get("type")
    names = {kinds} if isinstance(kinds, str) else set(kinds or ())
    if names & {"number", "integer"} and ("null" in names or schema.get("nullable") is True):
        raise _Unsafe("a nullable number (NaN would read as null)")
    if "object" in names or "properties" in schema:
        if schema.get("additionalProperties", True) is not False:
            raise _Unsafe("an open object")
        for sub in schema.get("properties", {}).values():
            _examined(schemas, sub, seen)
    if "array" in names:
        if "items" not in schema:
            raise _Unsafe("an array without items")
        _examined(schemas, schema["items"], seen)
    if not names and not {"$ref", "enum", "const", "allOf", "anyOf", "oneOf"} & keys:
        raise _Unsafe("a schema without a type")


def _resolve(schemas: Mapping[str, Any], schema: Mapping[str, Any]) -> Mapping[str, Any]:
    while isinstance(schema.get("$ref"), str):
        schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


_ANY = ["object", "array", "string", "number", "integer", "boolean", "null"]
