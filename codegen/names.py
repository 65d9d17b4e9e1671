"""Sanitize, don't refuse: legitimate names that are not Python identifiers become readable ones.

Runs on a copy of the spec that only the generators read, after
``codegen.safety`` refused what is dangerous.  Wire names never change: a
property, parameter or enum value keeps its exact spelling in ``to_dict``,
``from_dict`` and URLs; only names that become Python classes, modules or
packages are rewritten:

* component schema names -> PascalCase (``1st thing`` -> ``Schema1stThing``), every
  ``$ref`` and discriminator mapping updated;
* operationIds -> snake_case (``find pet by id`` -> ``find_pet_by_id``);
* tags -> snake_case;
* ``<id>`` placeholders in paths (Postman's style) -> ``{id}`` path parameters,
  declared as required strings when the operation does not declare them (a note).

Non-ASCII letters are folded to ASCII where Unicode gives a decomposition
(``Café`` -> ``Cafe``) and dropped otherwise.  Collisions are resolved in
document order by a numeric suffix (``FooBar``, ``FooBar2``), compared the way
the generator compares them (case and separators ignored), so two names never
become one class or one module.  Properties keep their wire names; the generator
resolves most attribute collisions itself (``a-b`` -> ``ab`` beside ``a_b``), and one it
cannot (``a-b`` and ``a.b``) is an error naming both.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from codegen.problems import Problem, Severity, pointer

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_PLACEHOLDER = re.compile(r"<([^<>{}/]+)>")
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SCHEMA_REF = "#/components/schemas/"


def words(text: str) -> list[str]:
    """The ASCII words of ``text``: camelCase and separators split, accents folded, the rest dropped."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", folded)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return re.findall(r"[A-Za-z0-9]+", spaced)


def class_name(text: str, *, prefix: str = "Schema") -> str:
    """A PascalCase class name for ``text`` (``prefix`` when it starts with a digit or has no letters)."""
    parts = words(text)
    name = "".join(p[:1].upper() + p[1:] for p in parts)
    if not name or name[0].isdigit():
        name = prefix + name
    return name


def snake_name(text: str, *, prefix: str = "op") -> str:
    """A snake_case identifier for ``text`` (``prefix_`` when it starts with a digit, is empty or a keyword)."""
    name = "_".join(p.lower() for p in words(text))
    if not name or name[0].isdigit():
        name = f"{prefix}_{name}" if name else prefix
    if keyword.iskeyword(name):
        name = f"{name}_"
    return name


def collision_key(name: str) -> str:
    """Names with the same key become the same generated class or module."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while collision_key(candidate) in taken:
        candidate, number = f"{name}{number}", number + 1
    taken.add(collision_key(candidate))
    return candidate


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in (spec.get("paths") or {}).items():
        for method in _METHODS:
            operation = (item or {}).get(method)
            if isinstance(operation, dict):
                yield path, method, operation


def rename_refs(node: Any, renamed: dict[str, str]) -> None:
    """Point every ``$ref`` and discriminator mapping at the new component schema names, in place."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_SCHEMA_REF) and ref[len(_SCHEMA_REF) :] in renamed:
            node["$ref"] = _SCHEMA_REF + renamed[ref[len(_SCHEMA_REF) :]]
        mapping = node.get("discriminator", {}).get("mapping") if isinstance(node.get("discriminator"), dict) else None
        if isinstance(mapping, dict):
            for tag, target in mapping.items():
                if isinstance(target, str):
                    bare = target[len(_SCHEMA_REF) :] if target.startswith(_SCHEMA_REF) else target
                    if bare in renamed:
                        mapping[tag] = _SCHEMA_REF + renamed[bare]
        for value in node.values():
            rename_refs(value, renamed)
    elif isinstance(node, list):
        for item in node:
            rename_refs(item, renamed)


def _rename_schemas(spec: dict[str, Any]) -> None:
    schemas = (spec.get("components") or {}).get("schemas")
    if not isinstance(schemas, dict):
        return
    taken: set[str] = set()
    kept: set[str] = set()
    # Clean names keep their spelling and are served first, so only odd names get suffixes.
    for name in schemas:
        if _IDENTIFIER.fullmatch(name) and collision_key(name) not in taken:
            taken.add(collision_key(name))
            kept.add(name)
    renamed: dict[str, str] = {}
    for name in schemas:
        if name not in kept:
            renamed[name] = _unique(name if _IDENTIFIER.fullmatch(name) else class_name(name), taken)
    if renamed:
        spec["components"]["schemas"] = {renamed.get(k, k): v for k, v in schemas.items()}
        rename_refs(spec, renamed)


