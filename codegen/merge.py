"""Stage 1, vendor (several sources): the operations we use, from every source, merged into one spec.

``openapi/sources.yaml`` lists the sources in order: each is a file vendored
byte for byte beside it (a docs page or an OpenAPI file), where it came from
and when, and the operations taken from it.  From each source only those
operations are kept, with every component they reach through ``$ref`` (and
the security schemes they name), transitively.  The first source gives the
merged document its top level (``openapi``, ``info``, ``servers``...); the
others give operations and components only.  Merging refuses, in one line,
an operation two sources give or a component name two sources define
differently.  Schemas keep their published shape (a 3.0 source keeps its
``nullable``), so the merged spec is still "as published"; our fixes are the
patches applied after this stage.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codegen.documents import dump_json, load_document
from codegen.errors import CodegenError
from codegen.extract import check_openapi3, merge, read_definition

SOURCES_FILE = "sources.yaml"
OPENAPI = Path(__file__).resolve().parent.parent / "openapi"
_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_OPERATION = re.compile(r"(?P<method>[A-Z]+) (?P<path>/\S*)")
_LOCAL_REF = re.compile(r"#/components/(?P<kind>[A-Za-z]+)/(?P<name>[^/]+)")
_FIELDS = ("name", "file", "origin", "date", "operations")


@dataclass(frozen=True)
class Source:
    """One vendored source: its file in openapi/, provenance, and the operations taken from it."""

    name: str
    file: str
    origin: str
    date: str
    operations: tuple[str, ...]

    def label(self) -> str:
        return f"{self.name} ({self.file})"

    def as_data(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "file": self.file,
            "origin": self.origin,
            "date": self.date,
            "operations": list(self.operations),
        }


def parse_operation(text: str, *, where: str) -> tuple[str, str]:
    """``"GET /v3/videos"`` -> ``("get", "/v3/videos")``."""
    match = _OPERATION.fullmatch(text) if isinstance(text, str) else None
    if match is None or match["method"].lower() not in _HTTP_METHODS:
        raise CodegenError(f"{where}: operation {text!r} is not 'METHOD /path' (e.g. 'GET /v3/videos')")
    return match["method"].lower(), match["path"]


def load_sources(openapi: Path) -> list[Source]:
    """Read and check ``openapi/sources.yaml``."""
    path = openapi / SOURCES_FILE
    document = load_document(path)
    raw = document.get("sources") if isinstance(document, dict) else None
    if not isinstance(raw, list) or not raw:
        raise CodegenError(f"{path}: needs a non-empty 'sources' list")
    sources: list[Source] = []
    for index, entry in enumerate(raw):
        where = f"{path} sources[{index}]"
        if not isinstance(entry, dict) or set(entry) != set(_FIELDS):
            raise CodegenError(f"{where}: needs exactly the fields {', '.join(_FIELDS)}")
        for field in ("name", "file", "origin", "date"):
            if not isinstance(entry[field], str) or not entry[field].strip():
                raise CodegenError(f"{where}: '{field}' must be a non-empty string")
        if Path(entry["file"]).name != entry["file"]:
            raise CodegenError(f"{where}: 'file' must be a file name in {openapi.name}/, not a path")
        operations = entry["operations"]
        if not isinstance(operations, list) or not operations:
            raise CodegenError(f"{where}: 'operations' must be a non-empty list of 'METHOD /path'")
        for operation in operations:
            parse_operation(operation, where=where)
        if len(set(operations)) != len(operations):
            raise CodegenError(f"{where}: an operation is listed twice")
        if any(entry["name"] == s.name or entry["file"] == s.file for s in sources):
            raise CodegenError(f"{where}: name and file must be unique across sources")
        sources.append(Source(entry["name"], entry["file"], entry["origin"], entry["date"], tuple(operations)))
    return sources


def dump_sources(sources: Sequence[Source]) -> str:
    """Serialise the sources list as it is committed (stable YAML, fields in a fixed order)."""
    import yaml  # codegen-only dependency

    header = "# The sources merged into heygen-api.json, in order; see codegen/merge.py.\n"
    body = yaml.safe_dump({"sources": [s.as_data() for s in sources]}, sort_keys=False, allow_unicode=True, width=120)
    return header + body


def _refs(node: Any) -> Iterator[str]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                yield ref
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def _security_names(operation: dict[str, Any]) -> Iterator[str]:
    for requirement in operation.get("security", []) or []:
        if isinstance(requirement, dict):
            yield from requirement


def select(document: dict[str, Any], operations: Sequence[str], *, source: str, top_level: bool) -> dict[str, Any]:
    """The part of ``document`` that ``operations`` need, keys in published order.

    Args:
        document: an OpenAPI 3.x document.
        operations: ``"METHOD /path"`` strings, each of which the document must define.
        source: the source's label, for error messages.
        top_level: keep the document's top-level keys (``openapi``, ``info``, ...); only the first
            source's are kept, the others contribute operations and components.

    Returns:
        A new document with only those operations and every component they reach.

    Raises:
        CodegenError: an operation is missing, or a ``$ref`` is not local or names a missing component.
    """
    wanted: dict[str, set[str]] = {}
    for text in operations:
        method, path = parse_operation(text, where=source)
        item = document.get("paths", {}).get(path)
        if not isinstance(item, dict) or not isinstance(item.get(method), dict):
            raise CodegenError(f"{source}: has no operation {text}")
        wanted.setdefault(path, set()).add(method)
    paths: dict[str, Any] = {}
    for path, item in document.get("paths", {}).items():
        if path in wanted:
            paths[path] = {
                key: copy.deepcopy(value)
                for key, value in item.items()
                if key not in _HTTP_METHODS or key in wanted[path]
            }
    inherited = document.get("security")
    if not top_level and inherited is not None:
        # The merged top level is the first source's; an operation that relied on this source's
        # document-wide security keeps it by stating it itself.
        for item in paths.values():
            for method in _HTTP_METHODS:
                if method in item and "security" not in item[method]:
                    item[method]["security"] = copy.deepcopy(inherited)

    components = document.get("components", {})
    reached: set[tuple[str, str]] = set()
    pending = list(_refs(paths))
    security: set[str] = {
        name for item in paths.values() for m in _HTTP_METHODS for name in _security_names(item.get(m, {}))
    }
    if top_level and isinstance(inherited, list):
        security.update(name for requirement in inherited if isinstance(requirement, dict) for name in requirement)
    for name in security:
        if name not in components.get("securitySchemes", {}):
            raise CodegenError(f"{source}: security scheme {name!r} is used but not defined")
        reached.add(("securitySchemes", name))
        pending.extend(_refs(components["securitySchemes"][name]))
    while pending:
        ref = pending.pop()
        match = _LOCAL_REF.fullmatch(ref)
        if match is None:
            raise CodegenError(f"{source}: $ref {ref!r} is not a local '#/components/<kind>/<name>' reference")
        found = (match["kind"], match["name"].replace("~1", "/").replace("~0", "~"))
        if found in reached:
            continue
        target = components.get(found[0], {}).get(found[1])
        if target is None:
            raise CodegenError(f"{source}: $ref {ref!r} names a component the source does not define")
        reached.add(found)
        pending.extend(_refs(target))

    selected: dict[str, Any] = {}
    for key, value in document.items():
        if key == "paths":
            selected["paths"] = paths
        elif key == "components":
            kept = {
                kind: {name: copy.deepcopy(v) for name, v in items.items() if (kind, name) in reached}
                for kind, items in value.items()
            }
            kept = {kind: items for kind, items in kept.items() if items}
            if kept:
                selected["components"] = kept
        elif top_level:
            selected[key] = copy.deepcopy(value)
    return selected


def _server_urls(document: dict[str, Any]) -> list[Any]:
    return [server.get("url") for server in document.get("servers", []) if isinstance(server, dict)]


def merge_sources(openapi: Path, sources: Sequence[Source] | None = None) -> dict[str, Any]:
    """Read every source in ``openapi/`` and merge the operations each is asked for."""
    sources = load_sources(openapi) if sources is None else sources
    parts: list[tuple[str, dict[str, Any]]] = []
    first: dict[str, Any] | None = None
    for index, source in enumerate(sources):
        document = read_definition(openapi / source.file)
        check_openapi3(document, source=source.label())
        if first is None:
            first = document
        elif "servers" in document and _server_urls(document) != _server_urls(first):
            raise CodegenError(
                f"conflict: servers {_server_urls(document)} of {source.label()} differ from "
                f"{_server_urls(first)} of {sources[0].label()}"
            )
        part = select(document, source.operations, source=source.label(), top_level=index == 0)
        if index > 0:  # only the first source's top level is kept
            part = {"openapi": first["openapi"], **part}
        parts.append((source.label(), part))
    return merge(parts)


def run(openapi: Path, out: Path) -> None:
    """Merge the sources listed in ``openapi/sources.yaml`` and write ``out`` (nothing on error)."""
    text = dump_json(merge_sources(openapi))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")


def manifest_records(openapi: Path) -> list[dict[str, Any]]:
    """Each source with its provenance, its own ``info.version`` and the sha256 of its bytes, for ``manifest.json``."""
    if not (openapi / SOURCES_FILE).exists():
        return []
    records = []
    for source in load_sources(openapi):
        path = openapi / source.file
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            raise CodegenError(f"{path}: cannot read: {exc.strerror}") from None
        data = source.as_data()
        data["file"] = f"openapi/{source.file}"
        version = read_definition(path).get("info", {}).get("version")
        records.append({**data, "info_version": version, "sha256": digest})
    return records
