"""Keywords compared by presence and value: ``const``, the JSON Schema 2020-12 applicators, ``allOf``, discriminators.

oasdiff checks these keyword by keyword (``checker/check_request_property_*``
and ``check_response_property_*``), each with an ``-added``/``-removed`` (or
``-set``/``-unset``/``-changed``) rule whose level depends on the direction:
a new constraint narrows what a request may send (ERR) and only narrows what a
response may return (INFO); its removal is the reverse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codegen.diff.context import Ctx, _json, _show
from codegen.diff.spec import Node, canonical, pointer

if TYPE_CHECKING:
    from codegen.diff.compare import Comparer

# keyword -> oasdiff's kind stem; each is reported when it appears or disappears.
PRESENCE = {
    "contains": "contains",
    "if": "if",
    "then": "then",
    "else": "else",
    "propertyNames": "property-names",
    "unevaluatedItems": "unevaluated-items",
    "unevaluatedProperties": "unevaluated-properties",
    "contentSchema": "content-schema",
}
# keyword -> kind stem; each key of the keyword's object is reported when it appears or disappears.
KEYED = {"patternProperties": "pattern-property", "dependentSchemas": "dependent-schema"}
# keyword -> kind; any change of value is reported.
CHANGED = {"contentMediaType": "content-media-type-changed", "contentEncoding": "content-encoding-changed"}
# (keyword, kind stem): numbers, reported as -increased / -decreased, or -set when new.
NUMBERS = (
    ("minContains", "min-contains"),
    ("maxContains", "max-contains"),
    ("maxProperties", "max-properties"),
    ("minProperties", "min-properties"),
    ("maxItems", "max-items"),
)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def keyword_changes(c: Comparer, ctx: Ctx, b: Node, r: Node) -> None:
    """Report every keyword-level change between the dereferenced schemas ``b`` and ``r``."""
    bval, rval = _dict(b.value), _dict(r.value)
    _const(c, ctx, bval, rval, r.ptr)
    for keyword, stem in PRESENCE.items():
        if (keyword in bval) != (keyword in rval):
            kind = f"{stem}-added" if keyword in rval else f"{stem}-removed"
            c.at(ctx, kind, pointer(r.ptr if keyword in rval else b.ptr, keyword), _text(kind, keyword, ctx))
    for keyword, stem in KEYED.items():
        bkeys, rkeys = set(_dict(bval.get(keyword))), set(_dict(rval.get(keyword)))
        for key in sorted(rkeys - bkeys):
            text = f"Added `{keyword}` entry `{key}` to {ctx.where}."
            c.at(ctx, f"{stem}-added", pointer(r.ptr, keyword, key), text, details={"key": key})
        for key in sorted(bkeys - rkeys):
            text = f"Removed `{keyword}` entry `{key}` from {ctx.where}."
            c.at(ctx, f"{stem}-removed", pointer(b.ptr, keyword, key), text, details={"key": key})
    _dependent_required(c, ctx, bval, rval, bptr=b.ptr, rptr=r.ptr)
    for keyword, kind in CHANGED.items():
        if bval.get(keyword) != rval.get(keyword):
            old, new = str(bval.get(keyword, "none")), str(rval.get(keyword, "none"))
            text = f"`{keyword}` of {ctx.where} changed from {old} to {new}."
            c.at(ctx, kind, pointer(r.ptr, keyword), text, details={"from": old, "to": new})
    _numbers(c, ctx, bval, rval, r.ptr)
    _flags(c, ctx, bval, rval, r.ptr)
    _prefix_items(c, ctx, bval, rval, bptr=b.ptr, rptr=r.ptr)
    _all_of(c, ctx, bval, rval, bptr=b.ptr, rptr=r.ptr)
    _discriminator(c, ctx, bval, rval, bptr=b.ptr, rptr=r.ptr)


def _text(kind: str, keyword: str, ctx: Ctx) -> str:
    how = "Added" if kind.endswith("-added") else "Removed"
    return f"{how} `{keyword}` {'to' if how == 'Added' else 'from'} {ctx.where}."


def _const(c: Comparer, ctx: Ctx, bval: dict[str, Any], rval: dict[str, Any], ptr: str) -> None:
    if "const" not in bval and "const" not in rval:
        return
    if "const" not in bval:
        kind, text = "const-added", f"Added const {_show(rval['const'])} to {ctx.where}."
    elif "const" not in rval:
        kind, text = "const-removed", f"Removed const {_show(bval['const'])} from {ctx.where}."
    elif canonical(bval["const"]) != canonical(rval["const"]):
        shown = f"{_show(bval['const'])} to {_show(rval['const'])}"
        kind, text = "const-changed", f"The const of {ctx.where} changed from {shown}."
    else:
        return
    details = {"from": _json(bval.get("const")) if "const" in bval else "", "to": _json(rval.get("const"))}
    c.at(ctx, kind, pointer(ptr, "const"), text, details=details)


def _dependent_required(
    c: Comparer, ctx: Ctx, bval: dict[str, Any], rval: dict[str, Any], *, bptr: str, rptr: str
) -> None:
    bdeps, rdeps = _dict(bval.get("dependentRequired")), _dict(rval.get("dependentRequired"))
    for key in sorted(bdeps.keys() | rdeps.keys()):
        if key not in bdeps:
            kind, ptr, how = "dependent-required-added", rptr, "Added"
        elif key not in rdeps:
            kind, ptr, how = "dependent-required-removed", bptr, "Removed"
        elif canonical(sorted(map(str, bdeps[key]))) != canonical(sorted(map(str, rdeps[key]))):
            kind, ptr, how = "dependent-required-changed", rptr, "Changed"
        else:
            continue
        text = f"{how} `dependentRequired` for `{key}` on {ctx.where}."
        c.at(ctx, kind, pointer(ptr, "dependentRequired", key), text, details={"key": key})


def _numbers(c: Comparer, ctx: Ctx, bval: dict[str, Any], rval: dict[str, Any], ptr: str) -> None:
    for keyword, stem in NUMBERS:
        old, new = _number(bval.get(keyword)), _number(rval.get(keyword))
        if old == new or (new is None and old is None):
            continue
        if old is None:
            kind = f"{stem}-set"
        elif new is None:
            kind = f"{stem}-unset"
        else:
            kind = f"{stem}-increased" if new > old else f"{stem}-decreased"
        shown = [("none" if v is None else f"{v:g}") for v in (old, new)]
        text = f"`{keyword}` of {ctx.where} changed from {shown[0]} to {shown[1]}."
        c.at(ctx, kind, pointer(ptr, keyword), text, details={"from": shown[0], "to": shown[1]})


def _flags(c: Comparer, ctx: Ctx, bval: dict[str, Any], rval: dict[str, Any], ptr: str) -> None:
    if (bval.get("uniqueItems") is True) != (rval.get("uniqueItems") is True):
        kind = "unique-items-set" if rval.get("uniqueItems") is True else "unique-items-unset"
        c.at(ctx, kind, pointer(ptr, "uniqueItems"), f"`uniqueItems` of {ctx.where} was {kind.rsplit('-', 1)[1]}.")
    old, new = _number(bval.get("multipleOf")), _number(rval.get("multipleOf"))
    if old != new:
        if old is None:
            kind = "multiple-of-set"
        elif new is None:
            kind = "multiple-of-unset"
        elif ctx.direction == "request" and (old / new).is_integer():
            kind = "multiple-of-generalized"  # every old multiple is a new one: requests that passed still pass
        elif ctx.direction == "response" and (new / old).is_integer():
            kind = "multiple-of-specialized"
        else:
            kind = "multiple-of-changed"
        shown = [("none" if v is None else f"{v:g}") for v in (old, new)]
        text = f"`multipleOf` of {ctx.where} changed from {shown[0]} to {shown[1]}."
        c.at(ctx, kind, pointer(ptr, "multipleOf"), text, details={"from": shown[0], "to": shown[1]})


def _prefix_items(c: Comparer, ctx: Ctx, bval: dict[str, Any], rval: dict[str, Any], *, bptr: str, rptr: str) -> None:
    bitems, ritems = _list(bval.get("prefixItems")), _list(rval.get("prefixItems"))
    for index in range(len(bitems), len(ritems)):
        text = f"Added `prefixItems` entry {index} to {ctx.where}."
        c.at(ctx, "prefix-items-added", pointer(rptr, "prefixItems", index), text, details={"index": str(index)})
    for index in range(len(ritems), len(bitems)):
        text = f"Removed `prefixItems` entry {index} from {ctx.where}."
        c.at(ctx, "prefix-items-removed", pointer(bptr, "prefixItems", index), text, details={"index": str(index)})


def _arm_key(arm: Any) -> str:
    if isinstance(arm, dict) and isinstance(arm.get("$ref"), str) and len(arm) == 1:
        return str(arm["$ref"])
    return canonical(arm)


def _all_of(c: Comparer, ctx: Ctx, bval: dict[str, Any], rval: dict[str, Any], *, bptr: str, rptr: str) -> None:
    barms, rarms = _list(bval.get("allOf")), _list(rval.get("allOf"))
    bkeys = {_arm_key(arm): i for i, arm in enumerate(barms)}
    rkeys = {_arm_key(arm): i for i, arm in enumerate(rarms)}
    for key in sorted(rkeys.keys() - bkeys.keys()):
        shown = key if key.startswith("#") else f"#{rkeys[key]}"
        text = f"Added `allOf` subschema `{shown}` to {ctx.where}."
        kind = "all-of-added" + _annotation_only(c.rev.deref(Node(rarms[rkeys[key]], rptr)).value)
        c.at(ctx, kind, pointer(rptr, "allOf", rkeys[key]), text, details={"subschema": key})
    for key in sorted(bkeys.keys() - rkeys.keys()):
        shown = key if key.startswith("#") else f"#{bkeys[key]}"
        text = f"Removed `allOf` subschema `{shown}` from {ctx.where}."
        kind = "all-of-removed" + _annotation_only(c.base.deref(Node(barms[bkeys[key]], bptr)).value)
        c.at(ctx, kind, pointer(bptr, "allOf", bkeys[key]), text, details={"subschema": key})


# Keywords that describe a schema without constraining it.
ANNOTATIONS = frozenset(
    {"description", "title", "example", "examples", "deprecated", "readOnly", "writeOnly", "$comment", "externalDocs"}
)


def _annotation_only(arm: Any) -> str:
    """``-annotation-only`` for an ``allOf`` arm that constrains nothing (oasdiff rates those INFO)."""
    if isinstance(arm, dict) and arm and all(k in ANNOTATIONS or k.startswith("x-") for k in arm):
        return "-annotation-only"
    return ""


def _discriminator(c: Comparer, ctx: Ctx, bval: dict[str, Any], rval: dict[str, Any], *, bptr: str, rptr: str) -> None:
    bdisc, rdisc = bval.get("discriminator"), rval.get("discriminator")
    if not isinstance(bdisc, dict) and not isinstance(rdisc, dict):
        return
    if not isinstance(bdisc, dict) or not isinstance(rdisc, dict):
        kind = "discriminator-added" if isinstance(rdisc, dict) else "discriminator-removed"
        where = pointer(rptr if isinstance(rdisc, dict) else bptr, "discriminator")
        c.at(
            ctx, kind, where, f"{'Added a' if kind.endswith('added') else 'Removed the'} discriminator of {ctx.where}."
        )
        return
    old_name, new_name = str(bdisc.get("propertyName", "")), str(rdisc.get("propertyName", ""))
    if old_name != new_name:
        text = f"The discriminator property of {ctx.where} changed from `{old_name}` to `{new_name}`."
        where = pointer(rptr, "discriminator", "propertyName")
        c.at(ctx, "discriminator-property-name-changed", where, text, details={"from": old_name, "to": new_name})
    bmap, rmap = _dict(bdisc.get("mapping")), _dict(rdisc.get("mapping"))
    for tag in sorted(rmap.keys() - bmap.keys()):
        text = f"Added discriminator tag `{tag}` (-> `{rmap[tag]}`) to {ctx.where}."
        where = pointer(rptr, "discriminator", "mapping", tag)
        c.at(ctx, "discriminator-mapping-added", where, text, details={"tag": tag, "to": str(rmap[tag])})
    for tag in sorted(bmap.keys() - rmap.keys()):
        text = f"Removed discriminator tag `{tag}` (-> `{bmap[tag]}`) from {ctx.where}."
        where = pointer(bptr, "discriminator", "mapping", tag)
        c.at(ctx, "discriminator-mapping-deleted", where, text, details={"tag": tag, "from": str(bmap[tag])})
    for tag in sorted(bmap.keys() & rmap.keys()):
        if bmap[tag] != rmap[tag]:
            text = f"Discriminator tag `{tag}` of {ctx.where} now maps to `{rmap[tag]}` (was `{bmap[tag]}`)."
            where = pointer(rptr, "discriminator", "mapping", tag)
            details = {"tag": tag, "from": str(bmap[tag]), "to": str(rmap[tag])}
            c.at(ctx, "discriminator-mapping-changed", where, text, details=details)
