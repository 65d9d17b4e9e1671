"""Paths, operations, parameters, request bodies, responses and components of two documents."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codegen.diff.spec import Doc, Node, pascal, pointer, python_name, view

if TYPE_CHECKING:
    from codegen.diff.compare import Comparer

from codegen.diff.compare import METHODS, Ctx


def _deref_value(doc: Doc, value: Any, ptr: str) -> tuple[Any, str]:
    node = doc.deref(Node(value, ptr))
    return node.value, node.ptr


def _operations(doc: Doc, path: str) -> tuple[dict[str, Any], dict[str, tuple[dict[str, Any], str]], str]:
    paths = doc.root.get("paths") or {}
    item, ptr = _deref_value(doc, paths.get(path), pointer("", "paths", path))
    item = item if isinstance(item, dict) else {}
    ops = {m: (item[m], pointer(ptr, m)) for m in METHODS if isinstance(item.get(m), dict)}
    return item, ops, ptr


def compare_operations(c: Comparer) -> None:
    """Walk every path and operation of both documents and record what changed."""
    bpaths, rpaths = c.base.root.get("paths") or {}, c.rev.root.get("paths") or {}
    for path in sorted(set(bpaths) | set(rpaths)):
        bitem, bops, bptr = _operations(c.base, path)
        ritem, rops, rptr = _operations(c.rev, path)
        for method in METHODS:
            operation = f"{method.upper()} {path}"
            if method in bops and method not in rops:
                op, ptr = bops[method]
                deprecated = op.get("deprecated") is True
                how = "with" if deprecated else "without"
                rule = f"api-path-removed-{how}-deprecation" if not rops else f"api-removed-{how}-deprecation"
                text = f"Removed {operation}" + (" (it was deprecated)." if deprecated else ".")
                c.emit(rule, direction="none", operation=operation, path=ptr, text=text)
            elif method in rops and method not in bops:
                c.emit(
                    "endpoint-added",
                    direction="none",
                    operation=operation,
                    path=rops[method][1],
                    text=f"Added {operation}.",
                )
            elif method in bops:
                _operation(c, operation, (bitem, bptr, *bops[method]), (ritem, rptr, *rops[method]))
    _components(c)


def _operation(c: Comparer, operation: str, b: tuple[Any, ...], r: tuple[Any, ...]) -> None:
    bitem, bitem_ptr, bop, bptr = b
    ritem, ritem_ptr, rop, rptr = r
    none: dict[str, Any] = {"direction": "none", "operation": operation}
    bid, rid = str(bop.get("operationId") or ""), str(rop.get("operationId") or "")
    if bid != rid:
        if bid:
            text = f"The operationId of {operation} changed from `{bid}` to `{rid}`." if rid else ""
            c.emit(
                "api-operation-id-removed",
                path=pointer(rptr if rid else bptr, "operationId"),
                text=text or f"Removed operationId `{bid}` from {operation}.",
                details={"from": bid, "to": rid},
                **none,
            )
        else:
            c.emit(
                "api-operation-id-added",
                path=pointer(rptr, "operationId"),
                text=f"Added operationId `{rid}` to {operation}.",
                details={"to": rid},
                **none,
            )
    _tags(c, none, bop=bop, rop=rop, bptr=bptr, rptr=rptr)
    if bool(bop.get("deprecated")) != bool(rop.get("deprecated")):
        rule = "endpoint-deprecated" if rop.get("deprecated") else "endpoint-reactivated"
        c.emit(rule, path=pointer(rptr, "deprecated"), text=f"{operation} was {rule.split('-')[1]}.", **none)
    if c.include_docs:
        c._docs(operation, Node(bop, bptr), Node(rop, rptr))
    names = (pascal(bid or operation.lower()), pascal(rid or operation.lower()))
    _parameters(c, operation, names, (bitem, bitem_ptr, bop, bptr), (ritem, ritem_ptr, rop, rptr))
    _request_body(c, operation, names, bop=bop, bptr=bptr, rop=rop, rptr=rptr)
    _responses(c, operation, names, bop=bop, bptr=bptr, rop=rop, rptr=rptr)


def _tags(c: Comparer, none: dict[str, Any], *, bop: dict[str, Any], rop: dict[str, Any], bptr: str, rptr: str) -> None:
    btags = [str(t) for t in bop.get("tags") or []]
    rtags = [str(t) for t in rop.get("tags") or []]
    # openapi-python-client files an endpoint under its first tag (api/<tag>/), or api/default/.
    bmodule, rmodule = (btags or ["default"])[0], (rtags or ["default"])[0]
    for tag in sorted(set(btags) - set(rtags)):
        c.emit(
            "api-tag-removed",
            path=pointer(bptr, "tags"),
            text=f"Removed tag `{tag}` from {none['operation']}.",
            details={"tag": tag},
            client_level="ERR" if tag == bmodule != rmodule else "INFO",
            **none,
        )
    for tag in sorted(set(rtags) - set(btags)):
        c.emit(
            "api-tag-added",
            path=pointer(rptr, "tags"),
            text=f"Added tag `{tag}` to {none['operation']}.",
            details={"tag": tag},
            client_level="ERR" if tag == rmodule != bmodule else "INFO",
            **none,
        )


def _params(doc: Doc, item: dict[str, Any], item_ptr: str, op: dict[str, Any], op_ptr: str) -> dict[Any, Any]:
    found: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
    for owner, ptr in ((item, item_ptr), (op, op_ptr)):
        for index, raw in enumerate(owner.get("parameters") or []):
            value, where = _deref_value(doc, raw, pointer(ptr, "parameters", index))
            if isinstance(value, dict) and "name" in value:
                found[(str(value.get("in", "")), str(value["name"]))] = (value, where)
    return found


def _parameters(c: Comparer, operation: str, names: tuple[str, str], b: tuple[Any, ...], r: tuple[Any, ...]) -> None:
    bparams, rparams = _params(c.base, *b), _params(c.rev, *r)
    for key in sorted(bparams.keys() | rparams.keys()):
        where, name = key
        attribute = python_name(name)
        common: dict[str, Any] = {"direction": "request", "operation": operation, "attribute": attribute}
        d = {"in": where, "name": name}
        if key not in rparams:
            c.emit(
                "request-parameter-removed",
                path=bparams[key][1],
                details=d,
                text=f"Removed {where} parameter `{name}` from {operation}.",
                **common,
            )
            continue
        rvalue, rptr = rparams[key]
        required = rvalue.get("required") is True
        if key not in bparams:
            rule = "new-required-request-parameter" if required else "new-optional-request-parameter"
            what = "required" if required else "optional"
            c.emit(
                rule, path=rptr, details=d, text=f"Added {what} {where} parameter `{name}` to {operation}.", **common
            )
            continue
        bvalue, bptr = bparams[key]
        if required != (bvalue.get("required") is True):
            became = "required" if required else "optional"
            c.emit(
                f"request-parameter-became-{became}",
                path=pointer(rptr, "required"),
                details=d,
                text=f"The {where} parameter `{name}` of {operation} became {became}.",
                **common,
            )
        if "schema" in bvalue and "schema" in rvalue:
            ctx = Ctx(
                operation,
                "request",
                "parameter",
                name,
                names[0] + pascal(name),
                names[1] + pascal(name),
                attribute=attribute,
            )
            c.schema(
                ctx, Node(bvalue["schema"], pointer(bptr, "schema")), Node(rvalue["schema"], pointer(rptr, "schema"))
            )


def _content(value: Any) -> dict[str, Any]:
    content = value.get("content") if isinstance(value, dict) else None
    return content if isinstance(content, dict) else {}


def _request_body(
    c: Comparer, operation: str, names: tuple[str, str], *, bop: Any, bptr: str, rop: Any, rptr: str
) -> None:
    common: dict[str, Any] = {"direction": "request", "operation": operation}
    bbody, bbptr = _deref_value(c.base, bop.get("requestBody"), pointer(bptr, "requestBody"))
    rbody, rbptr = _deref_value(c.rev, rop.get("requestBody"), pointer(rptr, "requestBody"))
    if not isinstance(bbody, dict) and not isinstance(rbody, dict):
        return
    if not isinstance(rbody, dict):
        c.emit("request-body-removed", path=bbptr, text=f"Removed the request body of {operation}.", **common)
        return
    required = rbody.get("required") is True
    if not isinstance(bbody, dict):
        rule = "added-required-request-body" if required else "added-optional-request-body"
        c.emit(rule, path=rbptr, text=f"Added a {rule.split('-')[1]} request body to {operation}.", **common)
        return
    if required != (bbody.get("required") is True):
        became = "required" if required else "optional"
        c.emit(
            f"request-body-became-{became}",
            path=pointer(rbptr, "required"),
            text=f"The request body of {operation} became {became}.",
            **common,
        )
    bcontent, rcontent = _content(bbody), _content(rbody)
    for media in sorted(bcontent.keys() | rcontent.keys()):
        d = {"media_type": media}
        if media not in rcontent:
            c.emit(
                "request-body-media-type-removed",
                path=pointer(bbptr, "content", media),
                details=d,
                text=f"{operation} no longer accepts a `{media}` request body.",
                **common,
            )
        elif media not in bcontent:
            c.emit(
                "request-body-media-type-added",
                path=pointer(rbptr, "content", media),
                details=d,
                text=f"{operation} now accepts a `{media}` request body.",
                **common,
            )
        elif isinstance(bcontent[media], dict) and isinstance(rcontent[media], dict):
            bschema, rschema = bcontent[media].get("schema"), rcontent[media].get("schema")
            if bschema is not None and rschema is not None:
                ctx = Ctx(operation, "request", "body", "request body", names[0] + "Body", names[1] + "Body")
                c.schema(
                    ctx,
                    Node(bschema, pointer(bbptr, "content", media, "schema")),
                    Node(rschema, pointer(rbptr, "content", media, "schema")),
                )


def _responses(
    c: Comparer, operation: str, names: tuple[str, str], *, bop: Any, bptr: str, rop: Any, rptr: str
) -> None:
    common: dict[str, Any] = {"direction": "response", "operation": operation}
    bresp = bop.get("responses") if isinstance(bop.get("responses"), dict) else {}
    rresp = rop.get("responses") if isinstance(rop.get("responses"), dict) else {}
    for status in sorted(set(map(str, bresp)) | set(map(str, rresp))):
        kind = "success" if status.startswith("2") else "non-success"
        d = {"status": status}
        bkey = next((k for k in bresp if str(k) == status), None)
        rkey = next((k for k in rresp if str(k) == status), None)
        if rkey is None:
            c.emit(
                f"response-{kind}-status-removed",
                path=pointer(bptr, "responses", status),
                details=d,
                text=f"Removed the {status} response of {operation}.",
                **common,
            )
            continue
        if bkey is None:
            c.emit(
                f"response-{kind}-status-added",
                path=pointer(rptr, "responses", status),
                details=d,
                text=f"Added a {status} response to {operation}.",
                **common,
            )
            continue
        bval, bvptr = _deref_value(c.base, bresp[bkey], pointer(bptr, "responses", status))
        rval, rvptr = _deref_value(c.rev, rresp[rkey], pointer(rptr, "responses", status))
        bcontent, rcontent = _content(bval), _content(rval)
        for media in sorted(bcontent.keys() | rcontent.keys()):
            dm = {"status": status, "media_type": media}
            if media not in rcontent:
                c.emit(
                    "response-media-type-removed",
                    path=pointer(bvptr, "content", media),
                    details=dm,
                    text=f"The {status} response of {operation} no longer has a `{media}` body.",
                    **common,
                )
            elif media not in bcontent:
                c.emit(
                    "response-media-type-added",
                    path=pointer(rvptr, "content", media),
                    details=dm,
                    text=f"The {status} response of {operation} now has a `{media}` body.",
                    **common,
                )
            elif isinstance(bcontent[media], dict) and isinstance(rcontent[media], dict):
                bschema, rschema = bcontent[media].get("schema"), rcontent[media].get("schema")
                if bschema is not None and rschema is not None:
                    label = f"{status} response body"
                    ctx = Ctx(
                        operation,
                        "response",
                        "body",
                        label,
                        f"{names[0]}Response{status}",
                        f"{names[1]}Response{status}",
                    )
                    c.schema(
                        ctx,
                        Node(bschema, pointer(bvptr, "content", media, "schema")),
                        Node(rschema, pointer(rvptr, "content", media, "schema")),
                    )


def _components(c: Comparer) -> None:
    """Component schemas that disappeared without a rename explaining them."""
    bschemas = (c.base.root.get("components") or {}).get("schemas") or {}
    rschemas = (c.rev.root.get("components") or {}).get("schemas") or {}
    for name in sorted(set(bschemas) - set(rschemas) - c._renamed):
        ptr = pointer("", "components", "schemas", name)
        makes_class = view(c.base, c.base.deref(Node(bschemas[name], ptr))).makes_class
        c.emit(
            "api-schema-removed",
            direction="none",
            operation="",
            path=ptr,
            text=f"Removed component schema `{name}`" + (f" (class `{pascal(name)}`)." if makes_class else "."),
            details={"name": name},
            client_level="ERR" if makes_class else "INFO",
        )
