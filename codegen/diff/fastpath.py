"""The fast path: identical documents and identical subtrees are not walked.

Two subtrees mean the same when their JSON text is the same and every
``$ref`` inside them leads to a component that is the same on both sides,
directly and through the components it refers to.  ``Clean`` serialises each
component once per side (``json.dumps`` runs in C), marks the components
whose text differs, and spreads that mark to every component that refers to a
marked one, so the question "may this subtree differ?" costs one
serialisation of the subtree and a set lookup per reference in it.

The test is exact, never approximate: JSON text tells ``1`` from ``1.0`` and
``true`` from ``1``, so two subtrees it calls the same are the same.  It can
only miss sameness (keys in another order), and then the slow walk runs and
finds nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

_REF = re.compile(r'"\$ref": "((?:[^"\\]|\\.)*)"')
_COMPONENT = re.compile(r"#/components/[^/]+/[^/]+")


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _component_texts(root: Any) -> dict[str, str]:
    components = root.get("components") if isinstance(root, dict) else None
    texts: dict[str, str] = {}
    if not isinstance(components, dict):
        return texts
    for kind, entries in components.items():
        if not isinstance(entries, dict):
            continue
        for name, value in entries.items():
            escaped = str(name).replace("~", "~0").replace("/", "~1")
            texts[f"#/components/{kind}/{escaped}"] = _text(value)
    return texts


def _refs(text: str) -> Iterable[str]:
    for raw in _REF.findall(text):
        yield json.loads(f'"{raw}"') if "\\" in raw else raw


class Clean:
    """Answers whether two subtrees of the two documents are certainly the same."""

    def __init__(self, base: Any, revision: Any) -> None:
        # Python equality is cheap and coarser than JSON text (1 == True), so it only proves difference.
        self.identical = base == revision and _text(base) == _text(revision)
        self._dirty: set[str] = set()
        self._memo: dict[tuple[int, int], bool] = {}
        if self.identical:
            return
        btexts, rtexts = _component_texts(base), _component_texts(revision)
        dirty = {key for key in btexts.keys() | rtexts.keys() if btexts.get(key) != rtexts.get(key)}
        users: dict[str, set[str]] = {}
        for texts in (btexts, rtexts):
            for key, text in texts.items():
                for ref in _refs(text):
                    target = self._component(ref)
                    users.setdefault(target or "", set()).add(key)
        # A reference that is not to a component (a path item, a remote file) could lead anywhere.
        dirty |= users.get("", set())
        stack = list(dirty)
        while stack:
            for user in users.get(stack.pop(), ()):
                if user not in dirty:
                    dirty.add(user)
                    stack.append(user)
        self._dirty = dirty

    @staticmethod
    def _component(ref: str) -> str | None:
        match = _COMPONENT.match(ref)
        return match.group(0) if match else None

    def same(self, base: Any, revision: Any) -> bool:
        """True when ``base`` and ``revision`` are certainly the same, references included."""
        if self.identical:
            return True
        key = (id(base), id(revision))
        known = self._memo.get(key)
        if known is not None:
            return known
        result = bool(base == revision)
        if result:
            text = _text(base)
            result = text == _text(revision) and all(
                (target := self._component(ref)) is not None and target not in self._dirty for ref in _refs(text)
            )
        self._memo[key] = result
        return result
