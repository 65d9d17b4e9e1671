"""Security requirements (global and per operation), webhooks, and response headers.

A ``security`` list is a choice of requirements; each requirement names the
schemes that must all be satisfied and their scopes.  oasdiff keys a
requirement by its scheme names: a requirement that disappears is
``api-security-removed`` (a client that used it is refused), a new one is
``api-security-added``; within a kept requirement, a new scope is
``api-security-scope-added`` (the client's token may lack it).  The same rules
apply to the document's top-level ``security`` as ``api-global-security-*``.
The empty requirement ``{}`` (anonymous access) has its own
``*-anonymous-access-removed``/``-added`` rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codegen.diff.spec import Node, pointer, view

if TYPE_CHECKING:
    from codegen.diff.compare import Comparer


#: An empty requirement (``{}``) lets a caller in without credentials; oasdiff names its rules apart.
ANONYMOUS = "(anonymous)"


def _requirements(value: Any) -> dict[str, tuple[int, dict[str, list[str]]]]:
    found: dict[str, tuple[int, dict[str, list[str]]]] = {}
    for index, requirement in enumerate(value if isinstance(value, list) else []):
        if isinstance(requirement, dict):
            schemes = {str(k): [str(s) for s in v] if isinstance(v, list) else [] for k, v in requirement.items()}
            found[" + ".join(sorted(schemes)) or ANONYMOUS] = (index, schemes)
    return found


def compare_security(c: Comparer, bvalue: Any, rvalue: Any, *, operation: str, bptr: str, rptr: str) -> None:
    """Compare two ``security`` lists; ``operation`` is '' for the document's global one."""
    prefix = "api-security" if operation else "api-global-security"
    where = f"{operation}" if operation else "the API"
    none: dict[str, Any] = {"direction": "none", "operation": operation}
    base, revision = _requirements(bvalue), _requirements(rvalue)
    for key in sorted(base.keys() - revision.keys()):
        text = f"Removed security requirement `{key}` from {where}."
        rule = f"{prefix}-anonymous-access-removed" if key == ANONYMOUS else f"{prefix}-removed"
        c.emit(rule, path=pointer(bptr, base[key][0]), text=text, details={"requirement": key}, **none)
    for key in sorted(revision.keys() - base.keys()):
        text = f"Added security requirement `{key}` to {where}."
        rule = f"{prefix}-anonymous-access-added" if key == ANONYMOUS else f"{prefix}-added"
        c.emit(rule, path=pointer(rptr, revision[key][0]), text=text, details={"requirement": key}, **none)
    for key in sorted(base.keys() & revision.keys()):
        (_, bschemes), (index, rschemes) = base[key], revision[key]
        for scheme in sorted(rschemes):
            old, new = set(bschemes.get(scheme, [])), set(rschemes[scheme])
            path = pointer(rptr, index, scheme)
            for scope in sorted(new - old):
                text = f"Added scope `{scope}` to security scheme `{scheme}` of {where}."
                details = {"scheme": scheme, "scope": scope}
                c.emit(f"{prefix}-scope-added", path=path, text=text, details=details, **none)
            for scope in sorted(old - new):
                text = f"Removed scope `{scope}` from security scheme `{scheme}` of {where}."
                details = {"scheme": scheme, "scope": scope}
                c.emit(f"{prefix}-scope-removed", path=path, text=text, details=details, **none)


def compare_webhooks(c: Comparer) -> None:
    """OpenAPI 3.1 ``webhooks``: a webhook (or one of its operations) added or removed."""
    bhooks, rhooks = c.base.root.get("webhooks"), c.rev.root.get("webhooks")
    bhooks = bhooks if isinstance(bhooks, dict) else {}
    rhooks = rhooks if isinstance(rhooks, dict) else {}
    for name in sorted(bhooks.keys() | rhooks.keys()):
        bitem, ritem = bhooks.get(name), rhooks.get(name)
        bops = {m for m in (bitem or {}) if isinstance(bitem, dict) and isinstance(bitem[m], dict)}
        rops = {m for m in (ritem or {}) if isinstance(ritem, dict) and isinstance(ritem[m], dict)}
        for method in sorted(bops - rops):
            path = pointer("", "webhooks", name, method)
            text = f"Removed webhook `{name}` ({method.upper()})."
            c.emit("webhook-removed", direction="none", operation="", path=path, text=text, details={"webhook": name})
        for method in sorted(rops - bops):
            path = pointer("", "webhooks", name, method)
            text = f"Added webhook `{name}` ({method.upper()})."
            c.emit("webhook-added", direction="none", operation="", path=path, text=text, details={"webhook": name})


