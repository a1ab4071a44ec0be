"""Documented Flask/Quart differences: reported in their own category, never as noise and never
as silent passes. Each reason says where the difference comes from, so a reader can decide to
set Quart's config to Flask's values instead (see ``docs/parity.md``).

Also the config diff of the two apps: a setting that differs only because each framework has its
own default (``MAX_CONTENT_LENGTH``, ``SEND_FILE_MAX_AGE_DEFAULT``...) is known; one the port sets
differently is real.
"""

from __future__ import annotations

import datetime
import functools
import importlib.metadata
import re
from collections.abc import Mapping
from typing import Any

from .model import Category, ConfigDifference, Difference, ParityRequest, RecordedResponse

_MISSING = object()

HEAD_BODY = (
    "Quart leaves the body of a HEAD response for the server to drop (Hypercorn does); "
    "Werkzeug drops it itself"
)
EMPTY_CONTENT_LENGTH = (
    "Quart sends Content-Length: 0 on {status} responses (RFC 9110 says a {status} has no body "
    "and Werkzeug leaves the header out)"
)
FILE_RESPONSE = (
    "file response (send_file/static): Flask adds Content-Disposition: inline and Accept-Ranges; "
    "Quart only answers Range requests with Accept-Ranges"
)
FILE_CACHING = "file response caching: SEND_FILE_MAX_AGE_DEFAULT is {flask} in Flask, {quart} in Quart"
BODY_LIMIT = "MAX_CONTENT_LENGTH is {flask} in Flask, {quart} in Quart: the same body is refused by one side only"
NOT_MODIFIED_TYPE = "Quart keeps Content-Type on 304 responses"
FILE_COPY = (
    "file response: ETag and Last-Modified are built from the file's mtime (and, for the ETag, its "
    "path); the two apps serve two copies of the same bytes, from different folders"
)
SESSION_VARY = (
    "Quart {version} does not count reading the session as accessing it, so it leaves out the "
    "Vary: Cookie that Flask >= 3.1.3 adds (Quart 0.23 adds it too)"
)
SESSION_SAVE_VARY = (
    "Quart {version} reads the session itself when it saves it, which counts as an access: every "
    "response carries Vary: Cookie, also where the app never touched the session (Flask adds it "
    "only when the app did)"
)
REMOTE_ADDR = (
    "Quart adds a Remote-Addr request header (the client address of the ASGI scope, quart/asgi.py) "
    "that Werkzeug does not: an app that echoes or forwards its request headers shows it on the "
    "Quart side only (request.remote_addr is the same on both)"
)
REMOTE_ADDR_PORTED = (
    "Quart's Remote-Addr request header shows in a port whose F2Q130 hook (drop_quart_remote_addr) "
    "removes it: something reads the headers before that hook runs (a hook registered before it, "
    "a url_value_preprocessor, an ASGI middleware)"
)
HEADER_ENCODING = (
    "Quart sends response header names and values as UTF-8 (encode_headers, quart/utils.py); a WSGI "
    "server sends them as Latin-1 (PEP 3333), and Werkzeug passes a non-ASCII cookie name as its "
    "UTF-8 bytes through Latin-1, which Quart encodes a second time: non-ASCII header text reaches "
    "the client as other bytes (a name beyond Latin-1 makes a WSGI server fail)"
)
#: The hook F2Q130 writes into ported apps: with it, Quart's Remote-Addr is no longer expected.
REMOTE_ADDR_HOOK = "drop_quart_remote_addr"
FILE_HEADERS = frozenset({"header:content-disposition", "header:accept-ranges"})
CACHING_HEADERS = frozenset({"header:cache-control", "header:expires"})


@functools.cache
def _quart_marks_session_reads() -> tuple[bool, str]:
    try:
        version = importlib.metadata.version("quart")
    except importlib.metadata.PackageNotFoundError:
        return True, "?"
    parts = tuple(int(part) for part in re.findall(r"\d+", version)[:2])
    return parts >= (0, 23), version


def _etag_size(etag: Any) -> str | None:
    parts = etag.strip('"').split("-") if isinstance(etag, str) else []
    return parts[-2] if len(parts) >= 3 else None


