"""Keep secrets out of every parity report (terminal, JSON, HTML).

A parity run replays real requests: they carry session cookies, ``Authorization`` headers, API
keys, and the answers set new cookies. Reports get pasted into issues and CI logs, so no secret
value may appear in them. A secret is replaced by ``<redacted:xxxxxxxx>``, the first 8 hex digits
of the SHA-256 of the value: the reader cannot recover the value but can still see whether two
values are equal (the same cookie sent twice, Flask and Quart setting the same value).

What is redacted:

* request and response headers named ``Cookie``, ``Authorization``, ``Proxy-Authorization`` or
  whose name contains ``token``, ``api-key`` (``api_key``, ``apikey``), ``secret`` or
  ``password``; a ``Cookie`` header keeps its cookie names and an ``Authorization`` header keeps
  its scheme (``Bearer <redacted:...>``), only the values go;
* ``Set-Cookie`` values (the cookie name and attributes stay: they are what parity compares);
* sensitive query parameters of the request target (``?token=...``);
* the values of ``cookie:<name>`` differences (not ``cookie:<name>;Max-Age`` attributes and not
  ``session:`` differences: the decoded session payload is the point of that comparison);
* config differences whose key looks secret (``SECRET_KEY``, ``*_KEY``, ``*PASSWORD*``,
  ``*TOKEN*``, ``*SECRET*``) and the password of any ``scheme://user:password@host`` URI;
* and, through :class:`Redactor`, any occurrence of a secret collected from the above (at least
  :data:`MIN_SCRUB_LENGTH` characters long) in bodies and difference values, for the app that
  echoes its ``Authorization`` header back.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote

from flask2quart.parity.model import ConfigDifference, Difference, ParityReport, RecordedResponse

REDACTED_PREFIX = "<redacted:"
#: shorter secrets are not searched for in free text (a ``theme=dark`` cookie would blank out
#: every "dark" of every body); they are still redacted where they are known to be values
MIN_SCRUB_LENGTH = 8

_SENSITIVE_HEADERS = frozenset({"cookie", "authorization", "proxy-authorization"})
_SENSITIVE_FRAGMENTS = ("token", "api-key", "api_key", "apikey", "secret", "password", "passwd")
_CONFIG_FRAGMENTS = ("PASSWORD", "TOKEN", "SECRET")
_URI_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:)(?P<password>[^@/\s]+)@")


def redaction_token(value: str | bytes) -> str:
    """``<redacted:xxxxxxxx>``: the same value always gives the same token."""
    raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
    return f"{REDACTED_PREFIX}{hashlib.sha256(raw).hexdigest()[:8]}>"


def is_redacted(value: str) -> bool:
    return value.startswith(REDACTED_PREFIX) and value.endswith(">")


def is_sensitive_name(name: str) -> bool:
    """Whether a header (or query parameter) of this name carries a secret."""
    lowered = name.strip().lower()
    return lowered in _SENSITIVE_HEADERS or any(part in lowered for part in _SENSITIVE_FRAGMENTS)


def is_sensitive_config_key(key: str) -> bool:
    """``SECRET_KEY``, ``*_KEY``, or a key containing ``PASSWORD``, ``TOKEN`` or ``SECRET``."""
    upper = key.upper()
    return (
        upper == "KEY" or upper.endswith("_KEY") or any(part in upper for part in _CONFIG_FRAGMENTS)
    )


def redact_cookie_header(value: str) -> str:
    """``a=1; b=2`` -> ``a=<redacted:...>; b=<redacted:...>`` (names kept, values hidden)."""
    parts: list[str] = []
    for item in value.split(";"):
        name, sep, cookie_value = item.strip().partition("=")
        if not sep:
            parts.append(redaction_token(name) if name else name)
        else:
            parts.append(f"{name}={redaction_token(cookie_value)}")
    return "; ".join(part for part in parts if part)


def redact_authorization(value: str) -> str:
    """``Bearer abc`` -> ``Bearer <redacted:...>``: the scheme is no secret, the credentials are."""
    scheme, sep, credentials = value.strip().partition(" ")
    if sep and credentials and scheme.isalpha():
        return f"{scheme} {redaction_token(credentials.strip())}"
    return redaction_token(value)


def redact_set_cookie(value: str) -> str:
    """``session=abc; Path=/; HttpOnly`` -> ``session=<redacted:...>; Path=/; HttpOnly``."""
    first, sep, attributes = value.partition(";")
    name, eq, cookie_value = first.partition("=")
    if not eq:
        return value
    cookie_value = cookie_value.strip()
    if len(cookie_value) >= 2 and cookie_value[0] == cookie_value[-1] == '"':
        cookie_value = cookie_value[1:-1]
    return f"{name.strip()}={redaction_token(cookie_value)}{sep}{attributes}"


def redact_header(name: str, value: str) -> str:
    """The value of one header as a report may show it."""
    lowered = name.strip().lower()
    if lowered == "set-cookie":
        return redact_set_cookie(value)
    if lowered == "cookie":
        return redact_cookie_header(value)
    if lowered in ("authorization", "proxy-authorization"):
        return redact_authorization(value)
    if is_sensitive_name(lowered):
        return redaction_token(value)
    return value


def redact_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, redact_header(name, value)) for name, value in headers]


def redact_target(target: str) -> str:
    """Hide the values of sensitive query parameters (``/cb?token=abc`` -> ``/cb?token=<redacted:...>``)."""
    path, sep, query = target.partition("?")
    if not sep or not query:
        return target
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(is_sensitive_name(name) for name, _ in pairs):
        return target
    kept = [
        f"{quote(name, safe='')}={redaction_token(value) if is_sensitive_name(name) else quote(value, safe='')}"
        for name, value in pairs
    ]
    return f"{path}?{'&'.join(kept)}"


def redact_uri_passwords(text: str) -> str:
    """``postgresql://user:pw@db/x`` -> ``postgresql://user:<redacted:...>@db/x``."""
    return _URI_PASSWORD.sub(lambda m: f"{m['head']}{redaction_token(m['password'])}@", text)