def compare_headers(c: Comparer, operation: str, status: str, b: tuple[Any, str], r: tuple[Any, str]) -> None:
    """The ``headers`` of one response present on both sides."""
    bheaders = b[0].get("headers") if isinstance(b[0], dict) else None
    rheaders = r[0].get("headers") if isinstance(r[0], dict) else None
    bheaders = bheaders if isinstance(bheaders, dict) else {}
    rheaders = rheaders if isinstance(rheaders, dict) else {}
    common: dict[str, Any] = {"direction": "response", "operation": operation}
    for name in sorted(bheaders.keys() | rheaders.keys(), key=str.lower):
        d = {"status": status, "header": name}
        if name not in rheaders:
            bnode = c.base.deref(Node(bheaders[name], pointer(b[1], "headers", name)))
            required = isinstance(bnode.value, dict) and bnode.value.get("required") is True
            rule = "required-response-header-removed" if required else "optional-response-header-removed"
            text = f"Removed {'required ' if required else ''}response header `{name}` ({status}) of {operation}."
            c.emit(rule, path=bnode.ptr, text=text, details=d, **common)
            continue
        rnode = c.rev.deref(Node(rheaders[name], pointer(r[1], "headers", name)))
        if name not in bheaders:
            c.emit(
                "response-header-added", path=rnode.ptr, text=f"Added response header `{name}` ({status}).", **common
            )
            continue
        bnode = c.base.deref(Node(bheaders[name], pointer(b[1], "headers", name)))
        bval = bnode.value if isinstance(bnode.value, dict) else {}
        rval = rnode.value if isinstance(rnode.value, dict) else {}
        if bval.get("required") is True and rval.get("required") is not True:
            text = f"Response header `{name}` ({status}) of {operation} became optional."
            c.emit("response-header-became-optional", path=rnode.ptr, text=text, details=d, **common)
        if "schema" in bval and "schema" in rval:
            _header_schema(
                c, operation, d, bschema=Node(bval["schema"], pointer(bnode.ptr, "schema")), rptr=rnode.ptr, rval=rval
            )


def _header_schema(c: Comparer, operation: str, d: dict[str, str], *, bschema: Node, rptr: str, rval: Any) -> None:
    bv = view(c.base, c.base.deref(bschema))
    rv = view(c.rev, c.rev.deref(Node(rval["schema"], pointer(rptr, "schema"))))
    common: dict[str, Any] = {"direction": "response", "operation": operation, "details": d}
    where = pointer(rptr, "schema")
    if bv.types and rv.types and (bv.types != rv.types or bv.format != rv.format):
        types = ("/".join(sorted(bv.types)), "/".join(sorted(rv.types)))
        if bv.types == rv.types:
            kind = "generalized" if not rv.format else "specialized" if not bv.format else "changed"
        else:
            kind = {("integer", "number"): "generalized", ("number", "integer"): "specialized"}.get(types, "changed")
        old, new = (f"{t} ({f})" if f else t for t, f in zip(types, (bv.format, rv.format), strict=True))
        text = f"The type of response header `{d['header']}` changed from {old} to {new}."
        c.emit(f"response-header-type-{kind}", path=where, text=text, **common)
    if bv.nullable != rv.nullable:
        rule = "response-header-became-nullable" if rv.nullable else "response-header-became-not-nullable"
        c.emit(rule, path=where, text=f"Response header `{d['header']}` {rule[16:].replace('-', ' ')}.", **common)
