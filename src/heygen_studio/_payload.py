"""Turn what a caller passes (attrs models, dicts, or a mix of both) into plain wire JSON.

The generated ``to_dict`` methods cannot do this alone: a ``VideoInput`` whose
``character`` is a plain dict (``VideoInput(character={"type": "avatar", ...})``)
raises ``AttributeError`` inside them, and a dict may hold models at any depth.
So one walker handles both, with the model's wire names taken from the patched
spec, and ``UNSET`` (the one "not given" sentinel) dropped wherever it appears
as a field value.
"""

from __future__ import annotations

import json
import marshal
from collections.abc import Mapping
from typing import Any

import attrs
from heygen_studio_api.types import Unset

from heygen_studio._checks import MAX_DEPTH
from heygen_studio._errors import RequestValidationError, Violation

# Per model class: (attribute name, wire name) pairs, in the spec's property order.
_WIRE_FIELDS: dict[type, tuple[tuple[str, str], ...]] = {}


def is_model(value: object) -> bool:
    """Whether ``value`` is an attrs model instance (a generated model, or a caller's own attrs class)."""
    return attrs.has(type(value))


def to_wire(value: Any, _depth: int = 0) -> Any:
    """A JSON-ready copy of ``value``: models become dicts, tuples become lists, ``UNSET`` fields vanish.

    Anything else (including values JSON cannot represent) is passed through
    unchanged, so the validator can name it instead of ``json.dumps`` failing
    later. Beyond ``MAX_DEPTH`` levels containers are passed through as they are,
    so a payload that contains itself ends here rather than in ``RecursionError``.

    A plain dict or list (built only of dicts, lists, tuples, str, int, float,
    bool and ``None``: no models, no ``UNSET``, no subclasses) is copied whole in C
    by ``_plain_copy``, several times faster than the walk; the copy is as deep and
    as independent of the caller's objects as the walk's, and a self-containing one
    stays self-containing, for the validator to report.
    """
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if _depth == 0 and (kind is dict or kind is list):
        copied = _plain_copy(value)
        if copied is not None:
            return copied
    if _depth > MAX_DEPTH:
        return value  # the validator reports the nesting
    if kind is dict:
        return {key: to_wire(item, _depth + 1) for key, item in value.items() if not isinstance(item, Unset)}
    if kind is list or kind is tuple:
        return [to_wire(item, _depth + 1) for item in value]
    if attrs.has(kind):
        return _model_to_wire(value, _depth)
    if isinstance(value, Mapping):
        return {key: to_wire(item, _depth + 1) for key, item in value.items() if not isinstance(item, Unset)}
    return value


def _plain_copy(value: dict[Any, Any] | list[Any]) -> Any:
    """A deep copy of a tree of plain JSON values, or ``None`` when it holds anything else.

    ``marshal`` (the standard library's serializer of built-in values, used here
    only within this process on data it just wrote) refuses subclasses (an
    ``IntEnum``, a ``dict`` subclass), every non-built-in object (a model, ``UNSET``)
    and a tree nested deeper than its own limit with ``ValueError``; those take the
    walk in ``to_wire``. It also copies a few built-in non-JSON values (bytes, sets,
    complex numbers) that the validator then names; a ``bytearray`` or
    ``memoryview`` becomes ``bytes`` in the copy (and is named as ``bytes``).

    The copy is then scanned (without building anything) for tuples, which the walk
    turns into lists: any tuple sends the value down the walk. The scan visits at
    most one container per byte of marshal's output, which a tree never exceeds;
    a value that contains itself (marshal keeps the cycle) or shares containers
    many times over runs out of that budget and takes the walk too, which stops
    at ``MAX_DEPTH`` as before.
    """
    try:
        data = marshal.dumps(value)
    except (ValueError, RecursionError):
        return None
    copied = marshal.loads(data)
    budget = len(data)
    stack = [copied]
    while stack:
        container = stack.pop()
        for item in container.values() if type(container) is dict else container:
            kind = type(item)
            if kind is dict or kind is list:
                budget -= 1
                if budget < 0:
                    return None
                stack.append(item)
            elif kind is tuple:
                return None
    return copied


def _model_to_wire(model: Any, depth: int) -> dict[str, Any]:
    kind = type(model)
    fields = _WIRE_FIELDS.get(kind)
    if fields is None:
        fields = _WIRE_FIELDS[kind] = _wire_fields(kind)
    wire: dict[str, Any] = {}
    for attribute, name in fields:
        item = getattr(model, attribute)
        if not isinstance(item, Unset):
            wire[name] = to_wire(item, depth + 1)
    extra = getattr(model, "additional_properties", None)
    if isinstance(extra, dict):
        for key, item in extra.items():
            if not isinstance(item, Unset):
                wire[key] = to_wire(item, depth + 1)
    return wire


def _wire_fields(kind: type) -> tuple[tuple[str, str], ...]:
    from heygen_studio_api.schema import SCHEMAS

    # openapi-python-client appends "_" to names that clash with Python
    # (`type` becomes `type_`); the spec's own property names undo that.
    properties: Mapping[str, Any] = SCHEMAS.get(kind.__name__, {}).get("properties", {})
    by_attribute: dict[str, str] = {}
    for field in attrs.fields(kind):
        if field.name == "additional_properties":
            continue
        if field.name in properties:
            by_attribute[field.name] = field.name
        elif field.name.endswith("_") and field.name[:-1] in properties:
            by_attribute[field.name] = field.name[:-1]
        else:
            by_attribute[field.name] = field.name.removesuffix("_") if not properties else field.name
    order = {name: index for index, name in enumerate(properties)}
    pairs = sorted(by_attribute.items(), key=lambda pair: order.get(pair[1], len(order)))
    return tuple(pairs)


def encode_json(payload: Any) -> bytes:
    """The UTF-8 JSON of a validated payload, exactly as validated.

    Raises:
        RequestValidationError: The payload cannot be encoded (a lone surrogate, a
            value nested too deeply or containing itself); nothing was sent.
    """
    try:
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    except UnicodeEncodeError:
        path = _first_unencodable(payload)
        message = "must be valid Unicode text (it holds a lone surrogate, which UTF-8 cannot encode)"
        raise RequestValidationError([Violation(path, message, "encoding")]) from None
    except (ValueError, TypeError, RecursionError) as exc:
        message = f"cannot be encoded as JSON ({type(exc).__name__}: {str(exc)[:120]})"
        raise RequestValidationError([Violation("", message, "encoding")]) from None


def _first_unencodable(payload: Any) -> str:
    # Iterative, so a deep payload cannot make the search itself recurse too far.
    stack: list[tuple[str, Any]] = [("", payload)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            try:
                value.encode()
            except UnicodeEncodeError:
                return path
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                if isinstance(key, str) and _unencodable(key):
                    return path
                stack.append((f"{path}.{key}" if path else str(key), item))
        elif isinstance(value, (list, tuple)):
            stack.extend(
                (f"{path}.{index}" if path else str(index), item) for index, item in reversed(list(enumerate(value)))
            )
    return ""


def _unencodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return True
    return False