def is_secret_field(field: str) -> bool:
    """Whether the values of a difference of this field are secrets (cookie values, secret headers)."""
    if field.startswith("cookie:"):
        return ";" not in field
    if field.startswith("header:"):
        name = field.removeprefix("header:")
        return name.lower() == "set-cookie" or is_sensitive_name(name)
    return False


def redact_difference_value(field: str, value: Any) -> Any:
    """One side's value of a difference, redacted when the field holds a secret (None stays None:
    "absent" is no secret and is the interesting part)."""
    if value is None or not is_secret_field(field):
        return value
    if isinstance(value, list | tuple):
        return [redact_difference_value(field, item) for item in value]
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    if field.startswith("header:"):
        return redact_header(field.removeprefix("header:"), text)
    return redaction_token(text)


def redact_difference(difference: Difference) -> Difference:
    return Difference(
        difference.field,
        redact_difference_value(difference.field, difference.flask),
        redact_difference_value(difference.field, difference.quart),
        difference.category,
        difference.reason,
    )


def redact_config_value(key: str, value: Any) -> Any:
    if value is None:
        return None
    if is_sensitive_config_key(key):
        return redaction_token(value if isinstance(value, bytes) else str(value))
    if isinstance(value, str):
        return redact_uri_passwords(value)
    return value


def redact_config_difference(item: ConfigDifference) -> ConfigDifference:
    return ConfigDifference(
        item.key,
        redact_config_value(item.key, item.flask),
        redact_config_value(item.key, item.quart),
        item.category,
        item.reason,
    )


# -- secrets found anywhere in a report, scrubbed from free text ------------------------------------


