"""Request validation, compiled from the patched spec.

No rule of HeyGen's API is written down here. The rules come from
``heygen_studio_api.schema.SCHEMAS`` (the patched components) and their
``x-heygen-rules``; this module only knows what each JSON Schema keyword and
each rule kind means. On first use the request schema compiles into a tree of
small checker closures (one per schema node), which is then reused.

A checker takes a value and returns ``None`` when it is valid, so a valid
payload is walked without building a single path or list. On failure it
returns ``_Error`` records whose reversed path grows as they travel up to the
root, which is how every violation gets its full dotted path without the happy
path paying for it.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from heygen_studio._errors import HeyGenWarning, RequestValidationError, Violation
from heygen_studio._payload import is_model, to_wire

if TYPE_CHECKING:
    from heygen_studio_api.models import CreateVideoRequest

__all__ = ["prepare_request", "validate_request"]

#: The rule of a field that belongs to a sibling variant (``talking_style`` on an
#: ``avatar``): the only violation ``strict=False`` turns into a HeyGenWarning.
WRONG_VARIANT = "wrong-variant"

# Keywords that describe but never constrain: skipped when compiling.
_ANNOTATIONS = frozenset(
    {"description", "default", "format", "title", "example", "examples", "deprecated", "readOnly", "writeOnly"}
)


# OpenAPI's integer formats: a value outside the format's range cannot be what the spec describes.
_INTEGER_FORMATS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def _integer_format(schema: Mapping[str, Any]) -> tuple[int, int] | None:
    """The range of an integer schema's ``format``, when it names one."""
    name = schema.get("format")
    return _INTEGER_FORMATS.get(name) if schema.get("type") == "integer" and isinstance(name, str) else None


def _effective(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """``schema`` with an integer ``format`` folded into its ``minimum``/``maximum``, so every path checks it."""
    span = _integer_format(schema)
    low, high = span or (0, 0)
    if span is None or not (_is_number(schema.get("minimum", low)) and _is_number(schema.get("maximum", high))):
        return schema  # a malformed bound is left for _constraints to refuse
    return {
        **schema,
        "minimum": max(schema.get("minimum", low), low),
        "maximum": min(schema.get("maximum", high), high),
    }


class _Error:
    """A violation on its way up to the root; ``rpath`` is its path, innermost segment first."""

    __slots__ = ("message", "rpath", "rule")

    def __init__(self, rule: str, message: str, *rpath: str | int) -> None:
        self.rule = rule
        self.message = message
        self.rpath: list[str | int] = list(rpath)

    def violation(self) -> Violation:
        return Violation(path=".".join(map(str, reversed(self.rpath))), message=self.message, rule=self.rule)


_Errors = list[_Error]
_Check = Callable[[Any], "_Errors | None"]
# An x-heygen-rule: (object, keys whose own checks already failed) -> errors or None.
_Rule = Callable[[dict[str, Any], "set[str] | None"], "_Errors | None"]


class SchemaCompileError(Exception):
    """The spec uses a construct this validator does not understand; refuse rather than silently skip it."""


# -- JSON types -------------------------------------------------------------------------------------------------


def _is_string(value: Any) -> bool:
    return isinstance(value, str)


def _is_integer(value: Any) -> bool:
    # bool is an int subclass in Python but not a JSON number; 1920.0 is not an integer here either.
    return type(value) is int or (isinstance(value, int) and not isinstance(value, bool))


def _is_number(value: Any) -> bool:
    kind = type(value)
    if kind is float:
        return bool(value - value == 0.0)  # false for NaN and the infinities, without a call
    if kind is int:
        return True
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value)


def _is_boolean(value: Any) -> bool:
    return value is True or value is False


def _is_null(value: Any) -> bool:
    return value is None


def _is_object(value: Any) -> bool:
    return isinstance(value, dict)


def _is_array(value: Any) -> bool:
    return isinstance(value, list)


_TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "string": _is_string,
    "integer": _is_integer,
    "number": _is_number,
    "boolean": _is_boolean,
    "null": _is_null,
    "object": _is_object,
    "array": _is_array,
}


