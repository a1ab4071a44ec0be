"""Compare, response by response, what gunicorn and ``flask2quart serve`` answered in requests' suite.

``requests_plugin.py`` records, per test, every response requests built from the server under test:
method, path, status, headers (redirect hops included) and the body as far as the test read it.
Passing the same tests is a floor; this is the finer check: the same requests should get the same
status, headers and bodies. httpbin echoes the request's headers, form, files and JSON in most of
its bodies, so a request the adapter handed to Flask differently shows here.

Normalised before comparing, because they differ between any two servers or any two runs:

* ``Date`` and ``Server``;
* ``Connection: keep-alive``, which gunicorn states and Hypercorn leaves implicit (an HTTP/1.1
  connection persists unless a side says ``close``, RFC 9112 section 9.3); ``close`` is compared;
* the port of 127.0.0.1/localhost in any value (each server has its own), percent-encoded too;
* random hex tokens of 32 digits or more: the ``nonce``/``opaque`` of a digest challenge, the
  ``last_nonce`` cookie, a random ``ETag``;
* the bytes of an ``application/octet-stream`` body, only its size compared: httpbin's ``/bytes``
  and ``/stream-bytes`` are random unless seeded;
* in bodies (as requests decoded them, gzip undone; the first 64 KiB and the size), the ports,
  random hex tokens and UUIDs as above;
* the ``Content-Length`` of a compressed body (with a ``Content-Encoding``): the size after
  compression depends on the bytes, and the echoed ``Host`` carries each server's port (measured:
  ``/gzip`` 195 vs 196 bytes, then 196 vs 197, with the same JSON but for the port).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

IGNORED = frozenset({"date", "server"})
_ADDRESS = re.compile(r"(127\.0\.0\.1|localhost)(:|%3A)\d+", re.IGNORECASE)
_RANDOM = re.compile(r"\b[0-9a-f]{32,}\b", re.IGNORECASE)
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Response:
    """One response, normalised: equal when the two servers answered the same."""

    method: str
    path: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: str  # as the test read it, scrubbed; "" for random bytes
    size: int  # compared only when it says more than ``body``: random bytes, or past the text kept
    read: int = field(compare=False)  # bytes the test read, for the report


def _scrub(text: str) -> str:
    return _UUID.sub("UUID", _RANDOM.sub("HEX", _ADDRESS.sub(r"\1\2PORT", text)))


def normalise(response: Sequence[Any]) -> Response:
    method, path, status, headers = response[:4]
    read, text = response[4] if len(response) > 4 else (0, "")
    compressed = any(name.lower() == "content-encoding" for name, _ in headers)
    kept = []
    for name, value in headers:
        name = name.lower()
        if name in IGNORED or (name == "connection" and value.lower() == "keep-alive"):
            continue
        if compressed and name == "content-length":
            continue
        kept.append((name, _scrub(value)))
    if dict(kept).get("content-type") == "application/octet-stream":  # random bytes: the size only
        body, size = "", int(read)
    else:  # a port's digits may change the size by one: it counts only beyond the text kept
        body, size = _scrub(text), int(read) if int(read) > len(text) else -1
    return Response(str(method), str(path), int(status), tuple(sorted(kept)), body, size, int(read))


def describe(gunicorn: Response, serve: Response) -> str:
    """One line: where two normalised responses differ."""
    where = f"{gunicorn.method} {gunicorn.path}"
    if (where, gunicorn.status) != (f"{serve.method} {serve.path}", serve.status):
        return f"{where}: gunicorn {gunicorn.status}, serve {serve.method} {serve.path} {serve.status}"
    ours, theirs = dict(gunicorn.headers), dict(serve.headers)
    parts = [f"{name}: gunicorn {ours.get(name)!r}, serve {theirs.get(name)!r}"
             for name in sorted(set(ours) | set(theirs)) if ours.get(name) != theirs.get(name)]
    if not parts and gunicorn.headers != serve.headers:  # a repeated header differs
        parts = [f"headers gunicorn {gunicorn.headers!r}, serve {serve.headers!r}"]
    if (gunicorn.body, gunicorn.size) != (serve.body, serve.size):
        at = next((i for i, (a, b) in enumerate(zip(gunicorn.body, serve.body, strict=False)) if a != b),
                  min(len(gunicorn.body), len(serve.body)))
        parts.append(f"body: gunicorn {gunicorn.read} bytes, serve {serve.read}; from byte {at}: gunicorn "
                     f"{gunicorn.body[at:at + 60]!r}, serve {serve.body[at:at + 60]!r}")
    return f"{where} {gunicorn.status}: " + "; ".join(parts)


def differences(gunicorn: Mapping[str, Mapping[str, Any]], serve: Mapping[str, Mapping[str, Any]],
                skip: Sequence[str] = ()) -> dict[str, str]:
    """nodeid -> the first difference, for every test both runs recorded responses for."""
    found: dict[str, str] = {}
    for nodeid in sorted(set(gunicorn) & set(serve) - set(skip)):
        ours = [normalise(r) for r in gunicorn[nodeid].get("responses", [])]
        theirs = [normalise(r) for r in serve[nodeid].get("responses", [])]
        for number, (a, b) in enumerate(zip(ours, theirs, strict=False), start=1):
            if a != b:
                found[nodeid] = f"response {number}: {describe(a, b)}"
                break
        else:
            if len(ours) != len(theirs):
                found[nodeid] = f"{len(ours)} responses from gunicorn, {len(theirs)} from serve"
    return found


def compared(gunicorn: Mapping[str, Mapping[str, Any]], serve: Mapping[str, Mapping[str, Any]]) -> tuple[int, int]:
    """How many tests and responses the comparison covered."""
    both = [n for n in set(gunicorn) & set(serve) if gunicorn[n].get("responses") and serve[n].get("responses")]
    return len(both), sum(len(serve[n]["responses"]) for n in both)
