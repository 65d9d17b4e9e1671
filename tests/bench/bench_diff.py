"""Spec diff cost, as a ratio against loading the two specs in the same run.

``diff_sources`` reads both sides and compares them; its baseline is
``load_side`` on the same two files, so the ratio is the whole job's cost in
units of "just reading the specs".  Measured on HeyGen's External API
(46 paths) and on a 1,000-path spec made of its path items repeated under
new prefixes, each with one new optional property (a real change to find)
and identical (the fast path).  Goal: <= 3x at 1,000 paths.
"""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path
from typing import Any

from codegen.diff import diff_documents, diff_sources
from codegen.diff.spec import load_side
from tests.bench.__main__ import Bench
from tests.shared import CORPUS, ROOT

GOAL = 3.0


def _with_one_change(spec: dict[str, Any]) -> dict[str, Any]:
    """A deep copy with one new optional property on the first schema with properties (components, then paths)."""
    changed = copy.deepcopy(spec)
    stack: list[Any] = [changed["paths"], changed.get("components", {})]
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


def _scaled(spec: dict[str, Any], paths: int) -> dict[str, Any]:
    """``spec`` with its path items repeated under ``/copyN`` prefixes until it has ``paths`` paths."""
    scaled = copy.deepcopy(spec)
    originals = list(spec["paths"].items())
    copy_index = 0
    while len(scaled["paths"]) < paths:
        copy_index += 1
        for path, item in originals:
            if len(scaled["paths"]) >= paths:
                break
            scaled["paths"][f"/copy{copy_index}{path}"] = copy.deepcopy(item)
    return scaled


def _measure(
    bench: Bench, name: str, base: dict[str, Any], revision: dict[str, Any], *, repeat: int, goal: float | None = None
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        bpath, rpath = Path(folder) / "base.json", Path(folder) / "revision.json"
        bpath.write_text(json.dumps(base), encoding="utf-8")
        rpath.write_text(json.dumps(revision), encoding="utf-8")
        expected = diff_documents(base, revision).changes
        assert expected == diff_sources(str(bpath), str(rpath)).changes
        load = bench.time(lambda: (load_side(str(bpath)), load_side(str(rpath))), repeat=repeat)
        whole = bench.time(lambda: diff_sources(str(bpath), str(rpath)), repeat=repeat)
    bench.ratio(f"diff {name} ({len(expected)} changes) vs loading both", whole, load, goal=goal)


def run(bench: Bench) -> None:
    seed = json.loads((ROOT / "openapi" / "heygen-api.patched.json").read_text(encoding="utf-8"))
    _measure(bench, "seed 4.0.8 patched, one change", seed, _with_one_change(seed), repeat=20)
    external = CORPUS / "external-api-1.0.0.json"
    if not external.is_file():
        print(f"skipped external-api-1.0.0.json: {CORPUS} is not available (set HEYGEN_STUDIO_SHARED)")
        return
    spec = json.loads(external.read_text(encoding="utf-8"))
    one = _with_one_change(spec)
    _measure(bench, "External API 46 paths, one change", spec, one, repeat=7)
    _measure(bench, "External API 46 paths, identical", spec, copy.deepcopy(spec), repeat=7)
    big = _scaled(spec, 1000)
    _measure(bench, "1,000 paths, one change", big, _with_one_change(big), repeat=5, goal=GOAL)
    _measure(bench, "1,000 paths, identical", big, copy.deepcopy(big), repeat=5, goal=GOAL)
