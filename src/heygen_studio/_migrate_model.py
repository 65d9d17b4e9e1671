"""The vocabulary of the v2 → v3 mapping table: targets, rows, scene rules and the value converters.

The table itself is ``_migrate_table``; its path syntax is described there.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import attrs

from heygen_studio._migrate_png import solid_png_base64

OMIT = object()
"""A ``Target.values`` result: the v2 value is what v3 does when the field is absent, so nothing is written."""


class Inexact(Exception):
    """A converter found no exact v3 value: ``nearest`` is written and the v2 leaf is recorded as dropped."""

    def __init__(self, nearest: Any, reason: str) -> None:
        super().__init__(reason)
        self.nearest = nearest
        self.reason = reason


Convert = Callable[[Any, Mapping[str, Any]], Any]


@attrs.frozen
class Target:
    """Where a v2 value goes in v3, and how it is translated.

    Attributes:
        path: The v3 path (see the module docstring); it applies only in scene kinds that have its slots.
        values: v2 value → v3 value; a value not listed is dropped (``OMIT``: carried by writing nothing).
        convert: ``(value, v2 parent object) -> v3 value``; may raise ``Inexact``.
        also: Further v3 paths set alongside, to constants or ``convert``-style callables.
    """

    path: str
    values: Mapping[Any, Any] | None = None
    convert: Convert | None = None
    also: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class Row:
    """One v2 field: the targets tried in order (the first whose slots the scene kind has), and the quotes.

    Attributes:
        v2: The v2 path pattern.
        targets: Where it goes; empty when v3 has no equivalent.
        v2_says: A quote from the v2 description of the field (or of its object).
        v3_says: A quote from the v3 description of the target, or of what replaces the field.
        lost: Why the value is dropped where no target applies (or its value is not in ``values``).
    """

    v2: str
    targets: tuple[Target, ...]
    v2_says: str
    v3_says: str
    lost: str | None = None


@attrs.frozen
class SceneRule:
    """Which v3 scene a v2 scene becomes, by what it has; the first matching rule wins.

    Attributes:
        person: Whether the v2 scene has a ``character``.
        voices: The v2 voice types it applies to (``None``: no voice).
        backgrounds: The v2 background types it applies to (``None``: no background).
        kind: The v3 scene type, or ``None`` when v3 cannot express the scene.
        give_up: What the nearest faithful scene does without (``character``, ``background``, ``voice``).
        problem: Why v3 cannot express the scene, quoting v3.
    """

    person: bool
    voices: frozenset[str | None]
    backgrounds: frozenset[str | None]
    kind: str | None = None
    give_up: str | None = None
    problem: str = ""


@attrs.frozen
class Refusal:
    """A v2 value that v3 refuses in the place a scene kind would carry it, so that scene cannot keep its part.

    Attributes:
        part: The part of the v2 scene (``background``).
        field: The field of that part whose value is checked (``url``).
        slots: The slots (``SLOTS``) that would carry the part; scene kinds without them drop it anyway.
        pattern: The pattern v3 holds the value to (a regular expression, matched at the start).
        problem: Why, quoting v3.
    """

    part: str
    field: str
    slots: frozenset[str]
    pattern: str
    problem: str


# -- converters ---------------------------------------------------------------------------------------------

ASPECT_RATIOS = ("16:9", "9:16", "4:5", "5:4", "1:1")  # v3 `aspect_ratio` enum, less 'auto'
RESOLUTIONS = {720: "720p", 1080: "1080p", 2160: "4k"}  # short edge in pixels → v3 `resolution`


def _frame(parent: Mapping[str, Any]) -> tuple[int, int]:
    from heygen_studio._migrate_spec import v2_default

    width = parent.get("width", v2_default("dimension.width"))
    height = parent.get("height", v2_default("dimension.height"))
    return int(width), int(height)


def aspect_ratio(_: Any, parent: Mapping[str, Any]) -> str:
    """The v3 ``aspect_ratio`` of a v2 pixel ``dimension`` (``Inexact`` when v3 has no such ratio)."""
    width, height = _frame(parent)
    if width > 0 and height > 0:
        ratio = Fraction(width, height)
        exact = f"{ratio.numerator}:{ratio.denominator}"
        if exact in ASPECT_RATIOS:
            return exact
        nearest = min(ASPECT_RATIOS, key=lambda name: abs(math.log(width / height / _ratio(name))))
    else:
        nearest = "16:9"
    raise Inexact(nearest, f"{width}x{height} is no v3 aspect ratio ({', '.join(ASPECT_RATIOS)}); wrote {nearest}")


def _ratio(name: str) -> float:
    wide, high = name.split(":")
    return int(wide) / int(high)


def resolution(_: Any, parent: Mapping[str, Any]) -> str:
    """The v3 ``resolution`` of a v2 pixel ``dimension``: its short edge (``Inexact`` off 720, 1080, 2160)."""
    short = min(_frame(parent))
    if short in RESOLUTIONS:
        return RESOLUTIONS[short]
    nearest = RESOLUTIONS[min(RESOLUTIONS, key=lambda edge: abs(edge - short))]
    edges = ", ".join(map(str, RESOLUTIONS))
    raise Inexact(nearest, f"a short edge of {short} px is no v3 resolution ({edges} px); wrote {nearest}")


def seconds(value: Any, _: Mapping[str, Any]) -> int | float:
    """A v2 numeric string of seconds as a v3 number (``"2"`` → ``2``, ``"2.5"`` → ``2.5``)."""
    number = float(value)
    return int(number) if number.is_integer() else number


def png(value: Any, _: Mapping[str, Any]) -> str:
    """A v2 hex colour as a solid-colour PNG, base64-encoded, for a v3 still-image source."""
    return solid_png_base64(str(value))