def _json_equal(left: Any, right: Any) -> bool:
    """JSON equality: ``1 == 1.0``, but ``true != 1``."""
    if _is_boolean(left) or _is_boolean(right):
        return left is right
    if _is_number(left) and _is_number(right):
        return bool(left == right)
    if isinstance(left, str) or isinstance(right, str):
        return type(left) is type(right) and left == right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(_json_equal(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_json_equal(left[k], right[k]) for k in left)
    return left is None and right is None


def _matcher(options: Sequence[Any]) -> Callable[[Any], bool]:
    """A test for "JSON-equal to one of ``options``", as cheap as the options allow."""
    if all(isinstance(option, str) for option in options):
        strings = frozenset(options)
        return lambda value: isinstance(value, str) and value in strings
    if all(_is_number(option) for option in options):
        # Hashing makes 1 and 1.0 one member, as JSON wants; _is_number keeps true (== 1) out.
        numbers = frozenset(options)
        return lambda value: (type(value) is float or type(value) is int or _is_number(value)) and value in numbers
    if all(_is_boolean(option) for option in options):
        return lambda value: any(value is option for option in options)
    return lambda value: any(_json_equal(value, option) for option in options)


def _show(value: Any) -> str:
    """The offending value as it would look on the wire, with its JSON type."""
    if _is_boolean(value):
        return f"boolean {'true' if value else 'false'}"
    if value is None:
        return "null"
    if isinstance(value, str):
        text = repr(value)[1:-1] if len(value) <= 60 else repr(value[:57])[1:-1] + "..."
        return f'string "{text}"'
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        if math.isfinite(value):
            return f"number {value!r}"
        return f"{'NaN' if math.isnan(value) else ('-' if value < 0 else '') + 'Infinity'} (not a finite number)"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return f"an array of {len(value)} item{'' if len(value) == 1 else 's'}"
    return f"a Python {type(value).__name__} (not JSON)"


def _literal(value: Any) -> str:
    """A value from the spec, written as JSON."""
    if _is_boolean(value):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _fields(names: Sequence[str], joiner: str = ", ") -> str:
    return joiner.join(f"`{name}`" for name in names)


# -- compiler ---------------------------------------------------------------------------------------------------


class _Compiler:
    def __init__(self, schemas: Mapping[str, Any]) -> None:
        self.schemas = schemas
        self.named: dict[str, _Check] = {}

    def ref_name(self, ref: str) -> str:
        prefix = "#/components/schemas/"
        if not ref.startswith(prefix) or ref[len(prefix) :] not in self.schemas:
            raise SchemaCompileError(f"unresolvable $ref {ref!r}")
        return ref[len(prefix) :]

    def compile_named(self, name: str) -> _Check:
        check = self.named.get(name)
        if check is None:
            # A forward cell first, so a schema that refers to itself compiles.
            cell: list[_Check] = []
            self.named[name] = lambda value: cell[0](value)  # noqa: PLW0108 -- cell[0] does not exist yet
            compiled = self.compile(self.schemas[name], where=name)
            cell.append(compiled)
            self.named[name] = check = compiled
        return check

    def compile(self, schema: Mapping[str, Any], *, where: str, noun: str = "") -> _Check:
        schema = _effective(schema)
        keys = {key for key in schema if key not in _ANNOTATIONS and not key.startswith("x-")}
        if "$ref" in schema:
            if keys - {"$ref"}:
                raise SchemaCompileError(f"{where}: $ref with siblings {sorted(keys - {'$ref'})}")
            return self.compile_named(self.ref_name(schema["$ref"]))
        if "oneOf" in schema:
            return self.compile_union(schema, where=where, noun=noun)
        kinds = schema.get("type")
        if kinds == "object" or "properties" in schema:
            return self.compile_object(schema, where=where)
        if kinds == "array":
            return self.compile_array(schema, where=where)
        return self.compile_scalar(schema, where=where)

    def compile_union(self, schema: Mapping[str, Any], *, where: str, noun: str) -> _Check:
        discriminator = schema.get("discriminator")
        if not discriminator or "mapping" not in discriminator:
            raise SchemaCompileError(f"{where}: oneOf without a discriminator mapping is not supported")
        unknown = set(schema) - _ANNOTATIONS - {"oneOf", "discriminator"}
        if unknown:
            raise SchemaCompileError(f"{where}: unsupported keywords next to oneOf: {sorted(unknown)}")
        tag_name: str = discriminator["propertyName"]
        variants = {tag: self.ref_name(ref) for tag, ref in discriminator["mapping"].items()}
        fields = {tag: set(self.schemas[name].get("properties", {})) for tag, name in variants.items()}
        noun = noun or "variant"
        checks: dict[str, _Check] = {}
        for tag, name in variants.items():
            # Fields of sibling variants, so `talking_style` on an avatar is named as such, not as unknown.
            foreign: dict[str, list[str]] = {}
            for other, other_fields in fields.items():
                for field in sorted(other_fields - fields[tag]):
                    foreign.setdefault(field, []).append(other)
            checks[tag] = self.compile_object(self.schemas[name], where=f"{where}[{tag}]", foreign=(foreign, tag, noun))
        allowed = ", ".join(f"`{tag}`" for tag in variants)

        def check_union(value: Any) -> _Errors | None:
            if isinstance(value, dict):
                try:
                    variant = checks.get(value.get(tag_name))  # type: ignore[arg-type]
                except TypeError:  # an unhashable tag, such as a list
                    variant = None
                if variant is not None:
                    return variant(value)
                tag = value.get(tag_name)
                if tag_name not in value:
                    message = f"`{tag_name}` is required; allowed {noun} types: {allowed}"
                    return [_Error("required", message, tag_name)]
                shown = f'"{tag}"' if isinstance(tag, str) else _show(tag)
                message = f"unknown {noun} type {shown}; allowed {noun} types: {allowed}"
                return [_Error("discriminator", message, tag_name)]
            if is_model(value):
                return check_union(to_wire(value))
            return [_Error("type", f"must be of type object, got {_show(value)}")]

        return check_union

    def compile_object(
        self,
        schema: Mapping[str, Any],
        *,
        where: str,
        foreign: tuple[dict[str, list[str]], str, str] | None = None,
    ) -> _Check:
        known = {"type", "properties", "required", "additionalProperties", "x-heygen-rules"}
        unsupported = set(schema) - _ANNOTATIONS - known
        if unsupported:
            raise SchemaCompileError(f"{where}: unsupported object keywords {sorted(unsupported)}")
        if schema.get("type", "object") != "object":
            raise SchemaCompileError(f"{where}: properties on a non-object schema")
        properties: Mapping[str, Any] = {key: _effective(sub) for key, sub in schema.get("properties", {}).items()}
        checks = {key: self.compile(sub, where=f"{where}.{key}", noun=key) for key, sub in properties.items()}
        # A call per field is most of the cost of a check, so the common field shapes are also checked
        # inline, from one lookup per field: (the exact Python types whose every value passes, plus the
        # strings that pass a string enum or const; the bounds of a numeric field; the regex of a
        # pattern-only string field; the field's own checker). Only what fails inline reaches the checker,
        # which also explains the failure.
        fields = {
            key: (
                _always_valid(sub),
                _inline_bounds(sub),
                _ecma_pattern(sub["pattern"]).search if _pattern_only(sub) else None,
                checks[key],
            )
            for key, sub in properties.items()
        }
        required = tuple(schema.get("required", ()))
        extra = schema.get("additionalProperties", True)
        if extra is not True and extra is not False:
            raise SchemaCompileError(f"{where}: additionalProperties must be true or false")
        closed = extra is False
        rules = [self.compile_rule(rule, properties, where=where) for rule in schema.get("x-heygen-rules", ())]
        siblings, own_tag, noun = foreign if foreign else ({}, "", "")
        allowed = list(properties)

        def stranger(key: Any) -> _Error:
            owners = siblings.get(key)
            if owners is not None:
                message = f"`{key}` applies only to {_fields(owners, ' or ')} {noun}s, not `{own_tag}`"
                return _Error(WRONG_VARIANT, message, key)
            return _Error("unknown-field", _unknown_field_message(key, allowed), str(key))

        def check_object(value: Any) -> _Errors | None:
            if not isinstance(value, dict):
                if is_model(value):
                    return check_object(to_wire(value))
                return [_Error("type", f"must be of type object, got {_show(value)}")]
            errors: _Errors | None = None
            failed: set[str] | None = None
            found: _Errors | None
            for key, item in value.items():
                try:
                    valid, bounds, search, check = fields[key]
                except KeyError:
                    if not closed:
                        continue
                    found = [stranger(key)]
                else:
                    kind = type(item)
                    if kind in valid:
                        continue
                    if kind is str:
                        if item in valid or (search is not None and search(item) is not None):
                            continue
                    elif bounds is not None and (kind is float or kind is int):
                        low, high, above, below, floats = bounds
                        # `item - item == 0.0` is false for NaN and the infinities: floats, not JSON numbers.
                        in_range = low <= item <= high and above < item < below
                        if in_range and (kind is int or (floats and item - item == 0.0)):
                            continue
                    found = check(item)
                    if found is None:
                        continue
                    for error in found:
                        error.rpath.append(key)
                    if failed is None:
                        failed = set()
                    failed.add(key)
                if errors is None:
                    errors = found
                else:
                    errors.extend(found)
            for key in required:
                if key not in value:
                    error = _Error("required", f"`{key}` is required", key)
                    if errors is None:
                        errors = [error]
                    else:
                        errors.append(error)
            if rules:
                for rule in rules:
                    found = rule(value, failed)
                    if found is not None:
                        if errors is None:
                            errors = found
                        else:
                            errors.extend(found)
            return errors

        return check_object

    def compile_array(self, schema: Mapping[str, Any], *, where: str) -> _Check:
        unsupported = set(schema) - _ANNOTATIONS - {"type", "items", "minItems", "maxItems"}
        if unsupported:
            raise SchemaCompileError(f"{where}: unsupported array keywords {sorted(unsupported)}")
        item_check = self.compile(schema.get("items", {}), where=f"{where}[]") if "items" in schema else None
        low: int | None = schema.get("minItems")
        high: int | None = schema.get("maxItems")

        def check_array(value: Any) -> _Errors | None:
            if type(value) is not list and not isinstance(value, list):
                return [_Error("type", f"must be of type array, got {_show(value)}")]
            errors: _Errors | None = None
            count = len(value)
            if low is not None and count < low:
                errors = [
                    _Error("minItems", f"must have at least {low} item{'s' * (low != 1)} (minItems), got {count}")
                ]
            elif high is not None and count > high:
                errors = [_Error("maxItems", f"must have at most {high} items (maxItems), got {count}")]
            if item_check is not None:
                for index, item in enumerate(value):
                    found = item_check(item)
                    if found is not None:
                        for error in found:
                            error.rpath.append(index)
                        if errors is None:
                            errors = found
                        else:
                            errors.extend(found)
            return errors

        return check_array

    def compile_scalar(self, schema: Mapping[str, Any], *, where: str) -> _Check:
        known = {"type", "enum", "const", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
        unsupported = set(schema) - _ANNOTATIONS - known
        unsupported = {key for key in unsupported if not key.startswith("x-")}
        if unsupported:
            raise SchemaCompileError(f"{where}: unsupported keywords {sorted(unsupported)}")
        kinds = schema.get("type")
        names = [kinds] if isinstance(kinds, str) else list(kinds or ())
        for name in names:
            if name not in _TYPE_TESTS:
                raise SchemaCompileError(f"{where}: unknown type {name!r}")
        tests = [_TYPE_TESTS[name] for name in names]
        expected = " or ".join(names)
        constraints = _constraints(schema, where=where)

        if len(tests) == 1:
            is_type = tests[0]
        elif tests:
            is_type = lambda value: any(test(value) for test in tests)  # noqa: E731 -- rare: type lists
        else:
            is_type = lambda value: True  # noqa: E731 -- no "type": any JSON value

        def wrong_type(value: Any) -> _Errors:
            return [_Error("type", f"must be of type {expected}, got {_show(value)}")]

        if not constraints:

            def check_type(value: Any) -> _Errors | None:
                return None if is_type(value) else wrong_type(value)

            return check_type

        if names == ["string"] and len(constraints) == 1 and "pattern" in schema:
            search = _ecma_pattern(schema["pattern"]).search
            (pattern,) = constraints

            def check_pattern(value: Any) -> _Errors | None:
                if type(value) is str and search(value) is not None:
                    return None
                if not is_type(value):
                    return wrong_type(value)
                error = pattern(value)
                return None if error is None else [error]

            return check_pattern

        bounded = set(schema) & set(_BOUNDS)
        if names in (["number"], ["integer"]) and len(constraints) == len(bounded):
            # The common numeric case in one closure: a range check costs comparisons, not calls.
            low = schema.get("minimum", -math.inf)
            high = schema.get("maximum", math.inf)
            above = schema.get("exclusiveMinimum", -math.inf)
            below = schema.get("exclusiveMaximum", math.inf)
            integer = names == ["integer"]

            def check_range(value: Any) -> _Errors | None:
                kind = type(value)
                if kind is int or (kind is float and not integer and value - value == 0.0) or is_type(value):
                    if low <= value <= high and above < value < below:
                        return None
                    return [error for constraint in constraints if (error := constraint(value)) is not None]
                return wrong_type(value)

            return check_range

        def check_scalar(value: Any) -> _Errors | None:
            if not is_type(value):
                return wrong_type(value)
            errors: _Errors | None = None
            for constraint in constraints:
                error = constraint(value)
                if error is not None:
                    if errors is None:
                        errors = [error]
                    else:
                        errors.append(error)
            return errors

        return check_scalar

    def compile_rule(self, rule: Mapping[str, Any], properties: Mapping[str, Any], *, where: str) -> _Rule:
        kind = rule.get("rule")
        factory = _RULES.get(kind)  # type: ignore[arg-type]
        if factory is None:
            raise SchemaCompileError(f"{where}: unknown x-heygen-rules kind {kind!r}")
        mentioned = [*rule.get("properties", ()), *([rule["property"]] if "property" in rule else [])]
        mentioned += [*rule.get("when", {}), *([rule["items"]] if "items" in rule else [])]
        for name in mentioned:
            if name not in properties:
                raise SchemaCompileError(f"{where}: x-heygen-rules {kind} names unknown property {name!r}")
        if kind == "excludes-variant":
            rule = {**rule, "tag": self.check_variant_rule(rule, properties, where=where)}
        return factory(rule, properties)

    def check_variant_rule(self, rule: Mapping[str, Any], properties: Mapping[str, Any], *, where: str) -> str:
        """Check that an ``excludes-variant`` rule names an array of objects whose ``union`` has every listed tag.

        Returns:
            The union's discriminator property.
        """
        if len(rule["when"]) != 1:
            raise SchemaCompileError(f"{where}: x-heygen-rules excludes-variant needs exactly one `when` property")
        array = properties[rule["items"]]
        item = array.get("items", {}) if array.get("type") == "array" else {}
        if "$ref" in item:
            item = self.schemas[self.ref_name(item["$ref"])]
        union = item.get("properties", {}).get(rule["union"], {})
        mapping = union.get("discriminator", {}).get("mapping", {})
        missing = [tag for tag in rule["variants"] if tag not in mapping]
        if not mapping or missing:
            raise SchemaCompileError(
                f"{where}: x-heygen-rules excludes-variant: `{rule['items']}[].{rule['union']}` is not a union"
                f" with the variants {missing or rule['variants']}"
            )
        tag: str = union["discriminator"]["propertyName"]
        return tag


def _unknown_field_message(key: Any, allowed: Sequence[str]) -> str:
    import difflib

    close = difflib.get_close_matches(str(key), allowed, n=1)
    hint = f"; did you mean `{close[0]}`?" if close else f"; allowed fields: {_fields(allowed)}"
    return f"unknown field `{key}` (additionalProperties is false){hint}"


# -- scalar constraints ----------------------------------------------------------------------------------------

_Constraint = Callable[[Any], "_Error | None"]


def _ecma_pattern(pattern: str) -> re.Pattern[str]:
    # JSON Schema patterns are ECMA-262, where an unescaped trailing `$` means end
    # of input; in Python it also matches before a final newline ("#FFFFFF\n").
    trailing = len(pattern) - len(pattern.rstrip("$"))
    backslashes = len(pattern[: len(pattern) - trailing]) - len(pattern[: len(pattern) - trailing].rstrip("\\"))
    if trailing == 1 and backslashes % 2 == 0:
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


_BOUNDS: dict[str, tuple[Callable[[Any, Any], bool], str]] = {
    "minimum": (lambda value, limit: value >= limit, ">="),
    "maximum": (lambda value, limit: value <= limit, "<="),
    "exclusiveMinimum": (lambda value, limit: value > limit, ">"),
    "exclusiveMaximum": (lambda value, limit: value < limit, "<"),
}

_SIMPLE_TYPES: dict[str, frozenset[Any]] = {
    "string": frozenset({str}),
    "boolean": frozenset({bool}),
    "integer": frozenset({int}),
    "null": frozenset({type(None)}),
    # Not "number": NaN and the infinities are floats but not JSON numbers (see _inline_bounds).
}


def _always_valid(schema: Mapping[str, Any]) -> frozenset[Any]:
    """Exact Python types whose every value satisfies ``schema``, or the strings that do (empty when unsure)."""
    keywords = set(schema) - _ANNOTATIONS
    kind = schema.get("type")
    if keywords == {"type"} and isinstance(kind, str):
        return _SIMPLE_TYPES.get(kind, frozenset())
    options = [schema["const"]] if keywords == {"type", "const"} else schema.get("enum")
    strings = options is not None and all(isinstance(option, str) for option in options)
    if kind == "string" and keywords in ({"type", "const"}, {"type", "enum"}) and strings:
        return frozenset(options)  # type: ignore[arg-type]
    return frozenset()


def _inline_bounds(schema: Mapping[str, Any]) -> tuple[float, float, float, float, bool] | None:
    """``(minimum, maximum, exclusiveMinimum, exclusiveMaximum, floats allowed)`` of a plain numeric schema."""
    keywords = set(schema) - _ANNOTATIONS
    if schema.get("type") not in ("number", "integer") or not keywords <= {"type", *_BOUNDS}:
        return None
    return (
        schema.get("minimum", -math.inf),
        schema.get("maximum", math.inf),
        schema.get("exclusiveMinimum", -math.inf),
        schema.get("exclusiveMaximum", math.inf),
        schema["type"] == "number",
    )


def _pattern_only(schema: Mapping[str, Any]) -> bool:
    return schema.get("type") == "string" and set(schema) - _ANNOTATIONS == {"type", "pattern"}


def _constraints(schema: Mapping[str, Any], *, where: str) -> list[_Constraint]:
    constraints: list[_Constraint] = []
    if "const" in schema:
        constraints.append(_enum_constraint([schema["const"]], rule="const"))
    if "enum" in schema:
        constraints.append(_enum_constraint(list(schema["enum"]), rule="enum"))
    if "pattern" in schema:
        source: str = schema["pattern"]
        regex = _ecma_pattern(source)

        def pattern(value: Any) -> _Error | None:
            if not isinstance(value, str) or regex.search(value):
                return None
            return _Error("pattern", f"must match the pattern {source} (pattern), got {_show(value)}")

        constraints.append(pattern)
    span = _integer_format(schema) or ()
    for keyword, (holds, sign) in _BOUNDS.items():
        if keyword in schema:
            limit = schema[keyword]
            if not _is_number(limit):
                raise SchemaCompileError(f"{where}: {keyword} must be a number")
            # A bound that comes from an integer format (see _effective) says so.
            source = f"{keyword}, format {schema['format']}" if limit in span else keyword
            constraints.append(_bound_constraint(keyword, limit, holds, sign, source))
    return constraints


def _enum_constraint(options: list[Any], *, rule: str) -> _Constraint:
    listed = ", ".join(_literal(option) for option in options)
    expected = f"must be {listed}" if len(options) == 1 else f"must be one of {listed}"
    allowed = _matcher(options)

    def enum(value: Any) -> _Error | None:
        if allowed(value):
            return None
        return _Error(rule, f"{expected} ({rule}), got {_show(value)}")

    return enum


def _bound_constraint(
    keyword: str, limit: Any, holds: Callable[[Any, Any], bool], sign: str, source: str
) -> _Constraint:
    def bound(value: Any) -> _Error | None:
        if not _is_number(value) or holds(value, limit):
            return None
        return _Error(keyword, f"must be {sign} {_literal(limit)} ({source}), got {_show(value)}")

    return bound


# -- x-heygen-rules --------------------------------------------------------------------------------------------


def _condition(when: Mapping[str, Any]) -> tuple[Callable[[dict[str, Any]], bool], str]:
    text = " and ".join(f"`{key}` is {_literal(wanted)}" for key, wanted in when.items())
    if len(when) == 1:
        ((key, wanted),) = when.items()
        # dict.get gives None for a missing key, which equals no string and is no boolean.
        if isinstance(wanted, str):
            return (lambda value: value.get(key) == wanted), text
        if _is_boolean(wanted):
            return (lambda value: value.get(key) is wanted), text
    pairs = [(key, _matcher([wanted])) for key, wanted in when.items()]

    def holds(value: dict[str, Any]) -> bool:
        return all(key in value and matches(value[key]) for key, matches in pairs)

    return holds, text


def _exactly_one_of(rule: Mapping[str, Any], properties: Mapping[str, Any]) -> _Rule:
    names: list[str] = list(rule["properties"])
    listed = _fields(names, " and ") if len(names) == 2 else _fields(names)

    def exactly_one_of(value: dict[str, Any], failed: set[str] | None) -> _Errors | None:
        count = 0
        for name in names:
            if name in value:
                count += 1
        if count == 1:
            return None
        present = [name for name in names if name in value]
        got = "neither" if not present else ("both" if len(names) == 2 else _fields(present))
        return [_Error("exactly-one-of", f"exactly one of {listed} must be given (exactly-one-of), got {got}")]

    return exactly_one_of


def _only_when(rule: Mapping[str, Any], properties: Mapping[str, Any]) -> _Rule:
    names: list[str] = list(rule["properties"])
    holds, text = _condition(rule["when"])
    when = list(rule["when"])

    def only_when(value: dict[str, Any], failed: set[str] | None) -> _Errors | None:
        errors: _Errors | None = None
        for name in names:
            if name in value and (errors is not None or not holds(value)):
                actual = "; ".join(f"`{key}` is {_show(value[key]) if key in value else 'not given'}" for key in when)
                error = _Error("only-when", f"`{name}` is allowed only when {text} (only-when), but {actual}", name)
                errors = [error] if errors is None else [*errors, error]
        return errors

    return only_when


def _enum_when(rule: Mapping[str, Any], properties: Mapping[str, Any]) -> _Rule:
    name: str = rule["property"]
    options: list[Any] = list(rule["enum"])
    holds, text = _condition(rule["when"])
    listed = ", ".join(_literal(option) for option in options)
    allowed = _matcher(options)

    def enum_when(value: dict[str, Any], failed: set[str] | None) -> _Errors | None:
        if name not in value or (failed is not None and name in failed) or not holds(value):
            return None
        actual = value[name]
        if allowed(actual):
            return None
        return [_Error("enum-when", f"must be one of {listed} when {text} (enum-when), got {_show(actual)}", name)]

    return enum_when


def _numeric_string(rule: Mapping[str, Any], properties: Mapping[str, Any]) -> _Rule:
    name: str = rule["property"]
    low, high = rule.get("minimum"), rule.get("maximum")
    span = " ".join(
        part
        for part in (
            f"from {_literal(low)}" if low is not None else "",
            f"to {_literal(high)}" if high is not None else "",
        )
        if part
    )

    def numeric_string(value: dict[str, Any], failed: set[str] | None) -> _Errors | None:
        if name not in value or (failed is not None and name in failed):
            return None
        text = value[name]
        if not isinstance(text, str):
            return None
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if math.isfinite(number) and (low is None or number >= low) and (high is None or number <= high):
            return None
        message = f"must be a number {span} written as a string (numeric-string), got {_show(text)}"
        return [_Error("numeric-string", message, name)]

    return numeric_string


def _excludes_variant(rule: Mapping[str, Any], properties: Mapping[str, Any]) -> _Rule:
    holds, _ = _condition(rule["when"])
    ((name, wanted),) = rule["when"].items()
    items: str = rule["items"]
    union: str = rule["union"]
    tag_name: str = rule["tag"]
    excluded = frozenset(rule["variants"])
    expected = (
        f"cannot be {_literal(wanted)} when a `{union}` in `{items}` is of type {_fields(rule['variants'], ' or ')}"
    )

    def excludes_variant(value: dict[str, Any], failed: set[str] | None) -> _Errors | None:
        if (failed is not None and name in failed) or not holds(value):
            return None
        scenes = value.get(items)
        if not isinstance(scenes, list):
            return None
        found = []
        for index, item in enumerate(scenes):
            scene = to_wire(item) if is_model(item) else item
            member = scene.get(union) if isinstance(scene, dict) else None
            if is_model(member):
                member = to_wire(member)
            tag = member.get(tag_name) if isinstance(member, dict) else None
            if isinstance(tag, str) and tag in excluded:
                found.append(f"{items}.{index}.{union}")
        if not found:
            return None
        shown = ", ".join(found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
        # A field meant for another variant, in effect: strict=False relaxes it like `talking_style` on an avatar.
        return [_Error(WRONG_VARIANT, f"{expected}; found at {shown}", name)]

    return excludes_variant


_RULES: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], _Rule]] = {
    "exactly-one-of": _exactly_one_of,
    "only-when": _only_when,
    "enum-when": _enum_when,
    "numeric-string": _numeric_string,
    "excludes-variant": _excludes_variant,
}


