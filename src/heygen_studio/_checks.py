"""What every validation module shares: error records, JSON's own types, and how values are shown.

Also the one check that no schema states: that a payload is JSON at all (see
:func:`json_problems`), since ``json.dumps(...).encode()`` is what finally
decides whether a request can be sent.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from typing import Any

from heygen_studio._errors import Violation

#: The rule of a field that belongs to a sibling variant (``talking_style`` on an
#: ``avatar``): the only violation ``strict=False`` turns into a HeyGenWarning.
WRONG_VARIANT = "wrong-variant"

#: Containers nested deeper than this are a violation: no HeyGen request comes close (the deepest is
#: about 6), and it keeps every walk (ours, ``json.dumps``, the server's parser) far from recursion limits.
MAX_DEPTH = 64

#: Quoted values and keys longer than this are cut in messages and paths, so a 50 MB key is not repeated whole.
CLIP = 60

# The largest int json.dumps can write: past Python's int-to-str limit (4,300 digits by default) it
# raises ValueError. JSON itself sets no limit, so smaller ints are valid JSON numbers.
_DIGITS = getattr(sys, "get_int_max_str_digits", lambda: 4300)() or 4300
LARGEST = 10**_DIGITS - 1


class SchemaCompileError(Exception):
    """The spec uses a construct this validator does not understand; refuse rather than silently skip it."""


class _Error:
    """A violation on its way up to the root; ``rpath`` is its path, innermost segment first."""

    __slots__ = ("message", "rpath", "rule")

    def __init__(self, rule: str, message: str, *rpath: str | int) -> None:
        self.rule = rule
        self.message = message
        self.rpath: list[str | int] = list(rpath)

    def violation(self) -> Violation:
        return Violation(path=".".join(map(_segment, reversed(self.rpath))), message=self.message, rule=self.rule)


def _segment(part: str | int) -> str:
    return clip(part) if isinstance(part, str) else str(part)


_Errors = list[_Error]
_Check = Callable[[Any], "_Errors | None"]
# An x-heygen-rule: (object, keys whose own checks already failed) -> errors or None.
_Rule = Callable[[dict[str, Any], "set[str] | None"], "_Errors | None"]


def extend(errors: _Errors | None, found: _Errors) -> _Errors:
    if errors is None:
        return found
    errors.extend(found)
    return errors


# -- JSON types -------------------------------------------------------------------------------------------------


def is_integer(value: Any) -> bool:
    # bool is an int subclass in Python but not a JSON number; 1920.0 is not an integer here either.
    return type(value) is int or (isinstance(value, int) and not isinstance(value, bool))


def is_number(value: Any) -> bool:
    kind = type(value)
    if kind is float:
        return bool(value - value == 0.0)  # false for NaN and the infinities, without a call
    if kind is int:
        return True
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value)


def is_boolean(value: Any) -> bool:
    return value is True or value is False


def is_json_string(value: Any) -> bool:
    return isinstance(value, str) and (value.isascii() or not unencodable(value))


def is_json_integer(value: Any) -> bool:
    return is_integer(value) and -LARGEST <= value <= LARGEST


def is_json_number(value: Any) -> bool:
    return is_number(value) and (type(value) is float or -LARGEST <= value <= LARGEST)


#: JSON's types, as JSON sees them: a string UTF-8 can encode, a number a float64 can carry. Containers
#: are tested only for their own type; their contents are their schema's business.
TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "string": is_json_string,
    "integer": is_json_integer,
    "number": is_json_number,
    "boolean": is_boolean,
    "null": lambda value: value is None,
    "object": lambda value: isinstance(value, dict),
    # A tuple is sent as a JSON array (json.dumps, to_wire), so it is one everywhere.
    "array": lambda value: isinstance(value, (list, tuple)),
}


def json_equal(left: Any, right: Any) -> bool:
    """JSON equality: ``1 == 1.0``, but ``true != 1``."""
    if is_boolean(left) or is_boolean(right):
        return left is right
    if is_number(left) and is_number(right):
        return bool(left == right)
    if isinstance(left, str) or isinstance(right, str):
        return type(left) is type(right) and left == right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(json_equal(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(json_equal(left[k], right[k]) for k in left)
    return left is None and right is None


def matcher(options: Sequence[Any]) -> Callable[[Any], bool]:
    """A test for "JSON-equal to one of ``options``", as cheap as the options allow."""
    if all(isinstance(option, str) for option in options):
        strings = frozenset(options)
        return lambda value: isinstance(value, str) and value in strings
    if all(is_number(option) for option in options):
        # Hashing makes 1 and 1.0 one member, as JSON wants; is_number keeps true (== 1) out.
        numbers = frozenset(options)
        return lambda value: (type(value) is float or type(value) is int or is_number(value)) and value in numbers
    if all(is_boolean(option) for option in options):
        return lambda value: any(value is option for option in options)
    return lambda value: any(json_equal(value, option) for option in options)


# -- showing values ---------------------------------------------------------------------------------------------


def clip(text: str, limit: int = CLIP) -> str:
    """``text`` cut to ``limit`` characters, saying how long it was."""
    return text if len(text) <= limit else f"{text[: limit - 3]}... ({len(text):,} characters)"


def show(value: Any) -> str:
    """The offending value as it would look on the wire, with its JSON type."""
    if is_boolean(value):
        return f"boolean {'true' if value else 'false'}"
    if value is None:
        return "null"
    if isinstance(value, str):
        text = repr(value)[1:-1] if len(value) <= CLIP else repr(value[: CLIP - 3])[1:-1] + "..."
        return f'string "{text}"'
    if isinstance(value, int):
        if not -LARGEST <= value <= LARGEST:
            digits = int(value.bit_length() * 0.30103) + 1
            return f"an integer of about {digits:,} digits (more than the {_DIGITS:,} json.dumps can write)"
        return f"integer {clip(str(value))}"
    if isinstance(value, float):
        if math.isfinite(value):
            return f"number {value!r}"
        return f"{'NaN' if math.isnan(value) else ('-' if value < 0 else '') + 'Infinity'} (not a finite number)"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, (list, tuple)):
        return f"an array of {len(value)} item{'' if len(value) == 1 else 's'}"
    return f"a Python {type(value).__name__} (not JSON)"


def literal(value: Any) -> str:
    """A value from the spec, written as JSON."""
    if is_boolean(value):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def fields(names: Sequence[str], joiner: str = ", ") -> str:
    return joiner.join(f"`{name}`" for name in names)


# -- is it JSON at all ------------------------------------------------------------------------------------------


def unencodable(text: str) -> bool:
    """Whether ``text`` has a lone surrogate, which UTF-8 (and so the request body) cannot carry."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _text_problem(text: str, what: str) -> str | None:
    if unencodable(text):
        return f"{what} has a lone surrogate, which UTF-8 cannot encode (not JSON text)"
    return None