def _copies_of_one_file(request: ParityRequest, flask: RecordedResponse, quart: RecordedResponse) -> bool:
    """Same size in both ETags (``mtime-size-checksum``) and, when there is a body, the same bytes."""
    size = _etag_size(flask.header("etag"))
    if size is None or size != _etag_size(quart.header("etag")):
        return False
    return request.method == "HEAD" or flask.body == quart.body


def _length_problem(request: ParityRequest, response: RecordedResponse) -> str | None:
    declared = response.header("content-length")
    if declared is None or request.method == "HEAD" or response.error is not None:
        return None
    if response.status in (204, 304):
        return None  # handled as a known difference below
    try:
        length = int(declared)
    except ValueError:
        return f"Content-Length {declared!r} is not a number"
    if length != len(response.body):
        return f"Content-Length {length} but the body has {len(response.body)} bytes"
    return None


def framing_differences(
    request: ParityRequest, flask: RecordedResponse, quart: RecordedResponse, *, in_process: bool
) -> list[Difference]:
    """Content-Length is left out of the header comparison; here it is checked for what matters:
    that it agrees with the body on each side, and the 204/304 case where Quart adds one."""
    differences: list[Difference] = []
    if in_process:  # over the wire the server frames the body; httpx has already checked it
        for label, response in (("flask", flask), ("quart", quart)):
            problem = _length_problem(request, response)
            if problem is not None:
                values = (problem, None) if label == "flask" else (None, problem)
                differences.append(Difference("header:content-length", *values, Category.REAL, problem))
    if quart.status in (204, 304) and flask.status == quart.status:
        flask_length, quart_length = flask.header("content-length"), quart.header("content-length")
        if quart_length is not None and flask_length is None:
            reason = EMPTY_CONTENT_LENGTH.format(status=quart.status)
            differences.append(Difference("header:content-length", None, quart_length, Category.KNOWN, reason))
    return differences


def _describe(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, datetime.timedelta):
        return f"{value.total_seconds():g} s"
    if isinstance(value, int) and value >= 1024 * 1024 and value % (1024 * 1024) == 0:
        return f"{value // (1024 * 1024)} MiB"
    return repr(value)


def _is_file_response(endpoint: str | None, flask: RecordedResponse) -> bool:
    disposition = flask.header("content-disposition") or ""
    return (
        (endpoint is not None and (endpoint == "static" or endpoint.endswith(".static")))
        or disposition.startswith("inline")
        or flask.header("accept-ranges") == "bytes"
    )


def classify_known(
    request: ParityRequest,
    flask: RecordedResponse,
    quart: RecordedResponse,
    differences: list[Difference],
    *,
    endpoint: str | None,
    flask_config: Mapping[str, Any] | None,
    quart_config: Mapping[str, Any] | None,
    hides_remote_addr: bool = False,
) -> list[Difference]:
    """Mark the differences that a documented framework difference explains as KNOWN.

    ``hides_remote_addr``: the Quart app is a port that removes Quart's ``Remote-Addr`` request
    header (:func:`hides_remote_addr`); an echo of it is then real, with the reason."""
    flask_config = flask_config or {}
    quart_config = quart_config or {}
    limit_flask = flask_config.get("MAX_CONTENT_LENGTH", None)
    limit_quart = quart_config.get("MAX_CONTENT_LENGTH", 16 * 1024 * 1024)
    if (
        quart.status == 413
        and flask.status != 413
        and limit_quart is not None
        and len(request.body) > limit_quart
        and (limit_flask is None or len(request.body) <= limit_flask)
    ):
        reason = BODY_LIMIT.format(flask=_describe(limit_flask), quart=_describe(limit_quart))
        return [difference.with_category(Category.KNOWN, reason) for difference in differences]

    max_age_flask = flask_config.get("SEND_FILE_MAX_AGE_DEFAULT", _MISSING)
    max_age_quart = quart_config.get("SEND_FILE_MAX_AGE_DEFAULT", _MISSING)
    caching_differs = max_age_flask is _MISSING or max_age_quart is _MISSING or max_age_flask != max_age_quart
    file_response = _is_file_response(endpoint, flask)
    header_encoding = _header_encoding_fields(differences)
    classified: list[Difference] = []
    for difference in differences:
        name = difference.field
        if difference.category is not Category.REAL:
            classified.append(difference)
        elif request.method == "HEAD" and name.startswith("body") and not flask.body:
            classified.append(difference.with_category(Category.KNOWN, HEAD_BODY))
        elif file_response and name in FILE_HEADERS:
            classified.append(difference.with_category(Category.KNOWN, FILE_RESPONSE))
        elif file_response and name in CACHING_HEADERS and caching_differs:
            reason = FILE_CACHING.format(
                flask="unknown (app not loaded)" if max_age_flask is _MISSING else _describe(max_age_flask),
                quart="unknown (app not loaded)" if max_age_quart is _MISSING else _describe(max_age_quart),
            )
            classified.append(difference.with_category(Category.KNOWN, reason))
        elif (
            file_response
            and name in ("header:etag", "header:last-modified")
            and _copies_of_one_file(request, flask, quart)
        ):
            classified.append(difference.with_category(Category.KNOWN, FILE_COPY))
        elif name == "header:vary" and (reason := _vary_cookie_reason(difference.flask, difference.quart)):
            classified.append(difference.with_category(Category.KNOWN, reason))
        elif _only_remote_addr(difference):
            if hides_remote_addr:
                classified.append(difference.with_category(Category.REAL, REMOTE_ADDR_PORTED))
            else:
                classified.append(difference.with_category(Category.KNOWN, REMOTE_ADDR))
        elif name in header_encoding:
            classified.append(difference.with_category(Category.KNOWN, HEADER_ENCODING))
        elif quart.status == 304 and name == "header:content-type" and difference.flask is None:
            classified.append(difference.with_category(Category.KNOWN, NOT_MODIFIED_TYPE))
        else:
            classified.append(difference)
    return classified


