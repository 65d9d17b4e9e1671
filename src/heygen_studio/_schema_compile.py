"""Compile a spec's request schemas into trees of small checker closures, one per schema node.

A checker takes a value and returns ``None`` when it is valid, so a valid
payload is walked without building a single path or list. On failure it
returns ``_Error`` records whose reversed path grows as they travel up to the
root, which is how every violation gets its full dotted path without the happy
path paying for it. Keywords this module does not know are refused with
:class:`SchemaCompileError` when compiling, never skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from heygen_studio._checks import (
    WRONG_VARIANT,
    SchemaCompileError,
    _Check,
    _Error,
    _Errors,
    check_json,
    clip,
    extend,
    fields,
    show,
    type_error,
    unencodable,
)
from heygen_studio._payload import is_model, to_wire
from heygen_studio._rules import compile_rule
from heygen_studio._scalars import (
    ANNOTATIONS,
    always_valid,
    compile_scalar,
    ecma_pattern,
    effective,
    inline_bounds,
    pattern_only,
)
from heygen_studio._unions import compile_choice, describe, discriminated_arms

_OBJECT_KEYWORDS = frozenset(
    {"type", "properties", "required", "additionalProperties", "minProperties", "maxProperties", "x-heygen-rules"}
)
_REF = "#/components/schemas/"


def _significant(schema: Mapping[str, Any]) -> set[str]:
    return {key for key in schema if key not in ANNOTATIONS and not key.startswith("x-")}


class _Compiler:
    def __init__(self, schemas: Mapping[str, Any]) -> None:
        self.schemas = schemas
        self.named: dict[str, _Check] = {}

    def ref_name(self, ref: Any) -> str:
        if not isinstance(ref, str) or not ref.startswith(_REF) or ref[len(_REF) :] not in self.schemas:
            raise SchemaCompileError(f"unresolvable $ref {ref!r}")
        return ref[len(_REF) :]

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        """``schema``, or the component its ``$ref`` names (followed until it is not a bare ``$ref``)."""
        seen: set[str] = set()
        while "$ref" in schema and not _significant(schema) - {"$ref"}:
            name = self.ref_name(schema["$ref"])
            if name in seen:
                raise SchemaCompileError(f"$ref cycle through {name!r}")
            seen.add(name)
            schema = self.schemas[name]
        return schema

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

    def compile(self, schema: Any, *, where: str, noun: str = "") -> _Check:
        if schema is True:
            return check_json
        if schema is False:
            return lambda value: [_Error("false", "no value is allowed here (the schema is false)")]
        if not isinstance(schema, Mapping):
            raise SchemaCompileError(f"{where}: a schema must be an object or a boolean, got {type(schema).__name__}")
        schema = effective(schema)
        keys = _significant(schema)
        nullable = self.nullable_part(schema, keys)
        if nullable is not None:
            inner = self.compile(nullable, where=where, noun=noun)
            return lambda value: None if value is None else inner(value)
        if "nullable" in keys:  # nullable: false says nothing
            return self.compile({key: value for key, value in schema.items() if key != "nullable"}, where=where)
        if not keys:
            return check_json
        if "$ref" in schema:
            if keys == {"$ref"}:
                return self.compile_named(self.ref_name(schema["$ref"]))
            # OpenAPI 3.1 allows siblings next to $ref: both apply.
            rest = {key: value for key, value in schema.items() if key != "$ref"}
            return self.compile_all([{"$ref": schema["$ref"]}, rest], where=where)
        if "allOf" in schema:
            rest = {key: value for key, value in schema.items() if key != "allOf"}
            parts = _list_of_schemas(schema["allOf"], "allOf", where)
            return self.compile_all([*parts, *([rest] if _significant(rest) else [])], where=where)
        for keyword in ("oneOf", "anyOf"):
            if keyword in schema:
                return self.compile_union(schema, keyword, where=where, noun=noun)
        kinds = schema.get("type")
        if kinds == "object" or "properties" in schema or keys & {"minProperties", "maxProperties"}:
            return self.compile_object(schema, where=where)
        if kinds == "array":
            return self.compile_array(schema, where=where)
        return compile_scalar(schema, where=where)

    def nullable_part(self, schema: Mapping[str, Any], keys: set[str]) -> Mapping[str, Any] | bool | None:
        """The non-null part of a schema that also allows ``null`` around a structure, else ``None``.

        Covers 3.0's ``nullable: true``, 3.1's ``type: [..., "null"]`` on objects and arrays, and 3.1's
        ``anyOf: [X, {"type": "null"}]``. Type lists of scalars are left to ``compile_scalar``.
        """
        if schema.get("nullable") is True:
            rest = {key: value for key, value in schema.items() if key != "nullable"}
            if isinstance(rest.get("enum"), list):
                # The wrapper in compile() lets null through, so the enum keeps only the other values.
                options = [option for option in rest["enum"] if option is not None]
                return {**rest, "enum": options} if options else False
            return rest
        kinds = schema.get("type")
        if isinstance(kinds, list) and "null" in kinds and {"object", "array"} & set(kinds):
            others = [kind for kind in kinds if kind != "null"]
            return {**schema, "type": others[0] if len(others) == 1 else others}
        arms = schema.get("anyOf")
        if isinstance(arms, list) and keys == {"anyOf"} and len(arms) >= 2:
            rest_arms = [arm for arm in arms if not _is_null_schema(arm)]
            if len(rest_arms) == len(arms) - 1:
                return rest_arms[0] if len(rest_arms) == 1 else {"anyOf": rest_arms}
        return None

    def compile_all(self, parts: list[Any], *, where: str) -> _Check:
        checks = [self.compile(part, where=f"{where}.allOf[{index}]") for index, part in enumerate(parts)]
        if len(checks) == 1:
            return checks[0]

        def check_all(value: Any) -> _Errors | None:
            errors: _Errors | None = None
            for check in checks:
                found = check(value)
                if found is not None:
                    errors = extend(errors, found)
            return errors

        return check_all

    def compile_union(self, schema: Mapping[str, Any], keyword: str, *, where: str, noun: str) -> _Check:
        rest = {key: value for key, value in schema.items() if key not in (keyword, "discriminator")}
        if _significant(rest) - {"type"} or rest.get("type", "object") != "object":
            # Siblings next to a union (`properties` shared by every arm, say) apply as well.
            union = {key: value for key, value in schema.items() if key in (keyword, "discriminator")}
            return self.compile_all([rest, union], where=where)
        arms = _list_of_schemas(schema[keyword], keyword, where)
        arms_by_tag = discriminated_arms(schema, arms, self.resolve, where=where) if "discriminator" in schema else None
        if arms_by_tag is None and "discriminator" in schema:
            # The tag's allowed values are the mapping's keys, even when the arms cannot be told apart by them.
            tag = schema["discriminator"]["propertyName"]
            tags = list(schema["discriminator"]["mapping"])
            tagged = {
                "type": "object",
                "properties": {tag: {"type": "string", "enum": tags}},
                "required": [tag],
            }
            return self.compile_all([tagged, {keyword: arms}], where=where)
        if arms_by_tag is None:
            choices = [self.compile(arm, where=f"{where}.{keyword}[{index}]") for index, arm in enumerate(arms)]
            names = [describe(arm) for arm in arms]
            return compile_choice(choices, names, exactly_one=keyword == "oneOf")
        tag_name: str = schema["discriminator"]["propertyName"]
        noun = noun or "variant"
        arm_fields = {tag: set(self.resolve(arm).get("properties", {})) for tag, arm in arms_by_tag.items()}
        variants: dict[str, _Check] = {}
        for tag, arm in arms_by_tag.items():
            resolved = self.resolve(arm)
            if resolved.get("type", "object") != "object" or _significant(resolved) - _OBJECT_KEYWORDS:
                variants[tag] = self.compile(arm, where=f"{where}[{tag}]")
                continue
            # Fields of sibling variants, so `talking_style` on an avatar is named as such, not as unknown.
            foreign: dict[str, list[str]] = {}
            for other, other_fields in arm_fields.items():
                for field in sorted(other_fields - arm_fields[tag]):
                    foreign.setdefault(field, []).append(other)
            variants[tag] = self.compile_object(resolved, where=f"{where}[{tag}]", foreign=(foreign, tag, noun))
        allowed = ", ".join(f"`{tag}`" for tag in arms_by_tag)

        def check_union(value: Any) -> _Errors | None:
            if isinstance(value, dict):
                try:
                    variant = variants.get(value.get(tag_name))  # type: ignore[arg-type]
                except TypeError:  # an unhashable tag, such as a list
                    variant = None
                if variant is not None:
                    return variant(value)
                tag = value.get(tag_name)
                if tag_name not in value:
                    message = f"`{tag_name}` is required; allowed {noun} types: {allowed}"
                    return [_Error("required", message, tag_name)]
                shown = f'"{clip(tag)}"' if isinstance(tag, str) else show(tag)
                message = f"unknown {noun} type {shown}; allowed {noun} types: {allowed}"
                return [_Error("discriminator", message, tag_name)]
            if is_model(value):
                return check_union(to_wire(value))
            return [_Error("type", f"must be of type object, got {show(value)}")]

        return check_union

    def compile_object(
        self,
        schema: Mapping[str, Any],
        *,
        where: str,
        foreign: tuple[dict[str, list[str]], str, str] | None = None,
    ) -> _Check:
        unsupported = set(schema) - ANNOTATIONS - _OBJECT_KEYWORDS - {"nullable"}
        unsupported = {key for key in unsupported if not key.startswith("x-")}
        if unsupported:
            raise SchemaCompileError(f"{where}: unsupported object keywords {sorted(unsupported)}")
        if schema.get("type", "object") != "object":
            raise SchemaCompileError(f"{where}: properties on a non-object schema")
        properties: Mapping[str, Any] = {
            key: effective(sub) if isinstance(sub, Mapping) else sub
            for key, sub in schema.get("properties", {}).items()
        }
        checks = {key: self.compile(sub, where=f"{where}.{key}", noun=key) for key, sub in properties.items()}
        # A call per field is most of the cost of a check, so the common field shapes are also checked
        # inline, from one lookup per field: (the exact Python types whose every value passes, plus the
        # strings that pass a string enum or const; the bounds of a numeric field; the regex of a
        # pattern-only string field; the field's own checker). Only what fails inline reaches the checker,
        # which also explains the failure.
        inline = {
            key: (
                always_valid(sub),
                str in always_valid(sub),
                inline_bounds(sub),
                ecma_pattern(sub["pattern"]).search if pattern_only(sub) else None,
                checks[key],
            )
            if isinstance(sub, Mapping)
            else (frozenset(), False, None, None, checks[key])  # a boolean schema
            for key, sub in properties.items()
        }
        required = tuple(schema.get("required", ()))
        required_keys = frozenset(required)
        extra = schema.get("additionalProperties", True)
        closed = extra is False
        # Values under keys the schema does not name are still sent: they must at least be JSON.
        extra_check = check_json if extra is True or extra is False else self.compile(extra, where=f"{where}.*")
        counts = _count_check(schema, where=where)
        rules = [compile_rule(rule, properties, self.resolve, where=where) for rule in schema.get("x-heygen-rules", ())]
        siblings, own_tag, noun = foreign if foreign else ({}, "", "")
        allowed = list(properties)

        def stranger(key: Any) -> _Error:
            owners = siblings.get(key)
            if owners is not None:
                message = f"`{key}` applies only to {fields(owners, ' or ')} {noun}s, not `{own_tag}`"
                return _Error(WRONG_VARIANT, message, key)
            return _Error("unknown-field", _unknown_field_message(key, allowed), str(key))

        def check_object(value: Any) -> _Errors | None:
            if not isinstance(value, dict):
                if is_model(value):
                    return check_object(to_wire(value))
                return [_Error("type", f"must be of type object, got {show(value)}")]
            errors: _Errors | None = None
            failed: set[str] | None = None
            found: _Errors | None
            for key, item in value.items():
                try:
                    valid, any_string, bounds, search, check = inline[key]
                except (KeyError, TypeError):
                    if closed:
                        found = [stranger(key)]
                    elif type(key) is not str or unencodable(key):
                        found = [_Error("json", _key_message(key), clip(repr(key)))]
                    elif (found := extra_check(item)) is not None:
                        for error in found:
                            error.rpath.append(key)
                    else:
                        continue
                else:
                    kind = type(item)
                    if kind is str:
                        # isascii(): a lone surrogate cannot be sent, so only ASCII takes the short cut.
                        if item.isascii() and (
                            any_string or item in valid or (search is not None and search(item) is not None)
                        ):
                            continue
                    elif kind in valid:
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
                errors = extend(errors, found)
            if not value.keys() >= required_keys:
                for key in required:
                    if key not in value:
                        errors = extend(errors, [_Error("required", f"`{key}` is required", key)])
            if counts is not None and (found := counts(value)) is not None:
                errors = extend(errors, found)
            if rules:
                for rule in rules:
                    found = rule(value, failed)
                    if found is not None:
                        errors = extend(errors, found)
            return errors

        return check_object

    def compile_array(self, schema: Mapping[str, Any], *, where: str) -> _Check:
        unsupported = _significant(schema) - {"type", "items", "minItems", "maxItems"}
        if unsupported:
            raise SchemaCompileError(f"{where}: unsupported array keywords {sorted(unsupported)}")
        item_check = self.compile(schema["items"], where=f"{where}[]") if "items" in schema else check_json
        low: int | None = schema.get("minItems")
        high: int | None = schema.get("maxItems")

        def check_array(value: Any) -> _Errors | None:
            if type(value) is not list and not isinstance(value, (list, tuple)):
                return type_error("array", value)
            errors: _Errors | None = None
            count = len(value)
            checked = value
            if low is not None and count < low:
                errors = [
                    _Error("minItems", f"must have at least {low} item{'s' * (low != 1)} (minItems), got {count}")
                ]
            elif high is not None and count > high:
                # Past maxItems the request is refused anyway; checking a million more items would only
                # bury this message under their violations.
                checked = value[:high]
                message = (
                    f"must have at most {high} items (maxItems), got {count:,}; only the first {high} were checked"
                )
                errors = [_Error("maxItems", message)]
            for index, item in enumerate(checked):
                found = item_check(item)
                if found is not None:
                    for error in found:
                        error.rpath.append(index)
                    errors = extend(errors, found)
            return errors

        return check_array


def _list_of_schemas(value: Any, keyword: str, where: str) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise SchemaCompileError(f"{where}: {keyword} must be a non-empty list of schemas")
    return value


def _is_null_schema(schema: Any) -> bool:
    return isinstance(schema, Mapping) and _significant(schema) == {"type"} and schema["type"] == "null"


def _count_check(schema: Mapping[str, Any], *, where: str) -> Callable[[dict[str, Any]], _Errors | None] | None:
    low, high = schema.get("minProperties"), schema.get("maxProperties")
    for keyword, limit in (("minProperties", low), ("maxProperties", high)):
        if limit is not None and (type(limit) is not int or limit < 0):
            raise SchemaCompileError(f"{where}: {keyword} must be a non-negative integer")
    if low is None and high is None:
        return None

    def counts(value: dict[str, Any]) -> _Errors | None:
        count = len(value)
        if low is not None and count < low:
            return [_Error("minProperties", f"must have at least {low} field{'s' * (low != 1)} (minProperties)")]
        if high is not None and count > high:
            return [_Error("maxProperties", f"must have at most {high} fields (maxProperties), got {count}")]
        return None

    return counts


def _key_message(key: Any) -> str:
    if not isinstance(key, str):
        return f"object keys must be strings, got {show(key)}"
    return "this key has a lone surrogate, which UTF-8 cannot encode (not JSON text)"


def _unknown_field_message(key: Any, allowed: list[str]) -> str:
    import difflib

    text = str(key)
    # difflib is quadratic in the key's length; a long key is no typo of a short field name anyway.
    close = difflib.get_close_matches(text, allowed, n=1) if len(text) <= 2 * CLIP_FOR_HINTS else []
    hint = f"; did you mean `{close[0]}`?" if close else f"; allowed fields: {fields(allowed)}"
    return f"unknown field `{clip(text)}` (additionalProperties is false){hint}"


CLIP_FOR_HINTS = 64
