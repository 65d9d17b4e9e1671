"""Request validation, compiled from the patched spec: ``validate_request`` and ``prepare_request``.

No rule of HeyGen's API is written down here. The rules come from
``heygen_studio_api.schema`` (the patched components, every operation's request
body, and their ``x-heygen-rules``); the modules behind this one only know what
each JSON Schema keyword and each rule kind means:

- ``_checks``: error records, JSON's types, how values are shown, and whether a
  payload is JSON at all (lone surrogates, huge ints, deep nesting, non-JSON
  objects; a tuple is an array, as ``json.dumps`` sends it).
- ``_scalars``, ``_unions``, ``_rules``, ``_schema_compile``: the compiler that
  turns a schema into checker closures reporting every violation with its
  HeyGen-style path (``video_inputs.0.voice.audio_url``). They are the verdict.
- ``_standard_schema``: the same schema as standard JSON Schema (Draft 2020-12),
  the form the tests and the benchmark hand to jsonschema / jsonschema-rs.
- ``_schema_gate``: that form in Draft 4 for jsonschema-rs, whose "valid" comes
  first and fast where it can see every value; its "no" sends the payload to
  the checkers.

One verdict: every front door (this module, the CLI, MockHeyGen, ``generate``)
calls :func:`validate_request`/:func:`prepare_request`/:func:`prepare_body`, and
a payload passes only if it is JSON that ``json.dumps(...).encode("utf-8")`` can
send and that satisfies the schema; the checkers test both in one walk.
:func:`prepare_body`, which must encode the body anyway, lets the encoding do the
first half on its fast path (see there).
"""

from __future__ import annotations

import json
import marshal
import warnings
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from heygen_studio_api.types import UNSET, Unset

from heygen_studio._checks import (
    WRONG_VARIANT,
    SchemaCompileError,
    _Check,
    _Error,
    json_problems,
)
from heygen_studio._errors import HeyGenWarning, RequestValidationError, Violation
from heygen_studio._payload import encode_json, is_model, to_wire

if TYPE_CHECKING:
    from attrs import AttrsInstance
    from heygen_studio_api.models import CreateVideoRequest

    from heygen_studio._schema_compile import _Compiler

__all__ = ["WRONG_VARIANT", "SchemaCompileError", "_Compiler", "prepare_request", "validate_request"]

#: The operation ``validate_request`` and ``prepare_request`` check when none is named.
DEFAULT_OPERATION = "POST /v2/video/generate"


class _Operation:
    """One operation's compiled request-body checks, built on first use and then reused.

    ``check`` (compiled Python checkers) is the verdict and explains every failure; ``gate``
    (jsonschema-rs, see ``_schema_gate``) says "valid" first, fast, where the schema lets it see every
    value (``None`` elsewhere). The tests hold the two to the same verdict.
    """

    __slots__ = ("_sent_gate", "check", "gate", "name", "schema", "schemas")

    def __init__(self, name: str, schemas: Mapping[str, Any], schema: Mapping[str, Any]) -> None:
        self.name = name
        self.schemas = schemas
        self.schema = schema
        # The compiler and the gate (with jsonschema-rs) load with the first operation checked, not at import.
        from heygen_studio._schema_compile import _Compiler
        from heygen_studio._schema_gate import gate

        self.check: _Check = _Compiler(schemas).compile(schema, where=name)
        self.gate = gate(schemas, schema)
        self._sent_gate: Callable[[Any], bool] | Unset | None = UNSET  # built on first use

    @property
    def sent_gate(self) -> Callable[[Any], bool] | None:
        """The gate for a payload that is also encoded (``gate(..., encoded=True)``), built on first use."""
        if isinstance(self._sent_gate, Unset):
            from heygen_studio._schema_gate import gate

            self._sent_gate = gate(self.schemas, self.schema, encoded=True) if self.gate is not None else None
        return self._sent_gate

    def errors(self, payload: Any) -> list[_Error] | None:
        """The check's errors, with a self-referencing or very deep payload (under a recursive schema) as one."""
        try:
            return self.check(payload)
        except RecursionError:
            return json_problems(payload) or [_Error("depth", "nested too deeply to check")]

    def verdict(self, payload: Any) -> list[_Error] | None:
        """``None`` when ``payload`` is valid, else every violation.

        The gate's "valid" is final; its "no" (or a raise) only means "look closer": it also says no
        to a numeric 0 (see ``_schema_gate``), so the checkers decide.
        """
        if self.gate is not None:
            try:
                if self.gate(payload):
                    return None
            except Exception:
                pass
        return self.errors(payload)


