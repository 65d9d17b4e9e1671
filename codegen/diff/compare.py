"""Compare two OpenAPI documents by meaning, operation by operation, schema by schema.

The walk pairs every schema position of the base with the same position of
the revision (operation, request or response, property path), dereferences
both, and compares their ``View``s; a position pair is walked once per
operation, which also stops recursive schemas.  Iteration is always in sorted
order, so the output does not depend on key order in either document.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from codegen.diff.changes import Change, Report, Side, ordered
from codegen.diff.rules import Direction, Level, Profile, level_of
from codegen.diff.spec import Doc, Node, View, canonical, pascal, pointer, python_name, view
from codegen.diff.unions import arm_keys, pair_leftovers

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Formats openapi-python-client maps to a different Python type than the plain JSON type.
PY_TYPED_FORMATS = frozenset({"date-time", "date", "uuid", "binary"})
DOC_KEYS = ("description", "title", "summary", "example", "examples")


@dataclass(frozen=True)
class Ctx:
    """Where in the API a schema sits, and the class names its inline form would get."""

    operation: str
    direction: Direction
    scope: str  # "body", "property" or "parameter"
    label: str
    bname: str
    rname: str
    owner: str = ""
    attribute: str = ""

    def rid(self, kind: str) -> str:
        return f"{self.direction}-{self.scope}-{kind}"

    @property
    def where(self) -> str:
        if self.scope == "body":
            return f"the {self.label}"
        sdk = f" ({self.owner}.{self.attribute})" if self.owner and self.attribute else ""
        return f"{self.direction} {self.scope} `{self.label}`{sdk}"


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _show(value: Any) -> str:
    return f"`{value}`" if isinstance(value, str) else f"`{_json(value)}`"


class Comparer:
    """Collects the changes between ``base`` and ``revision`` for one profile."""

    def __init__(self, base: Doc, revision: Doc, *, profile: Profile, include_docs: bool) -> None:
        self.base, self.rev = base, revision
        self.profile = profile
        self.include_docs = include_docs
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
        owner, attribute = kwargs.pop("owner", ctx.owner), kwargs.pop("attribute", ctx.attribute)
        self.emit(
            ctx.rid(kind),
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
        self._properties(ctx, bv, rv, bclass, rclass)
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
        if bt != rt and ((bt and rt) or (request and not bt) or (not request and not rt)):
            wider = bool(bt) and (not rt or bt <= rt or (bt == {"integer"} and "number" in rt))
            kind = "type-generalized" if request and wider else "type-changed"
            old, new = "/".join(sorted(bt)) or "any", "/".join(sorted(rt)) or "any"
            self.at(
                ctx,
                kind,
                ptr,
                f"The type of {ctx.where} changed from {old} to {new}.",
                details={"from": old, "to": new},
            )
        elif bt and bt == rt and bv.format != rv.format:
            kind = "type-generalized" if request and not rv.format else "type-changed"
            python_type_changes = bool({bv.format, rv.format} & PY_TYPED_FORMATS)
            old, new = bv.format or "no format", rv.format or "no format"
            self.at(
                ctx,
                kind,
                ptr,
                f"The format of {ctx.where} changed from {old} to {new}.",
                details={"from": old, "to": new},
                client_level=None if python_type_changes else "INFO",
            )

    def _nullable(self, ctx: Ctx, bv: View, rv: View, ptr: str) -> None:
        if bv.nullable != rv.nullable:
            kind = "became-nullable" if rv.nullable else "became-not-nullable"
            self.at(ctx, kind, ptr, f"{ctx.where[0].upper()}{ctx.where[1:]} {kind.replace('-', ' ')}.")

    def _enum(self, ctx: Ctx, bv: View, rv: View, ptr: str) -> None:
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
        for key in sorted(old.keys() - new.keys()):
            self.at(
                ctx,
                "enum-value-removed",
                ptr,
                f"Removed enum value {_show(old[key])} from {ctx.where}.",
                details={"value": _json(old[key])},
            )

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

    def _properties(self, ctx: Ctx, bv: View, rv: View, bclass: str, rclass: str) -> None:
        request = ctx.direction == "request"
        for name in sorted(bv.properties.keys() | rv.properties.keys()):
            label = name if ctx.scope == "body" else f"{ctx.label}.{name}"
            attribute = python_name(name)
            owner = rclass or bclass
            shown = f"`{label}`" + (f" ({rclass or bclass}.{attribute})" if rclass or bclass else "")
            d = {"property": name}
            if name not in rv.properties:
                _, ptr = bv.properties[name]
                if request:
                    rule = "request-property-removed"
                elif name in bv.required:
                    rule = "response-required-property-removed"
                else:
                    rule = "response-optional-property-removed"
                text = f"Removed {ctx.direction} property {shown}."
                self.emit(
                    rule,
                    direction=ctx.direction,
                    operation=ctx.operation,
                    path=ptr,
                    text=text,
                    details=d,
                    owner=owner,
                    attribute=attribute,
                )
                continue
            value, ptr = rv.properties[name]
            required = name in rv.required
            if name not in bv.properties:
                if request and required:
                    has_default = isinstance(value, dict) and "default" in value
                    rule = "new-required-request-property" + ("-with-default" if has_default else "")
                elif request:
                    rule = "new-optional-request-property"
                else:
                    rule = f"response-{'required' if required else 'optional'}-property-added"
                what = "required" if required else "optional"
                text = f"Added {what} {ctx.direction} property {shown}."
                self.emit(
                    rule,
                    direction=ctx.direction,
                    operation=ctx.operation,
                    path=ptr,
                    text=text,
                    details=d,
                    owner=owner,
                    attribute=attribute,
                )
                continue
            if required != (name in bv.required):
                became = "required" if required else "optional"
                text = f"The {ctx.direction} property {shown} became {became}."
                self.emit(
                    f"{ctx.direction}-property-became-{became}",
                    direction=ctx.direction,
                    operation=ctx.operation,
                    path=ptr,
                    text=text,
                    details=d,
                    owner=owner,
                    attribute=attribute,
                )
            child = Ctx(
                ctx.operation,
                ctx.direction,
                "property",
                label,
                bclass + pascal(name),
                rclass + pascal(name),
                owner=rclass or bclass,
                attribute=attribute,
            )
            self.schema(child, Node(*bv.properties[name]), Node(value, ptr))

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
) -> Report:
    """Compare two OpenAPI documents.

    Args:
        base: the older document.
        revision: the newer document.
        profile: ``client`` rates changes by their effect on the generated client, ``wire`` as oasdiff does.
        include_docs: also report description, example and ``x-`` extension changes.
        base_label: how the report names the base.
        revision_label: how the report names the revision.

    Returns:
        The report, with changes deduplicated and in a deterministic order.
    """
    from codegen.diff.operations import compare_operations

    comparer = Comparer(Doc(base), Doc(revision), profile=profile, include_docs=include_docs)
    compare_operations(comparer)
    return Report(
        kind="spec",
        base=Side(base_label, comparer.base.version),
        revision=Side(revision_label, comparer.rev.version),
        profile=profile,
        changes=ordered(comparer.changes),
    )
