"""Range, length, size and pattern constraints: which way each change moves and what it is called.

A request constraint that gets tighter rejects requests that used to pass; a
response constraint that gets looser lets through values callers never saw.
Bounds are ``(value, exclusive)`` so a 3.0 boolean ``exclusiveMinimum`` and a
3.1 numeric one compare equal.
"""

from __future__ import annotations

from collections.abc import Iterator

from codegen.diff.spec import View

Bound = tuple[float, bool] | None


def _fmt(bound: Bound | int | str | None) -> str:
    if bound is None or bound == "":
        return "none"
    if isinstance(bound, tuple):
        value = int(bound[0]) if bound[0].is_integer() else bound[0]
        return f"{'>' if bound[1] else ''}{value}" if bound[1] else str(value)
    return str(bound)


def _min_key(bound: tuple[float, bool]) -> tuple[float, int]:
    # An exclusive lower bound is tighter than an inclusive one at the same value.
    return (bound[0], 1 if bound[1] else 0)


def _max_key(bound: tuple[float, bool]) -> tuple[float, int]:
    # An exclusive upper bound is tighter (smaller) than an inclusive one at the same value.
    return (bound[0], 0 if bound[1] else 1)


def constraint_changes(direction: str, b: View, r: View) -> Iterator[tuple[str, str, str, str]]:
    """Yield ``(kind, keyword, old, new)`` for each constraint change that has a rule."""
    if direction == "request":
        yield from _request(b, r)
    else:
        yield from _response(b, r)


def _ex(kind: str, *bounds: Bound) -> str:
    """oasdiff names a change of an exclusive bound ``exclusive-min-*``/``exclusive-max-*``."""
    bound = next((b for b in bounds if b is not None), None)
    return f"exclusive-{kind}" if bound is not None and bound[1] else kind


def _request(b: View, r: View) -> Iterator[tuple[str, str, str, str]]:
    if b.minimum != r.minimum:
        if b.minimum is None:
            kind = "min-set"
        elif r.minimum is None or _min_key(r.minimum) < _min_key(b.minimum):
            kind = "min-decreased"
        else:
            kind = "min-increased"
        yield _ex(kind, r.minimum, b.minimum), "minimum", _fmt(b.minimum), _fmt(r.minimum)
    if b.maximum != r.maximum:
        if b.maximum is None:
            kind = "max-set"
        elif r.maximum is None or _max_key(r.maximum) > _max_key(b.maximum):
            kind = "max-increased"
        else:
            kind = "max-decreased"
        yield _ex(kind, r.maximum, b.maximum), "maximum", _fmt(b.maximum), _fmt(r.maximum)
    old, new = b.bounds.get("maxLength"), r.bounds.get("maxLength")
    if old != new:
        kind = "max-length-set" if old is None else "max-length-increased" if new is None or new > old else ""
        yield kind or "max-length-decreased", "maxLength", _fmt(old), _fmt(new)
    old, new = b.bounds.get("minLength", 0), r.bounds.get("minLength", 0)
    if old != new:
        yield ("min-length-increased" if new > old else "min-length-decreased"), "minLength", _fmt(old), _fmt(new)
    old, new = b.bounds.get("minItems"), r.bounds.get("minItems")
    if old != new and new is not None:
        kind = "min-items-set" if old is None else "min-items-increased" if new > old else "min-items-decreased"
        yield kind, "minItems", _fmt(old), _fmt(new)
    if b.pattern != r.pattern:
        kind = "pattern-added" if not b.pattern else "pattern-removed" if not r.pattern else "pattern-changed"
        yield kind, "pattern", _fmt(b.pattern), _fmt(r.pattern)


def _response(b: View, r: View) -> Iterator[tuple[str, str, str, str]]:
    if b.maximum is not None and (r.maximum is None or _max_key(r.maximum) > _max_key(b.maximum)):
        yield _ex("max-increased", r.maximum, b.maximum), "maximum", _fmt(b.maximum), _fmt(r.maximum)
    if b.minimum is not None and (r.minimum is None or _min_key(r.minimum) < _min_key(b.minimum)):
        yield _ex("min-decreased", r.minimum, b.minimum), "minimum", _fmt(b.minimum), _fmt(r.minimum)
    old, new = b.bounds.get("maxLength"), r.bounds.get("maxLength")
    if old is not None and (new is None or new > old):
        yield ("max-length-unset" if new is None else "max-length-increased"), "maxLength", _fmt(old), _fmt(new)
    old_min, new_min = b.bounds.get("minLength", 0), r.bounds.get("minLength", 0)
    if new_min < old_min:
        yield "min-length-decreased", "minLength", _fmt(old_min), _fmt(new_min)
    old, new = b.bounds.get("minItems"), r.bounds.get("minItems")
    if old is not None and (new is None or new < old):
        yield ("min-items-unset" if new is None else "min-items-decreased"), "minItems", _fmt(old), _fmt(new)
    if b.pattern != r.pattern:
        kind = "pattern-added" if not b.pattern else "pattern-removed" if not r.pattern else "pattern-changed"
        yield kind, "pattern", _fmt(b.pattern), _fmt(r.pattern)
