"""A tiny PNG decoder for screenshot tests (no Pillow): 8-bit truecolour (colour type 2) and
truecolour with alpha (colour type 6), not interlaced, the five scanline filters."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {2: 3, 6: 4}


@dataclass(frozen=True, slots=True)
class Image:
    width: int
    height: int
    #: bytes per pixel: 3 (RGB) or 4 (RGBA)
    channels: int
    #: one ``bytes`` per row, ``width * channels`` long, filters undone
    rows: list[bytes]

    def pixel(self, x: int, y: int) -> tuple[int, int, int]:
        start = x * self.channels
        r, g, b = self.rows[y][start : start + 3]
        return (r, g, b)

    def count_in_row(self, y: int, rgb: tuple[int, int, int]) -> int:
        """How many pixels of row ``y`` have exactly this colour (alpha ignored)."""
        row, step, target = self.rows[y], self.channels, bytes(rgb)
        return sum(1 for i in range(0, len(row), step) if row[i : i + 3] == target)


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(kind: int, line: bytearray, previous: bytes, bpp: int) -> bytes:
    if kind == 0:
        return bytes(line)
    if kind == 2:  # Up
        return bytes((x + b) & 0xFF for x, b in zip(line, previous, strict=True))
    if kind == 1:  # Sub
        for i in range(bpp, len(line)):
            line[i] = (line[i] + line[i - bpp]) & 0xFF
        return bytes(line)
    if kind == 3:  # Average
        for i in range(len(line)):
            left = line[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        return bytes(line)
    if kind == 4:  # Paeth
        for i in range(len(line)):
            if i >= bpp:
                line[i] = (line[i] + _paeth(line[i - bpp], previous[i], previous[i - bpp])) & 0xFF
            else:
                line[i] = (line[i] + previous[i]) & 0xFF
        return bytes(line)
    raise ValueError(f"unknown PNG filter type {kind}")


def decode_png(data: bytes) -> Image:
    if not data.startswith(_SIGNATURE):
        raise ValueError("not a PNG file")
    position = len(_SIGNATURE)
    header: tuple[int, int, int, int, int, int, int] | None = None
    compressed = bytearray()
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        chunk = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            compressed += chunk
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("PNG without IHDR")
    width, height, depth, colour, _compression, _filter, interlace = header
    if depth != 8 or colour not in _CHANNELS or interlace != 0:
        raise ValueError(
            f"unsupported PNG: depth {depth}, colour type {colour}, interlace {interlace}"
        )
    channels = _CHANNELS[colour]
    stride = width * channels
    raw = zlib.decompress(bytes(compressed))
    if len(raw) != height * (stride + 1):
        raise ValueError("PNG data has the wrong size")
    rows: list[bytes] = []
    previous = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        line = bytearray(raw[start + 1 : start + 1 + stride])
        previous = _unfilter(raw[start], line, previous, channels)
        rows.append(previous)
    return Image(width, height, channels, rows)