def json_problems(payload: Any) -> _Errors | None:
    """Everything in ``payload`` that ``json.dumps(...).encode("utf-8")`` would refuse or silently change.

    Lone surrogates (in values and keys), keys that are not strings, Python objects other than
    ``dict``, ``list``, ``tuple`` (sent as an array), str, int, float, bool and None, NaN and the
    infinities, ints past json.dumps's digit limit, and nesting deeper than :data:`MAX_DEPTH` (which
    is also where a payload that contains itself ends). Iterative, so no input makes it raise
    ``RecursionError``.

    Returns:
        The problems, each at its path, or ``None`` when the payload is plain JSON.
    """
    errors: _Errors | None = None
    # (container, path of the container, depth)
    stack: list[tuple[Any, tuple[str | int, ...], int]] = [(payload, (), 0)]
    if not isinstance(payload, (dict, list, tuple)):
        root = _leaf_problem(payload)
        return None if root is None else [_Error(*root)]
    while stack:
        node, path, depth = stack.pop()
        if depth >= MAX_DEPTH:
            errors = extend(errors, [_Error("depth", f"nested more than {MAX_DEPTH} levels deep", *reversed(path))])
            continue
        is_object = isinstance(node, dict)
        items = node.items() if is_object else enumerate(node)
        for key, item in items:
            if is_object:
                problem = _key_problem(key)
                if problem is not None:
                    shown = key if isinstance(key, str) else clip(repr(key))
                    errors = extend(errors, [_Error("json", problem, shown, *reversed(path))])
                    continue
            if isinstance(item, (dict, list, tuple)):
                stack.append((item, (*path, key), depth + 1))
                continue
            found = _leaf_problem(item)
            if found is not None:
                errors = extend(errors, [_Error(found[0], found[1], key, *reversed(path))])
    if errors is not None:
        errors.sort(key=lambda error: [str(part) for part in reversed(error.rpath)])
    return errors