# -- entry points ----------------------------------------------------------------------------------------------

_request_check: _Check | None = None


def _root() -> _Check:
    global _request_check  # noqa: PLW0603 -- compiled once, on first use, so importing stays cheap
    if _request_check is None:
        from heygen_studio_api.schema import REQUEST_BODIES, SCHEMAS

        _request_check = _Compiler(SCHEMAS).compile_named(REQUEST_BODIES["POST /v2/video/generate"])
    return _request_check


def _collect(payload: Any, *, strict: bool, stacklevel: int) -> list[Violation]:
    if type(payload) is not dict:
        if isinstance(payload, Mapping):
            payload = dict(payload)
        elif is_model(payload):
            payload = to_wire(payload)
    errors = _root()(payload)
    if errors is None:
        return []
    violations = [error.violation() for error in errors]
    if strict:
        return violations
    kept = []
    for violation in violations:
        if violation.rule == WRONG_VARIANT:
            warnings.warn(HeyGenWarning(str(violation)), stacklevel=stacklevel + 1)
        else:
            kept.append(violation)
    return kept


def validate_request(payload: Mapping[str, Any] | CreateVideoRequest, *, strict: bool = True) -> list[Violation]:
    """Check a request against every rule of the patched spec, without sending it.

    Args:
        payload: The request in wire form (a dict, as sent as JSON) or as a
            ``CreateVideoRequest`` model.
        strict: When false, fields that apply only to another variant (such as
            ``talking_style`` on an ``avatar`` character) are reported as a
            ``HeyGenWarning`` each instead of being returned.

    Returns:
        Every violation across all scenes, in a deterministic order (payload
        order within an object, then missing required fields, then the
        cross-field rules); empty when the request is valid.
    """
    if type(payload) is dict:
        # The common case, kept to one call: a valid dict builds nothing but the empty result.
        errors = (_request_check or _root())(payload)
        if errors is None:
            return []
    return _collect(payload, strict=strict, stacklevel=2)