def _header_secrets(name: str, value: str) -> list[str]:
    lowered = name.strip().lower()
    if lowered == "cookie":
        return [item.partition("=")[2].strip() for item in value.split(";")]
    if lowered == "set-cookie":
        cookie_value = value.partition(";")[0].partition("=")[2].strip()
        return [cookie_value, cookie_value.strip('"')]
    if lowered in ("authorization", "proxy-authorization"):
        # the same split as redact_authorization, so scrubbed text shows the same token
        scheme, sep, credentials = value.strip().partition(" ")
        if sep and credentials and scheme.isalpha():
            return [credentials.strip()]
        return [value.strip()]
    if is_sensitive_name(lowered):
        return [value.strip()]
    return []


def _response_secrets(response: RecordedResponse | None) -> list[str]:
    if response is None:
        return []
    return [secret for name, value in response.headers for secret in _header_secrets(name, value)]


def collect_secrets(report: ParityReport) -> set[str]:
    """Every secret value the report knows of (header values, query tokens, cookie differences...)."""
    found: set[str] = set()
    for case in report.cases:
        for step in case.steps:
            for name, value in step.request.headers:
                found.update(_header_secrets(name, value))
            query = parse_qsl(step.request.query_string, keep_blank_values=True)
            found.update(value for name, value in query if is_sensitive_name(name))
            for response in (step.flask, step.quart, step.flask_again):
                found.update(_response_secrets(response))
            for difference in step.differences:
                if difference.field.startswith("cookie:") and ";" not in difference.field:
                    found.update(
                        str(value)
                        for value in (difference.flask, difference.quart)
                        if value is not None
                    )
    for item in report.config:
        if is_sensitive_config_key(item.key):
            found.update(str(value) for value in (item.flask, item.quart) if value is not None)
    return {secret for secret in found if len(secret) >= MIN_SCRUB_LENGTH}


@dataclass(frozen=True, slots=True)
class Redactor:
    """The redaction of one report: the field rules above plus scrubbing the secrets the report
    knows of out of free text (bodies, difference values). Build it with :meth:`for_report`."""

    #: longest first, so a secret that contains another one is replaced whole
    secrets: tuple[str, ...] = ()

    @classmethod
    def for_report(cls, report: ParityReport) -> Redactor:
        return cls(tuple(sorted(collect_secrets(report), key=lambda item: (-len(item), item))))

    def scrub(self, text: str) -> str:
        """Replace every known secret in ``text`` by its token."""
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, redaction_token(secret))
        return text

    def scrub_value(self, value: Any) -> Any:
        """:meth:`scrub` applied to the strings inside a (JSON-like) value."""
        if isinstance(value, str):
            return value if is_redacted(value) else self.scrub(value)
        if isinstance(value, bytes):
            scrubbed = value
            for secret in self.secrets:
                raw = secret.encode("utf-8", "surrogatepass")
                scrubbed = scrubbed.replace(raw, redaction_token(secret).encode())
            return scrubbed
        if isinstance(value, Mapping):
            return {key: self.scrub_value(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.scrub_value(item) for item in value]
        if isinstance(value, tuple):
            return tuple(self.scrub_value(item) for item in value)
        return value

    def headers(self, headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(name, self.scrub(value)) for name, value in redact_headers(headers)]

    def target(self, target: str) -> str:
        return self.scrub(redact_target(target))

    def text(self, text: str) -> str:
        return self.scrub(text)

    def difference(self, difference: Difference) -> Difference:
        redacted = redact_difference(difference)
        return Difference(
            redacted.field,
            self.scrub_value(redacted.flask),
            self.scrub_value(redacted.quart),
            redacted.category,
            self.scrub(redacted.reason),
        )

    def config(self, item: ConfigDifference) -> ConfigDifference:
        redacted = redact_config_difference(item)
        return ConfigDifference(
            redacted.key,
            self.scrub_value(redacted.flask),
            self.scrub_value(redacted.quart),
            redacted.category,
            self.scrub(redacted.reason),
        )

    def error(self, error: str | None) -> str | None:
        return None if error is None else self.scrub(error)