def _as_quart_sends(text: str) -> str:
    """What a header text the app set reads as on Quart's side (its UTF-8 bytes read as Latin-1),
    where the Flask side reads the text itself."""
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


def _header_encoding_fields(differences: list[Difference]) -> set[str]:
    """Header and cookie fields that differ only by Quart's UTF-8 encoding of header text: a value
    (``header:x`` ``÷`` / ``Ã·``), or a name, which splits one field into a Flask-only and a
    Quart-only one with the same value (``cookie:Â¡`` / ``cookie:Ã\x82Â¡``)."""
    quart_only = [
        difference
        for difference in differences
        if difference.flask is None and difference.quart is not None and difference.category is Category.REAL
    ]
    found: set[str] = set()
    for difference in differences:
        kind, _, name = difference.field.partition(":")
        if kind not in ("header", "cookie") or difference.category is not Category.REAL:
            continue
        flask, quart = difference.flask, difference.quart
        if isinstance(flask, str) and isinstance(quart, str) and not flask.isascii() and _as_quart_sends(flask) == quart:
            found.add(difference.field)
        if flask is None or quart is not None or name.isascii():
            continue
        for other in quart_only:
            other_kind, _, other_name = other.field.partition(":")
            if other_kind != kind or not _sent_as(name, other_name):
                continue
            if other.quart == flask or (isinstance(flask, str) and other.quart == _as_quart_sends(flask)):
                found.update((difference.field, other.field))
    return found


def _sent_as(name: str, quart_name: str) -> bool:
    """``quart_name`` is how Quart's encoding shows ``name``: lowered (header names), or cut short
    where the parsing strips a Latin-1 space (``\xa0``) that was part of a UTF-8 character."""
    if quart_name in (_as_quart_sends(name), _as_quart_sends(name).lower()):
        return True
    as_bytes = quart_name.encode("latin-1", "replace")
    return as_bytes.decode("utf-8", "ignore").strip() == name.strip() and not quart_name.isascii()


def hides_remote_addr(quart_app: Any) -> bool:
    """The Quart app (a flask2quart port) registers F2Q130's hook, so it shows its request headers
    as Flask does: Quart's ``Remote-Addr`` is not expected there. Unknown (over the wire without
    the app, or a Quart app written by hand): it is."""
    hooks = getattr(quart_app, "before_request_funcs", None)
    if not isinstance(hooks, Mapping):
        return False
    return any(getattr(hook, "__name__", None) == REMOTE_ADDR_HOOK for hook in hooks.get(None, ()))


