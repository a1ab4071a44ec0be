"""Replace known secret values wherever they reappear in free text: bodies, difference values,
targets, error messages, case names.

A secret is searched for as the app may have written it back: as it is, HTML-escaped, inside a
JSON string, or URL-encoded; every spelling becomes the token of the secret itself. How much
context a match needs depends on the secret's length, so that a short password does not blank out
the same letters inside other words:

* :data:`ANYWHERE` characters or more: replaced wherever it occurs;
* :data:`AS_A_WORD` up to that: only as a whole word (no letter, digit or ``_`` glued to either
  end: the password ``test`` goes in "logged in as test", not in "testing");
* shorter still (a one- or two-character value): only as a whole value: a difference value, a
  quoted string (``"ab"``) or a ``key=ab`` pair. "a" as a password must not take every "a".
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, quote_plus

REDACTED_PREFIX = "<redacted:"
ANYWHERE = 8
AS_A_WORD = 3
#: tokens already in a text are kept as they are (a secret must not match inside one)
_TOKEN = r"<redacted:[0-9a-f]{8}>"
_WORD_CHARS = "A-Za-z0-9_"


def redaction_token(value: str | bytes) -> str:
    """``<redacted:xxxxxxxx>``, the first 8 hex digits of the value's SHA-256: the reader cannot
    recover the value but sees whether two values are equal."""
    raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
    return f"{REDACTED_PREFIX}{hashlib.sha256(raw).hexdigest()[:8]}>"


def is_redacted(value: str) -> bool:
    return value.startswith(REDACTED_PREFIX) and value.endswith(">")


def spellings(secret: str) -> set[str]:
    """The secret as an app may echo it: raw, HTML-escaped, JSON-escaped, URL-encoded."""
    found = {
        secret,
        html.escape(secret, quote=True),
        html.escape(secret, quote=False),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
    }
    return {item for item in found if item}


def _piece(spelling: str, length: int) -> str:
    """The regular expression for one spelling of a secret of ``length`` characters."""
    escaped = re.escape(spelling)
    if length >= ANYWHERE:
        return escaped
    if length >= AS_A_WORD:
        # a boundary is only asked for where the secret itself starts/ends with a word character
        before = rf"(?<![{_WORD_CHARS}])" if re.match(rf"[{_WORD_CHARS}]", spelling) else ""
        after = rf"(?![{_WORD_CHARS}])" if re.search(rf"[{_WORD_CHARS}]$", spelling) else ""
        return f"{before}{escaped}{after}"
    # a whole value: quoted, or the value of a key=value pair
    return rf"""(?<=["'])({escaped})(?=["'])|(?<==)({escaped})(?=[&;\s"']|$)"""


@functools.lru_cache(maxsize=256)
def _compiled(pieces: tuple[tuple[str, int], ...]) -> re.Pattern[str]:
    alternatives = [_TOKEN, *(_piece(spelling, length) for spelling, length in pieces)]
    return re.compile("|".join(f"(?:{item})" for item in alternatives))


@dataclass(frozen=True, slots=True)
class Scrubber:
    """Replaces every spelling of every secret in a text by the secret's token."""

    #: spelling -> (the secret it spells, the secret's length)
    spelled: dict[str, tuple[str, int]] = field(default_factory=dict)
    secrets: frozenset[str] = frozenset()

    @classmethod
    def of(cls, secrets: Iterable[str]) -> Scrubber:
        spelled: dict[str, tuple[str, int]] = {}
        kept: set[str] = set()
        # longest first: a secret that contains another is replaced whole
        for secret in sorted({s for s in secrets if s.strip()}, key=lambda s: (-len(s), s)):
            kept.add(secret)
            for spelling in sorted(spellings(secret), key=lambda s: (-len(s), s)):
                spelled.setdefault(spelling, (secret, len(secret)))
        return cls(spelled, frozenset(kept))

    def __bool__(self) -> bool:
        return bool(self.secrets)

    def text(self, text: str) -> str:
        if not self.spelled or not text:
            return text
        if text in self.secrets:
            return redaction_token(text)
        # only the spellings present take part in the pattern: one C-speed search each, then one
        # pass of a small regular expression
        present = tuple(
            sorted(
                ((spelling, info[1]) for spelling, info in self.spelled.items() if spelling in text),
                key=lambda item: (-len(item[0]), item[0]),
            )
        )
        if not present:
            return text
        return _compiled(present).sub(self._replace, text)

    def _replace(self, match: re.Match[str]) -> str:
        found = match.group(0)
        if is_redacted(found) and re.fullmatch(_TOKEN, found):
            return found
        info = self.spelled.get(found)
        return redaction_token(info[0]) if info is not None else found

    def data(self, body: bytes) -> bytes:
        """:meth:`text` for a body: UTF-8 text is scrubbed as text, other bytes by their raw
        spellings (a secret inside a binary body is still found)."""
        if not self.spelled or not body:
            return body
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text = body.decode("latin-1")  # one character per byte: offsets survive the round trip
            scrubbed = self.text(text)
            return body if scrubbed == text else scrubbed.encode("latin-1", "replace")
        scrubbed = self.text(text)
        return body if scrubbed == text else scrubbed.encode("utf-8", "surrogatepass")