def _key_problem(key: Any) -> str | None:
    if not isinstance(key, str):
        return f"object keys must be strings, got {show(key)}"
    return _text_problem(key, "this key")


def _leaf_problem(value: Any) -> tuple[str, str] | None:
    """``(rule, message)`` when a value that is not a dict or list cannot be sent as JSON."""
    if isinstance(value, str):
        problem = _text_problem(value, "the string")
        return None if problem is None else ("json", f"{problem}: {show(value)}")
    if value is None or value is True or value is False:
        return None
    if isinstance(value, int):
        return None if -LARGEST <= value <= LARGEST else ("json", f"must be a JSON number, got {show(value)}")
    if isinstance(value, float):
        return None if math.isfinite(value) else ("json", f"must be a JSON number, got {show(value)}")
    if isinstance(value, (dict, list, tuple)):
        return None
    return ("type", f"must be JSON (object, array, string, number, boolean or null), got {show(value)}")


def check_json(value: Any) -> _Errors | None:
    """The checker of a schema that allows any value (``{}``, ``true``): any value that is JSON."""
    kind = type(value)
    if kind is str or kind is bool or value is None or kind is int or kind is float:
        found = _leaf_problem(value)
        return None if found is None else [_Error(*found)]
    if is_plain_json(value):
        return None
    return json_problems(value)


def type_error(expected: str, value: Any) -> _Errors:
    """Why ``value`` is not of the ``expected`` JSON type; a value that is not JSON at all says that instead."""
    # A lone surrogate or a set is better named as such; NaN or a huge int reads well as a wrong type.
    if isinstance(value, str) or not isinstance(value, (dict, list, int, float)):
        found = _leaf_problem(value)
        if found is not None:
            return [_Error(*found)]
    return [_Error("type", f"must be of type {expected}, got {show(value)}")]


def is_plain_json(value: Any, depth: int = 0) -> bool:
    """A fast, strict yes for the common case: exact JSON types all the way down, within :data:`MAX_DEPTH`.

    ``False`` only means "look closer" (:func:`json_problems` and the compiled checkers decide): str or
    int subclasses, for instance, are sent fine by ``json.dumps`` but are not taken here, nor are floats
    with no fraction, which JSON Schema counts as integers and HeyGen's spec does not.
    """
    kind = type(value)
    if kind is dict:
        if depth >= MAX_DEPTH:
            return False
        for key, item in value.items():
            if type(key) is not str or (not key.isascii() and unencodable(key)):
                return False
            kind = type(item)
            if kind is str:
                if not item.isascii() and unencodable(item):
                    return False
            elif kind is dict or kind is list or kind is tuple:
                if not is_plain_json(item, depth + 1):
                    return False
            elif kind is int:
                if not -LARGEST <= item <= LARGEST:
                    return False
            elif kind is float:
                # 1920.0: JSON Schema (and so jsonschema-rs) calls it an integer, we do not; the slow path decides.
                if item - item != 0.0 or item.is_integer():
                    return False
            elif not (kind is bool or item is None):
                return False
        return True
    if kind is list or kind is tuple:
        if depth >= MAX_DEPTH:
            return False
        # The same tests as for a dict's values, repeated rather than called: this loop is the hot path.
        for item in value:
            kind = type(item)
            if kind is str:
                if not item.isascii() and unencodable(item):
                    return False
            elif kind is dict or kind is list or kind is tuple:
                if not is_plain_json(item, depth + 1):
                    return False
            elif kind is int:
                if not -LARGEST <= item <= LARGEST:
                    return False
            elif kind is float:
                if item - item != 0.0 or item.is_integer():
                    return False
            elif not (kind is bool or item is None):
                return False
        return True
    return is_plain_json([value])
