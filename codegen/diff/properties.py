"""Object properties: added, removed, required-ness, readOnly/writeOnly and deprecation flips, then their schemas.

oasdiff guards its response rules with ``writeOnly``: a write-only property is
never sent back, so its removal from a response, or its becoming optional
there, is INFO (``response-*-write-only-property-*``).  Inside an object-valued
parameter, properties take oasdiff's ``request-parameter-property-*`` ids.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codegen.diff.context import Ctx
from codegen.diff.lifecycle import property_deprecation
from codegen.diff.spec import Doc, Node, View, pascal, python_name

if TYPE_CHECKING:
    from codegen.diff.compare import Comparer

_FLAGS = (("writeOnly", "write-only"), ("readOnly", "read-only"))


def _value(doc: Doc, value: Any, ptr: str) -> dict[str, Any]:
    node = doc.deref(Node(value, ptr))
    return node.value if isinstance(node.value, dict) else {}


def compare_properties(c: Comparer, ctx: Ctx, bv: View, rv: View, *, bclass: str, rclass: str) -> None:
    """Report property-level changes of one object schema, then walk each kept property's schema."""
    request = ctx.direction == "request"
    in_parameter = ctx.scope in ("parameter", "parameter-property")
    owner = rclass or bclass
    for name in sorted(bv.properties.keys() | rv.properties.keys()):
        label = name if ctx.scope == "body" else f"{ctx.label}.{name}"
        attribute = python_name(name)
        shown = f"`{label}`" + (f" ({owner}.{attribute})" if owner else "")
        common: dict[str, Any] = {
            "direction": ctx.direction,
            "operation": ctx.operation,
            "details": {"property": name},
            "owner": owner,
            "attribute": attribute,
        }
        if name not in rv.properties:
            bval = _value(c.base, *bv.properties[name])
            if request:
                rule = "request-property-removed"
            else:
                which = "required" if name in bv.required else "optional"
                hidden = "write-only-" if bval.get("writeOnly") is True else ""
                rule = f"response-{which}-{hidden}property-removed"
            if not in_parameter:
                text = f"Removed {ctx.direction} property {shown}."
                c.emit(rule, path=bv.properties[name][1], text=text, **common)
            continue
        value, ptr = rv.properties[name]
        rval = _value(c.rev, value, ptr)
        required = name in rv.required
        write_only = "write-only-" if rval.get("writeOnly") is True else ""  # oasdiff's guard on response rules
        if name not in bv.properties:
            if request and required:
                rule = "new-required-request-property" + ("-with-default" if "default" in rval else "")
            elif request:
                rule = "new-optional-request-property"
            else:
                rule = f"response-{'required' if required else 'optional'}-{write_only}property-added"
            if not in_parameter:
                what = "required" if required else "optional"
                c.emit(rule, path=ptr, text=f"Added {what} {ctx.direction} property {shown}.", **common)
            continue
        bval = _value(c.base, *bv.properties[name])
        if required != (name in bv.required) and not in_parameter:
            became = "required" if required else "optional"
            if request:
                rule = f"request-property-became-{became}" + ("-with-default" if required and "default" in rval else "")
            else:
                rule = f"response-{write_only}property-became-{became}"
            text = f"The {ctx.direction} property {shown} became {became}."
            c.emit(rule, path=ptr, text=text, **common)
        if not in_parameter:
            _flips(c, ctx, was_required=name in bv.required, bval=bval, rval=rval, ptr=ptr, shown=shown, common=common)
        child = Ctx(
            ctx.operation,
            ctx.direction,
            "parameter-property" if in_parameter else "property",
            label,
            bclass + pascal(name),
            rclass + pascal(name),
            owner=owner,
            attribute=attribute,
            read_only=rval.get("readOnly") is True,
            write_only=rval.get("writeOnly") is True,
        )
        c.schema(child, Node(*bv.properties[name]), Node(value, ptr))


def _flips(
    c: Comparer,
    ctx: Ctx,
    *,
    was_required: bool,
    bval: dict[str, Any],
    rval: dict[str, Any],
    ptr: str,
    shown: str,
    common: dict[str, Any],
) -> None:
    which = "required" if was_required else "optional"
    for keyword, flag in _FLAGS:
        old, new = bval.get(keyword) is True, rval.get(keyword) is True
        if old != new:
            rule = f"{ctx.direction}-{which}-property-became-{flag if new else 'not-' + flag}"
            text = f"The {ctx.direction} property {shown} became {'' if new else 'not '}{keyword}."
            c.emit(rule, path=ptr, text=text, **common)
    old, new = bval.get("deprecated") is True, rval.get("deprecated") is True
    if old and not new:
        text = f"The {ctx.direction} property {shown} was reactivated."
        c.emit(f"{ctx.direction}-property-reactivated", path=ptr, text=text, **common)
    elif new and not old:
        rule, details = property_deprecation(c, ctx.direction, rval)
        sunset = f" (sunset {details['sunset']})" if "sunset" in details else ""
        text = f"The {ctx.direction} property {shown} was deprecated{sunset}."
        c.emit(rule, path=ptr, text=text, **{**common, "details": {**common["details"], **details}})
