"""Reading one side of a diff and seeing its schemas by meaning.

A side is a spec file (JSON or YAML), a docs page, or ``GITREF:PATH`` read
with ``git show``.  ``Doc.deref`` follows ``$ref`` chains (tolerating dangling
ones, which real HeyGen specs have) and ``view`` folds the spellings OpenAPI
3.0 and 3.1 allow for one meaning into one shape: ``nullable: true``,
``type: [x, "null"]``, a ``oneOf``/``anyOf`` with a ``{"type": "null"}`` arm
and an ``enum`` holding ``null`` all read as "nullable"; ``const`` reads as a
one-value enum; ``properties: {}`` and ``required: []`` read as absent; a 3.0
boolean ``exclusiveMinimum`` and a 3.1 numeric one give the same bound.
"""

from __future__ import annotations

import builtins
import json
import keyword
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from codegen.documents import parse_json, parse_yaml, read_text
from codegen.errors import CodegenError
from codegen.extract import check_openapi3, definition_from_page, read_definition

_GITREF = re.compile(r"(?P<ref>[^:\s]+):(?P<path>[^:]+)")
MAX_REF_HOPS = 32


def load_side(spec: str, *, cwd: Path | None = None) -> dict[str, Any]:
    """Read one side: a file path, or ``GITREF:PATH`` when no such file exists.

    In YAML, an unquoted date (``x-sunset: 2022-08-10``) reads as the date string it spells.

    Args:
        spec: a path to a JSON/YAML spec or a docs page, or ``GITREF:PATH``.
        cwd: where to run ``git`` and resolve relative paths (default: the current directory).

    Returns:
        The OpenAPI document.

    Raises:
        CodegenError: the input cannot be read or is not an OpenAPI 3.x document.
    """
    where = cwd or Path.cwd()
    path = where / spec
    match = _GITREF.fullmatch(spec)
    if path.exists() or match is None:
        if not path.exists():
            raise CodegenError(f"{spec}: no such file (and not GITREF:PATH)")
        if path.suffix.lower() in (".yaml", ".yml"):
            document = parse_yaml(read_text(path), source=str(path), dates_as_text=True)
            check_openapi3(document, source=str(path))
            return document  # type: ignore[no-any-return]
        return read_definition(path)
    ref, inner = match.group("ref"), match.group("path")
    result = subprocess.run(["git", "show", f"{ref}:{inner}"], cwd=where, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["git show failed"])[0]
        raise CodegenError(f"{spec}: cannot read from git: {reason}")
    suffix = PurePosixPath(inner).suffix.lower()
    if suffix == ".json":
        document = parse_json(result.stdout, source=spec)
    elif suffix in (".yaml", ".yml"):
        document = parse_yaml(result.stdout, source=spec, dates_as_text=True)
    else:
        return definition_from_page(result.stdout, source=spec)
    check_openapi3(document, source=spec)
    return document  # type: ignore[no-any-return]


def escape(segment: str | int) -> str:
    return str(segment).replace("~", "~0").replace("/", "~1")


def pointer(base: str, *segments: str | int) -> str:
    return base + "".join("/" + escape(s) for s in segments)


