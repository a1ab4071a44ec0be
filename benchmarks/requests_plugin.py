"""pytest plugin that ``benchmarks/requests_suite.py`` loads into requests' own test suite.

Loaded with ``-p requests_plugin`` (a folder holding only this file on ``PYTHONPATH``). It does
three things, configured by environment variables the harness sets:

* **Fixtures** ``httpbin``, ``httpbin_secure`` and ``httpbin_ca_bundle``, in place of
  pytest-httpbin's (which is not installed): the first two are objects with ``url``, ``host`` and
  ``port`` for the servers under test (``F2Q_RS_HTTPBIN``, ``F2Q_RS_HTTPBIN_SECURE``), the third
  the path of the CA bundle that signed the secure server's certificate (``F2Q_RS_CA_BUNDLE``).
  requests' ``tests/conftest.py`` wraps ``httpbin``/``httpbin_secure`` by name, as it wraps
  pytest-httpbin's, so the suite runs unchanged.
* **A network guard**: a connect, a datagram or a name lookup for anything but a loopback address
  (127.0.0.0/8, ::1, ``localhost``) raises :class:`NetworkBlocked` before a packet is sent, and is
  recorded with the test that tried it. It derives from ``BaseException`` so that no
  ``except Exception`` (requests', urllib3's or a test's ``pytest.raises(ConnectionError)``) can
  turn it into a pass. The harness deselects the tests that need the outside world; the guard is
  what makes a test missed by that list fail instead of dialling out.
* **Deselection and results**: the nodeids in the JSON list ``F2Q_RS_DESELECT`` are deselected (an
  entry without ``[...]`` covers every parametrisation); at the end one JSON file
  (``F2Q_RS_OUT``) holds every test's outcome, a short reason for each failure, the responses
  requests built from the servers under test (method, path, status, headers), the blocked
  attempts, the deselected tests and the deselection entries that matched nothing (a stale list
  is visible).

It runs inside the suite's venv, so it uses the standard library and pytest only.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

_tests: dict[str, dict[str, Any]] = {}
_blocked: list[dict[str, str]] = []
_unmatched: list[str] = []
_deselected: list[str] = []
_current: list[str] = []  # nodeid of the running test (a list: module state without `global`)


class NetworkBlocked(BaseException):
    """A test tried to reach an address outside the loopback network."""


# --- the network guard ----------------------------------------------------------------------------


def _is_loopback_host(host: object) -> bool:
    if host is None:
        return True  # getaddrinfo(None, port): the local wildcard, no lookup
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.strip("[]").split("%", 1)[0].rstrip(".").lower()
    if name in ("", "localhost") or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False  # a name: resolving it would send a DNS query


def _allowed_address(family: int, address: Any) -> bool:
    if family == getattr(socket, "AF_UNIX", None):
        return True
    if isinstance(address, tuple) and address:
        return _is_loopback_host(address[0]) and address[0] not in ("", None)
    return False


def _block(what: str, target: object) -> None:
    entry = {"test": _current[0] if _current else "", "what": what, "target": repr(target)}
    _blocked.append(entry)
    raise NetworkBlocked(f"{what} {target!r}: only loopback addresses may be reached in this run")


def _install_guard() -> None:
    cls = socket.socket
    original_connect = cls.connect
    original_connect_ex = cls.connect_ex
    original_sendto = cls.sendto
    original_getaddrinfo = socket.getaddrinfo
    original_gethostbyname = socket.gethostbyname
    original_gethostbyname_ex = socket.gethostbyname_ex
    original_gethostbyaddr = socket.gethostbyaddr

    def connect(self: socket.socket, address: Any) -> None:
        if not _allowed_address(self.family, address):
            _block("connect", address)
        return original_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if not _allowed_address(self.family, address):
            _block("connect", address)
        return original_connect_ex(self, address)

    def sendto(self: socket.socket, data: Any, *args: Any) -> int:
        address = args[-1]
        if not _allowed_address(self.family, address):
            _block("sendto", address)
        return original_sendto(self, data, *args)  # type: ignore[arg-type]

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_loopback_host(host):
            _block("getaddrinfo", host)
        return original_getaddrinfo(host, *args, **kwargs)

    def gethostbyname(host: str) -> str:
        if not _is_loopback_host(host):
            _block("gethostbyname", host)
        return original_gethostbyname(host)

    def gethostbyname_ex(host: str) -> Any:
        if not _is_loopback_host(host):
            _block("gethostbyname_ex", host)
        return original_gethostbyname_ex(host)

    def gethostbyaddr(host: str) -> Any:
        if not _is_loopback_host(host):
            _block("gethostbyaddr", host)
        return original_gethostbyaddr(host)

    cls.connect = connect  # type: ignore[method-assign]
    cls.connect_ex = connect_ex  # type: ignore[method-assign]
    cls.sendto = sendto  # type: ignore[method-assign,assignment]
    cls.sendmsg = _no_sendmsg  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = getaddrinfo
    socket.gethostbyname = gethostbyname
    socket.gethostbyname_ex = gethostbyname_ex
    socket.gethostbyaddr = gethostbyaddr


def _no_sendmsg(self: socket.socket, *args: Any) -> int:
    """Nothing in the suite sends ancillary data; refusing it keeps the guard simple."""
    _block("sendmsg", args[3] if len(args) > 3 else None)
    return 0


# --- fixtures -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    """What pytest-httpbin's server object offers the suite."""

    url: str

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def port(self) -> int:
        return urlsplit(self.url).port or 0

    def __add__(self, other: str) -> str:
        return self.url + other


