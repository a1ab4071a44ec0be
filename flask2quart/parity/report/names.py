"""Which names carry secrets: headers, query parameters, form and JSON fields, config keys.

A name is secret when it is one of the credential headers or contains one of a few fragments
(``token``, ``secret``, ``password``, ``api_key``...). Headers the user names (``--secret-header``,
the ``parity_secret_headers`` ini key) are added per run; they are matched case-insensitively.
"""

from __future__ import annotations

from collections.abc import Iterable

SENSITIVE_HEADERS = frozenset({"cookie", "authorization", "proxy-authorization"})
SENSITIVE_FRAGMENTS = (
    "token",
    "api-key",
    "api_key",
    "apikey",
    "secret",
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "credential",
)
_CONFIG_FRAGMENTS = ("PASSWORD", "TOKEN", "SECRET")
#: the session key Flask and Quart keep flashed messages under: the app shows them in its pages
#: anyway, so they are not treated as secrets (a page of redacted flash messages says nothing)
FLASHES_KEY = "_flashes"


def header_names(names: Iterable[str]) -> frozenset[str]:
    """User-given header names, normalised for :func:`is_sensitive_name`."""
    return frozenset(name.strip().lower() for name in names if name.strip())


def is_sensitive_name(name: str, extra: frozenset[str] = frozenset()) -> bool:
    """Whether a header, query parameter or form field of this name carries a secret."""
    lowered = name.strip().lower()
    return (
        lowered in SENSITIVE_HEADERS
        or lowered in extra
        or any(part in lowered for part in SENSITIVE_FRAGMENTS)
    )


def is_sensitive_config_key(key: str) -> bool:
    """``SECRET_KEY``, ``*_KEY``, or a key containing ``PASSWORD``, ``TOKEN`` or ``SECRET``."""
    upper = key.upper()
    return (
        upper == "KEY" or upper.endswith("_KEY") or any(part in upper for part in _CONFIG_FRAGMENTS)
    )


def json_member(field: str) -> str | None:
    """The last member name of a ``body:$.a.b`` / ``session:$.a`` field (``None`` for an index)."""
    _, _, path = field.partition(":$")
    last = path.rsplit(".", 1)[-1] if "." in path else ""
    if not last or last.endswith("]"):
        last = last.rsplit("[", 1)[0]
    return last.strip('"') or None


def is_secret_field(field: str, extra: frozenset[str] = frozenset()) -> bool:
    """Whether the values of a difference of this field are secrets: cookie values, secret headers,
    session payload values (flashed messages aside) and JSON members with a secret name."""
    if field.startswith("cookie:"):
        return ";" not in field
    if field.startswith("header:"):
        name = field.removeprefix("header:")
        return name.lower() == "set-cookie" or is_sensitive_name(name, extra)
    if field.startswith("session:"):
        return not field.startswith(f"session:$.{FLASHES_KEY}")
    if field.startswith("body:$"):
        member = json_member(field)
        return member is not None and is_sensitive_name(member)
    return False
