"""Helpers the three parity renderers share: bodies as text (decoded, pretty-printed, truncated),
values made JSON-safe or short, and the ordering of verdicts and categories.

Kept in one place so the terminal, JSON and HTML reports agree on what a body "is" (text or
binary, JSON or not) and on where it is cut.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime as dt
import enum
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask2quart.parity.model import Category, Verdict

#: bodies longer than this are cut in every report (the flag ``truncated`` says so)
BODY_LIMIT = 64 * 1024
#: values in one-line summaries (terminal, tables) are cut to about this many characters
SHORT_LIMIT = 80

#: the order verdicts are listed in
VERDICT_ORDER: tuple[Verdict, ...] = (
    Verdict.MATCH,
    Verdict.KNOWN,
    Verdict.DIFFERENT,
    Verdict.ERROR,
    Verdict.SKIPPED,
)
#: the verdicts that need the reader's attention, worst first
FAILING_VERDICTS: tuple[Verdict, ...] = (Verdict.ERROR, Verdict.DIFFERENT)
#: differences shown with a case (noise and ignored ones are summarised, not listed per case)
SHOWN_CATEGORIES: tuple[Category, ...] = (Category.REAL, Category.KNOWN)


@dataclass(frozen=True, slots=True)
class BodyText:
    """A body as a report shows it."""

    #: the (possibly truncated) text, or None when the body is not UTF-8 text
    text: str | None
    #: the body's size in bytes, before truncation
    size: int
    truncated: bool
    is_json: bool


def _is_json_type(content_type: str | None) -> bool:
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def decode_body(body: bytes, limit: int = BODY_LIMIT) -> BodyText:
    """The body as UTF-8 text cut at ``limit`` bytes, or ``text=None`` when it is binary."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return BodyText(None, len(body), len(body) > limit, False)
    truncated = len(body) > limit
    # the whole body decodes, so "ignore" only drops a character cut in half at the limit
    text = body[:limit].decode("utf-8", "ignore") if truncated else body.decode("utf-8")
    return BodyText(text, len(body), truncated, False)


def pretty_body(body: bytes, content_type: str | None, limit: int = BODY_LIMIT) -> BodyText:
    """Like :func:`decode_body`, JSON pretty-printed (two-space indent, key order kept) when the
    body is JSON (by its Content-Type, or because it parses as an object or array)."""
    plain = decode_body(body, limit)
    if plain.text is None or not body.strip():
        return plain
    stripped = body.lstrip()
    if not (_is_json_type(content_type) or stripped[:1] in (b"{", b"[")):
        return plain
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        return plain
    pretty = json.dumps(parsed, indent=2, ensure_ascii=False)
    encoded = pretty.encode("utf-8")
    if len(encoded) > limit:
        return BodyText(encoded[:limit].decode("utf-8", "ignore"), len(body), True, True)
    return BodyText(pretty, len(body), plain.truncated, True)


def body_base64(body: bytes, limit: int = BODY_LIMIT) -> str:
    return base64.b64encode(body[:limit]).decode("ascii")


def json_safe(value: Any) -> Any:
    """``value`` as something :func:`json.dumps` accepts and a reader understands: bytes as text
    (``repr`` when not UTF-8), tuples and sets as lists, timedeltas and dates as text, enums as
    their value, dataclasses as objects, anything else as ``str()``."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, enum.Enum):
        return json_safe(value.value)
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return repr(raw)
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((json_safe(item) for item in value), key=repr)
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: json_safe(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return str(value)


def short_value(value: Any, limit: int = SHORT_LIMIT) -> str:
    """A one-line, repr-like view of a value, cut to about ``limit`` characters."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bytes):
        with contextlib.suppress(UnicodeDecodeError):
            value = value.decode("utf-8")
    text = str(value) if isinstance(value, dt.timedelta | dt.date | dt.time) else repr(value)
    if len(text) > limit:
        text = text[: max(limit - 3, 1)] + "..."
    return text


def format_seconds(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"