def _server(variable: str) -> Server:
    url = os.environ.get(variable)
    if not url:
        pytest.fail(f"{variable} is not set: the harness starts the server and names it there")
    return Server(url)


@pytest.fixture(scope="session")
def httpbin() -> Server:
    return _server("F2Q_RS_HTTPBIN")


@pytest.fixture(scope="session")
def httpbin_secure() -> Server:
    return _server("F2Q_RS_HTTPBIN_SECURE")


@pytest.fixture(scope="session")
def httpbin_ca_bundle() -> str:
    path = os.environ.get("F2Q_RS_CA_BUNDLE", "")
    if not path:
        pytest.fail("F2Q_RS_CA_BUNDLE is not set")
    return path


# --- deselection and results ----------------------------------------------------------------------


_BODY_LIMIT = 64 * 1024  # bytes of a body kept for the comparison; the rest is only counted


class Body:
    """The bytes of one response body as the test read them (decoded: gzip undone), bounded."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.size = 0

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        self.data += chunk[: max(0, _BODY_LIMIT - len(self.data))]

    def to_json(self) -> list[Any]:
        return [self.size, bytes(self.data).decode("latin-1")]


def _tally(chunks: Any, body: Body) -> Any:
    for chunk in chunks:
        body.add(chunk if isinstance(chunk, bytes) else chunk.encode("utf-8"))
        yield chunk


def _install_response_log() -> None:
    """What the server under test answered, per test: method, path, status, headers and the body
    the test read of every response requests built from it (the harness compares them between the
    two servers)."""
    try:
        from requests import adapters, models
    except ImportError:
        return
    targets = {urlsplit(os.environ.get(name, "")).netloc for name in ("F2Q_RS_HTTPBIN", "F2Q_RS_HTTPBIN_SECURE")}
    targets.discard("")
    original = adapters.HTTPAdapter.build_response

    def build_response(self: Any, req: Any, resp: Any) -> Any:
        response = original(self, req, resp)
        parts = urlsplit(str(response.url))
        if _current and parts.netloc in targets:
            headers = [[name.lower(), value] for name, value in resp.headers.items()]
            response._f2q_body = body = Body()
            _entry(_current[0]).setdefault("responses", []).append(
                [req.method, parts.path, response.status_code, headers, body])
        return response

    original_iter = models.Response.iter_content

    def iter_content(self: Any, *args: Any, **kwargs: Any) -> Any:
        # `.content`, `.text`, `.json()`, `iter_lines` all read through here; once the body is
        # consumed, iterating again replays `_content`, which must not be counted twice
        body = getattr(self, "_f2q_body", None) if not self._content_consumed else None
        chunks = original_iter(self, *args, **kwargs)  # its argument checks raise here, as before
        return chunks if body is None else _tally(chunks, body)

    adapters.HTTPAdapter.build_response = build_response  # type: ignore[method-assign]
    models.Response.iter_content = iter_content  # type: ignore[method-assign]


def pytest_configure(config: pytest.Config) -> None:
    _install_guard()
    _install_response_log()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = json.loads(os.environ.get("F2Q_RS_DESELECT", "[]"))
    used: set[str] = set()
    keep: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        base = item.nodeid.split("[", 1)[0]
        hit = item.nodeid if item.nodeid in wanted else base if base in wanted else None
        if hit is None:
            keep.append(item)
        else:
            used.add(hit)
            dropped.append(item)
    _unmatched.extend(entry for entry in wanted if entry not in used)
    _deselected.extend(item.nodeid for item in dropped)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> object:
    _current[:] = [item.nodeid]
    try:
        return (yield)
    finally:
        _current.clear()


def _entry(nodeid: str) -> dict[str, Any]:
    return _tests.setdefault(nodeid, {"outcome": None, "reason": ""})


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    entry = _entry(report.nodeid)
    before = entry["outcome"]
    if before in ("failed", "error"):
        return
    if report.failed:
        entry["outcome"] = "failed" if report.when == "call" else "error"
        entry["reason"] = _reason(report)
    elif hasattr(report, "wasxfail"):
        entry["outcome"] = "xfailed" if report.skipped else "xpassed"
    elif report.skipped:
        entry["outcome"] = "skipped"
        entry["reason"] = _reason(report)
    elif report.when == "call" or before is None:
        entry["outcome"] = "passed"


def _reason(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        return str(crash.message).splitlines()[0][:300] if crash.message else ""
    if isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
        return str(report.longrepr[2])[:300]  # a skip: (file, line, reason)
    return str(report.longrepr).strip().splitlines()[-1][:300] if report.longrepr else ""


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    out = os.environ.get("F2Q_RS_OUT")
    if not out:
        return
    data = {
        "tests": _tests,
        "blocked": _blocked,
        "deselected": _deselected,
        "unmatched_deselect": _unmatched,
        "exitstatus": int(exitstatus),
    }
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(data, handle, default=lambda value: value.to_json())
