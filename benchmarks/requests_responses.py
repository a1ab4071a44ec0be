"""Compare, response by response, what gunicorn and ``flask2quart serve`` answered in requests' suite.

``requests_plugin.py`` records, per test, every response requests built from the server under test:
method, path, status and headers (redirect hops included). Passing the same tests is a floor; this
is the finer check: the same requests should get the same status and the same headers, which, with
``Content-Length`` among them, also catches a body that changed size (httpbin echoes the request's
headers and environ in most of its bodies).

Normalised before comparing, because they differ between any two servers or any two runs:

* ``Date`` and ``Server``;
* ``Connection: keep-alive``, which gunicorn states and Hypercorn leaves implicit (an HTTP/1.1
  connection persists unless a side says ``close``, RFC 9112 section 9.3); ``close`` is compared;
* the port of 127.0.0.1/localhost in any value (each server has its own), percent-encoded too;
* random hex tokens of 32 digits or more: the ``nonce``/``opaque`` of a digest challenge, the
  ``last_nonce`` cookie, a random ``ETag``;
* the ``Content-Length`` of a compressed body (with a ``Content-Encoding``): the size after
  compression depends on the bytes, and the echoed ``Host`` carries each server's port (measured:
  ``/gzip`` 195 vs 196 bytes, then 196 vs 197, with the same JSON but for the port).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

IGNORED = frozenset({"date", "server"})
_ADDRESS = re.compile(r"(127\.0\.0\.1|localhost)(:|%3A)\d+", re.IGNORECASE)
_RANDOM = re.compile(r"\b[0-9a-f]{32,}\b", re.IGNORECASE)

Response = tuple[str, str, int, tuple[tuple[str, str], ...]]


def normalise(response: Sequence[Any]) -> Response:
    method, path, status, headers = response
    compressed = any(name.lower() == "content-encoding" for name, _ in headers)
    kept = []
    for name, value in headers:
        name = name.lower()
        if name in IGNORED or (name == "connection" and value.lower() == "keep-alive"):
            continue
        if compressed and name == "content-length":
            continue
        value = _RANDOM.sub("HEX", _ADDRESS.sub(r"\1\2PORT", value))
        kept.append((name, value))
    return str(method), str(path), int(status), tuple(sorted(kept))


def describe(gunicorn: Response, serve: Response) -> str:
    """One line: where two normalised responses differ."""
    if gunicorn[:3] != serve[:3]:
        return f"{gunicorn[0]} {gunicorn[1]}: gunicorn {gunicorn[2]}, serve {serve[0]} {serve[1]} {serve[2]}"
    ours, theirs = dict(gunicorn[3]), dict(serve[3])
    parts = [f"{name}: gunicorn {ours.get(name)!r}, serve {theirs.get(name)!r}"
             for name in sorted(set(ours) | set(theirs)) if ours.get(name) != theirs.get(name)]
    if not parts:  # same names and last values: a repeated header differs
        parts = [f"headers gunicorn {gunicorn[3]!r}, serve {serve[3]!r}"]
    return f"{gunicorn[0]} {gunicorn[1]} {gunicorn[2]}: " + "; ".join(parts)


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
