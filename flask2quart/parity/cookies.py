"""Cookies: ``Set-Cookie`` parsed into name/value/attributes, a small jar per side, and the payload
of a Flask/Quart signed session cookie read without its signature (the signature carries a
timestamp, so two apps signing the same session a second apart give different values).
"""

from __future__ import annotations

import base64
import binascii
import json
import time
import zlib
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

_FLAG_ATTRIBUTES = frozenset({"secure", "httponly", "partitioned"})
_CANONICAL_NAMES = {
    "expires": "Expires",
    "max-age": "Max-Age",
    "path": "Path",
    "domain": "Domain",
    "secure": "Secure",
    "httponly": "HttpOnly",
    "samesite": "SameSite",
    "partitioned": "Partitioned",
}


@dataclass(frozen=True, slots=True)
class SetCookie:
    name: str
    #: the value without the quotes Werkzeug puts around some values (what is compared)
    value: str
    #: attribute name (canonical case) -> value ("" for flags such as HttpOnly)
    attributes: dict[str, str] = field(default_factory=dict)
    #: the value exactly as sent, quotes included (what a browser sends back)
    raw_value: str = ""

    def expires_at(self, now: float) -> float | None:
        """When the cookie expires (epoch seconds), from Max-Age first, as browsers do."""
        max_age = self.attributes.get("Max-Age")
        if max_age is not None:
            try:
                return now + int(max_age)
            except ValueError:
                return None
        expires = self.attributes.get("Expires")
        if expires:
            try:
                return parsedate_to_datetime(expires).timestamp()
            except (TypeError, ValueError):
                return None
        return None


def parse_set_cookie(header: str) -> SetCookie:
    """Parse one ``Set-Cookie`` value. Lenient the way browsers are: unknown attributes are kept."""
    first, *rest = header.split(";")
    name, _, raw_value = first.partition("=")
    raw_value = value = raw_value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    attributes: dict[str, str] = {}
    for part in rest:
        key, has_value, attribute_value = part.strip().partition("=")
        if not key:
            continue
        canonical = _CANONICAL_NAMES.get(key.lower(), key)
        attributes[canonical] = attribute_value.strip() if has_value else ""
        if key.lower() in _FLAG_ATTRIBUTES:
            attributes[canonical] = ""
    return SetCookie(name.strip(), value, attributes, raw_value)


class CookieJar:
    """One side's cookies, sent back on the following steps (path-matched, expiry respected)."""

    def __init__(self) -> None:
        self._cookies: dict[tuple[str, str], tuple[str, float | None]] = {}

    def update(self, set_cookie_headers: list[str]) -> None:
        now = time.time()
        for header in set_cookie_headers:
            cookie = parse_set_cookie(header)
            path = cookie.attributes.get("Path") or "/"
            expires = cookie.expires_at(now)
            if expires is not None and expires <= now:
                self._cookies.pop((cookie.name, path), None)
            else:
                self._cookies[(cookie.name, path)] = (cookie.raw_value, expires)

    def header_for(self, path: str) -> str | None:
        now = time.time()
        pairs = [
            f"{name}={value}"
            for (name, cookie_path), (value, expires) in sorted(
                self._cookies.items(), key=lambda item: -len(item[0][1])
            )
            if (expires is None or expires > now) and _path_matches(path, cookie_path)
        ]
        return "; ".join(pairs) or None

    def __len__(self) -> int:
        return len(self._cookies)


def _path_matches(request_path: str, cookie_path: str) -> bool:
    if request_path == cookie_path or cookie_path == "/":
        return True
    return request_path.startswith(cookie_path.rstrip("/") + "/")


def decode_session(value: str) -> Any:
    """The data in an itsdangerous-signed Flask/Quart session cookie, without checking the
    signature. Raises ``ValueError`` when the value is not such a cookie."""
    compressed = value.startswith(".")
    payload = value[1:] if compressed else value
    parts = payload.split(".")
    if len(parts) != 3:
        raise ValueError("not a signed session cookie")
    try:
        raw = base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4))
        if compressed:
            raw = zlib.decompress(raw)
        data = json.loads(raw)
    except (binascii.Error, zlib.error, UnicodeDecodeError) as error:
        raise ValueError(f"not a signed session cookie: {error}") from error
    return _untag(data)


def _untag(value: Any) -> Any:
    """Flask's tagged JSON: tuples (``{" t": [...]}``, e.g. flashed messages) become lists so that
    paths read naturally; other tags are kept as they are (both sides tag the same way)."""
    if isinstance(value, dict):
        if len(value) == 1 and " t" in value:
            return _untag(value[" t"])
        return {key: _untag(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_untag(item) for item in value]
    return value
