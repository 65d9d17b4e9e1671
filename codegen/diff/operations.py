"""Paths, operations, parameters, request bodies, responses and components of two documents."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from codegen.diff.context import Ctx
from codegen.diff.lifecycle import (
    operation_lifecycle,
    parameter_lifecycle,
    parameter_removal,
    removal_rule,
    stability_of,
)
from codegen.diff.rules import Direction
from codegen.diff.security import compare_headers, compare_security, compare_webhooks
from codegen.diff.spec import Doc, Node, pascal, pointer, python_name, view

if TYPE_CHECKING:
    from codegen.diff.compare import Comparer

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PARAMETER_LIFECYCLE = {
    "request-parameter-deprecated": "was deprecated",
    "request-parameter-reactivated": "was reactivated",
    "request-parameter-deprecated-sunset-missing": "was deprecated without an x-sunset date",
    "request-parameter-sunset-date-too-small": "was deprecated with less notice than the policy requires",
    "request-parameter-sunset-parse": "has an x-sunset that is not a date",
    "request-parameter-sunset-deleted": "lost its x-sunset date",
    "request-parameter-sunset-date-changed-too-small": "had its sunset moved earlier than the policy allows",
}
_TEMPLATE = re.compile(r"\{[^}/]*\}")


def _deref_value(doc: Doc, value: Any, ptr: str) -> tuple[Any, str]:
    node = doc.deref(Node(value, ptr))
    return node.value, node.ptr


def _operations(doc: Doc, path: str) -> tuple[dict[str, Any], dict[str, tuple[dict[str, Any], str]], str]:
    paths = doc.root.get("paths") or {}
    item, ptr = _deref_value(doc, paths.get(path), pointer("", "paths", path))
    item = item if isinstance(item, dict) else {}
    ops = {m: (item[m], pointer(ptr, m)) for m in METHODS if isinstance(item.get(m), dict)}
    return item, ops, ptr


def _template(path: str) -> str:
    return _TEMPLATE.sub("{}", path)


def _pair_paths(bpaths: dict[str, Any], rpaths: dict[str, Any]) -> list[tuple[str | None, str | None]]:
    """Pair paths that differ only in the names of their parameters (``{groupId}`` = ``{group_id}``)."""
    pairs: list[tuple[str | None, str | None]] = [(p, p) for p in sorted(bpaths.keys() & rpaths.keys())]
    bonly = sorted(bpaths.keys() - rpaths.keys())
    ronly = sorted(rpaths.keys() - bpaths.keys())
    by_template: dict[str, list[str]] = {}
    for path in ronly:
        by_template.setdefault(_template(path), []).append(path)
    for path in bonly:
        matches = by_template.get(_template(path), [])
        if len(matches) == 1 and sum(_template(p) == _template(path) for p in bonly) == 1:
            pairs.append((path, matches[0]))
            ronly.remove(matches[0])
        else:
            pairs.append((path, None))
    pairs.extend((None, path) for path in ronly)
    return sorted(pairs, key=lambda pair: str(pair[1] or pair[0]))


def _renames(bpath: str, rpath: str) -> dict[str, str]:
    """Base path-parameter name -> revision name, by position in the template."""
    old, new = _TEMPLATE.findall(bpath), _TEMPLATE.findall(rpath)
    return {o[1:-1]: n[1:-1] for o, n in zip(old, new, strict=False) if o != n}


def compare_operations(c: Comparer) -> None:
    """Walk every path and operation of both documents and record what changed."""
    bpaths, rpaths = c.base.root.get("paths") or {}, c.rev.root.get("paths") or {}
    for bpath, rpath in _pair_paths(bpaths, rpaths):
        if bpath is not None and rpath is not None and c.clean.same(bpaths[bpath], rpaths[rpath]):
            continue  # the same path item, referring only to unchanged components
        bitem, bops, bptr = _operations(c.base, bpath) if bpath is not None else ({}, {}, "")
        ritem, rops, rptr = _operations(c.rev, rpath) if rpath is not None else ({}, {}, "")
        renames = _renames(bpath, rpath) if bpath is not None and rpath is not None else {}
        for method in METHODS:
            operation = f"{method.upper()} {rpath if method in rops else bpath}"
            if method in bops and method not in rops:
                _removed(c, operation, *bops[method], whole_path=not rops)
            elif method in rops and method not in bops:
                c.emit(
                    "endpoint-added",
                    direction="none",
                    operation=operation,
                    path=rops[method][1],
                    text=f"Added {operation}.",
                )
            elif method in bops:
                _operation(c, operation, (bitem, bptr, *bops[method]), (ritem, rptr, *rops[method]), renames=renames)
    _components(c)
    root_security = ("security", c.base.root.get("security"), c.rev.root.get("security"))
    if root_security[1] != root_security[2]:
        compare_security(c, root_security[1], root_security[2], operation="", bptr="/security", rptr="/security")
    compare_webhooks(c)


def _removed(c: Comparer, operation: str, op: dict[str, Any], ptr: str, *, whole_path: bool) -> None:
    if whole_path:
        try:
            if stability_of(op) in ("draft", "alpha"):
                return  # oasdiff lets draft and alpha paths go without notice
        except ValueError:
            return
    found = removal_rule(c, op, whole_path=whole_path)
    if found is None:
        return  # removed after its sunset date, as announced
    rule, details = found
    deprecated = op.get("deprecated") is True
    text = f"Removed {operation}" + (" (it was deprecated)." if deprecated else ".")
    if "sunset" in details:
        text = f"Removed {operation} before its sunset date {details['sunset']}."
    c.emit(rule, direction="none", operation=operation, path=ptr, text=text, details=details)


def _operation(c: Comparer, operation: str, b: tuple[Any, ...], r: tuple[Any, ...], *, renames: dict[str, str]) -> None:
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
    operation_lifecycle(c, operation, bop, rop, rptr)
    if bop.get("security") != rop.get("security"):
        bsec, rsec = pointer(bptr, "security"), pointer(rptr, "security")
        compare_security(c, bop.get("security"), rop.get("security"), operation=operation, bptr=bsec, rptr=rsec)
    if c.include_docs:
        c._docs(operation, Node(bop, bptr), Node(rop, rptr))
    names = (pascal(bid or operation.lower()), pascal(rid or operation.lower()))
    _parameters(c, operation, names, (bitem, bitem_ptr, bop, bptr), (ritem, ritem_ptr, rop, rptr), renames=renames)
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


def _params(
    doc: Doc, item: dict[str, Any], item_ptr: str, op: dict[str, Any], op_ptr: str, *, renames: dict[str, str]
) -> dict[Any, Any]:
    found: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
    for owner, ptr in ((item, item_ptr), (op, op_ptr)):
        for index, raw in enumerate(owner.get("parameters") or []):
            value, where = _deref_value(doc, raw, pointer(ptr, "parameters", index))
            if isinstance(value, dict) and "name" in value:
                where_in, name = str(value.get("in", "")), str(value["name"])
                found[(where_in, renames.get(name, name) if where_in == "path" else name)] = (value, where)
    return found


def _parameters(
    c: Comparer,
    operation: str,
    names: tuple[str, str],
    b: tuple[Any, ...],
    r: tuple[Any, ...],
    *,
    renames: dict[str, str],
) -> None:
    bparams, rparams = _params(c.base, *b, renames=renames), _params(c.rev, *r, renames={})
    try:
        stability: str | None = stability_of(r[2])
    except ValueError:
        stability = None  # reported once, as api-invalid-stability-level
    for key in sorted(bparams.keys() | rparams.keys()):
        where, name = key
        attribute = python_name(name)
        common: dict[str, Any] = {"direction": "request", "operation": operation, "attribute": attribute}
        d = {"in": where, "name": name}
        if key not in rparams:
            found = parameter_removal(c, bparams[key][0])
            if found is not None:
                sunset = f" before its sunset date {found[1]['sunset']}" if "sunset" in found[1] else ""
                text = f"Removed {where} parameter `{name}` from {operation}{sunset}."
                c.emit(found[0], path=bparams[key][1], details={**d, **found[1]}, text=text, **common)
            continue
        rvalue, rptr = rparams[key]
        required = rvalue.get("required") is True
        if key not in bparams:
            rule = "new-required-request-parameter" if required else "new-optional-request-parameter"
            rule = "new-request-path-parameter" if where == "path" else rule
            what = "required" if required else "optional"
            c.emit(
                rule, path=rptr, details=d, text=f"Added {what} {where} parameter `{name}` to {operation}.", **common
            )
            continue
        bvalue, bptr = bparams[key]
        old_name = next((o for o, n in renames.items() if n == name), name) if where == "path" else name
        if python_name(old_name) != attribute and c.profile == "client":
            # oasdiff matches renamed path parameters silently; the generated argument is renamed, though.
            text = f"The path parameter `{old_name}` of {operation} is now `{name}` (argument `{attribute}`)."
            c.emit("request-path-parameter-renamed", path=rptr, details={**d, "from": old_name}, text=text, **common)
        if stability is not None and (found := parameter_lifecycle(c, stability, bvalue, rvalue)) is not None:
            text = f"The {where} parameter `{name}` of {operation} {_PARAMETER_LIFECYCLE[found[0]]}."
            c.emit(found[0], path=rptr, details={**d, **found[1]}, text=text, **common)
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
        rule = "request-body-added-required" if required else "request-body-added-optional"
        c.emit(rule, path=rbptr, text=f"Added a {rule.rsplit('-', 1)[1]} request body to {operation}.", **common)
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
            _schema_presence(c, "request-body", operation, d, b=(bschema, bbptr), r=(rschema, rbptr), media=media)
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
        compare_headers(c, operation, status, (bval, bvptr), (rval, rvptr))
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
                bside, rside = (bschema, bvptr), (rschema, rvptr)
                _schema_presence(c, "response-body", operation, dm, b=bside, r=rside, media=media)
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


def _schema_presence(
    c: Comparer,
    prefix: str,
    operation: str,
    details: dict[str, str],
    *,
    b: tuple[Any, str],
    r: tuple[Any, str],
    media: str,
) -> None:
    """A schema that appears in, or disappears from, a media type both sides have."""
    if (b[0] is None) == (r[0] is None):
        return
    how = "added" if b[0] is None else "removed"
    ptr = pointer(r[1] if how == "added" else b[1], "content", media, "schema")
    text = f"The `{media}` body of {operation} {'gained' if how == 'added' else 'lost'} its schema."
    direction: Direction = "request" if prefix.startswith("request") else "response"
    c.emit(
        f"{prefix}-media-type-schema-{how}",
        direction=direction,
        operation=operation,
        path=ptr,
        text=text,
        details=details,
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
