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

The ``^`` pattern and the non-zero rule only stand in for what ``json.dumps(...,
allow_nan=False).encode("utf-8")`` refuses anyway, so ``gate(..., encoded=True)``
leaves them out: that gate is for a payload the caller (``prepare_body``) also
encodes, and whose encoding must succeed as well.

Bounds that are not whole numbers (``speed``: 0.5 to 1.5) are the custom keyword
``x-bounds`` (:class:`Bounds`), and an ``enum`` of numbers with a fraction in it
(``stability`` in 0, 0.5, 1 for ``eleven_v3``) is ``x-among`` (:class:`Among`):
jsonschema-rs compares a number with a fractional limit about seven times slower
than a Python call does (1.6 us against 0.26 us a value, timeit on 50 floats);
whole-number limits written as floats (``1.0``) become ints, which it compares
fast. Two rewrites only save time: a union's tag checks that every arm repeats are
dropped (:class:`_Lean`), and an ``if`` without ``else`` (or ``then``) tests its
condition once.

Where the schema leaves a value unexamined (``{}``, an open object, an array
without ``items``, a nullable number where NaN would read as null, a union whose
arms do not state their tag) or refers to itself (a payload that contains itself
could then lead jsonschema-rs round it, and one nested past ``MAX_DEPTH`` could
pass), no gate is built and the Python checkers decide alone. A "no" or a raise
is never a verdict: the checkers then decide, and explain.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from heygen_studio._scalars import ANNOTATIONS
from heygen_studio._standard_schema import NumericString, standard_schema


class _Unsafe(Exception):
    """The schema leaves some value unexamined: no gate."""


def gate(schemas: Mapping[str, Any], root: Mapping[str, Any], *, encoded: bool = False) -> Callable[[Any], bool] | None:
    """jsonschema-rs's ``is_valid`` on the Draft 4 form of ``root``, or ``None`` where it would not see everything.

    Args:
        schemas: The spec's components.
        root: The request body's schema.
        encoded: Leave out what only stands in for the encoding check (lone surrogates, huge ints):
            its "valid" then holds only for a payload that ``json.dumps(..., allow_nan=False)`` and
            ``.encode("utf-8")`` also accept.
    """
    try:
        _examined(schemas, root, set(), ())
        return _validator(schemas, root, encoded=encoded).is_valid  # type: ignore[no-any-return]
    except (_Unsafe, ImportError):  # without jsonschema-rs (no wheel for some platform) the checkers decide
        return None


def _validator(schemas: Mapping[str, Any], root: Mapping[str, Any], *, encoded: bool) -> Any:
    import jsonschema_rs

    schema = draft4(standard_schema(schemas, root, dispatch=False), encoded=encoded)
    return jsonschema_rs.Draft4Validator(schema, keywords=KEYWORDS)


def draft4(schema: Mapping[str, Any], *, encoded: bool = False) -> dict[str, Any]:
    """A Draft 2020-12 schema from ``standard_schema`` in Draft 4 terms, with the reads described above."""
    defs = {name: _node(sub, encoded) for name, sub in schema.get("$defs", {}).items()}
    body = _node({key: value for key, value in schema.items() if key not in ("$defs", "$schema")}, encoded)
    lean = _Lean(defs)
    return {
        "$schema": "http://json-schema.org/draft-04/schema#",
        **lean(body),
        "definitions": {name: lean(sub) for name, sub in defs.items()},
    }


