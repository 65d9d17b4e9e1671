"""Name inline union arms before the generators see them, and make their tags explicit.

openapi-python-client names an inline ``oneOf``/``anyOf`` arm after its
position (``CreateVideoBodyType0``).  This pass hoists such arms into
``components/schemas`` under names chosen here, in order of preference:

1. the discriminator ``mapping`` target (``CreateVideoFromAvatar``), which is
   meaningful even when the component it points to was never published, as in
   HeyGen's ``/v3/videos``;
2. the context plus the tag (``CreateVideoBody`` + ``avatar`` -> ``CreateVideoBodyAvatar``),
   the tag coming from the mapping or from the arm's ``const``/single ``enum``;
3. the arm's ``title``.

An arm none of these names stays inline (``TypeN``).  A nullable inline object
(3.0 ``nullable: true``, or ``anyOf`` with ``{"type": "null"}``) is hoisted under
its context name so that it does not become ``...Type0`` either.  Identical
arms hoisted under the same name (HeyGen repeats ``AssetUrl`` in eight places)
become one component; different ones get a numeric suffix, in document order.

Each arm of a discriminated union gets its tag as a ``const`` on the
discriminator property (and that property required), which is what the
mapping means; the union template in ``codegen/templates`` dispatches
``from_dict`` on it.  Inline arms are matched to mapping tags by, in order:
``const``/single ``enum``; the tag quoted in the property's description
(``Must be 'avatar'``); a property named like the tag; the tag as a word of the
arm's description; and elimination.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from codegen.names import class_name, collision_key

_SCHEMA_REF = "#/components/schemas/"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

Schema = dict[str, Any]


def _tag_of(arm: Schema, prop: str) -> str | None:
    spec = (arm.get("properties") or {}).get(prop)
    if not isinstance(spec, dict):
        return None
    if isinstance(spec.get("const"), str):
        return str(spec["const"])
    enum = spec.get("enum")
    if isinstance(enum, list) and len(enum) == 1 and isinstance(enum[0], str):
        return str(enum[0])
    return None


def _rules(prop: str) -> list[Callable[[Schema, str], bool]]:
    def quoted(arm: Schema, tag: str) -> bool:
        text = str(((arm.get("properties") or {}).get(prop) or {}).get("description") or "")
        return any(f"{q}{tag}{q}" in text for q in ("'", '"', "`"))

    def named(arm: Schema, tag: str) -> bool:
        return tag != prop and tag in (arm.get("properties") or {})

    def worded(arm: Schema, tag: str) -> bool:
        text = str(arm.get("description") or arm.get("title") or "").lower()
        return re.search(rf"(?<![a-z0-9_]){re.escape(tag.lower())}(?![a-z0-9_])", text) is not None

    return [lambda arm, tag: _tag_of(arm, prop) == tag, quoted, named, worded]


def match_tags(arms: list[Schema], tags: list[str], prop: str) -> list[str | None]:
    """The tag of each arm (None where nothing decides it); a tag goes to one arm at most."""
    result: list[str | None] = [None] * len(arms)
    free = list(tags)
    for rule in _rules(prop):
        changed = True
        while changed:
            changed = False
            for index, arm in enumerate(arms):
                if result[index] is not None:
                    continue
                fits = [tag for tag in free if rule(arm, tag)]
                if len(fits) != 1:
                    continue
                rivals = [i for i, other in enumerate(arms) if result[i] is None and rule(other, fits[0])]
                if rivals == [index]:
                    result[index] = fits[0]
                    free.remove(fits[0])
                    changed = True
    open_arms = [i for i, tag in enumerate(result) if tag is None]
    if len(open_arms) == 1 and len(free) == 1:
        result[open_arms[0]] = free[0]
    return result


class Hoister:
    """One pass over a spec (a copy the generators read), changing it in place."""

    def __init__(self, spec: Schema) -> None:
        self.spec = spec
        self.schemas: Schema = spec.setdefault("components", {}).setdefault("schemas", {})
        self.taken = {collision_key(name) for name in self.schemas}
        self.hoisted: dict[tuple[str, str], str] = {}

    # -- naming -------------------------------------------------------------------------------------

    def _hoist(self, schema: Schema, name: str) -> Schema:
        """Move ``schema`` (already visited) into components as ``name`` (or its twin); return the $ref."""
        canonical = json.dumps(schema, sort_keys=True)
        known = self.hoisted.get((name, canonical))
        if known is None:
            final, number = name, 2
            while collision_key(final) in self.taken:
                final, number = f"{name}{number}", number + 1
            self.taken.add(collision_key(final))
            self.schemas[final] = schema
            self.hoisted[(name, canonical)] = known = final
        return {"$ref": _SCHEMA_REF + known}

    def _resolve(self, schema: Schema) -> Schema:
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(_SCHEMA_REF):
            target = self.schemas.get(ref[len(_SCHEMA_REF) :])
            return target if isinstance(target, dict) else {}
        return schema

    # -- unions -------------------------------------------------------------------------------------

    def _discriminated(self, node: Schema, key: str, context: str) -> None:
        discriminator = node["discriminator"]
        prop = discriminator.get("propertyName")
        if not isinstance(prop, str):
            return
        arms: list[Schema] = node[key]
        mapping = discriminator.get("mapping") if isinstance(discriminator.get("mapping"), dict) else {}
        tags = list(mapping) if mapping else [t for t in (_tag_of(self._resolve(a), prop) for a in arms) if t]
        # A $ref arm's tags are the mapping entries naming it.
        by_ref = {index: _mapped_tags(arm["$ref"], mapping) for index, arm in enumerate(arms) if "$ref" in arm}
        free = [tag for tag in tags if not any(tag in found for found in by_ref.values())]
        inline = [index for index, arm in enumerate(arms) if "$ref" not in arm]
        matched: list[str | None] = [None] * len(arms)
        for index, tag in zip(inline, match_tags([arms[i] for i in inline], free, prop), strict=True):
            matched[index] = tag
        for index, found in by_ref.items():
            # An arm that several tags map to (dog, puppy -> Dog) takes either: nothing to pin.
            matched[index] = found[0] if len(found) == 1 else None
        for index, (arm, tag) in enumerate(zip(arms, matched, strict=True)):
            target = self._resolve(arm)
            if tag is not None and isinstance(target.get("properties"), dict):
                self._pin_tag(target, prop, tag)
            if "$ref" in arm or not _is_object(arm):
                self.visit(arm, f"{context}Type{index}")
                continue
            name = self._arm_name(mapping.get(tag) if tag else None, tag, arm, context)
            if name is None:
                self.visit(arm, f"{context}Type{index}")
                continue
            self.visit(arm, name)
            arms[index] = ref = self._hoist(arm, name)
            if tag is not None and mapping:
                mapping[tag] = ref["$ref"]

    @staticmethod
    def _pin_tag(arm: Schema, prop: str, tag: str) -> None:
        spec = arm["properties"].get(prop)
        if not isinstance(spec, dict) or "$ref" in spec or _tag_of(arm, prop) not in (None, tag):
            return
        if "const" not in spec:  # a single enum value means the same, but only const becomes a model constant
            arm["properties"][prop] = {**{k: v for k, v in spec.items() if k != "enum"}, "const": tag}
        required = arm.setdefault("required", [])
        if isinstance(required, list) and prop not in required:
            required.append(prop)

    @staticmethod
    def _arm_name(target: Any, tag: str | None, arm: Schema, context: str) -> str | None:
        if isinstance(target, str) and target:
            bare = target[len(_SCHEMA_REF) :] if target.startswith(_SCHEMA_REF) else target
            name = class_name(bare, prefix="")
            if name and not name[0].isdigit():
                return name
        if tag:
            return context + class_name(tag, prefix="")
        if isinstance(arm.get("title"), str) and class_name(arm["title"], prefix=""):
            return class_name(arm["title"])
        return None

    def _plain_union(self, node: Schema, key: str, context: str) -> None:
        arms: list[Schema] = node[key]
        real = [arm for arm in arms if not _is_null(arm)]
        # One object or enum beside null: nullable, named like a plain property would be.
        if len(real) == 1 and len(arms) == 2 and (_is_object(real[0]) or "enum" in real[0]) and "$ref" not in real[0]:
            index = arms.index(real[0])
            self.visit(real[0], context)
            arms[index] = self._hoist(real[0], context)
            return
        prop = _common_tag(arms)
        for index, arm in enumerate(arms):
            tag = _tag_of(arm, prop) if prop else None
            if prop and tag:
                self._pin_tag(arm, prop, tag)
            name = self._arm_name(None, tag, arm, context) if _is_object(arm) and "$ref" not in arm else None
            if name is None:
                self.visit(arm, f"{context}Type{index}")
                continue
            self.visit(arm, name)
            arms[index] = self._hoist(arm, name)

    # -- walking ------------------------------------------------------------------------------------

    def visit(self, node: Any, context: str) -> None:
        """Hoist and name the unions under ``node``, whose generated name would be ``context``."""
        if not isinstance(node, dict):
            return
        for key in ("oneOf", "anyOf"):
            if isinstance(node.get(key), list):
                if isinstance(node.get("discriminator"), dict):
                    self._discriminated(node, key, context)
                else:
                    self._plain_union(node, key, context)
        for arm in node.get("allOf") or []:
            self.visit(arm, context)
        properties = node.get("properties")
        if isinstance(properties, dict):
            for name, value in properties.items():
                inner = context + class_name(name, prefix="")
                self.visit(value, inner)
                if _nullable_object(value):
                    properties[name] = {
                        "anyOf": [self._hoist(_not_nullable(value), inner), {"type": "null"}],
                        **{k: value[k] for k in ("description", "default") if k in value},
                    }
        if isinstance(node.get("items"), dict):
            self.visit(node["items"], context + "Item")
        if isinstance(node.get("additionalProperties"), dict):
            self.visit(node["additionalProperties"], context + "AdditionalProperty")

    def _request_body(self, media: Schema, name: str) -> None:
        """Hoist an inline object or union body under the generator's own name, so it gets a TypedDict."""
        schema = media.get("schema")
        if not isinstance(schema, dict):
            return
        self.visit(schema, name)
        if "$ref" not in schema and (_is_object(schema) or "oneOf" in schema or "anyOf" in schema):
            media["schema"] = self._hoist(schema, name)

    def run(self) -> None:
        for name in list(self.schemas):
            self.visit(self.schemas[name], class_name(name))
        for path, item in (self.spec.get("paths") or {}).items():
            for method in _METHODS:
                operation = (item or {}).get(method)
                if not isinstance(operation, dict):
                    continue
                base = class_name(str(operation.get("operationId") or f"{method} {path}"))
                body = operation.get("requestBody")
                for media in ((body or {}).get("content") or {}).values() if isinstance(body, dict) else ():
                    if isinstance(media, dict):
                        self._request_body(media, f"{base}Body")
                for code, response in (operation.get("responses") or {}).items():
                    for media in ((response or {}).get("content") or {}).values() if isinstance(response, dict) else ():
                        if isinstance(media, dict):
                            self.visit(media.get("schema"), f"{base}Response{class_name(str(code), prefix='')}")