_operations: dict[str, _Operation] = {}


def operations() -> frozenset[str]:
    """Every operation of the generated spec with a JSON request body (what ``operation=`` takes)."""
    from heygen_studio_api.schema import INLINE_REQUEST_BODIES, REQUEST_BODIES

    return frozenset({*REQUEST_BODIES, *INLINE_REQUEST_BODIES})


def __getattr__(name: str) -> Any:
    # ``_Compiler`` stays importable from here without loading the compiler at import time.
    if name == "_Compiler":
        from heygen_studio._schema_compile import _Compiler

        return _Compiler
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def request_body_schema(operation: str) -> tuple[dict[str, Any], Mapping[str, Any]]:
    """``(components, schema)`` of an operation's JSON request body in the generated spec.

    Raises:
        ValueError: The spec has no operation of that name with a JSON request body; the message lists those it has.
    """
    from heygen_studio_api.schema import INLINE_REQUEST_BODIES, REQUEST_BODIES, SCHEMAS

    if operation in REQUEST_BODIES:
        return SCHEMAS, {"$ref": f"#/components/schemas/{REQUEST_BODIES[operation]}"}
    if operation in INLINE_REQUEST_BODIES:
        return SCHEMAS, INLINE_REQUEST_BODIES[operation]
    known = ", ".join(f'"{name}"' for name in sorted(operations()))
    raise ValueError(f"unknown operation {operation!r}: the spec has a JSON request body for {known}")


def _operation(operation: str) -> _Operation:
    found = _operations.get(operation)
    if found is None:
        if not isinstance(operation, str):
            raise TypeError(f"operation must be a string such as {DEFAULT_OPERATION!r}, got {type(operation).__name__}")
        schemas, schema = request_body_schema(operation)
        found = _operations[operation] = _Operation(operation, schemas, schema)
    return found


def _violations(errors: list[_Error], *, strict: bool, stacklevel: int) -> list[Violation]:
    violations = [error.violation() for error in errors]
    if strict:
        return violations
    kept = []
    for violation in violations:
        if violation.rule == WRONG_VARIANT:
            warnings.warn(HeyGenWarning(str(violation)), stacklevel=stacklevel + 1)
        else:
            kept.append(violation)
    return kept


def validate_request(
    payload: Mapping[str, Any] | CreateVideoRequest | AttrsInstance,
    *,
    operation: str = DEFAULT_OPERATION,
    strict: bool = True,
) -> list[Violation]:
    """Check a request body against every rule of the patched spec, without sending it.

    Args:
        payload: The request in wire form (a dict, as sent as JSON) or as a
            model such as ``CreateVideoRequest``.
        operation: Whose request body to check, as ``"METHOD /path"``; any
            operation of the generated spec with a JSON request body.
        strict: When false, fields that apply only to another variant (such as
            ``talking_style`` on an ``avatar`` character) are reported as a
            ``HeyGenWarning`` each instead of being returned.

    Returns:
        Every violation across all scenes, in a deterministic order (what is not
        JSON first, then payload order within an object, then missing required
        fields, then the cross-field rules); empty when the request is valid.

    Raises:
        ValueError: ``operation`` is not an operation of the spec with a JSON request body.
    """
    found = _operations.get(operation) or _operation(operation)
    if type(payload) is not dict:
        # The checkers read models at any depth themselves; a model or mapping at the root becomes a dict.
        payload = to_wire(payload) if is_model(payload) else dict(payload) if isinstance(payload, Mapping) else payload
    errors = found.verdict(payload)
    if errors is None:
        return []  # the common case: a valid dict builds nothing but the empty result
    return _violations(errors, strict=strict, stacklevel=2)


