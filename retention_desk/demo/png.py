"""Tiny PNG images for the demo's media attachments, built with zlib and struct (no Qt, no PIL).

Each image is a two-colour diagonal gradient, so images differ byte for byte and each one is a
separate blob in the archive, as real photos would be.
"""

from __future__ import annotations

import struct
import zlib

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def gradient_png(
    width: int, height: int, start: tuple[int, int, int], end: tuple[int, int, int]
) -> bytes:
    """An 8-bit RGB PNG shading from `start` (top left) to `end` (bottom right)."""
    if width < 1 or height < 1:
        raise ValueError("image must be at least 1x1")
    span = max(width + height - 2, 1)
    # A pixel's colour depends only on x + y, so each diagonal's bytes are computed once.
    diagonal = [
        bytes(round(a + (b - a) * d / span) for a, b in zip(start, end, strict=True))
        for d in range(width + height - 1)
    ]
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type 0 (None) for every scanline
        rows += b"".join(diagonal[y : y + width])
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit, truecolour
    return (
        _SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _chunk(b"IEND", b"")
    )