def prepare_request(
    request: CreateVideoRequest | Mapping[str, Any] | None,
    fields: Mapping[str, Any],
    *,
    strict: bool = True,
) -> dict[str, Any]:
    """Build the JSON body of a create-video request and validate it.

    Args:
        request: A ``CreateVideoRequest``, or a dict in wire form (typed as
            ``CreateVideoParams``); ``None`` when ``fields`` are given instead.
        fields: The request's fields as keyword arguments, with models or dicts
            inside (``video_inputs=[VideoInput(...)]``, ``dimension=Dimension(...)``).
        strict: As for :func:`validate_request`.

    Returns:
        A fresh dict ready for ``json.dumps``: models turned into their wire
        form and ``UNSET`` values left out.

    Raises:
        TypeError: Both a request and fields were given, or neither, or the
            request is neither a model nor a mapping.
        RequestValidationError: The request breaks at least one rule; it lists all of them.
    """
    if request is not None and fields:
        raise TypeError(f"pass either a request or its fields as keyword arguments, not both (got {sorted(fields)})")
    if request is None:
        if not fields:
            raise TypeError("nothing to send: pass a CreateVideoRequest, a dict, or the request's fields")
        source: Any = fields
    elif isinstance(request, Mapping) or is_model(request):
        source = request
    else:
        raise TypeError(f"expected a CreateVideoRequest or a dict, got {type(request).__name__}")
    payload: dict[str, Any] = to_wire(source)
    violations = _collect(payload, strict=strict, stacklevel=3)
    if violations:
        raise RequestValidationError(violations)
    return payload