def prepare_request(
    request: CreateVideoRequest | Mapping[str, Any] | AttrsInstance | None,
    fields: Mapping[str, Any],
    *,
    operation: str = DEFAULT_OPERATION,
    strict: bool = True,
) -> dict[str, Any]:
    """Build the JSON body of a request and validate it.

    Args:
        request: A model (``CreateVideoRequest`` for the default operation), or
            a dict in wire form (typed as ``CreateVideoParams``); ``None`` when
            ``fields`` are given instead.
        fields: The request's fields as keyword arguments, with models or dicts
            inside (``video_inputs=[VideoInput(...)]``, ``dimension=Dimension(...)``).
        operation: As for :func:`validate_request`.
        strict: As for :func:`validate_request`.

    Returns:
        A fresh dict ready for ``json.dumps``: models turned into their wire
        form and ``UNSET`` values left out.

    Raises:
        TypeError: Both a request and fields were given, or neither, or the
            request is neither a model nor a mapping.
        ValueError: ``operation`` is not an operation of the spec with a JSON request body.
        RequestValidationError: The request breaks at least one rule; it lists all of them.
    """
    if request is not None and fields:
        raise TypeError(f"pass either a request or its fields as keyword arguments, not both (got {sorted(fields)})")
    if request is None:
        if not fields:
            raise TypeError("nothing to send: pass a CreateVideoRequest, a dict, or the request's fields")
        source: Any = fields
    elif isinstance(request, Mapping) or is_model(request):
        source = request
    else:
        raise TypeError(f"expected a CreateVideoRequest or a dict, got {type(request).__name__}")
    found = _operations.get(operation) or _operation(operation)
    payload: dict[str, Any] = to_wire(source)
    errors = found.verdict(payload)
    if errors is None:
        return payload
    violations = _violations(errors, strict=strict, stacklevel=3)
    if violations:
        raise RequestValidationError(violations)
    return payload


def prepare_body(
    request: CreateVideoRequest | Mapping[str, Any] | AttrsInstance | None,
    fields: Mapping[str, Any],
    *,
    operation: str = DEFAULT_OPERATION,
    strict: bool = True,
) -> tuple[bytes, Any]:
    """The exact bytes to send for a request body, validated, and the payload they encode.

    The same verdict as :func:`prepare_request`, and the same bytes as ``encode_json`` of its
    result, in one pass where it can: a plain dict (of exact JSON types) is copied by
    ``marshal`` (in C, no other code can reach the copy), the copy is checked by the operation's
    ``sent_gate`` and encoded by ``json.dumps(..., allow_nan=False).encode("utf-8")``, which
    refuses what that gate leaves out (lone surrogates, ints past the digit limit, NaN, cycles,
    values that are not JSON). Both must say yes; anything else takes :func:`prepare_request`,
    whose checkers decide and explain. The bytes are those of the copy the gate saw, so a caller
    mutating its dict meanwhile cannot change what is sent; a tuple is sent as the array the gate
    read it as.

    Raises:
        As :func:`prepare_request`; also ``RequestValidationError`` when the payload cannot be encoded.
    """
    source = request if not fields else fields if request is None else None
    if type(source) is dict:
        found = _operations.get(operation) or _operation(operation)
        sent = found.sent_gate
        if sent is not None:
            done = _encoded_if_valid(source, sent)
            if done is not None:
                return done
    payload = prepare_request(request, fields, operation=operation, strict=strict)
    return encode_json(payload), payload


def _encoded_if_valid(source: dict[Any, Any], sent_gate: Callable[[Any], bool]) -> tuple[bytes, Any] | None:
    """``(bytes, copy)`` when a private copy of ``source`` passes ``sent_gate`` and encodes; else ``None``."""
    try:
        copy = marshal.loads(marshal.dumps(source))
        if sent_gate(copy) is not True:
            return None
        # check_circular=False: the copy is the process's own, and a cycle in it ends in RecursionError (caught)
        # where json's own check would raise ValueError; skipping the check saves ~15% of the encoding (timeit).
        text = json.dumps(copy, ensure_ascii=False, separators=(",", ":"), allow_nan=False, check_circular=False)
        return text.encode(), copy
    except Exception:  # marshal's ValueError, the gate's raise, json's errors, RecursionError, UnicodeEncodeError
        return None