def canonical(value: Any) -> str:
    """A key for comparing JSON values by meaning: 1 == 1.0, key order ignored, True != 1."""

    def norm(v: Any) -> Any:
        if isinstance(v, float) and v.is_integer():
            return int(v)
        if isinstance(v, bool) or v is None:
            return {"$bool": v}
        if isinstance(v, dict):
            return {k: norm(x) for k, x in v.items()}
        if isinstance(v, list):
            return [norm(x) for x in v]
        return v

    return json.dumps(norm(value), sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class Node:
    """A schema reached during the walk: its value, where it lives, and the class it generates."""

    value: Any
    ptr: str
    component: str = ""  # the components.schemas name, when reached through a $ref
    nullable: bool = False  # inherited from a collapsed nullable wrapper


@dataclass
class Doc:
    """One OpenAPI document, with reference resolution."""

    root: dict[str, Any]
    _cache: dict[str, Any] = field(default_factory=dict)

    @property
    def version(self) -> str:
        info = self.root.get("info")
        return str(info.get("version", "")) if isinstance(info, dict) else ""

    def lookup(self, ref: str) -> Any:
        """The node a local ``#/...`` reference names, or None when it dangles."""
        if ref in self._cache:
            return self._cache[ref]
        node: Any = None
        if ref.startswith("#"):
            node = self.root
            for raw in ref[1:].split("/")[1:] if ref != "#" else []:
                step = raw.replace("~1", "/").replace("~0", "~")
                if isinstance(node, dict) and step in node:
                    node = node[step]
                elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
                    node = node[int(step)]
                else:
                    node = None
                    break
        self._cache[ref] = node
        return node

    def deref(self, node: Node) -> Node:
        """Follow ``$ref`` chains and unwrap nullable unions; a dangling reference stays as is."""
        value, ptr, component, nullable = node.value, node.ptr, node.component, node.nullable
        for _ in range(MAX_REF_HOPS):
            if isinstance(value, dict) and isinstance(value.get("$ref"), str):
                ref = value["$ref"]
                target = self.lookup(ref)
                if target is None:
                    break
                if ref.startswith("#/components/schemas/") and ref.count("/") == 3:
                    component = ref.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~")
                value, ptr = target, ref[1:]
                continue
            arm = _single_non_null_arm(value)
            if arm is None:
                break
            key, index = arm
            value, ptr, nullable = value[key][index], pointer(ptr, key, index), True
        return Node(value, ptr, component, nullable)


def _is_null_schema(value: Any) -> bool:
    return isinstance(value, dict) and (value.get("type") == "null" or value.get("enum") == [None])


def _single_non_null_arm(value: Any) -> tuple[str, int] | None:
    """For ``oneOf/anyOf: [X, {type: null}]`` with nothing else that constrains, the arm X."""
    if not isinstance(value, dict):
        return None
    for key in ("anyOf", "oneOf"):
        arms = value.get(key)
        if not isinstance(arms, list) or len(arms) < 2:
            continue
        rest = [i for i, arm in enumerate(arms) if not _is_null_schema(arm)]
        structural = {"properties", "items", "enum", "const", "allOf", "type"} & value.keys()
        if len(rest) == 1 and len(rest) < len(arms) and not structural:
            return key, rest[0]
    return None


_BOUNDS = ("minLength", "maxLength", "minItems", "maxItems")


@dataclass(frozen=True)
class View:
    """A schema's meaning, in one spelling."""

    types: frozenset[str]
    nullable: bool
    enum: tuple[Any, ...] | None
    extensible_enum: bool
    format: str
    default: tuple[Any, ...]  # () when absent, (value,) when present
    minimum: tuple[float, bool] | None  # (bound, exclusive)
    maximum: tuple[float, bool] | None
    bounds: dict[str, int]
    pattern: str
    properties: dict[str, tuple[Any, str]]  # name -> (value, ptr)
    required: frozenset[str]
    items: tuple[Any, str] | None
    union: str  # "oneOf", "anyOf" or ""
    arms: tuple[tuple[Any, str], ...]
    discriminator: str
    const: tuple[Any, ...] = ()  # () when absent, (value,) when present
    x_enum: tuple[Any, ...] | None = None  # the values of ``x-extensible-enum``, when it is a list
    read_only: bool = False
    write_only: bool = False
    deprecated: bool = False
    nullable_keyword: bool = False  # OpenAPI 3.0's ``nullable: true``, as opposed to a 3.1 null type

    @property
    def is_object(self) -> bool:
        return bool(self.properties) or "object" in self.types

    @property
    def makes_class(self) -> bool:
        """Whether the generator turns this schema into a named class or Literal alias."""
        return bool(self.properties) or (self.enum is not None and len(self.enum) > 0)

    @property
    def values(self) -> tuple[Any, ...] | None:
        """The values the schema allows when it lists them (``enum``, else ``const``)."""
        return self.enum if self.enum is not None else self.const or None


def _bound(value: dict[str, Any], plain: str, exclusive: str) -> tuple[float, bool] | None:
    excl = value.get(exclusive)
    if isinstance(excl, (int, float)) and not isinstance(excl, bool):
        return (float(excl), True)
    bound = value.get(plain)
    if isinstance(bound, (int, float)) and not isinstance(bound, bool):
        return (float(bound), excl is True)
    return None


def view(doc: Doc, node: Node) -> View:
    """Read ``node`` (already dereferenced) by meaning; ``allOf`` arms are merged into it."""
    value = node.value if isinstance(node.value, dict) else {}
    parts = [(value, node.ptr)]
    for index, arm in enumerate(value.get("allOf") or []):
        resolved = doc.deref(Node(arm, pointer(node.ptr, "allOf", index)))
        if isinstance(resolved.value, dict):
            parts.append((resolved.value, resolved.ptr))
    types: set[str] = set()
    nullable = node.nullable
    properties: dict[str, tuple[Any, str]] = {}
    required: set[str] = set()
    for part, ptr in parts:
        raw_type = part.get("type")
        for name in raw_type if isinstance(raw_type, list) else [raw_type] if raw_type else []:
            if name == "null":
                nullable = True
            else:
                types.add(str(name))
        nullable = nullable or part.get("nullable") is True
        for name, prop in (part.get("properties") or {}).items() if isinstance(part.get("properties"), dict) else ():
            properties.setdefault(str(name), (prop, pointer(ptr, "properties", name)))
        if isinstance(part.get("required"), list):
            required.update(str(r) for r in part["required"])
    enum: tuple[Any, ...] | None = None
    if isinstance(value.get("enum"), list):
        nullable = nullable or None in value["enum"]
        enum = tuple(v for v in value["enum"] if v is not None)
    x_enum = value.get("x-extensible-enum")
    if properties and not types:
        types.add("object")
    if "items" in value and not types:
        types.add("array")
    union = next((key for key in ("oneOf", "anyOf") if isinstance(value.get(key), list)), "")
    arms = tuple(
        (arm, pointer(node.ptr, union, i)) for i, arm in enumerate(value.get(union) or []) if not _is_null_schema(arm)
    )
    if union and len(arms) < len(value[union]):
        nullable = True
    disc = value.get("discriminator")
    items = value.get("items")
    return View(
        types=frozenset(types),
        nullable=nullable,
        enum=enum,
        extensible_enum="x-extensible-enum" in value,
        format=str(value.get("format") or ""),
        default=(value["default"],) if "default" in value else (),
        minimum=_bound(value, "minimum", "exclusiveMinimum"),
        maximum=_bound(value, "maximum", "exclusiveMaximum"),
        bounds={k: int(value[k]) for k in _BOUNDS if isinstance(value.get(k), int) and not isinstance(value[k], bool)},
        pattern=str(value.get("pattern") or ""),
        properties=properties,
        required=frozenset(required & properties.keys()) if properties else frozenset(required),
        items=(items, pointer(node.ptr, "items")) if isinstance(items, dict) else None,
        union=union if arms else "",
        arms=arms,
        discriminator=str(disc.get("propertyName", "")) if isinstance(disc, dict) else "",
        const=(value["const"],) if "const" in value else (),
        x_enum=tuple(x_enum) if isinstance(x_enum, list) else None,
        read_only=value.get("readOnly") is True,
        write_only=value.get("writeOnly") is True,
        deprecated=value.get("deprecated") is True,
        nullable_keyword=any(part.get("nullable") is True for part, _ in parts),
    )


# --- the names the generators give things ------------------------------------------------

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def pascal(name: str) -> str:
    """The class name openapi-python-client derives from a schema or operation name."""
    return "".join(word[0].upper() + word[1:] for word in _WORD.findall(name))


# openapi-python-client suffixes "_" to keywords and to these (builtins shadowed by a field, except ``id``).
_RESERVED = (set(dir(builtins)) | {"self", "true", "false", "datetime"}) - {"id"}


def python_name(name: str) -> str:
    """The attribute or argument name openapi-python-client derives from a property name."""
    words = [w.lower() for w in _WORD.findall(name)]
    result = "_".join(words) or "field"
    if result[0].isdigit():
        result = "field_" + result
    if keyword.iskeyword(result) or result in _RESERVED:
        result += "_"
    return result
