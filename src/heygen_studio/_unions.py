"""Unions: which arm of a discriminated ``oneOf``/``anyOf`` a tag selects, and plain choices between arms."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from heygen_studio._checks import SchemaCompileError, _Check, _Error, _Errors, literal, show

_REF = "#/components/schemas/"


def discriminated_arms(
    schema: Mapping[str, Any],
    arms: Sequence[Any],
    resolve: Callable[[Mapping[str, Any]], Mapping[str, Any]],
    *,
    where: str,
) -> dict[str, Any] | None:
    """Tag value -> arm schema, from the discriminator's mapping and each arm's own tag property.

    A mapping entry may name a component that was never published (as in ``/v3/videos``, whose arms
    are inline); it then selects the arm whose tag property allows that value. Without a mapping, a
    ``$ref`` arm's tag is its component name (OpenAPI's default) or the values its tag property allows.

    Returns:
        The arms by tag; ``None`` when no tag can be tied to any arm at all (every mapping entry names an
        unpublished component and no arm states its tag value other than in prose, as in the published
        ``/v3/videos`` versions): the union is then checked as the plain ``oneOf`` the schema states.

    Raises:
        SchemaCompileError: The discriminator is malformed, or some tags or arms match and others cannot.
    """
    discriminator = schema["discriminator"]
    if not isinstance(discriminator, Mapping) or not isinstance(discriminator.get("propertyName"), str):
        raise SchemaCompileError(f"{where}: discriminator must be an object with a propertyName")
    tag_name: str = discriminator["propertyName"]
    mapping = discriminator.get("mapping") or {}
    if not isinstance(mapping, Mapping):
        raise SchemaCompileError(f"{where}: discriminator mapping must be an object")
    own_tags: list[list[str]] = []
    for index, arm in enumerate(arms):
        if not isinstance(arm, Mapping):
            raise SchemaCompileError(f"{where}: arm {index} is not a schema")
        tag_schema = resolve(arm).get("properties", {}).get(tag_name, {})
        tag_schema = resolve(tag_schema) if isinstance(tag_schema, Mapping) else {}
        values = [tag_schema["const"]] if "const" in tag_schema else list(tag_schema.get("enum") or ())
        own_tags.append([value for value in values if isinstance(value, str)])
    published = any(str(arm.get("$ref", "")).startswith(_REF) for arm in arms)
    if mapping and not published and not any(own_tags):
        return None
    chosen: dict[str, Any] = {}
    for tag, target in mapping.items():
        name = target[len(_REF) :] if isinstance(target, str) and target.startswith(_REF) else target
        by_ref = [arm for arm in arms if arm.get("$ref") in (target, f"{_REF}{name}")]
        by_value = [arm for arm, values in zip(arms, own_tags, strict=True) if tag in values]
        found = by_ref or by_value
        if len(found) != 1:
            raise SchemaCompileError(f"{where}: discriminator tag {tag!r} matches {len(found)} arms, not one")
        chosen[tag] = found[0]
    for arm, values in zip(arms, own_tags, strict=True):
        if any(existing is arm for existing in chosen.values()):
            continue
        implicit = values or ([arm["$ref"][len(_REF) :]] if str(arm.get("$ref", "")).startswith(_REF) else [])
        if not implicit:
            raise SchemaCompileError(f"{where}: an arm of the union has no `{tag_name}` value to dispatch on")
        for tag in implicit:
            chosen.setdefault(tag, arm)
    return chosen


def describe(schema: Any) -> str:
    """A few words naming an arm of a union, for messages."""
    if not isinstance(schema, Mapping):
        return "anything" if schema is True else "nothing"
    if isinstance(schema.get("$ref"), str):
        return f"`{schema['$ref'].rsplit('/', 1)[-1]}`"
    if "const" in schema:
        return literal(schema["const"])
    if isinstance(schema.get("enum"), list):
        return "one of " + ", ".join(literal(option) for option in schema["enum"])
    if isinstance(schema.get("title"), str):
        return f"`{schema['title']}`"
    kinds = schema.get("type")
    if kinds == "object" and isinstance(schema.get("required"), list) and schema["required"]:
        return f"an object with {', '.join(f'`{name}`' for name in schema['required'])}"
    if isinstance(kinds, str):
        return f"{'an' if kinds[0] in 'aeiou' else 'a'} {kinds}"
    if isinstance(kinds, list):
        return " or ".join(map(str, kinds))
    return "a schema"


def compile_choice(checks: Sequence[_Check], names: Sequence[str], *, exactly_one: bool) -> _Check:
    """A ``oneOf`` (``exactly_one``) or ``anyOf`` over already compiled arms.

    When no arm matches and only one arm accepts the value's JSON type, that arm's own violations are
    reported (the useful detail); otherwise one violation lists what the arms would accept.
    """
    keyword = "oneOf" if exactly_one else "anyOf"
    listed = "; ".join(names)
    quantity = "exactly one" if exactly_one else "at least one"

    def check_choice(value: Any) -> _Errors | None:
        results = [check(value) for check in checks]
        passed = sum(result is None for result in results)
        if passed == 1 or (passed and not exactly_one):
            return None
        if passed:
            return [_Error(keyword, f"must match exactly one of: {listed} ({keyword}), but matches {passed}")]
        # The arm most likely meant: the fewest of its own required fields missing, then the fewest
        # violations. Its violations are the useful detail; a tie explains nothing.
        close = sorted(
            (_missing(result), len(result), index)
            for index, result in enumerate(results)
            if result and not _type_mismatch(result)
        )
        if len(close) == 1 or (len(close) > 1 and close[0][:2] < close[1][:2]):
            return results[close[0][2]]
        return [_Error(keyword, f"must match {quantity} of: {listed} ({keyword}), got {show(value)}")]

    return check_choice


def _type_mismatch(errors: _Errors) -> bool:
    """Whether an arm refused the value for its JSON type alone, at the arm's own level."""
    return len(errors) == 1 and errors[0].rule == "type" and not errors[0].rpath


def _missing(errors: _Errors) -> int:
    """How many of an arm's own required fields a value lacks."""
    return sum(1 for error in errors if error.rule == "required" and len(error.rpath) == 1)
