"""Refuse hostile specs before any generator reads them.

The generators turn names, paths, enum values, defaults and descriptions into
Python source.  openapi-python-client >= 0.29.1 escapes what it writes; this
stage adds a narrower contract of our own, checked on the whole document:

* only internal references (``#/...``): nothing is fetched, no file is read;
* bounded size and nesting depth, so a crafted document cannot exhaust memory
  or recursion in a generator;
* names that become identifiers or file names (component names, property
  names, operationIds, tags, security scheme names) and path templates are
  plain words, so nothing can escape a string, a module or the output folder.

Problems are collected and reported together, each naming its spec location.
"""

from __future__ import annotations

import re
from typing import Any

from codegen.errors import CodegenError

MAX_NODES = 200_000
MAX_DEPTH = 64
MAX_NAME_LENGTH = 100

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\- ]*")
_PATH = re.compile(r"/[A-Za-z0-9_.\-~/{}]*")
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _pointer(parts: tuple[str | int, ...]) -> str:
    text = "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    # A hostile name can hold a line break; the message stays one line.
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _check_name(
    kind: str, name: Any, where: tuple[str | int, ...], problems: list[str], pattern: re.Pattern[str] = _NAME
) -> None:
    if not isinstance(name, str) or len(name) > MAX_NAME_LENGTH or not pattern.fullmatch(name):
        problems.append(f"unsafe {kind} {str(name)[:60]!r} at {_pointer(where)}")


def _walk(node: Any, where: tuple[str | int, ...], problems: list[str], counter: list[int]) -> None:
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise CodegenError(f"document has more than {MAX_NODES} nodes")
    if len(where) > MAX_DEPTH:
        raise CodegenError(f"document nests deeper than {MAX_DEPTH} levels at {_pointer(where[:8])}...")
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("$ref", "$dynamicRef", "$recursiveRef") and not (
                isinstance(value, str) and value.startswith("#")
            ):
                problems.append(
                    f"external reference {str(value)[:80]!r} at {_pointer(where)} (only '#/...' is allowed)"
                )
            if key == "properties" and isinstance(value, dict):
                for name in value:
                    _check_name("property name", name, (*where, key, name), problems)
            if key == "required" and isinstance(value, list):
                for index, name in enumerate(value):
                    _check_name("required name", name, (*where, key, index), problems)
            _walk(value, (*where, key), problems, counter)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            _walk(item, (*where, index), problems, counter)


def _dot_segment(path: str) -> bool:
    # "/v2/../admin" would make the client call a path the spec does not document.
    return any(segment in (".", "..") for segment in path.split("/"))


def check_spec(spec: dict[str, Any], *, source: str) -> None:
    """Raise CodegenError listing every problem that makes ``spec`` unsafe to generate from."""
    problems: list[str] = []
    try:
        _walk(spec, (), problems, [0])
    except RecursionError:
        raise CodegenError(f"{source}: document nests too deeply") from None
    except CodegenError as exc:
        raise CodegenError(f"{source}: {exc}") from None
    for kind, items in (spec.get("components") or {}).items():
        for name in items if isinstance(items, dict) else ():
            _check_name(f"component name ({kind})", name, ("components", kind, name), problems)
    for path, item in (spec.get("paths") or {}).items():
        if not isinstance(path, str) or len(path) > 300 or not _PATH.fullmatch(path) or _dot_segment(path):
            problems.append(f"unsafe path {str(path)[:60]!r}")
            continue
        for method, operation in (item or {}).items():
            if method in _METHODS and isinstance(operation, dict):
                where = ("paths", path, method)
                if "operationId" in operation:
                    _check_name("operationId", operation["operationId"], (*where, "operationId"), problems)
                for index, tag in enumerate(operation.get("tags") or []):
                    _check_name("tag", tag, (*where, "tags", index), problems, _TAG)
                for index, parameter in enumerate(operation.get("parameters") or []):
                    if isinstance(parameter, dict) and "name" in parameter:
                        _check_name("parameter name", parameter["name"], (*where, "parameters", index), problems)
    if problems:
        shown = "; ".join(problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise CodegenError(f"{source}: refused: {shown}{more}")
