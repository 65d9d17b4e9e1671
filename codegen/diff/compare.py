"""Compare two OpenAPI documents by meaning, operation by operation, schema by schema.

The walk pairs every schema position of the base with the same position of
the revision (operation, request or response, property path), dereferences
both, and compares their ``View``s; a position pair is walked once per
operation, which also stops recursive schemas.  Iteration is always in sorted
order, so the output does not depend on key order in either document.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from codegen.diff.changes import Change, Report, Side, ordered
from codegen.diff.context import Ctx, _json, _show
from codegen.diff.fastpath import Clean
from codegen.diff.keywords import keyword_changes
from codegen.diff.lifecycle import Policy
from codegen.diff.properties import compare_properties
from codegen.diff.rules import RULES, Direction, Level, Profile, level_of
from codegen.diff.spec import Doc, Node, View, canonical, pascal, pointer, view
from codegen.diff.unions import arm_keys, pair_leftovers

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Formats openapi-python-client maps to a different Python type than the plain JSON type.
PY_TYPED_FORMATS = frozenset({"date-time", "date", "uuid", "binary"})
DOC_KEYS = ("description", "title", "summary", "example", "examples")


class Comparer:
    """Collects the changes between ``base`` and ``revision`` for one profile."""

    def __init__(
        self, base: Doc, revision: Doc, *, profile: Profile, include_docs: bool, policy: Policy | None = None
    ) -> None:
        self.base, self.rev = base, revision
        self.profile = profile
        self.include_docs = include_docs
        self.policy = policy or Policy()
        self.clean = Clean(base.root, revision.root)
        self.changes: list[Change] = []
        self._seen: set[tuple[str, ...]] = set()
        self._renamed: set[str] = set()

    def emit(
        self,
        rule_id: str,
        *,
        direction: Direction,
        operation: str,
        path: str,
        text: str,
        details: dict[str, str] | None = None,
        owner: str = "",
        attribute: str = "",
        client_level: Level | None = None,
    ) -> None:
        level = level_of(rule_id, self.profile, client_level=client_level)
        items = tuple(sorted((details or {}).items()))
        self.changes.append(Change(rule_id, level, direction, operation, path, text, items, owner, attribute))

    def at(self, ctx: Ctx, kind: str, path: str, text: str, **kwargs: Any) -> None:
        """Report ``kind`` at ``ctx``; nothing when oasdiff has no rule for that kind at that scope."""
        rule_id = ctx.rid(kind)
        if rule_id not in RULES:
            return
        owner, attribute = kwargs.pop("owner", ctx.owner), kwargs.pop("attribute", ctx.attribute)
        self.emit(
            rule_id,
            direction=ctx.direction,
            operation=ctx.operation,
            path=path,
            text=text,
            owner=owner,
            attribute=attribute,
            **kwargs,
        )

    # --- schemas ---------------------------------------------------------------------------

    def schema(self, ctx: Ctx, b: Node, r: Node) -> None:
        b, r = self.base.deref(b), self.rev.deref(r)
        key = (ctx.operation, ctx.direction, ctx.scope, b.ptr, r.ptr)
        if key in self._seen:
            return
        self._seen.add(key)
        if b.nullable == r.nullable and b.component == r.component and self.clean.same(b.value, r.value):
            return  # the same subtree, referring only to unchanged components: nothing can differ
        bv, rv = view(self.base, b), view(self.rev, r)
        bclass = pascal(b.component) if b.component else ctx.bname
        rclass = pascal(r.component) if r.component else ctx.rname
        self._names(ctx, b=b, r=r, bv=bv, rv=rv, bclass=bclass, rclass=rclass)
        if self.include_docs:
            self._docs(ctx.operation, b, r)
        if bool(bv.union) != bool(rv.union):
            self._union_reshaped(ctx, bv, rv, r.ptr)
            return
        if bv.union:
            self._arms(ctx, bv, rv, bclass, rclass)
        self._types(ctx, bv, rv, r.ptr)
        self._nullable(ctx, bv, rv, r.ptr)
        self._enum(ctx, bv, rv, r.ptr)
        self._default(ctx, bv, rv, r.ptr)
        self._constraints(ctx, bv, rv, r.ptr)
        keyword_changes(self, ctx, b, r)
        compare_properties(self, ctx, bv, rv, bclass=bclass, rclass=rclass)
        if bv.items is not None and rv.items is not None:
            child = replace(ctx, label=f"{ctx.label}[]" if ctx.scope != "body" else "[]", bname=bclass + "Item")
            self.schema(replace(child, rname=rclass + "Item"), Node(*bv.items), Node(*rv.items))

    def _names(self, ctx: Ctx, *, b: Node, r: Node, bv: View, rv: View, bclass: str, rclass: str) -> None:
        if not (bv.makes_class and rv.makes_class and bclass and rclass) or bclass == rclass:
            return
        if b.component and r.component:
            rule, how = "api-schema-renamed", f"component `{b.component}` was renamed to `{r.component}`"
        elif r.component:
            rule, how = "api-schema-extracted", f"an inline schema moved to component `{r.component}`"
        elif b.component:
            rule, how = "api-schema-inlined", f"component `{b.component}` was inlined"
        else:
            return  # an enclosing rename already explains this one
        self._renamed.add(b.component)
        self.emit(
            rule,
            direction="none",
            operation="",
            path=r.ptr,
            text=f"Generated class `{bclass}` becomes `{rclass}`: {how}.",
            details={"from": bclass, "to": rclass},
            owner=rclass,
        )

    def _union_reshaped(self, ctx: Ctx, bv: View, rv: View, ptr: str) -> None:
        old = bv.union or "/".join(sorted(bv.types)) or "any"
        new = rv.union or "/".join(sorted(rv.types)) or "any"
        if rv.union and ctx.scope == "body":
            text = f"The {ctx.label} became a {new} of {len(rv.arms)} variants."
            self.emit(
                f"{ctx.direction}-body-wrapped-in-one-of",
                direction=ctx.direction,
                operation=ctx.operation,
                path=ptr,
                text=text,
                details={"to": new},
            )
            return
        self.at(
            ctx,
            "type-changed",
            ptr,
            f"The type of {ctx.where} changed from {old} to {new}.",
            details={"from": old, "to": new},
        )

    def _arms(self, ctx: Ctx, bv: View, rv: View, bclass: str, rclass: str) -> None:
        kind = "one-of" if rv.union == "oneOf" else "any-of"
        barms, rarms = arm_keys(self.base, bv, bclass), arm_keys(self.rev, rv, rclass)
        pairs = {key: key for key in barms.keys() & rarms.keys()} | pair_leftovers(barms, rarms)
        target = ctx.owner + "." + ctx.attribute if ctx.owner and ctx.attribute else (rclass or ctx.label)
        for key in sorted(barms.keys() - pairs.keys()):
            node, display, _ = barms[key]
            self.at(
                ctx,
                f"{kind}-removed",
                node.ptr,
                f"Removed variant `{display}` ({key}) from {ctx.where}.",
                details={"variant": key},
                owner=target.split(".")[0],
            )
        for key in sorted(rarms.keys() - set(pairs.values())):
            node, display, _ = rarms[key]
            self.at(
                ctx,
                f"{kind}-added",
                node.ptr,
                f"Added variant `{display}` ({key}) to {ctx.where}.",
                details={"variant": key, "class": display, "target": target},
            )
        for bkey, rkey in sorted(pairs.items()):
            (bn, bdisplay, _), (rn, rdisplay, _) = barms[bkey], rarms[rkey]
            self.schema(replace(ctx, bname=bdisplay, rname=rdisplay), bn, rn)

    def _types(self, ctx: Ctx, bv: View, rv: View, ptr: str) -> None:
        bt, rt = bv.types, rv.types
        request = ctx.direction == "request"
        old, new = "/".join(sorted(bt)) or "any", "/".join(sorted(rt)) or "any"
        details = {"from": old, "to": new}
        text = f"The type of {ctx.where} changed from {old} to {new}."
        if bt and rt and bt != rt and (len(bt) > 1 or len(rt) > 1):
            for kind, moved in (("list-of-types-widened", rt - bt), ("list-of-types-narrowed", bt - rt)):
                if moved:
                    self.at(ctx, kind, ptr, text, details=details)
        elif bt and rt and bt != rt:
            pair = (old, new)
            # oasdiff: integer -> number widens a request (generalized) but is a plain change in a response;
            # number -> integer narrows a response (specialized) but is a plain change in a request.
            kind = (
                "type-generalized"
                if pair == ("integer", "number") and request
                else "type-specialized"
                if pair == ("number", "integer")
                else "type-changed"
            )
            if kind == "type-specialized" and ctx.rid(kind) not in RULES:
                kind = "type-changed"  # oasdiff has no request-side "specialized": narrowing a request is a change
            self.at(ctx, kind, ptr, text, details=details)
        elif bt != rt and ((request and not bt) or (not request and not rt)):
            self.at(ctx, "type-changed", ptr, text, details=details)
        elif bt and bt == rt and bv.format != rv.format:
            if not rv.format:
                kind = "type-generalized"
            elif not bv.format and not request:
                kind = "type-specialized"
            else:
                kind = "type-changed"
            python_type_changes = bool({bv.format, rv.format} & PY_TYPED_FORMATS)
            old, new = bv.format or "no format", rv.format or "no format"
            self.at(
                ctx,
                kind,
                ptr,
                f"The format of {ctx.where} changed from {old} to {new}.",
                details={"from": old, "to": new},
                client_level="ERR" if python_type_changes else "INFO",
            )

    def _nullable(self, ctx: Ctx, bv: View, rv: View, ptr: str) -> None:
        if bv.nullable != rv.nullable:
            kind = "became-nullable" if rv.nullable else "became-not-nullable"
            if ctx.scope == "parameter" and not (bv.nullable_keyword or rv.nullable_keyword):
                # oasdiff reports a 3.1 null type (``[x, "null"]`` or a null arm) on a parameter as a type list change
                kind = "list-of-types-widened" if rv.nullable else "list-of-types-narrowed"
            self.at(ctx, kind, ptr, f"{ctx.where[0].upper()}{ctx.where[1:]} {kind.replace('-', ' ')}.")

    def _enum(self, ctx: Ctx, bv: View, rv: View, ptr: str) -> None:
        if bv.x_enum is not None and rv.x_enum is not None:
            kept = {canonical(v) for v in rv.x_enum}
            for value in bv.x_enum:
                if canonical(value) not in kept:
                    text = f"Removed x-extensible-enum value {_show(value)} from {ctx.where}."
                    self.at(ctx, "x-extensible-enum-value-removed", ptr, text, details={"value": _json(value)})
        if bv.enum is None and rv.enum is None:
            return
        if bv.enum is None or rv.enum is None:
            kind = "became-enum" if rv.enum is not None else "became-not-enum"
            self.at(ctx, kind, ptr, f"{ctx.where[0].upper()}{ctx.where[1:]} {kind.replace('-', ' ')}.")
            return
        old = {canonical(v): v for v in bv.enum}
        new = {canonical(v): v for v in rv.enum}
        open_enum = "INFO" if rv.extensible_enum and ctx.direction == "response" else None
        for key in sorted(new.keys() - old.keys()):
            self.at(
                ctx,
                "enum-value-added",
                ptr,
                f"Added enum value {_show(new[key])} to {ctx.where}.",
                details={"value": _json(new[key])},
                client_level=open_enum,
            )
        removed = "enum-value-removed"
        for key in sorted(old.keys() - new.keys()):
            text = f"Removed enum value {_show(old[key])} from {ctx.where}."
            if ctx.direction == "response" and ctx.scope == "body":
                details = {"value": _json(old[key])}
                self.emit(
                    "response-mediatype-enum-value-removed",
                    direction="response",
                    operation=ctx.operation,
                    path=ptr,
                    text=text,
                    details=details,
                )
                continue
            self.at(ctx, removed, ptr, text, details={"value": _json(old[key])})

    def _default(self, ctx: Ctx, bv: View, rv: View, ptr: str) -> None:
        if [canonical(v) for v in bv.default] == [canonical(v) for v in rv.default]:
            return
        old = _json(bv.default[0]) if bv.default else None
        new = _json(rv.default[0]) if rv.default else None
        if old is None:
            kind, text = "default-value-added", f"Added default {_show(rv.default[0])} to {ctx.where}."
        elif new is None:
            kind, text = "default-value-removed", f"Removed default {_show(bv.default[0])} from {ctx.where}."
        else:
            shown = f"{_show(bv.default[0])} to {_show(rv.default[0])}"
            kind, text = "default-value-changed", f"The default of {ctx.where} changed from {shown}."
        self.at(ctx, kind, ptr, text, details={"from": old or "", "to": new or ""})

    def _constraints(self, ctx: Ctx, bv: View, rv: View, ptr: str) -> None:
        from codegen.diff.constraints import constraint_changes

        for kind, keyword, old, new in constraint_changes(ctx.direction, bv, rv):
            text = f"{keyword} of {ctx.where} changed from {old} to {new}."
            self.at(ctx, kind, ptr, text[0].upper() + text[1:], details={"from": old, "to": new})

    def _docs(self, operation: str, b: Node, r: Node) -> None:
        bval = b.value if isinstance(b.value, dict) else {}
        rval = r.value if isinstance(r.value, dict) else {}
        keys = {
            k for k in bval.keys() | rval.keys() if k in DOC_KEYS or (k.startswith("x-") and k != "x-extensible-enum")
        }
        for key in sorted(keys):
            if canonical(bval.get(key)) != canonical(rval.get(key)):
                where = pointer(r.ptr if key in rval else b.ptr, key)
                self.emit(
                    "api-documentation-changed",
                    direction="none",
                    operation=operation,
                    path=where,
                    text=f"`{key}` changed at {where}.",
                    details={"field": key},
                )


def diff_documents(
    base: dict[str, Any],
    revision: dict[str, Any],
    *,
    profile: Profile = "client",
    include_docs: bool = False,
    base_label: str = "base",
    revision_label: str = "revision",
    policy: Policy | None = None,
) -> Report:
    """Compare two OpenAPI documents.

    Args:
        base: the older document.
        revision: the newer document.
        profile: ``client`` rates changes by their effect on the generated client, ``wire`` as oasdiff does.
        include_docs: also report description, example and ``x-`` extension changes.
        base_label: how the report names the base.
        revision_label: how the report names the revision.
        policy: the deprecation policy (days of notice, today's date); oasdiff's defaults when omitted.

    Returns:
        The report, with changes deduplicated and in a deterministic order.
    """
    from codegen.diff.operations import compare_operations

    comparer = Comparer(Doc(base), Doc(revision), profile=profile, include_docs=include_docs, policy=policy)
    if not comparer.clean.identical:
        compare_operations(comparer)
    return Report(
        kind="spec",
        base=Side(base_label, comparer.base.version),
        revision=Side(revision_label, comparer.rev.version),
        profile=profile,
        changes=ordered(comparer.changes),
    )
