"""Collect the secret values a parity run handled, so that reports can hide them wherever an app
writes them back (a login page that echoes the password, a debug view that dumps its headers, a
JSON answer that repeats the session).

Collected from every step of the run:

* request headers: ``Cookie`` values, ``Authorization``/``Proxy-Authorization`` credentials (a
  ``Basic`` one decoded: the password and ``user:password``; the user name alone is no secret),
  headers with a secret-looking name and the headers the user named;
* request query parameters and form, multipart and JSON fields with a secret-looking name
  (``password``, ``token``, ``api_key``, ``client_secret``...);
* the payload of signed session cookies, sent or set (every string in it; flashed messages aside);
* response headers as for requests, ``Set-Cookie`` values, and JSON members with a secret name;
* the values of ``cookie:`` differences and of secret config keys.

Plain cookie values are not secrets by name (``theme=dark``): they are hidden where they are
known to be values (``Cookie``, ``Set-Cookie``, ``cookie:`` differences) and searched for in free
text only from :data:`~.scrub.ANYWHERE` characters on (session ids, tokens), so that "dark" stays
readable in every page. Everything else above is searched for however short (see :mod:`.scrub`).
"""

from __future__ import annotations

import base64
import binascii
import email.parser
import email.policy
import json
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl

from ..cookies import decode_session
from ..model import ConfigDifference, ParityRequest, RecordedResponse, StepResult
from .names import FLASHES_KEY, is_sensitive_config_key, is_sensitive_name
from .scrub import ANYWHERE


def _long(value: str) -> list[str]:
    return [value] if len(value) >= ANYWHERE else []


def header_secrets(name: str, value: str, extra: frozenset[str] = frozenset()) -> list[str]:
    """The secret parts of one header's value (the parts :mod:`.redact` replaces by tokens)."""
    lowered = name.strip().lower()
    if lowered == "cookie":
        found: list[str] = []
        for item in value.split(";"):
            cookie_value = item.partition("=")[2].strip()
            found.extend(_long(cookie_value))
            found.extend(session_secrets(cookie_value))
        return found
    if lowered == "set-cookie":
        cookie_value = value.partition(";")[0].partition("=")[2].strip()
        unquoted = cookie_value.strip('"')
        return [*_long(cookie_value), *_long(unquoted), *session_secrets(unquoted)]
    if lowered in ("authorization", "proxy-authorization"):
        scheme, sep, credentials = value.strip().partition(" ")
        if sep and credentials and scheme.isalpha():
            return [credentials.strip(), *basic_secrets(scheme, credentials.strip())]
        return [value.strip()]
    if is_sensitive_name(lowered, extra):
        return [value.strip()]
    return []


def basic_secrets(scheme: str, credentials: str) -> list[str]:
    """``Basic dXNlcjpwdw==`` -> ``["pw", "user:pw"]``."""
    if scheme.lower() != "basic":
        return []
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return []
    _, sep, password = decoded.partition(":")
    return [password, decoded] if sep else [decoded]


def session_secrets(cookie_value: str) -> list[str]:
    """Every string in a signed session cookie's payload (none when it is not one)."""
    try:
        payload = decode_session(cookie_value)
    except ValueError:
        return []
    return list(_strings(payload, skip_flashes=True))


def _strings(value: Any, *, skip_flashes: bool = False) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if not (skip_flashes and key == FLASHES_KEY):
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _scalar_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # a numeric PIN is a secret too
    return None


def sensitive_members(value: Any) -> Iterator[str]:
    """The values of JSON members with a secret name, at any depth (everything below them)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and is_sensitive_name(key):
                text = _scalar_text(item)
                if text is not None:
                    yield text
                else:
                    yield from _strings(item)
            else:
                yield from sensitive_members(item)
    elif isinstance(value, list):
        for item in value:
            yield from sensitive_members(item)


def body_secrets(content_type: str | None, body: bytes) -> list[str]:
    """Secret-named fields of a form, multipart or JSON body."""
    if not body:
        return []
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        text = body.decode("utf-8", "replace")
        return [value for name, value in parse_qsl(text, keep_blank_values=True) if is_sensitive_name(name)]
    if media == "multipart/form-data":
        return _multipart_secrets(content_type or "", body)
    if media == "application/json" or media.endswith("+json"):
        try:
            return list(sensitive_members(json.loads(body)))
        except (ValueError, RecursionError):
            return []
    return []


def _multipart_secrets(content_type: str, body: bytes) -> list[str]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n" + body
    )
    found: list[str] = []
    for part in message.iter_parts() if message.is_multipart() else ():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str) and is_sensitive_name(name) and not part.get_filename():
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                found.append(payload.decode("utf-8", "replace"))
    return found


def request_secrets(request: ParityRequest, extra: frozenset[str]) -> Iterator[str]:
    for name, value in request.headers:
        yield from header_secrets(name, value, extra)
    query = parse_qsl(request.query_string, keep_blank_values=True)
    yield from (value for name, value in query if is_sensitive_name(name))
    yield from body_secrets(request.header("content-type"), request.body)


def response_secrets(response: RecordedResponse | None, extra: frozenset[str]) -> Iterator[str]:
    if response is None:
        return
    for name, value in response.headers:
        yield from header_secrets(name, value, extra)
    content_type = response.header("content-type") or ""
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        yield from body_secrets(content_type, response.body)


def collect_secrets(
    steps: Iterable[StepResult],
    config: Iterable[ConfigDifference] = (),
    extra: frozenset[str] = frozenset(),
) -> set[str]:
    """Every secret value the steps and the config differences hold."""
    found: set[str] = set()
    for step in steps:
        found.update(request_secrets(step.request, extra))
        for response in (step.flask, step.quart, step.flask_again):
            found.update(response_secrets(response, extra))
        for difference in step.differences:
            if difference.field.startswith("cookie:") and ";" not in difference.field:
                for value in (difference.flask, difference.quart):
                    found.update(_long(str(value)) if value is not None else ())
    for item in config:
        if is_sensitive_config_key(item.key):
            found.update(str(value) for value in (item.flask, item.quart) if value is not None)
    return {secret for secret in found if secret.strip()}
