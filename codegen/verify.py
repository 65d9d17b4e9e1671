"""Stage 4, verify: regenerate into a temporary folder and compare with the committed tree.

A hand edit in generated/, an extra or missing file, a stale patched spec or
a stale manifest prints a unified diff and the command that fixes it, and
exits 1.  A fast path skips regeneration when nothing that could change the
answer changed since the last passing run: the key hashes the inputs (spec,
patches), the pipeline (codegen sources, templates, config), the tool
versions and the committed outputs themselves, so it stays exact.
"""

from __future__ import annotations

import difflib
import json
import sys
import tempfile
from pathlib import Path

from codegen.errors import StaleError
from codegen.generate import CODEGEN_DIR, REGENERATE_COMMAND, REPO, ROOT, Layout, build, sha256, tool_versions

CACHE = ROOT / ".codegen-cache" / "verify.json"
MAX_DIFF_LINES = 200


def _tree(folder: Path) -> dict[str, bytes]:
    """Files under ``folder`` by relative path, ignoring bytecode caches."""
    if not folder.exists():
        return {}
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def cache_key(layout: Layout) -> str:
    """Hash of everything that determines the verdict, committed outputs included."""
    parts: list[tuple[str, bytes]] = []
    for label, folder in (("openapi", layout.openapi), ("generated", layout.generated), ("codegen", CODEGEN_DIR)):
        parts.extend((f"{label}/{name}", data) for name, data in _tree(folder).items())
    parts.append(("tools", json.dumps(tool_versions(), sort_keys=True).encode()))
    parts.append(("python", sys.version.encode()))
    digest = sha256(b"".join(name.encode() + b"\0" + sha256(data).encode() + b"\n" for name, data in parts))
    return digest


def _diff(name: str, expected: bytes, actual: bytes) -> list[str]:
    try:
        a, b = actual.decode().splitlines(keepends=True), expected.decode().splitlines(keepends=True)
    except UnicodeDecodeError:
        return [f"binary file {name} differs\n"]
    return list(difflib.unified_diff(a, b, f"committed/{name}", f"regenerated/{name}"))


def compare(expected: dict[str, bytes], actual: dict[str, bytes]) -> list[str]:
    """Unified diff lines turning ``actual`` (committed) into ``expected`` (regenerated)."""
    lines: list[str] = []
    for name in sorted(expected.keys() | actual.keys()):
        if name not in actual:
            lines.append(f"missing file: {name} (the pipeline writes it)\n")
        elif name not in expected:
            lines.append(f"extra file: {name} (the pipeline does not write it)\n")
        elif expected[name] != actual[name]:
            lines.extend(_diff(name, expected[name], actual[name]))
    return lines


def run(layout: Layout = REPO, *, use_cache: bool = True) -> str:
    """Return a one-line verdict, or raise StaleError with the diff."""
    key = cache_key(layout) if use_cache else None
    if key is not None and CACHE.exists() and json.loads(CACHE.read_text()).get("key") == key:
        return "up to date (fast path: inputs, pipeline, tools and outputs unchanged since the last full check)"
    with tempfile.TemporaryDirectory(prefix="heygen-verify-") as tmp:
        outputs = build(layout, Path(tmp))
        expected = {f"generated/{k}": v for k, v in _tree(outputs.generated).items()}
        expected["openapi/heygen-api.patched.json"] = outputs.patched_text.encode()
        expected["openapi/manifest.json"] = outputs.manifest_text.encode()
    actual = {f"generated/{k}": v for k, v in _tree(layout.generated).items()}
    for name in ("heygen-api.patched.json", "manifest.json"):
        path = layout.openapi / name
        if path.exists():
            actual[f"openapi/{name}"] = path.read_bytes()
    lines = compare(expected, actual)
    if lines:
        shown = "".join(lines[:MAX_DIFF_LINES])
        more = f"... ({len(lines) - MAX_DIFF_LINES} more diff lines)\n" if len(lines) > MAX_DIFF_LINES else ""
        raise StaleError(
            f"committed files differ from what the pipeline writes:\n{shown}{more}"
            f"run `{REGENERATE_COMMAND}` and commit the result"
        )
    if key is not None:
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        CACHE.write_text(json.dumps({"key": key}))
    return "up to date: openapi/ and generated/ are exactly what the pipeline writes"
