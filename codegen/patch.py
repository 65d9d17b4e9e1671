"""Stage 2, patch: apply OpenAPI Overlay 1.1 documents to the vendored spec.

The vendor spec is never edited by hand.  Each fix is an Overlay action with an
RFC 9535 JSONPath ``target`` and a ``description`` quoting the spec text that
justifies it.  The applier is strict: a target that matches nothing means the
vendor changed the spec under the patch (maybe fixing the bug), so the patch
no longer applies and the run stops, naming the patch and the action.

Semantics follow the Overlay spec: ``update`` merges objects recursively,
appends to arrays and replaces primitives; ``remove: true`` deletes the
targeted nodes; ``copy`` (1.1) merges the single node its JSONPath selects
into each target.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonpath_rfc9535 as jsonpath
import regex
from iregexp_check import check as check_iregexp
from jsonpath_rfc9535.function_extensions._pattern import map_re

from codegen.documents import load_document
from codegen.errors import CodegenError

_ACTION_KINDS = ("update", "remove", "copy")


@dataclass(frozen=True)
class Action:
    """One overlay action, located by its patch file and index for error messages."""

    patch: str
    index: int
    target: str
    description: str
    update: Any = None
    remove: bool = False
    copy: str | None = None

    @property
    def where(self) -> str:
        return f"{self.patch} action {self.index} ({self.description.splitlines()[0][:80]!r})"


def load_overlay(path: Path) -> list[Action]:
    """Read one overlay file and check its shape; every action must carry a description."""
    document = load_document(path)
    name = path.name
    if not isinstance(document, dict) or not re.fullmatch(r"1\.[01]\.\d+", str(document.get("overlay", ""))):
        raise CodegenError(f"{name}: not an Overlay 1.0/1.1 document (missing or unknown 'overlay' version)")
    raw_actions = document.get("actions")
    if not isinstance(raw_actions, list) or not raw_actions:
        raise CodegenError(f"{name}: 'actions' must be a non-empty list")
    actions = []
    for index, raw in enumerate(raw_actions):
        if not isinstance(raw, dict) or not isinstance(raw.get("target"), str):
            raise CodegenError(f"{name} action {index}: needs a string 'target'")
        description = raw.get("description")
        if not isinstance(description, str) or not description.strip():
            raise CodegenError(f"{name} action {index}: needs a 'description' quoting the spec text it fixes")
        kinds = [kind for kind in _ACTION_KINDS if raw.get(kind) not in (None, False)]
        if len(kinds) != 1:
            raise CodegenError(f"{name} action {index}: needs exactly one of update, remove: true, copy")
        action = Action(
            patch=name,
            index=index,
            target=raw["target"],
            description=description.strip(),
            update=raw.get("update"),
            remove=raw.get("remove") is True,
            copy=raw.get("copy"),
        )
        _compile(action.target, action)
        if action.copy is not None:
            _compile(action.copy, action)
        actions.append(action)
    return actions


@functools.lru_cache(maxsize=256)
def _pattern(pattern: str, flags: int) -> Any:
    """``pattern`` (I-Regexp, RFC 9485) as the library's ``search``/``match`` compile it, or ``None`` if invalid."""
    if not check_iregexp(pattern):
        return None
    try:
        return regex.compile(map_re(pattern), flags)
    except regex.error:
        return None


class _Search(jsonpath.function_extensions.Search):
    """The standard ``search``, checking and translating each pattern once instead of once per node."""

    def __call__(self, string: str, pattern: object) -> bool:
        compiled = _pattern(pattern, regex.VERSION1) if isinstance(pattern, str) else None
        try:
            return compiled is not None and bool(compiled.search(string))
        except TypeError:  # a node that is not a string
            return False


class _Match(jsonpath.function_extensions.Match):
    """The standard ``match``, checking and translating each pattern once instead of once per node."""

    def __call__(self, string: str, pattern: object) -> bool:
        compiled = _pattern(pattern, 0) if isinstance(pattern, str) else None
        try:
            return compiled is not None and bool(compiled.fullmatch(string))
        except TypeError:
            return False


class _Environment(jsonpath.JSONPathEnvironment):
    """RFC 9535 JSONPath with the library's own semantics; only ``search``/``match`` remember their patterns.

    The library checks and translates a filter's pattern again for every node it visits: a patch
    with ``search(@.description, ...)`` under ``$..`` did it ~80,000 times per run, most of the
    2.2 s that applying openapi/patches/ took.
    """

    def setup_function_extensions(self) -> None:
        super().setup_function_extensions()
        self.function_extensions["search"] = _Search()
        self.function_extensions["match"] = _Match()


_JSONPATH = _Environment()


def _compile(query: str, action: Action) -> jsonpath.JSONPathQuery:
    try:
        return _JSONPATH.compile(query)
    except jsonpath.JSONPathError as exc:
        raise CodegenError(f"{action.patch} action {action.index}: bad JSONPath {query!r}: {exc}") from None


def merge(target: Any, update: Any) -> Any:
    """Overlay merge: objects recursively, arrays appended, anything else replaced."""
    if isinstance(target, dict) and isinstance(update, dict):
        for key, value in update.items():
            target[key] = merge(target[key], value) if key in target else copy.deepcopy(value)
        return target
    if isinstance(target, list):
        target.extend(copy.deepcopy(update) if isinstance(update, list) else [copy.deepcopy(update)])
        return target
    return copy.deepcopy(update)


def _set(document: Any, location: Sequence[int | str], value: Any) -> None:
    parent = document
    for step in location[:-1]:
        parent = parent[step]
    parent[location[-1]] = value


def apply_action(document: dict[str, Any], action: Action) -> None:
    """Apply one action in place; raise CodegenError if its target matches nothing."""
    nodes = _compile(action.target, action).find(document)
    if not nodes:
        raise CodegenError(
            f"patch no longer applies: {action.where}: target {action.target} matches nothing. "
            "The vendor may have fixed this; check the new spec, then edit or delete the action."
        )
    if action.remove:
        # Delete array items from the highest index down so earlier indices stay valid.
        for node in sorted(
            nodes, key=lambda n: n.location[-1] if n.location and isinstance(n.location[-1], int) else -1, reverse=True
        ):
            parent = node.parent.value if node.parent else None
            if isinstance(parent, list):
                del parent[int(node.location[-1])]
            elif isinstance(parent, dict):
                del parent[node.location[-1]]
            else:
                raise CodegenError(f"{action.where}: cannot remove the document root")
        return
    if action.copy is not None:
        sources = _compile(action.copy, action).find(document)
        if len(sources) != 1:
            raise CodegenError(
                f"patch no longer applies: {action.where}: copy source {action.copy} "
                f"matches {len(sources)} nodes, expected exactly 1"
            )
        update = sources[0].value
    else:
        update = action.update
    for node in nodes:
        if not node.location:
            merge(document, update)
        else:
            _set(document, node.location, merge(node.value, update))


def patch_files(patches_dir: Path) -> list[Path]:
    """The overlays in application order (sorted by file name)."""
    return sorted(p for p in patches_dir.iterdir() if p.name.endswith((".overlay.yaml", ".overlay.json")))


def apply_patches(spec: dict[str, Any], patches: Sequence[Path]) -> dict[str, Any]:
    """Return a patched deep copy of ``spec``; the vendored document is never mutated."""
    document = copy.deepcopy(spec)
    for path in patches:
        for action in load_overlay(path):
            apply_action(document, action)
    return document
