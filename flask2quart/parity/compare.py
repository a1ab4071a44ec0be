"""Normalise two recorded responses into named fields and list the fields that differ.

Normalisation is explicit and listed in every report (:data:`NORMALISATIONS`): header names
case-folded and order ignored; ``Date``, ``Server``, hop-by-hop headers and ``Content-Length``
left out (the length is checked against the body instead, in :mod:`.known`); ``Allow``/``Vary``
and the CORS list headers compared as sets; JSON compared as data; ``Set-Cookie`` compared by
name, value and attributes with a tolerance on ``Expires``; signed session cookies compared by
their decoded payload. Text bodies are compared line by line, and within a line by
whitespace-separated words, which is also the unit of noise for text.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from .cookies import decode_session, parse_set_cookie
from .model import Category, Difference, RecordedResponse
from .rules import ScopedRules

#: headers that say something about the connection or the server, not about the app's answer
LEFT_OUT_HEADERS = frozenset(
    {
        "date",
        "server",
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "content-length",
        "set-cookie",  # compared as cookies
    }
)
SET_HEADERS = frozenset(
    {
        "allow",
        "vary",
        "access-control-allow-methods",
        "access-control-allow-headers",
        "access-control-expose-headers",
    }
)
DEFAULT_EXPIRY_TOLERANCE = 5.0
MAX_TEXT_DIFFERENCES = 20
#: past this size a text body is compared as a whole (a line diff of megabytes costs seconds)
MAX_LINE_DIFF_BYTES = 512 * 1024

NORMALISATIONS = [
    "header names are compared case-folded and in any order",
    "Date, Server, Connection, Keep-Alive, Transfer-Encoding, TE, Trailer and Upgrade are left out",
    "Content-Length is not compared; each side's is checked against its own body",
    "Allow, Vary and Access-Control-Allow-Methods/-Headers/Expose-Headers are compared as sets",
    "JSON bodies (a JSON Content-Type) are compared as data, field by field",
    "Set-Cookie is compared by name, value and attributes; Expires within {tolerance:g} s",
    "signed session cookies ({session}) are compared by their decoded payload, not the signature",
    "text bodies are compared line by line and, within a line, word by word",
]

_WORDS = re.compile(r"\S+|\s+")


def same(left: Any, right: Any) -> bool:
    """Equality that keeps JSON types apart (``1``, ``1.0`` and ``true`` are different answers)."""
    return type(left) is type(right) and left == right


@dataclass(slots=True)
class Flattened:
    fields: dict[str, Any]
    #: the body as text, when it is text (not JSON), for the line diff
    text: str | None


def flatten(response: RecordedResponse, session_cookies: Iterable[str] = ("session",)) -> Flattened:
    fields: dict[str, Any] = {"status": response.status}
    if response.error is not None:
        fields["error"] = response.error
    headers: dict[str, list[str]] = {}
    for name, value in response.headers:
        headers.setdefault(name.lower(), []).append(value)
    for name, values in headers.items():
        if name in LEFT_OUT_HEADERS:
            continue
        if name in SET_HEADERS:
            tokens = (token.strip() for value in values for token in value.split(","))
            fields[f"header:{name}"] = frozenset(token.casefold() for token in tokens if token)
        else:
            fields[f"header:{name}"] = ", ".join(values)
    now = time.time()
    for header in headers.get("set-cookie", ()):
        cookie = parse_set_cookie(header)
        prefix = f"cookie:{cookie.name}"
        decoded: Any = _NOT_DECODED
        if cookie.name in session_cookies and cookie.value:
            try:
                decoded = decode_session(cookie.value)
            except (ValueError, UnicodeDecodeError):
                decoded = _NOT_DECODED
        if decoded is _NOT_DECODED:
            fields[prefix] = cookie.value
        else:
            fields.update(_flatten_json(decoded, "session:$"))
        for attribute, value in cookie.attributes.items():
            if attribute == "Expires":
                expires = cookie.expires_at(now) if "Max-Age" not in cookie.attributes else None
                fields[f"{prefix};Expires"] = expires if expires is not None else value
            else:
                fields[f"{prefix};{attribute}"] = value
    text = _body_fields(response, headers.get("content-type", [""])[0], fields)
    return Flattened(fields, text)


class _NotDecoded:
    pass


_NOT_DECODED = _NotDecoded()


def _body_fields(response: RecordedResponse, content_type: str, fields: dict[str, Any]) -> str | None:
    body = response.body
    media = content_type.split(";", 1)[0].strip().lower()
    if body and (media == "application/json" or media.endswith("+json")):
        try:
            fields.update(_flatten_json(json.loads(body), "body:$"))
            return None
        except ValueError:
            pass  # not JSON after all: compared as text below
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        fields["body"] = body
        return None
    fields["body"] = text
    return text


def _flatten_json(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            name = key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", key) else json.dumps(key)
            yield from _flatten_json(item, f"{path}.{name}")
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from _flatten_json(item, f"{path}[{index}]")
    else:
        yield path, value


def field_differences(
    flask: Flattened,
    quart: Flattened,
    rules: ScopedRules | None = None,
    expiry_tolerance: float = DEFAULT_EXPIRY_TOLERANCE,
) -> list[Difference]:
    """Every field whose values differ, each still :attr:`Category.REAL` (classified later), except
    those a user comparator accepts."""
    differences: list[Difference] = []
    left, right = flask.fields, quart.fields
    for name in _ordered_union(left, right):
        flask_value, quart_value = left.get(name), right.get(name)
        if same(flask_value, quart_value):
            continue
        if name == "body" and flask.text is not None and quart.text is not None:
            continue  # compared line by line by text_differences
        if name.endswith(";Expires") and _close_times(flask_value, quart_value, expiry_tolerance):
            continue
        if rules is not None and rules.has_comparators:
            found = rules.comparator_for(name)
            if found is not None and found[1](flask_value, quart_value):
                continue
        differences.append(Difference(name, flask_value, quart_value))
    return differences


def _ordered_union(left: dict[str, Any], right: dict[str, Any]) -> list[str]:
    names = list(left)
    names.extend(name for name in right if name not in left)
    return names


def _close_times(left: Any, right: Any, tolerance: float) -> bool:
    return isinstance(left, float) and isinstance(right, float) and abs(left - right) <= tolerance


# ---------------------------------------------------------------------------------------------
# text bodies


def _words(line: str) -> list[str]:
    return _WORDS.findall(line)


def _noisy_spans(flask_line: str, again_line: str) -> list[tuple[int, int]]:
    """Word ranges of ``flask_line`` that changed in the second Flask answer."""
    matcher = SequenceMatcher(None, _words(flask_line), _words(again_line), autojunk=False)
    return [(i1, i2) for tag, i1, i2, _, _ in matcher.get_opcodes() if tag != "equal"]


def _covered(flask_line: str, quart_line: str, spans: list[tuple[int, int]]) -> bool:
    matcher = SequenceMatcher(None, _words(flask_line), _words(quart_line), autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag == "equal":
            continue
        if not any(start <= i1 and i2 <= end for start, end in spans):
            return False
    return True


def text_noise(flask_text: str, again_text: str) -> dict[int, list[tuple[int, int]] | None]:
    """Flask line index -> noisy word spans (``None``: the whole line is noisy)."""
    flask_lines, again_lines = flask_text.splitlines(), again_text.splitlines()
    noise: dict[int, list[tuple[int, int]] | None] = {}
    matcher = SequenceMatcher(None, flask_lines, again_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for offset in range(i2 - i1):
                noise[i1 + offset] = _noisy_spans(flask_lines[i1 + offset], again_lines[j1 + offset])
        else:
            for index in range(i1, max(i2, i1 + 1)):
                noise[index] = None
    return noise


def text_differences(flask_text: str, quart_text: str, again_text: str | None) -> list[Difference]:
    """Line differences named ``body:line N`` (N counts the Flask body's lines from 1). A change
    that only touches words which also changed between two Flask answers is noise."""
    if flask_text == quart_text:
        return []
    if len(flask_text) + len(quart_text) > 2 * MAX_LINE_DIFF_BYTES:
        noisy = again_text is not None and again_text != flask_text
        category = Category.NOISE if noisy else Category.REAL
        reason = "varies between two Flask answers" if noisy else "bodies differ (too large for a line diff)"
        return [Difference("body", f"{len(flask_text)} characters", f"{len(quart_text)} characters", category, reason)]
    noise = text_noise(flask_text, again_text) if again_text is not None else {}
    flask_lines, quart_lines = flask_text.splitlines(), quart_text.splitlines()
    differences: list[Difference] = []
    matcher = SequenceMatcher(None, flask_lines, quart_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            pairs = [(i1 + k, flask_lines[i1 + k], quart_lines[j1 + k]) for k in range(i2 - i1)]
            for index, flask_line, quart_line in pairs:
                spans = noise.get(index, [])
                noisy = index in noise and (spans is None or _covered(flask_line, quart_line, spans))
                differences.append(_line_difference(index, flask_line, quart_line, noisy))
        else:
            noisy = all(index in noise and noise[index] is None for index in range(i1, max(i2, i1 + 1)))
            flask_part = "\n".join(flask_lines[i1:i2]) if i2 > i1 else None
            quart_part = "\n".join(quart_lines[j1:j2]) if j2 > j1 else None
            differences.append(_line_difference(i1, flask_part, quart_part, noisy))
    if flask_text.endswith("\n") != quart_text.endswith("\n"):
        differences.append(Difference("body:final newline", flask_text.endswith("\n"), quart_text.endswith("\n")))
    real = [difference for difference in differences if difference.category is Category.REAL]
    if len(real) > MAX_TEXT_DIFFERENCES:
        kept = real[:MAX_TEXT_DIFFERENCES]
        rest = len(real) - len(kept)
        kept.append(Difference("body", "...", "...", Category.REAL, f"{rest} more differing lines not listed"))
        return kept + [difference for difference in differences if difference.category is not Category.REAL]
    return differences


def _line_difference(index: int, flask_line: str | None, quart_line: str | None, noisy: bool) -> Difference:
    if noisy:
        return Difference(f"body:line {index + 1}", flask_line, quart_line, Category.NOISE, "varies between two Flask answers")
    return Difference(f"body:line {index + 1}", flask_line, quart_line)