class _Lean:
    """Drops the tag checks a union node repeats when every arm already makes them.

    ``standard_schema`` gives a discriminated union ``type: object``, ``required: [tag]`` and the tag's
    allowed values next to its ``oneOf``/``anyOf``. When every arm is an object that requires the tag
    and allows only some of those values (strings), a value that passes an arm passes them too, so
    they only cost time: about a third of the gate's on a README-like 50-scene request (timeit).
    When the arms' values are also disjoint, no value passes two arms, so ``oneOf`` is ``anyOf``,
    which stops at the first arm that passes (~10% of the gate on the same request).
    """

    def __init__(self, defs: Mapping[str, Any]) -> None:
        self.defs = defs

    def __call__(self, node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        out = dict(node)
        for key, value in node.items():
            if key == "properties":
                out[key] = {name: self(sub) for name, sub in value.items()}
            elif key in ("items", "not", "additionalProperties"):
                out[key] = self(value)
            elif key in ("allOf", "anyOf", "oneOf"):
                out[key] = [self(sub) for sub in value]
        for keyword in ("oneOf", "anyOf"):
            arms = out.get(keyword)
            rest = {key: value for key, value in out.items() if key != keyword}
            if isinstance(arms, list) and rest and all(self.implies(arm, rest) for arm in arms):
                return {"anyOf" if self.disjoint(arms, rest) else keyword: arms}
        return out

    def resolved(self, arm: Any) -> Any:
        while isinstance(arm, dict) and set(arm) == {"$ref"} and arm["$ref"].startswith("#/definitions/"):
            arm = self.defs.get(arm["$ref"][len("#/definitions/") :])
        return arm

    def disjoint(self, arms: list[Any], rest: Mapping[str, Any]) -> bool:
        """Whether, for some tag every arm requires (``implies`` held), no two arms allow the same value."""
        for name in rest.get("properties", {}):
            seen: set[str] = set()
            for arm in arms:
                own = set(self.resolved(arm)["properties"][name]["enum"])
                if own & seen:
                    break
                seen |= own
            else:
                return True
        return False

    def implies(self, arm: Any, rest: Mapping[str, Any]) -> bool:
        """Whether every value ``arm`` accepts also passes ``rest`` (a union node's tag checks)."""
        arm = self.resolved(arm)
        if not isinstance(arm, dict) or not set(rest) <= {"type", "required", "properties"}:
            return False
        if rest.get("type", "object") != "object" or arm.get("type") != "object":
            return False
        if not set(rest.get("required", ())) <= set(arm.get("required", ())):
            return False
        for name, allowed in rest.get("properties", {}).items():
            own = arm.get("properties", {}).get(name, {}).get("enum")
            if not set(allowed) <= {"type", "enum"} or allowed.get("type", "string") != "string":
                return False
            if name not in arm.get("required", ()) or not isinstance(own, list) or "enum" not in allowed:
                return False
            if not all(isinstance(value, str) and value in allowed["enum"] for value in own):
                return False
        return True


def _node(schema: Any, encoded: bool) -> dict[str, Any]:
    if schema is True:
        return {}
    if schema is False:
        return {"not": {}}
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "$ref":
            out[key] = value.replace("#/$defs/", "#/definitions/")
        elif key == "properties":
            out[key] = {name: _node(sub, encoded) for name, sub in value.items()}
        elif key in ("items", "not", "additionalProperties"):
            out[key] = _node(value, encoded) if isinstance(value, Mapping) else value
        elif key in ("allOf", "anyOf", "oneOf"):
            out[key] = [_node(sub, encoded) for sub in value]
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
        condition = _node(schema["if"], encoded)
        then, otherwise = _node(schema.get("then", True), encoded), _node(schema.get("else", True), encoded)
        # (if and then) or (not if and else): with a missing else, simply (not if) or then, which tests
        # the condition once where the general form tests it twice; likewise without then.
        if not otherwise:
            choice = {"anyOf": [{"not": condition}, then]}
        elif not then:
            choice = {"anyOf": [condition, otherwise]}
        else:
            choice = {"anyOf": [{"allOf": [condition, then]}, {"allOf": [{"not": condition}, otherwise]}]}
        out["allOf"] = [*out.get("allOf", ()), choice]
    out = _among(_bounds(out))
    if encoded:
        return out
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


def _bounds(out: dict[str, Any]) -> dict[str, Any]:
    """``out`` with whole-number float limits as ints and fractional ones as the ``x-bounds`` keyword."""
    limits = {key: out[key] for key in ("minimum", "maximum") if type(out.get(key)) is float}
    if not limits:
        return out
    out = dict(out)
    for key, limit in limits.items():
        if limit.is_integer() and abs(limit) < 2**53:
            out[key] = int(limit)  # the same comparisons, exactly: int(limit) == limit
    if all(type(out.get(key)) is not float for key in limits):
        return out
    exclusive = [bool(out.pop(f"exclusive{key[0].upper()}{key[1:]}", False)) for key in ("minimum", "maximum")]
    out["x-bounds"] = [out.pop("minimum", None), exclusive[0], out.pop("maximum", None), exclusive[1]]
    return out


def _among(out: dict[str, Any]) -> dict[str, Any]:
    """``out`` with an ``enum`` of numbers, one of them fractional, as the ``x-among`` keyword (see ``_bounds``)."""
    options = out.get("enum")
    if not isinstance(options, list) or not options:
        return out
    if not all(type(option) in (int, float) for option in options):
        return out
    if all(type(option) is int or option.is_integer() for option in options):
        return out
    return {**{key: value for key, value in out.items() if key != "enum"}, "x-among": options}


class Among:
    """``enum`` of numbers as a jsonschema-rs keyword: an int or float JSON-equal to one of them.

    ``in`` compares with ``==``, which is JSON's equality between ints and floats (``1 == 1.0``);
    ``True == 1`` is not, so a bool fails, as does any value that is not a number.
    """

    def __init__(self, parent_schema: dict[str, Any], value: list[Any], schema_path: list[str | int]) -> None:
        self.options = value

    def validate(self, instance: Any) -> None:
        kind = type(instance)
        if (kind is not int and kind is not float) or instance not in self.options:
            raise ValueError("not one of the allowed numbers")


class Bounds:
    """``minimum``/``maximum`` (Draft 4, with their boolean ``exclusive*``) as a jsonschema-rs keyword.

    It judges only ints and floats, which Python compares exactly whatever their mix; a bool,
    a string, null or a container is the other keywords' business (``type``); any other value
    (a ``Decimal``, say) raises, and so leaves the verdict to the checkers.
    """

    def __init__(self, parent_schema: dict[str, Any], value: list[Any], schema_path: list[str | int]) -> None:
        self.low, self.above, self.high, self.below = value

    def validate(self, instance: Any) -> None:
        kind = type(instance)
        if kind is not int and kind is not float:
            if kind is bool or kind is str or kind is dict or kind is list or kind is tuple or instance is None:
                return
            raise ValueError(f"a {kind.__name__} is left to the checkers")
        low, high = self.low, self.high
        if low is not None and not (instance > low if self.above else instance >= low):
            raise ValueError("below the minimum")
        if high is not None and not (instance < high if self.below else instance <= high):
            raise ValueError("above the maximum")


#: The custom keywords the gate's schema uses, for ``jsonschema_rs``'s ``keywords=``.
KEYWORDS = {"x-numeric-string": NumericString, "x-bounds": Bounds, "x-among": Among}


def _examined(schemas: Mapping[str, Any], schema: Any, seen: set[str], active: tuple[str, ...]) -> None:
    """Raise :class:`_Unsafe` where the OpenAPI schema leaves some value to jsonschema-rs unexamined.

    ``seen`` holds the components already examined; ``active`` those on the way here, so a
    component that reaches itself is found.
    """
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
        if name in active:
            raise _Unsafe("a schema that refers to itself")
        if name not in seen:
            seen.add(name)
            _examined(schemas, schemas[name], seen, (*active, name))
    for keyword in ("allOf", "anyOf", "oneOf"):
        for arm in schema.get(keyword, ()):
            _examined(schemas, arm, seen, active)
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
            _examined(schemas, sub, seen, active)
    if "array" in names:
        if "items" not in schema:
            raise _Unsafe("an array without items")
        _examined(schemas, schema["items"], seen, active)
    if not names and not {"$ref", "enum", "const", "allOf", "anyOf", "oneOf"} & keys:
        raise _Unsafe("a schema without a type")


def _resolve(schemas: Mapping[str, Any], schema: Mapping[str, Any]) -> Mapping[str, Any]:
    while isinstance(schema.get("$ref"), str):
        schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


_ANY = ["object", "array", "string", "number", "integer", "boolean", "null"]
