"""Reading and writing JSON/YAML documents the same way in every stage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from codegen.errors import CodegenError

#: Documents larger than this are refused before parsing (a docs page is ~30 KB).
MAX_DOCUMENT_BYTES = 8 * 1024 * 1024


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def parse_json(text: str, *, source: str) -> Any:
    """Parse JSON strictly: duplicate keys and NaN/Infinity are errors."""

    def _no_constants(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    try:
        return json.loads(text, object_pairs_hook=_reject_duplicate_keys, parse_constant=_no_constants)
    except ValueError as exc:
        raise CodegenError(f"{source}: broken JSON: {exc}") from None


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


def parse_yaml(text: str, *, source: str) -> Any:
    """Parse YAML with the safe loader (no tags, no Python objects)."""
    import yaml  # codegen-only dependency; imported late to keep start-up cheap

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CodegenError(f"{source}: broken YAML: {first}") from None


def dump_json(document: Any) -> str:
    """Serialise with stable formatting: 2-space indent, keys in document order."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
