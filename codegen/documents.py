"""Reading and writing JSON/YAML documents the same way in every stage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from codegen.errors import CodegenError

#: Documents larger than this are refused before parsing (a docs page is ~30 KB).
MAX_DOCUMENT_BYTES = 8 * 1024 * 1024
#: Documents nesting deeper than this are refused after parsing (the vendor spec nests 18
#: levels): deeper input would exhaust recursion in json, copy.deepcopy or a generator.
MAX_DOCUMENT_DEPTH = 200


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _check_depth(document: Any, *, source: str) -> Any:
    stack = [(document, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DOCUMENT_DEPTH:
            raise CodegenError(f"{source}: nests deeper than {MAX_DOCUMENT_DEPTH} levels")
        if isinstance(node, dict):
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            stack.extend((value, depth + 1) for value in node)
    return document


def parse_json(text: str, *, source: str) -> Any:
    """Parse JSON strictly: duplicate keys, NaN/Infinity and deep nesting are errors."""

    def _no_constants(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    try:
        document = json.loads(text, object_pairs_hook=_reject_duplicate_keys, parse_constant=_no_constants)
    except ValueError as exc:
        raise CodegenError(f"{source}: broken JSON: {exc}") from None
    except RecursionError:
        raise CodegenError(f"{source}: nests deeper than {MAX_DOCUMENT_DEPTH} levels") from None
    return _check_depth(document, source=source)


def read_text(path: Path) -> str:
    """Read a UTF-8 file, refusing anything over MAX_DOCUMENT_BYTES."""
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise CodegenError(f"{path}: {size} bytes is over the {MAX_DOCUMENT_BYTES}-byte limit")
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CodegenError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise CodegenError(f"{path}: not UTF-8 text") from None


def load_document(path: Path) -> Any:
    """Load a JSON or YAML document (chosen by suffix; YAML for anything not .json)."""
    text = read_text(path)
    if path.suffix == ".json":
        return parse_json(text, source=str(path))
    return parse_yaml(text, source=str(path))


def parse_yaml(text: str, *, source: str, dates_as_text: bool = False) -> Any:
    """Parse YAML as JSON data: safe loader, no aliases, no duplicate keys, only JSON values.

    ``dates_as_text`` keeps an unquoted date (``x-sunset: 2022-08-10``) as the
    string it spells, as a JSON spec would write it, instead of refusing it.
    """
    import yaml  # codegen-only dependency; imported late to keep start-up cheap

    class StrictLoader(yaml.SafeLoader):
        def compose_node(self, parent: Any, index: Any) -> Any:
            # An alias can close a cycle or expand exponentially ("billion laughs").
            if self.check_event(yaml.AliasEvent):
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                problem = f"aliases (*name) are not allowed (line {mark.line + 1})"
                raise yaml.composer.ComposerError(None, None, problem, mark)
            return super().compose_node(parent, index)

        def construct_yaml_timestamp(self, node: Any) -> Any:
            # An unquoted date (``x-sunset: 2022-08-10``) is a date to YAML; keep it as the JSON string it spells.
            return str(self.construct_scalar(node))

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[tuple[type, Any]] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if not isinstance(key, (str, int, float, bool)):
                    continue  # the base class refuses unhashable keys itself
                if (type(key), key) in seen:
                    problem = f"duplicate key {key!r} (line {key_node.start_mark.line + 1})"
                    raise yaml.constructor.ConstructorError(None, None, problem, key_node.start_mark)
                seen.add((type(key), key))
            return super().construct_mapping(node, deep=deep)

    if dates_as_text:
        StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", StrictLoader.construct_yaml_timestamp)
    try:
        document = yaml.load(text, Loader=StrictLoader)  # a SafeLoader: no tags, no Python objects
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CodegenError(f"{source}: broken YAML: {first}") from None
    except RecursionError:
        raise CodegenError(f"{source}: nests deeper than {MAX_DOCUMENT_DEPTH} levels") from None
    _check_depth(document, source=source)
    try:  # dates, sets, bytes and NaN load from YAML but are not JSON, and the stages write JSON
        json.dumps(document, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise CodegenError(f"{source}: not JSON data: {exc}") from None
    return document


def dump_json(document: Any) -> str:
    """Serialise with stable formatting: 2-space indent, keys in document order."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
