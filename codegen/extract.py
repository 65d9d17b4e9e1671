"""Stage 1, vendor: read HeyGen's readme.io docs pages and write the spec as published.

A docs page is Markdown with the OpenAPI definition in a fenced ```json block.
Several pages merge into one document: paths are united, identical components
are shared, and any conflict is an error naming both pages.  Keys keep their
published order so the vendored file diffs cleanly against the next release.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from codegen.documents import dump_json, load_document, parse_json, read_text
from codegen.errors import CodegenError

# A fenced block: opening fence of 3+ backticks or tildes, an info string, the body,
# and a closing fence of the same character at least as long.
_FENCE = re.compile(
    r"^(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=fence)[`~]*[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def definition_from_page(text: str, *, source: str) -> dict[str, Any]:
    """Return the OpenAPI document embedded in one docs page."""
    candidates = []
    for match in _FENCE.finditer(text):
        info = match.group("info").strip().split(" ")[0].lower()
        body = match.group("body")
        if info in ("json", "openapi", "") and '"openapi"' in body:
            candidates.append(body)
    if not candidates:
        raise CodegenError(f'{source}: no OpenAPI definition (no ```json block with an "openapi" key)')
    if len(candidates) > 1:
        raise CodegenError(f"{source}: {len(candidates)} OpenAPI definitions on one page; expected one")
    document = parse_json(candidates[0], source=source)
    check_openapi3(document, source=source)
    return document  # type: ignore[no-any-return]


def check_openapi3(document: Any, *, source: str) -> None:
    """Refuse anything that is not an OpenAPI 3.x document."""
    if not isinstance(document, dict):
        raise CodegenError(f"{source}: not an OpenAPI document (top level is not an object)")
    version = document.get("openapi")
    if not isinstance(version, str) or not re.fullmatch(r"3\.\d+\.\d+(-.+)?", version):
        found = "no 'openapi' field" if version is None else f"'openapi: {version}'"
        raise CodegenError(f"{source}: not an OpenAPI 3.x document ({found})")
    paths = document.get("paths", {})
    if not isinstance(paths, dict):
        raise CodegenError(f"{source}: 'paths' is not an object")
    for path, item in paths.items():
        if not isinstance(item, dict):
            raise CodegenError(f"{source}: path item {path!r} is not an object")
    components = document.get("components", {})
    if not isinstance(components, dict) or not all(isinstance(items, dict) for items in components.values()):
        raise CodegenError(f"{source}: 'components' is not an object of objects")


def read_definition(path: Path) -> dict[str, Any]:
    """Read a docs page (Markdown) or a spec file (JSON/YAML) and return the OpenAPI document."""
    if path.suffix.lower() in (".json", ".yaml", ".yml"):
        document = load_document(path)
        check_openapi3(document, source=str(path))
        return document  # type: ignore[no-any-return]
    return definition_from_page(read_text(path), source=str(path))


def merge(documents: Sequence[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Merge documents from several pages into one; conflicts name both pages."""
    (first_source, first), *rest = documents
    merged: dict[str, Any] = copy.deepcopy(first)
    merged.setdefault("paths", {})
    merged.setdefault("components", {})
    path_owner = {(p, m): first_source for p, item in merged["paths"].items() for m in item if m in _HTTP_METHODS}
    path_key_owner = {(p, k): first_source for p, item in merged["paths"].items() for k in item}
    component_owner = {(k, n): first_source for k, items in merged["components"].items() for n in items}
    top_owner = {key: first_source for key in first}

    for source, document in rest:
        for key, value in document.items():
            if key in ("paths", "components"):
                continue
            if key not in merged:
                merged[key], top_owner[key] = value, source
            elif merged[key] != value and not key.startswith("x-"):
                raise CodegenError(f"conflict: '{key}' differs between {top_owner[key]} and {source}")
        for path, item in document.get("paths", {}).items():
            target = merged["paths"].setdefault(path, {})
            for key, value in item.items():
                if key in _HTTP_METHODS:
                    owner = path_owner.get((path, key))
                    if owner is not None:
                        raise CodegenError(f"conflict: {key.upper()} {path} is defined by both {owner} and {source}")
                    path_owner[(path, key)] = source
                elif key in target and target[key] != value:
                    owner = path_key_owner[(path, key)]
                    raise CodegenError(f"conflict: '{key}' of path {path} differs between {owner} and {source}")
                path_key_owner.setdefault((path, key), source)
                target[key] = value
        for kind, items in document.get("components", {}).items():
            into = merged["components"].setdefault(kind, {})
            for name, value in items.items():
                if name in into and into[name] != value:
                    owner = component_owner[(kind, name)]
                    raise CodegenError(f"conflict: components.{kind}.{name} differs between {owner} and {source}")
                into.setdefault(name, value)
                component_owner.setdefault((kind, name), source)
    if not merged["components"]:
        del merged["components"]
    return merged


def extract(pages: Sequence[Path]) -> dict[str, Any]:
    """Read every page and merge their definitions; raises CodegenError on any problem."""
    return merge([(str(page), read_definition(page)) for page in pages])


def run(pages: Sequence[Path], out: Path) -> None:
    """Extract ``pages`` and write the vendored spec to ``out`` (nothing is written on error)."""
    text = dump_json(extract(pages))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