def _mapped_tags(ref: str, mapping: dict[str, Any]) -> list[str]:
    """The mapping's tags for ``ref``.

    OpenAPI's implicit tag (the component name) is not pinned: a wrong pin would refuse valid
    data, a missing one only loses the dispatch.
    """
    name = ref[len(_SCHEMA_REF) :] if ref.startswith(_SCHEMA_REF) else ref
    return [tag for tag, target in mapping.items() if target in (ref, name)]


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and (schema.get("type") == "null" or schema.get("enum") == [None])


def _is_object(schema: Any) -> bool:
    return isinstance(schema, dict) and (schema.get("type") == "object" or isinstance(schema.get("properties"), dict))


def _nullable_object(schema: Any) -> bool:
    """An inline object that may be null: 3.0 ``nullable: true`` or a 3.1 type list with "null"."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return False
    kind = schema.get("type")
    if isinstance(kind, list) and sorted(kind) == ["null", "object"]:
        return True
    return schema.get("nullable") is True and (kind == "object" or isinstance(schema.get("properties"), dict))


def _not_nullable(schema: Schema) -> Schema:
    plain = {k: v for k, v in schema.items() if k not in ("nullable", "description", "default")}
    plain["type"] = "object"
    return plain


def _common_tag(arms: list[Schema]) -> str | None:
    """A property every arm pins to a distinct string (``const`` or one ``enum`` value)."""
    objects = [arm for arm in arms if _is_object(arm)]
    if len(objects) < 2 or len(objects) != len(arms):
        return None
    for prop in objects[0].get("properties") or {}:
        values = [_tag_of(arm, prop) for arm in objects]
        if all(values) and len(set(values)) == len(values):
            return str(prop)
    return None


def hoist_unions(spec: Schema) -> None:
    """Hoist and name the inline unions of ``spec`` in place (see the module docstring)."""
    Hoister(spec).run()
