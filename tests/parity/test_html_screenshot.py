"""The HTML parity report as a browser shows it: Debian's headless Chromium renders the file, and
the screenshot must show the summary table's header band and the verdict colours (decoded with
the small PNG reader in :mod:`tests.parity.png`, no Pillow); ``--dump-dom`` must hold the summary
table with every case."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from flask2quart.parity.model import Verdict
from flask2quart.parity.report import write_html
from flask2quart.parity.report.html import SUMMARY_HEADER_RGB, VERDICT_RGB
from tests.parity.png import Image, decode_png
from tests.parity.test_reports import CASE_NAMES, sample_report

TIMEOUT = 60
WIDTH, HEIGHT = 1280, 900


def _chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.skip("chromium is not installed")
    return path


def _run_chromium(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    command = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--hide-scrollbars",
        f"--window-size={WIDTH},{HEIGHT}",
        *arguments,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    path = tmp_path / "parity report.html"
    write_html(sample_report(), path)
    return path


def _widest_band(image: Image, rgb: tuple[int, int, int], rows: range) -> tuple[int, int]:
    """The row (in ``rows``) with the most pixels of colour ``rgb``, and that count."""
    return max(((image.count_in_row(y, rgb), y) for y in rows), default=(0, -1))[::-1]


def _count(image: Image, rgb: tuple[int, int, int]) -> int:
    return sum(image.count_in_row(y, rgb) for y in range(image.height))


def test_screenshot_shows_summary_header_and_verdict_colours(
    tmp_path: Path, report_file: Path
) -> None:
    screenshot = tmp_path / "shot.png"
    result = _run_chromium(tmp_path, f"--screenshot={screenshot}", report_file.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    assert screenshot.is_file(), result.stderr[-2000:]
    image = decode_png(screenshot.read_bytes())
    assert (image.width, image.height) == (WIDTH, HEIGHT)

    # the summary table's header row: a solid band of its colour, in the top half of the page
    row, count = _widest_band(image, SUMMARY_HEADER_RGB, range(image.height // 2))
    assert count >= 200, f"no header band of {SUMMARY_HEADER_RGB} (best row {row}: {count} pixels)"
    band_rows = [
        y for y in range(image.height // 2) if image.count_in_row(y, SUMMARY_HEADER_RGB) >= 200
    ]
    assert len(band_rows) >= 20  # a row of text, not a stray line

    # the verdict cells: 'different' and 'match' are both visible, with their own colours
    for verdict in (Verdict.DIFFERENT, Verdict.MATCH):
        pixels = _count(image, VERDICT_RGB[verdict])
        assert pixels >= 500, f"{verdict.value} colour {VERDICT_RGB[verdict]}: {pixels} pixels"
    # and below the header band (in the table's rows), not only in the counts at the top
    below = range(max(band_rows) + 1, image.height)
    assert _widest_band(image, VERDICT_RGB[Verdict.DIFFERENT], below)[1] >= 50


def test_dump_dom_holds_summary_table(tmp_path: Path, report_file: Path) -> None:
    result = _run_chromium(tmp_path, "--dump-dom", report_file.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    start = dom.index('<table id="summary">')
    summary = dom[start : dom.index("</table>", start)]
    for name in CASE_NAMES:
        assert f">{name}</a>" in summary, name
    for verdict in Verdict:
        assert f"verdict-{verdict.value}" in summary
    # the browser parsed the escaped body as text: no script element came out of it
    assert "<script" not in dom
    assert "&lt;script&gt;alert" in dom


def _filter_row(kind: int, row: bytes, previous: bytes, bpp: int) -> bytes:
    """The PNG encoder's side of filter ``kind`` (the decoder must undo it)."""
    out = bytearray()
    for i, value in enumerate(row):
        left = row[i - bpp] if i >= bpp else 0
        up = previous[i]
        corner = previous[i - bpp] if i >= bpp else 0
        if kind == 0:
            predictor = 0
        elif kind == 1:
            predictor = left
        elif kind == 2:
            predictor = up
        elif kind == 3:
            predictor = (left + up) >> 1
        else:
            estimate = left + up - corner
            distances = (abs(estimate - left), abs(estimate - up), abs(estimate - corner))
            predictor = (left, up, corner)[distances.index(min(distances))]
        out.append((value - predictor) & 0xFF)
    return bytes(out)


def _encode_png(width: int, rows: list[bytes], colour_type: int) -> bytes:
    bpp = 3 if colour_type == 2 else 4
    raw = bytearray()
    previous = bytes(width * bpp)
    for y, row in enumerate(rows):
        kind = y % 5  # every filter type, in turn
        raw += bytes([kind]) + _filter_row(kind, row, previous, bpp)
        previous = row

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, len(rows), 8, colour_type, 0, 0, 0)
    # IDAT split in two chunks, as encoders may do
    data = zlib.compress(bytes(raw))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", data[:10])
        + chunk(b"IDAT", data[10:])
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("colour_type", [2, 6])
def test_png_decoder_undoes_every_filter(colour_type: int) -> None:
    bpp = 3 if colour_type == 2 else 4
    width, height = 7, 11
    rows = [
        bytes(
            (x * 37 + y * 91 + c * 53 + x * y * 13) % 256 for x in range(width) for c in range(bpp)
        )
        for y in range(height)
    ]
    image = decode_png(_encode_png(width, rows, colour_type))
    assert (image.width, image.height, image.channels) == (width, height, bpp)
    assert image.rows == rows
    assert image.pixel(2, 3) == tuple(rows[3][2 * bpp : 2 * bpp + 3])
    assert image.count_in_row(0, image.pixel(0, 0)) >= 1
