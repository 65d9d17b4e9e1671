"""Scalar schemas: what a string, number or literal must satisfy, as small checker closures.

Also the cheap "always valid" summaries ``compile_object`` uses to check the
common field shapes inline, without a call per field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from heygen_studio._checks import (
    LARGEST,
    TYPE_TESTS,
    SchemaCompileError,
    _Check,
    _Error,
    _Errors,
    check_json,
    extend,
    is_number,
    literal,
    matcher,
    show,
    type_error,
)

_Constraint = Callable[[Any], "_Error | None"]

# Keywords that describe but never constrain: skipped when compiling.
ANNOTATIONS = frozenset(
    {
        "description",
        "default",
        "format",
        "title",
        "example",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "externalDocs",
        "xml",
        "$comment",
        "contentMediaType",
        "contentEncoding",
    }
)

# OpenAPI's integer formats: a value outside the format's range cannot be what the spec describes.
_INTEGER_FORMATS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def _integer_format(schema: Mapping[str, Any]) -> tuple[int, int] | None:
    """The range of an integer schema's ``format``, when it names one."""
    name = schema.get("format")
    return _INTEGER_FORMATS.get(name) if schema.get("type") == "integer" and isinstance(name, str) else None


def effective(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """``schema`` in 3.1 terms, with an integer ``format`` folded into its ``minimum``/``maximum``.

    OpenAPI 3.0's boolean ``exclusiveMinimum``/``exclusiveMaximum`` become 3.1's numeric ones, so every
    path (inline checks, constraints, the standard-schema gate) reads one form.
    """
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        flag = schema.get(exclusive)
        if flag is True or flag is False:
            rest = {key: value for key, value in schema.items() if key != exclusive}
            if flag and bound in rest:
                rest[exclusive] = rest.pop(bound)
            schema = rest
    span = _integer_format(schema)
    low, high = span or (0, 0)
    if span is None or not (is_number(schema.get("minimum", low)) and is_number(schema.get("maximum", high))):
        return schema  # a malformed bound is left for constraints() to refuse
    return {
        **schema,
        "minimum": max(schema.get("minimum", low), low),
        "maximum": min(schema.get("maximum", high), high),
    }


def ecma_pattern(pattern: str) -> re.Pattern[str]:
    """A JSON Schema (ECMA-262) pattern as a Python regex, refused loudly when Python cannot read it."""
    # In ECMA-262 an unescaped trailing `$` means end of input; in Python it also matches before
    # a final newline ("#FFFFFF\n").
    trailing = len(pattern) - len(pattern.rstrip("$"))
    backslashes = len(pattern[: len(pattern) - trailing]) - len(pattern[: len(pattern) - trailing].rstrip("\\"))
    if trailing == 1 and backslashes % 2 == 0:
        pattern = pattern[:-1] + r"\Z"
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise SchemaCompileError(f"pattern {pattern!r} is not a regex this validator can read: {exc}") from None


BOUNDS: dict[str, tuple[Callable[[Any, Any], bool], str]] = {
    "minimum": (lambda value, limit: value >= limit, ">="),
    "maximum": (lambda value, limit: value <= limit, "<="),
    "exclusiveMinimum": (lambda value, limit: value > limit, ">"),
    "exclusiveMaximum": (lambda value, limit: value < limit, "<"),
}

_SIMPLE_TYPES: dict[str, frozenset[Any]] = {
    "string": frozenset({str}),
    "boolean": frozenset({bool}),
    # Not "integer" either: an int beyond a float64 is no JSON number (see inline_bounds).
    "null": frozenset({type(None)}),
    # Not "number": NaN and the infinities are floats but not JSON numbers.
}


def always_valid(schema: Mapping[str, Any]) -> frozenset[Any]:
    """Exact Python types whose every value satisfies ``schema``, or the strings that do (empty when unsure)."""
    keywords = set(schema) - ANNOTATIONS
    kind = schema.get("type")
    if keywords == {"type"} and isinstance(kind, str):
        return _SIMPLE_TYPES.get(kind, frozenset())
    options = [schema["const"]] if keywords == {"type", "const"} else schema.get("enum")
    strings = options is not None and all(isinstance(option, str) for option in options)
    if kind == "string" and keywords in ({"type", "const"}, {"type", "enum"}) and strings:
        return frozenset(options)  # type: ignore[arg-type]
    return frozenset()


def inline_bounds(schema: Mapping[str, Any]) -> tuple[float, float, float, float, bool] | None:
    """``(minimum, maximum, exclusiveMinimum, exclusiveMaximum, floats allowed)`` of a plain numeric schema."""
    keywords = set(schema) - ANNOTATIONS
    if schema.get("type") not in ("number", "integer") or not keywords <= {"type", *BOUNDS}:
        return None
    return (
        schema.get("minimum", -LARGEST),
        schema.get("maximum", LARGEST),
        schema.get("exclusiveMinimum", -math.inf),
        schema.get("exclusiveMaximum", math.inf),
        schema["type"] == "number",
    )


def pattern_only(schema: Mapping[str, Any]) -> bool:
    return schema.get("type") == "string" and set(schema) - ANNOTATIONS == {"type", "pattern"}


def constraints(schema: Mapping[str, Any], *, where: str) -> list[_Constraint]:
    """One closure per constraining keyword of a scalar schema, in a fixed order."""
    found: list[_Constraint] = []
    if "const" in schema:
        found.append(enum_constraint([schema["const"]], rule="const"))
    if "enum" in schema:
        if not isinstance(schema["enum"], list) or not schema["enum"]:
            raise SchemaCompileError(f"{where}: enum must be a non-empty list")
        found.append(enum_constraint(list(schema["enum"]), rule="enum"))
    for keyword, sign in (("minLength", ">="), ("maxLength", "<=")):
        if keyword in schema:
            found.append(_length_constraint(keyword, schema[keyword], sign, where=where))
    if "pattern" in schema:
        source: str = schema["pattern"]
        regex = ecma_pattern(source)

        def pattern(value: Any) -> _Error | None:
            if not isinstance(value, str) or regex.search(value):
                return None
            return _Error("pattern", f"must match the pattern {source} (pattern), got {show(value)}")

        found.append(pattern)
    span = _integer_format(schema) or ()
    for keyword, (holds, sign) in BOUNDS.items():
        if keyword in schema:
            limit = schema[keyword]
            if not is_number(limit):
                raise SchemaCompileError(f"{where}: {keyword} must be a number")
            # A bound that comes from an integer format (see effective) says so.
            source = f"{keyword}, format {schema['format']}" if limit in span else keyword
            found.append(_bound_constraint(keyword, limit, holds, sign, source))
    return found


def _length_constraint(keyword: str, limit: Any, sign: str, *, where: str) -> _Constraint:
    if type(limit) is not int or limit < 0:
        raise SchemaCompileError(f"{where}: {keyword} must be a non-negative integer")
    longest = keyword == "maxLength"

    def length(value: Any) -> _Error | None:
        # JSON Schema counts code points, as len() does.
        if not isinstance(value, str) or (len(value) <= limit if longest else len(value) >= limit):
            return None
        unit = "character" if limit == 1 else "characters"
        return _Error(keyword, f"must be {sign} {limit} {unit} long ({keyword}), got {len(value):,}: {show(value)}")

    return length


def enum_constraint(options: list[Any], *, rule: str) -> _Constraint:
    listed = ", ".join(literal(option) for option in options)
    expected = f"must be {listed}" if len(options) == 1 else f"must be one of {listed}"
    allowed = matcher(options)

    def enum(value: Any) -> _Error | None:
        if allowed(value):
            return None
        return _Error(rule, f"{expected} ({rule}), got {show(value)}")

    return enum


def _bound_constraint(
    keyword: str, limit: Any, holds: Callable[[Any, Any], bool], sign: str, source: str
) -> _Constraint:
    def bound(value: Any) -> _Error | None:
        if not is_number(value) or holds(value, limit):
            return None
        return _Error(keyword, f"must be {sign} {literal(limit)} ({source}), got {show(value)}")

    return bound


SCALAR_KEYWORDS = frozenset({"type", "enum", "const", "pattern", "minLength", "maxLength", *BOUNDS})


def compile_scalar(schema: Mapping[str, Any], *, where: str) -> _Check:
    """The checker of a schema with no structure: a type (or type list), enum/const, lengths, pattern, bounds."""
    unsupported = {key for key in schema if key not in ANNOTATIONS and not key.startswith("x-")} - SCALAR_KEYWORDS
    if unsupported:
        raise SchemaCompileError(f"{where}: unsupported keywords {sorted(unsupported)}")
    kinds = schema.get("type")
    names = [kinds] if isinstance(kinds, str) else list(kinds or ())
    for name in names:
        if name not in TYPE_TESTS:
            raise SchemaCompileError(f"{where}: unknown type {name!r}")
    tests = [TYPE_TESTS[name] for name in names]
    expected = " or ".join(names)
    found = constraints(schema, where=where)
    if not names or {"object", "array"} & set(names):
        # Containers allowed by a type list (or by no type): their contents must still be JSON.
        tests = [*tests, lambda value: check_json(value) is None] if names else [lambda value: True]
        if not names and not found:
            return check_json

    is_type = tests[0] if len(tests) == 1 else (lambda value: any(test(value) for test in tests))

    def wrong_type(value: Any) -> _Errors:
        if isinstance(value, (dict, list)) and not names:
            return check_json(value) or []
        return type_error(expected, value)

    if not found:

        def check_type(value: Any) -> _Errors | None:
            return None if is_type(value) else wrong_type(value)

        return check_type

    if names == ["string"] and len(found) == 1 and "pattern" in schema:
        search = ecma_pattern(schema["pattern"]).search
        (pattern,) = found

        def check_pattern(value: Any) -> _Errors | None:
            if type(value) is str and value.isascii() and search(value) is not None:
                return None
            if not is_type(value):
                return wrong_type(value)
            error = pattern(value)
            return None if error is None else [error]

        return check_pattern

    bounded = set(schema) & set(BOUNDS)
    if names in (["number"], ["integer"]) and len(found) == len(bounded):
        # The common numeric case in one closure: a range check costs comparisons, not calls.
        # Unbounded still means "json.dumps can write it" (see LARGEST).
        low = schema.get("minimum", -LARGEST)
        high = schema.get("maximum", LARGEST)
        above = schema.get("exclusiveMinimum", -math.inf)
        below = schema.get("exclusiveMaximum", math.inf)
        integer = names == ["integer"]

        def check_range(value: Any) -> _Errors | None:
            kind = type(value)
            if kind is int or (kind is float and not integer and value - value == 0.0) or is_type(value):
                if low <= value <= high and above < value < below:
                    return None
                if is_type(value):
                    return [error for constraint in found if (error := constraint(value)) is not None]
            return wrong_type(value)

        return check_range

    def check_scalar(value: Any) -> _Errors | None:
        if not is_type(value):
            return wrong_type(value)
        errors: _Errors | None = None
        for constraint in found:
            error = constraint(value)
            if error is not None:
                errors = extend(errors, [error])
        return errors

    return check_scalar
