"""A solid-colour PNG: how a v2 colour background becomes a v3 still-image source.

Written with ``zlib`` and ``struct`` from the standard library (a PNG of one
colour is a header, one compressed run of identical rows and an end chunk),
rather than adding an imaging library as a runtime dependency for it.
"""

from __future__ import annotations

import base64
import struct
import zlib

SIDE = 16  # pixels; v3 center-crops (scales) each scene to its canvas, so the size only needs to be valid


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def solid_png(color: str, *, side: int = SIDE) -> bytes:
    """A square PNG (``side`` pixels a side) of one colour.

    Args:
        color: ``#RRGGBB``.
        side: Width and height in pixels.

    Returns:
        The PNG file's bytes.

    Raises:
        ValueError: ``color`` is not ``#RRGGBB``.
    """
    if len(color) != 7 or color[0] != "#":
        raise ValueError(f"color must be #RRGGBB, got {color!r}")
    rgb = bytes.fromhex(color[1:])
    row = b"\x00" + rgb * side  # filter type 0, then the pixels
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(row * side, 9))
        + _chunk(b"IEND", b"")
    )


def solid_png_base64(color: str) -> str:
    """:func:`solid_png` as base64 text, for a v3 ``{"type": "base64", "media_type": "image/png"}`` source."""
    return base64.b64encode(solid_png(color)).decode("ascii")
