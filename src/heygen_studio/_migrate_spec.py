"""The v2 request schema as the migration reads it: nodes by path pattern, defaults, every leaf.

Patterns are those of ``_migrate_table``: ``video_inputs.*.voice[silence].duration``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

_STEP = re.compile(r"^(?P<name>[^\[]+)(?:\[(?P<tag>[^\]]+)\])?$")


def _schemas() -> Mapping[str, Any]:
    from heygen_studio_api.schema import SCHEMAS

    schemas: Mapping[str, Any] = SCHEMAS
    return schemas


def _resolve(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = schema.get("$ref")
    if not isinstance(ref, str):
        return schema
    resolved: Mapping[str, Any] = _schemas()[ref.rsplit("/", 1)[-1]]
    return resolved


def _root() -> Mapping[str, Any]:
    from heygen_studio_api.schema import REQUEST_BODIES

    root: Mapping[str, Any] = _schemas()[REQUEST_BODIES["POST /v2/video/generate"]]
    return root


def _variant(union: Mapping[str, Any], tag: str) -> Mapping[str, Any]:
    variant: Mapping[str, Any] = _schemas()[union["discriminator"]["mapping"][tag].rsplit("/", 1)[-1]]
    return variant


def v2_nodes(pattern: str) -> list[Mapping[str, Any]]:
    """The schema nodes along ``pattern``, root first, each union's chosen variant after the union itself.

    Raises:
        KeyError: ``pattern`` names no node of the v2 request schema.
    """
    node = _root()
    nodes = [node]
    for step in pattern.split("."):
        if step == "*":
            node = _resolve(node["items"])
            nodes.append(node)
            continue
        match = _STEP.match(step)
        if match is None:
            raise KeyError(pattern)
        node = node["properties"][match["name"]]
        nodes.append(node)
        if node is not (node := _resolve(node)):
            nodes.append(node)
        if match["tag"] is not None:
            node = _variant(node, match["tag"])
            nodes.append(node)
    return nodes


def v2_default(pattern: str) -> Any:
    """The v2 spec's ``default`` for the leaf at ``pattern``."""
    return _resolve(v2_nodes(pattern)[-1])["default"]


def v2_leaf_patterns() -> Iterator[str]:
    """Every leaf of the v2 request schema, as a pattern (variants spelt out, ``*`` for array items)."""
    yield from _leaves(_root(), "")


def _leaves(schema: Mapping[str, Any], prefix: str) -> Iterator[str]:
    schema = _resolve(schema)
    if "oneOf" in schema:
        for tag in schema["discriminator"]["mapping"]:
            yield from _leaves(_variant(schema, tag), f"{prefix}[{tag}]")
    elif schema.get("type") == "object":
        for name, sub in schema.get("properties", {}).items():
            yield from _leaves(sub, f"{prefix}.{name}" if prefix else name)
    elif schema.get("type") == "array":
        yield from _leaves(schema["items"], f"{prefix}.*")
    else:
        yield prefix
