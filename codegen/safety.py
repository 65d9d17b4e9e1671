"""Refuse hostile specs before any generator reads them; let legitimate odd names through.

The generators turn names, paths, enum values, defaults and descriptions into
Python source.  openapi-python-client >= 0.29.1 escapes what it writes, and
``codegen.names`` turns every legitimate name that is not a Python identifier
(spaces, ``[]``, ``/``, ``-``, leading digits, keywords, non-ASCII, ``<id>``
placeholders, ``?query`` in paths) into a readable one.  What is left to refuse
is what no real API needs and what could escape a string, a comment, a module
or the output folder:

* any reference that is not internal (``#/...``): nothing is fetched, no file is read;
* documents over a size or nesting limit, so a crafted one cannot exhaust
  memory or recursion in a generator;
* names (component, property, required, operationId, tag, security scheme,
  parameter) that are not strings, are empty or over ``MAX_NAME_LENGTH``,
  or hold a control character, a quote, a backslash, a backtick or ``..``;
* paths that are not absolute, hold a control character, whitespace, a quote,
  a backslash or a backtick, or have a ``.``/``..`` segment.

Every problem is collected (see ``codegen.problems``) and reported in one run,
each naming its spec location.
"""

from __future__ import annotations

import re
from typing import Any

from codegen.errors import CodegenError
from codegen.problems import Problem, Severity, pointer, raise_for_errors

MAX_NODES = 200_000
MAX_DEPTH = 64
MAX_NAME_LENGTH = 100
MAX_PATH_LENGTH = 300

#: Characters that end or escape a Python string or comment, or a shell word.
_DANGEROUS = re.compile(r"[\"'\\`]|\.\.")
_PATH_DANGEROUS = re.compile(r"[\"'\\`\s]")
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _unsafe_name(name: Any) -> bool:
    if not isinstance(name, str) or not name or len(name) > MAX_NAME_LENGTH:
        return True
    return not name.isprintable() or bool(_DANGEROUS.search(name))


def _unsafe_path(path: Any) -> bool:
    if not isinstance(path, str) or len(path) > MAX_PATH_LENGTH or not path.startswith("/"):
        return True
    if not path.isprintable() or _PATH_DANGEROUS.search(path):
        return True
    # "/v2/../admin" would make the client call a path the spec does not document.
    return any(segment in (".", "..") for segment in path.split("?", 1)[0].split("/"))


def _check_name(kind: str, name: Any, where: tuple[str | int, ...], problems: list[Problem]) -> None:
    if _unsafe_name(name):
        problems.append(Problem(Severity.ERROR, f"unsafe {kind} {str(name)[:60]!r}", pointer(where)))


def _walk(node: Any, where: tuple[str | int, ...], problems: list[Problem], counter: list[int]) -> None:
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise CodegenError(f"document has more than {MAX_NODES} nodes")
    if len(where) > MAX_DEPTH:
        raise CodegenError(f"document nests deeper than {MAX_DEPTH} levels at {pointer(where[:8])}...")
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("$ref", "$dynamicRef", "$recursiveRef") and not (
                isinstance(value, str) and value.startswith("#")
            ):
                problems.append(
                    Problem(
                        Severity.ERROR,
                        f"external reference {str(value)[:80]!r}",
                        f"{pointer(where)} (only '#/...' is allowed)",
                    )
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


def find_problems(spec: dict[str, Any], *, source: str) -> list[Problem]:
    """Every problem that makes ``spec`` unsafe to generate from, in document order.

    Raises:
        CodegenError: the document is over the node or depth limit (checked first, alone).
    """
    problems: list[Problem] = []
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
        if _unsafe_path(path):
            problems.append(Problem(Severity.ERROR, f"unsafe path {str(path)[:60]!r}", pointer(("paths", str(path)))))
            continue
        for method, operation in (item or {}).items():
            if method in _METHODS and isinstance(operation, dict):
                where = ("paths", path, method)
                if "operationId" in operation:
                    _check_name("operationId", operation["operationId"], (*where, "operationId"), problems)
                for index, tag in enumerate(operation.get("tags") or []):
                    _check_name("tag", tag, (*where, "tags", index), problems)
                for index, parameter in enumerate(operation.get("parameters") or []):
                    if isinstance(parameter, dict) and "name" in parameter:
                        _check_name("parameter name", parameter["name"], (*where, "parameters", index), problems)
    return problems


def check_spec(spec: dict[str, Any], *, source: str) -> None:
    """Raise CodegenError listing every problem that makes ``spec`` unsafe to generate from."""
    raise_for_errors(find_problems(spec, source=source), source=source)