def _rename_operations(spec: dict[str, Any]) -> None:
    taken: set[str] = set()
    tags: dict[str, str] = {}
    tag_keys: set[str] = set()
    for _path, _method, operation in _operations(spec):
        operation_id = operation.get("operationId")
        if isinstance(operation_id, str):
            clean = operation_id if _IDENTIFIER.fullmatch(operation_id) else snake_name(operation_id)
            operation["operationId"] = _unique(clean, taken)
        new_tags = []
        for tag in operation.get("tags") or []:
            if tag not in tags:
                clean = tag if re.fullmatch(r"[A-Za-z][A-Za-z0-9_ ]*", tag) else snake_name(tag, prefix="tag")
                tags[tag] = _unique(clean, tag_keys)
            new_tags.append(tags[tag])
        if new_tags:
            operation["tags"] = new_tags


def _placeholders(spec: dict[str, Any], problems: list[Problem]) -> None:
    paths = spec.get("paths") or {}
    if not any(_PLACEHOLDER.search(path) for path in paths):
        return
    rewritten: dict[str, Any] = {}
    for path, item in paths.items():
        names = _PLACEHOLDER.findall(path)
        if not names:
            rewritten[path] = item
            continue
        new_path = _PLACEHOLDER.sub(lambda m: "{" + m.group(1) + "}", path)
        problems.append(
            Problem(Severity.NOTE, f"path placeholder(s) {', '.join(f'<{n}>' for n in names)} read as {new_path}")
        )
        for method in _METHODS:
            operation = (item or {}).get(method)
            if not isinstance(operation, dict):
                continue
            parameters = [p for p in operation.get("parameters") or [] if isinstance(p, dict)]
            declared = {p.get("name") for p in parameters if p.get("in") == "path"}
            missing = [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                for name in names
                if name not in declared
            ]
            operation["parameters"] = [*(operation.get("parameters") or []), *missing]
        rewritten[new_path] = item
    spec["paths"] = rewritten


def property_collisions(spec: dict[str, Any]) -> list[Problem]:
    """Properties of one object that would share a Python attribute, as openapi-python-client decides.

    It names an attribute in snake_case and, when two collide, falls back to each name with only its
    non-word characters dropped (``a-b`` -> ``ab`` beside ``a_b``); only a collision that survives
    the fallback (``a-b`` and ``a.b``) is refused here.  Python folds identifiers with NFKC, so
    the comparison does too.  Reads the spec as published, before ``sanitize`` renames
    anything, so the pointers name its own locations; codegen.generate runs it once
    datamodel-codegen has started, since it imports openapi-python-client.
    """
    from openapi_python_client.strings import PythonIdentifier

    problems: list[Problem] = []

    def attribute(name: str, *, fallback: bool = False) -> str:
        return unicodedata.normalize("NFKC", str(PythonIdentifier(name, prefix="field_", skip_snake_case=fallback)))

    def walk(node: Any, where: tuple[str | int, ...]) -> None:
        if isinstance(node, dict):
            properties = node.get("properties")
            if isinstance(properties, dict):
                first: dict[str, str] = {}
                for name in properties:
                    python = attribute(name)
                    other = first.setdefault(python, name)
                    if other != name and attribute(other, fallback=True) == attribute(name, fallback=True):
                        problems.append(
                            Problem(
                                Severity.ERROR,
                                f"properties {other!r} and {name!r} both become the attribute "
                                f"{attribute(name, fallback=True)!r}",
                                pointer((*where, "properties")),
                            )
                        )
            for key, value in node.items():
                walk(value, (*where, key))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, (*where, index))

    walk(spec, ())
    return problems


def _json_bodies(spec: dict[str, Any], problems: list[Problem]) -> None:
    """Keep only the JSON form of a request body that also offers others.

    The client sends JSON; openapi-python-client 0.29.1 skips XML with a warning and writes an
    unimportable module (``body: Pet | Pet | Unset`` without importing Unset) for JSON beside a form.
    """
    for path, method, operation in _operations(spec):
        body = operation.get("requestBody")
        if not isinstance(body, dict):
            continue
        content = body.get("content")
        if isinstance(content, dict) and "application/json" in content and len(content) > 1:
            dropped = sorted(str(media) for media in content if media != "application/json")
            body["content"] = {"application/json": content["application/json"]}
            problems.append(
                Problem(
                    Severity.WARNING,
                    f"{method.upper()} {path}: request body sent as application/json only; "
                    f"not generated: {', '.join(dropped)}",
                    pointer(("paths", path, method, "requestBody", "content")),
                )
            )


def sanitize(spec: dict[str, Any]) -> list[Problem]:
    """Rewrite the names in ``spec`` (a copy the generators read) in place; return what was noted or refused.

    Properties whose attributes collide are found by ``property_collisions``, not here.
    """
    problems: list[Problem] = []
    _rename_schemas(spec)
    _rename_operations(spec)
    _placeholders(spec, problems)
    _json_bodies(spec, problems)
    return problems
