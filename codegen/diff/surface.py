"""The public Python API of two generated trees, compared with griffe: what callers will see break.

Each package (``heygen_studio_api``, and ``heygen_studio`` when given) is
loaded statically with griffe and flattened to one entry per public module,
class, function, parameter list, attribute and re-export.  Comparing the
entries names the break in Python terms: a removed class or keyword argument,
an attribute that lost its default (now required by the attrs ``__init__``),
a ``Literal`` alias that lost a value, a changed annotation.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codegen.diff.changes import Change, Report, Side, ordered
from codegen.diff.rules import Level
from codegen.errors import CodegenError

PACKAGES = ("heygen_studio_api", "heygen_studio")
_PUBLIC_DUNDERS = frozenset({"__init__", "__call__", "__enter__", "__exit__", "__aenter__", "__aexit__", "__iter__"})


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    annotation: str
    default: str | None


@dataclass(frozen=True)
class Entry:
    """One public API object, reduced to what a caller depends on."""

    kind: str  # module, class, function, attribute, export
    annotation: str = ""
    params: tuple[Param, ...] = ()
    returns: str = ""
    has_default: bool = False
    literal: tuple[str, ...] | None = None  # the values of a ``X = Literal[...]`` alias
    bases: tuple[str, ...] = ()


def _public(name: str) -> bool:
    return not name.startswith("_") or name in _PUBLIC_DUNDERS


def _literal_values(value: str) -> tuple[str, ...] | None:
    try:
        node = ast.parse(value, mode="eval").body
    except SyntaxError:
        return None
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "Literal"):
        return None
    items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    return tuple(sorted(repr(item.value) for item in items if isinstance(item, ast.Constant)))


class _LiteralSkeleton(ast.NodeTransformer):
    """Replace every ``Literal[...]`` in an annotation by ``Literal``, collecting the values."""

    def __init__(self) -> None:
        self.values: set[str] = set()

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        if isinstance(node.value, ast.Name) and node.value.id == "Literal":
            self.values.update(_literal_values(ast.unparse(node)) or ())
            return ast.Name(id="Literal", ctx=ast.Load())
        return self.generic_visit(node)


def literal_delta(old: str, new: str) -> tuple[list[str], list[str]] | None:
    """``(added, removed)`` Literal values when two annotations differ only in them, else None."""
    try:
        trees = [ast.parse(text, mode="eval") for text in (old, new)]
    except SyntaxError:
        return None
    skeletons = [_LiteralSkeleton(), _LiteralSkeleton()]
    shapes = [ast.dump(skeleton.visit(tree)) for skeleton, tree in zip(skeletons, trees, strict=True)]
    if shapes[0] != shapes[1]:
        return None
    before, after = skeletons[0].values, skeletons[1].values
    return sorted(after - before), sorted(before - after)


def _annotation(c: _Collector, path: str, where: str, old: str, new: str, **details: str) -> None:
    delta = literal_delta(old, new)
    if delta is None:
        c.add("python-annotation-changed", "WARN", path, f"{where} changed type from `{old}` to `{new}`.", **details)
        return
    added, removed = delta
    for value in added:
        c.add(
            "python-literal-value-added",
            "INFO",
            path,
            f"{where} accepts the new value {value}.",
            value=value,
            **details,
        )
    for value in removed:
        c.add(
            "python-literal-value-removed", "ERR", path, f"{where} no longer accepts {value}.", value=value, **details
        )


def _flatten(obj: Any, path: str, out: dict[str, Entry]) -> None:
    kind = obj.kind.value
    if kind == "module":
        out[path] = Entry("module")
        exported = obj.members.get("__all__")
        names_all = _literal_all(exported.value) if exported is not None and not exported.is_alias else None
        for name in sorted(obj.members):
            member = obj.members[name]
            if not _public(name) or name.startswith("__"):
                continue
            if member.is_alias:
                # Imports are API only where a package re-exports them (its __init__ or __all__).
                if obj.is_init_module or (names_all is not None and name in names_all):
                    out[f"{path}.{name}"] = Entry("export")
                continue
            _flatten(member, f"{path}.{name}", out)
    elif kind == "class":
        out[path] = Entry("class", bases=tuple(str(b) for b in obj.bases))
        for name in sorted(obj.members):
            member = obj.members[name]
            if _public(name) and not member.is_alias:
                _flatten(member, f"{path}.{name}", out)
    elif kind == "function":
        params = tuple(
            Param(p.name, p.kind.value, str(p.annotation or ""), None if p.default is None else str(p.default))
            for p in obj.parameters
        )
        out[path] = Entry("function", params=params, returns=str(obj.returns or ""))
    elif kind == "attribute":
        value = "" if obj.value is None else str(obj.value)
        literal = _literal_values(value) if "module-attribute" in obj.labels else None
        out[path] = Entry(
            "attribute", annotation=str(obj.annotation or ""), has_default=obj.value is not None, literal=literal
        )


def _literal_all(value: Any) -> set[str] | None:
    try:
        names = ast.literal_eval(str(value))
    except (ValueError, SyntaxError):
        return None
    return {str(n) for n in names} if isinstance(names, (list, tuple)) else None


_SPEC_VERSION = re.compile(r"^SPEC_VERSION(?::[^=]*)? = (['\"])(?P<v>[^'\"]*)\1$", re.MULTILINE)


def spec_version(root: Path) -> str:
    """The ``info.version`` a generated tree was built from (its ``schema.SPEC_VERSION``), or ""."""
    path = root / "heygen_studio_api" / "schema.py"
    match = _SPEC_VERSION.search(path.read_text(encoding="utf-8")) if path.is_file() else None
    return match.group("v") if match else ""


def load_surface(root: Path, packages: Iterable[str] = PACKAGES) -> dict[str, Entry]:
    """The public API entries of every package in ``packages`` found under ``root``."""
    import griffe

    out: dict[str, Entry] = {}
    for package in packages:
        if not (root / package).is_dir():
            continue
        try:
            module = griffe.load(package, search_paths=[str(root)], allow_inspection=False, resolve_aliases=False)
        except Exception as exc:  # griffe raises several types; one line is enough for a CLI
            raise CodegenError(f"{root / package}: griffe cannot load it: {exc}") from None
        _flatten(module, package, out)
    return out


class _Collector:
    def __init__(self) -> None:
        self.changes: list[Change] = []

    def add(self, rule: str, level: Level, path: str, text: str, **details: str) -> None:
        owner = path.rsplit(".", 2)[-2] if path.count(".") >= 2 else ""
        self.changes.append(
            Change(rule, level, "none", "", path, text, tuple(sorted(details.items())), owner, path.rsplit(".", 1)[-1])
        )


def _compare_function(c: _Collector, path: str, old: Entry, new: Entry) -> None:
    before = {p.name: (i, p) for i, p in enumerate(old.params)}
    after = {p.name: (i, p) for i, p in enumerate(new.params)}
    for name in sorted(before.keys() - after.keys()):
        c.add("python-parameter-removed", "ERR", path, f"Parameter `{name}` of `{path}` was removed.", param=name)
    for name in sorted(after.keys() - before.keys()):
        p = after[name][1]
        if p.default is None and p.kind not in ("variadic positional", "variadic keyword"):
            c.add(
                "python-parameter-added-required",
                "ERR",
                path,
                f"`{path}` has a new required parameter `{name}`.",
                param=name,
            )
        else:
            c.add(
                "python-parameter-added-optional",
                "INFO",
                path,
                f"`{path}` has a new optional parameter `{name}`.",
                param=name,
            )
    for name in sorted(before.keys() & after.keys()):
        (bi, b), (ai, a) = before[name], after[name]
        where = f"parameter `{name}` of `{path}`"
        if b.kind != a.kind:
            c.add(
                "python-parameter-kind-changed",
                "ERR",
                path,
                f"The {where} changed from {b.kind} to {a.kind}.",
                param=name,
            )
        elif bi != ai and "positional" in a.kind:
            c.add("python-parameter-moved", "WARN", path, f"The {where} moved from position {bi} to {ai}.", param=name)
        if b.annotation != a.annotation:
            _annotation(c, path, f"The {where}", b.annotation, a.annotation, param=name)
        if b.default is not None and a.default is None:
            c.add("python-parameter-became-required", "ERR", path, f"The {where} lost its default.", param=name)
        elif b.default != a.default and b.default is not None:
            c.add(
                "python-parameter-default-changed",
                "WARN",
                path,
                f"The default of {where} changed from `{b.default}` to `{a.default}`.",
                param=name,
            )
    if old.returns != new.returns:
        c.add(
            "python-return-annotation-changed",
            "WARN",
            path,
            f"`{path}` now returns `{new.returns}` instead of `{old.returns}`.",
        )


def _compare_attribute(c: _Collector, path: str, old: Entry, new: Entry) -> None:
    if old.annotation != new.annotation:
        _annotation(c, path, f"`{path}`", old.annotation, new.annotation)
    class_field = path.count(".") >= 2 and old.literal is None and new.literal is None
    if class_field and old.has_default and not new.has_default and old.annotation:
        c.add("python-attribute-became-required", "ERR", path, f"`{path}` lost its default: it is now required.")
    if old.literal is not None and new.literal is not None:
        for value in sorted(set(new.literal) - set(old.literal)):
            c.add("python-literal-value-added", "INFO", path, f"`{path}` accepts the new value {value}.", value=value)
        for value in sorted(set(old.literal) - set(new.literal)):
            c.add("python-literal-value-removed", "ERR", path, f"`{path}` no longer accepts {value}.", value=value)


def diff_surfaces(
    roots: Sequence[tuple[Path, Path]], *, packages: Iterable[str] = PACKAGES, labels: tuple[str, str] | None = None
) -> Report:
    """Compare the public API found under each ``(old_root, new_root)`` pair.

    Args:
        roots: folder pairs holding the packages (a ``generated/`` and optionally a ``src/`` pair).
        packages: the package names to look for under each root.
        labels: how the report names the two sides (default: the folders).

    Returns:
        A report of kind ``surface``; every change is ERR, WARN or INFO for a caller of the package.

    Raises:
        CodegenError: a folder does not exist or griffe cannot load a package in it.
    """
    packages = tuple(packages)
    old: dict[str, Entry] = {}
    new: dict[str, Entry] = {}
    for old_root, new_root in roots:
        for root in (old_root, new_root):
            if not root.is_dir():
                raise CodegenError(f"{root}: not a folder")
        old.update(load_surface(old_root, packages))
        new.update(load_surface(new_root, packages))
    c = _Collector()
    for path in sorted(old.keys() - new.keys()):
        if path.rsplit(".", 1)[0] in old.keys() - new.keys():
            continue  # the enclosing module or class is reported instead
        c.add(f"python-{old[path].kind}-removed", "ERR", path, f"Removed {old[path].kind} `{path}`.")
    for path in sorted(new.keys() - old.keys()):
        if path.rsplit(".", 1)[0] not in new.keys() - old.keys():
            c.add(f"python-{new[path].kind}-added", "INFO", path, f"Added {new[path].kind} `{path}`.")
    for path in sorted(old.keys() & new.keys()):
        before, after = old[path], new[path]
        if before.kind != after.kind:
            c.add("python-kind-changed", "ERR", path, f"`{path}` changed from a {before.kind} to a {after.kind}.")
        elif before.kind == "function":
            _compare_function(c, path, before, after)
        elif before.kind == "attribute":
            _compare_attribute(c, path, before, after)
        elif before.kind == "class" and before.bases != after.bases:
            c.add("python-class-bases-changed", "WARN", path, f"The bases of `{path}` changed.")
    if labels is None:
        labels = (" + ".join(str(a) for a, _ in roots), " + ".join(str(b) for _, b in roots))
    return Report(
        kind="surface",
        base=Side(labels[0], spec_version(roots[0][0])),
        revision=Side(labels[1], spec_version(roots[0][1])),
        profile="client",
        changes=ordered(c.changes),
    )