# one "Remote-Addr: 1.2.3.4" / "'Remote-Addr': '1.2.3.4'" / "Remote-Addr=..." entry, as an
# echoed header dict, header list or text line writes it; the separator before or after goes too
_REMOTE_ADDR_ENTRY = re.compile(
    r"""(?:,\s*)?(?P<q>['"]?)remote-addr(?P=q)\s*[:=]\s*(?P<v>['"]?)[^'"\s,;&}\]]*(?P=v)(?:\s*,\s*)?""",
    re.IGNORECASE,
)


def _only_remote_addr(difference: Difference) -> bool:
    """The whole difference is Quart's extra ``Remote-Addr`` request header, echoed by the app:
    a JSON member or response header of that name that Flask lacks, or a text value that equals
    Flask's once the entry is taken out."""
    name = difference.field
    last = name.rpartition(".")[2] if name.startswith("body:$") else name.removeprefix("header:")
    if difference.flask is None and last.strip('"').lower() == "remote-addr":
        return name.startswith(("body:$", "header:"))
    if not name.startswith("body") or not isinstance(difference.quart, str):
        return False
    if difference.flask is not None and not isinstance(difference.flask, str):
        return False
    if not _REMOTE_ADDR_ENTRY.search(difference.quart):
        return False
    without = _REMOTE_ADDR_ENTRY.sub(_keep_one_separator, difference.quart)
    return without.strip() == (difference.flask or "").strip()


def _keep_one_separator(match: re.Match[str]) -> str:
    """An entry between two others leaves one ", " behind (``a, X, b`` -> ``a, b``)."""
    text = match.group(0)
    return ", " if text.startswith(",") and text.rstrip().endswith(",") else ""


def _vary_cookie_reason(flask_vary: Any, quart_vary: Any) -> str | None:
    """Each Quart version differs from Flask 3.1.3 on ``Vary: Cookie`` in its own direction."""
    flask_tokens = flask_vary if isinstance(flask_vary, frozenset) else frozenset()
    quart_tokens = quart_vary if isinstance(quart_vary, frozenset) else frozenset()
    marks_reads, version = _quart_marks_session_reads()
    if flask_tokens - quart_tokens == {"cookie"} and quart_tokens <= flask_tokens and not marks_reads:
        return SESSION_VARY.format(version=version)
    if quart_tokens - flask_tokens == {"cookie"} and flask_tokens <= quart_tokens and marks_reads:
        return SESSION_SAVE_VARY.format(version=version)
    return None


def config_differences(flask_config: Mapping[str, Any], quart_config: Mapping[str, Any]) -> list[ConfigDifference]:
    """The two apps' settings, key by key. Only differences are listed."""
    import flask
    import quart

    flask_defaults = dict(flask.Flask.default_config)
    quart_defaults = dict(quart.Quart.default_config)
    found: list[ConfigDifference] = []
    for key in sorted(set(flask_config) | set(quart_config)):
        flask_value = flask_config.get(key, _MISSING)
        quart_value = quart_config.get(key, _MISSING)
        if flask_value is not _MISSING and quart_value is not _MISSING and _equal(flask_value, quart_value):
            continue
        flask_default = flask_defaults.get(key, _MISSING)
        quart_default = quart_defaults.get(key, _MISSING)
        flask_is_default = flask_value is _MISSING or _equal(flask_value, flask_default)
        quart_is_default = quart_value is _MISSING or _equal(quart_value, quart_default)
        if flask_is_default and quart_is_default:
            if flask_default is _MISSING:
                reason = "a Quart-only setting, at its default"
            elif quart_default is _MISSING:
                reason = "a Flask-only setting, at its default"
            else:
                reason = "each framework's own default"
            category = Category.KNOWN
        else:
            reason = "set differently by the two apps"
            category = Category.REAL
        found.append(
            ConfigDifference(
                key,
                None if flask_value is _MISSING else flask_value,
                None if quart_value is _MISSING else quart_value,
                category,
                reason,
            )
        )
    return found


def _equal(left: Any, right: Any) -> bool:
    if left is _MISSING or right is _MISSING:
        return left is right
    try:
        return bool(left == right)
    except Exception:  # an exotic config value whose __eq__ raises
        return left is right
