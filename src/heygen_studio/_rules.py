"""The ``x-heygen-rules``: HeyGen's prose rules, recorded in the patched spec, as checks on one object.

Each kind is defined in ``openapi/patches/06-conditional-rules.overlay.yaml``
(``requires``, ``absent-when``, ``at-most-one-of``, ``required-when`` and the
``when`` of ``exactly-one-of`` in ``12-v3-more-rules.overlay.yaml``); this
module knows what each kind means, never which fields it applies to.

A ``when`` maps a property to the value it must have; in the kinds added for v3
the property may be a dotted path into a nested object (``engine.type``) and the
value a list of values, any one of which makes the condition hold.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from heygen_studio._checks import (
    WRONG_VARIANT,
    SchemaCompileError,
    _Error,
    _Errors,
    _Rule,
    fields,
    is_boolean,
    literal,
    matcher,
    show,
)
from heygen_studio._payload import is_model, to_wire

_Resolve = Callable[[Mapping[str, Any]], Mapping[str, Any]]


def compile_rule(rule: Mapping[str, Any], properties: Mapping[str, Any], resolve: _Resolve, *, where: str) -> _Rule:
    """The check for one ``x-heygen-rules`` entry of an object schema with ``properties``.

    Args:
        rule: The entry.
        properties: The object's properties, which every name in the rule must be one of.
        resolve: Follows a ``$ref`` to its schema.
        where: The schema's location, for errors.

    Raises:
        SchemaCompileError: An unknown kind, or a rule naming a property the object does not have.
    """
    kind = rule.get("rule")
    factory = _RULES.get(kind)  # type: ignore[arg-type]
    if factory is None:
        raise SchemaCompileError(f"{where}: unknown x-heygen-rules kind {kind!r}")
    mentioned = [*rule.get("properties", ()), *([rule["property"]] if "property" in rule else [])]
    mentioned += [*rule.get("requires", ()), *([rule["items"]] if "items" in rule else [])]
    # A dotted `when` path names a property of this object first: that much is checked here.
    mentioned += [str(key).split(".", 1)[0] for key in rule.get("when", {})]
    for name in mentioned:
        if name not in properties:
            raise SchemaCompileError(f"{where}: x-heygen-rules {kind} names unknown property {name!r}")
    plain = kind in ("only-when", "enum-when", "excludes-variant")
    if plain and any("." in str(key) or isinstance(wanted, list) for key, wanted in rule.get("when", {}).items()):
        raise SchemaCompileError(f"{where}: x-heygen-rules {kind} takes a `when` of own properties and single values")
    if kind == "excludes-variant":
        rule = {**rule, "tag": _variant_tag(rule, properties, resolve, where=where)}
    return factory(rule, properties)


def _variant_tag(rule: Mapping[str, Any], properties: Mapping[str, Any], resolve: _Resolve, *, where: str) -> str:
    """Check that an ``excludes-variant`` rule names an array of objects whose ``union`` has every listed tag.

    Returns:
        The union's discriminator property.
    """
    if len(rule["when"]) != 1:
        raise SchemaCompileError(f"{where}: x-heygen-rules excludes-variant needs exactly one `when` property")
    array = properties[rule["items"]]
    item = resolve(array.get("items", {})) if array.get("type") == "array" else {}
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


def _condition(when: Mapping[str, Any]) -> tuple[Callable[[dict[str, Any]], bool], str]:
    text = " and ".join(f"`{key}` is {literal(wanted)}" for key, wanted in when.items())
    if len(when) == 1:
        ((key, wanted),) = when.items()
        # dict.get gives None for a missing key, which equals no string and is no boolean.
        if isinstance(wanted, str):
            return (lambda value: value.get(key) == wanted), text
        if is_boolean(wanted):
            return (lambda value: value.get(key) is wanted), text
    pairs = [(key, matcher([wanted])) for key, wanted in when.items()]

    def holds(value: dict[str, Any]) -> bool:
        return all(key in value and matches(value[key]) for key, matches in pairs)

    return holds, text


def _lookup(value: Any, path: list[str]) -> tuple[bool, Any]:
    """The value at a dotted ``path`` under ``value`` (models read as on the wire), and whether it is there."""
    for part in path:
        if is_model(value):
            value = to_wire(value)
        if not isinstance(value, dict) or part not in value:
            return False, None
        value = value[part]
    return True, value


def _where(when: Mapping[str, Any]) -> tuple[Callable[[dict[str, Any]], bool], str]:
    """A ``when`` whose keys may be dotted paths and whose values may be lists of alternatives, and its text."""
    tests = []
    parts = []
    for key, wanted in when.items():
        options = list(wanted) if isinstance(wanted, list) else [wanted]
        tests.append((str(key).split("."), matcher(options)))
        parts.append(f"`{key}` is {' or '.join(literal(option) for option in options)}")

    def holds(value: dict[str, Any]) -> bool:
        for path, matches in tests:
            found, actual = _lookup(value, path)
            if not found or not matches(actual):
                return False
        return True

    return holds, " and ".join(parts)


def _always(value: dict[str, Any]) -> bool:
    return True


def _exactly_one_of(rule: Mapping[str, Any], properties: Mapping[str, Any]) -> _Rule:
    names: list[str] = list(rule["properties"])
    listed = fields(names, " and ") if len(names) == 2 else fields(names)
    holds, text = _where(rule["when"]) if "when" in rule else (_always, "")
    condition = f" when {text}" if text else ""

    def exactly_one_of(value: dict[str, Any], failed: set[str] | None) -> _Errors | None:
        if not holds(value):
            return None
        count = 0
        for name in names:
            if name in value:
                count += 1
        if count == 1:
            return None
        present = [name for name in names if name in value]
        got = "neither" if not present else ("both" if len(names) == 2 else fields(present))
        message = f"exactly one of {listed} must be given{condition} (exactly-one-of), got {got}"
        return [_Error("exactly-one-of", message)]

    return exactly_one_of


def _only_when(rule: Mapping[str, Any], properties: Mapping[str, Any]) -> _Rule:
    names: list[str] = list(rule["properties"])
    holds, text = _condition(rule["when"])
    when = list(rule["when"])

    def only_when(value: dict[str, Any], failed: set[str] | None) -> _Errors | None:
        errors: _Errors | None = None
        for name in names:
            if name in value and (errors is not None or not holds(value)):
                actual = "; ".join(f"`{key}` is {show(value[key]) if key in value else 'not given'}" for key in when)
                error = _Error("only-when", f"`{name}` is allowed only when {text} (only-when), but {actual}", name)
                errors = [error] if errors is None else [*errors, error]
        return errors

    return only_when


def _enum_when(rule: Mapping[str, Any], properties: Mapping[str, Any]) -> _Rule:
    name: str = rule["property"]
    options: list[Any] = list(rule["enum"])
    holds, text = _condition(rule["when"])
    listed = ", ".join(literal(option) for option in options)
    allowed = matcher(options)

    def enum_when(value: dict[str, Any], failed: set[str] | None) -> _Errors | None:
        if name not in value or (failed is not None and name in failed) or not holds(value):
            return None
        actual = value[name]
        if allowed(actual):
            return None
        return [_Error("enum-when", f"must be one of {listed} when {text} (enum-when), got {show(actual)}", name)]

    return enum_when


def _numeric_string(rule: Mapping[str, Any], properties: Mapping[str, Any]) -> _Rule:
    name: str = rule["property"]
    low, high = rule.get("minimum"), rule.get("maximum")
    span = " ".join(
        part
        for part in (
            f"from {literal(low)}" if low is not None else "",
            f"to {literal(high)}" if high is not None else "",
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
        message = f"must be a number {span} written as a string (numeric-string), got {show(text)}"
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
        f"cannot be {literal(wanted)} when a `{union}` in `{items}` is of type {fields(rule['variants'], ' or ')}"
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


def _at_most_one_of(rule: Mapping[str, Any], properties: Mapping[str, Any]) -> _Rule:
    names: list[str] = list(rule["properties"])
    listed = fields(names, " and ") if len(names) == 2 else fields(names)

    def at_most_one_of(value: dict[str, Any], failed: set[str] | None) -> _Errors | None:
        present = [name for name in names if name in value]
        if len(present) < 2:
            return None
        got = "both" if len(names) == 2 else fields(present)
        return [_Error("at-most-one-of", f"at most one of {listed} may be given (at-most-one-of), got {got}")]

    return at_most_one_of


def _requires(rule: Mapping[str, Any], properties: Mapping[str, Any]) -> _Rule:
    name: str = rule["property"]
    needed: list[str] = list(rule["requires"])

    def requires(value: dict[str, Any], failed: set[str] | None) -> _Errors | None:
        if name not in value:
            return None
        missing = [other for other in needed if other not in value]
        if not missing:
            return None
        return [
            _Error("requires", f"`{other}` is required when `{name}` is given (requires)", other) for other in missing
        ]

    return requires


def _required_when(rule: Mapping[str, Any], properties: Mapping[str, Any]) -> _Rule:
    names: list[str] = list(rule["properties"])
    holds, text = _where(rule["when"])

    def required_when(value: dict[str, Any], failed: set[str] | None) -> _Errors | None:
        missing = [name for name in names if name not in value]
        if not missing or not holds(value):
            return None
        return [_Error("required-when", f"`{name}` is required when {text} (required-when)", name) for name in missing]

    return required_when


def _absent_when(rule: Mapping[str, Any], properties: Mapping[str, Any]) -> _Rule:
    names: list[str] = list(rule["properties"])
    holds, text = _where(rule["when"])

    def absent_when(value: dict[str, Any], failed: set[str] | None) -> _Errors | None:
        present = [name for name in names if name in value]
        if not present or not holds(value):
            return None
        return [_Error("absent-when", f"not allowed when {text} (absent-when)", name) for name in present]

    return absent_when


_RULES: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], _Rule]] = {
    "exactly-one-of": _exactly_one_of,
    "only-when": _only_when,
    "enum-when": _enum_when,
    "numeric-string": _numeric_string,
    "excludes-variant": _excludes_variant,
    "at-most-one-of": _at_most_one_of,
    "requires": _requires,
    "required-when": _required_when,
    "absent-when": _absent_when,
}
