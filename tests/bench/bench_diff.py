"""Spec diff time: the seed against itself with one change, and HeyGen's 46-path external API likewise."""

from __future__ import annotations

import copy
import json
from typing import Any

from codegen.diff import diff_documents
from tests.bench.__main__ import Bench
from tests.shared import CORPUS, ROOT


def _with_one_change(spec: dict[str, Any]) -> dict[str, Any]:
    """A deep copy with one new optional property on the first schema with properties (paths, then components)."""
    changed = copy.deepcopy(spec)
    stack: list[Any] = [changed.get("components", {}), changed["paths"]]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("properties"), dict):
                node["properties"]["bench_added"] = {"type": "string"}
                return changed
            stack.extend(node[key] for key in sorted(node, reverse=True))
        elif isinstance(node, list):
            stack.extend(reversed(node))
    raise AssertionError("no schema with properties")


def _measure(bench: Bench, name: str, spec: dict[str, Any], *, repeat: int) -> None:
    revision = _with_one_change(spec)
    changes = diff_documents(spec, revision).changes
    assert len(changes) == 1, [c.id for c in changes]
    seconds = bench.time(lambda: diff_documents(spec, revision), repeat=repeat)
    bench.figure(f"diff {name} vs one change", seconds * 1e3, "ms")


def run(bench: Bench) -> None:
    seed = json.loads((ROOT / "openapi" / "heygen-api.json").read_text(encoding="utf-8"))
    _measure(bench, "seed heygen-api 4.0.8 (vendored)", seed, repeat=20)
    patched = json.loads((ROOT / "openapi" / "heygen-api.patched.json").read_text(encoding="utf-8"))
    _measure(bench, "seed heygen-api 4.0.8 (patched, 18 components)", patched, repeat=20)
    external = CORPUS / "external-api-1.0.0.json"
    if not external.is_file():
        print(f"skipped external-api-1.0.0.json: {CORPUS} is not available (set HEYGEN_STUDIO_SHARED)")
        return
    _measure(bench, "external-api-1.0.0.json (46 paths)", json.loads(external.read_text(encoding="utf-8")), repeat=5)
