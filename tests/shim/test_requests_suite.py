"""``benchmarks/requests_suite.py``: requests' own suite passes on ``flask2quart serve`` as on gunicorn.

* the plugin's network guard refuses a connect or a lookup outside the loopback network before the
  socket call is made (checked under a second, outer sentinel that records what reached the
  socket layer), lets loopback through, and deselects what it is told to;
* the comparison tells a regression from a test that differed only once and from a classified
  difference;
* (slow) the whole benchmark: serve passes every test gunicorn passes, and at least 550 tests.
  Skipped when PyPI cannot be reached to build its venv (exit code 3).
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "benchmarks" / "requests_suite.py"
_saved_path = list(sys.path)
sys.path.insert(0, str(ROOT / "benchmarks"))
try:
    import requests_responses
    import requests_suite  # benchmarks/ is not a package
finally:
    sys.path[:] = _saved_path  # its siblings must not shadow other imports

# Loaded before the plugin: it wraps the real socket calls, so the plugin's guard wraps these. A
# call that gets past the guard lands here, is written down and, unless loopback, refused.
SENTINEL = '''
import json, os, socket

_log = os.environ["SENTINEL_LOG"]
_connect, _getaddrinfo = socket.socket.connect, socket.getaddrinfo


def _note(kind, target, allowed):
    with open(_log, "a") as out:
        out.write(json.dumps([kind, repr(target)]) + "\\n")
    if not allowed:
        raise RuntimeError("LEAKED past the guard: " + repr(target))


def connect(self, address):
    _note("connect", address, self.family == socket.AF_UNIX or address[0] == "127.0.0.1")
    return _connect(self, address)


def getaddrinfo(host, *args, **kwargs):
    _note("getaddrinfo", host, host in ("127.0.0.1", "localhost"))
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect = connect
socket.getaddrinfo = getaddrinfo
'''

SUITE = '''
import socket

import pytest


def test_outside_address():
    with socket.socket() as sock:
        sock.connect(("10.255.255.1", 80))


def test_outside_name():
    socket.getaddrinfo("doesnotexist.invalid", 80)


def test_swallowed():
    with pytest.raises(OSError):  # what `requests` would turn into a ConnectionError
        socket.create_connection(("192.0.2.1", 80), timeout=1)


def test_loopback(server_port):
    with socket.create_connection(("127.0.0.1", server_port), timeout=5):
        pass
    socket.getaddrinfo("localhost", server_port)


def test_httpbin_fixtures(httpbin, httpbin_secure, httpbin_ca_bundle):
    assert httpbin.host == "127.0.0.1" and httpbin.port > 0
    assert httpbin + "/get" == httpbin.url + "/get"
    assert httpbin_secure.url == "https://127.0.0.1:8002"
    assert httpbin_ca_bundle == "/ca.pem"


def test_responses_recorded(httpbin):
    import requests

    response = requests.get(httpbin + "/redirect", timeout=10)
    assert response.status_code == 200
    assert response.content == b"ok" and b"".join(response.iter_content(1)) == b"ok"  # a replay
    with pytest.raises(TypeError):  # iter_content still checks its arguments when called
        response.iter_content("1")


@pytest.mark.parametrize("n", [1, 2])
def test_deselected(n):
    raise AssertionError("deselected, never run")


@pytest.fixture
def server_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]
'''


class _Handler(http.server.BaseHTTPRequestHandler):
    """``/redirect`` -> 302 to ``/ok``; ``/ok`` -> 200 with a body."""

    def do_GET(self) -> None:
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def plugin_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, Any], list[list[str]]]]:
    """The plugin over a tiny suite, once for the module: its results and what reached the sockets."""
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield _run_plugin(tmp_path_factory.mktemp("plugin"), f"http://127.0.0.1:{server.server_address[1]}")
        finally:
            server.shutdown()
            thread.join(timeout=10)


def _run_plugin(tmp_path: Path, url: str) -> tuple[dict[str, Any], list[list[str]]]:
    (tmp_path / "sentinel.py").write_text(SENTINEL)
    (tmp_path / "test_guarded.py").write_text(textwrap.dedent(SUITE))
    log = tmp_path / "sentinel.log"
    out = tmp_path / "out.json"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT / "benchmarks")]),
        "SENTINEL_LOG": str(log),
        "F2Q_RS_HTTPBIN": url,
        "F2Q_RS_HTTPBIN_SECURE": "https://127.0.0.1:8002",
        "F2Q_RS_CA_BUNDLE": "/ca.pem",
        "F2Q_RS_DESELECT": json.dumps(["test_guarded.py::test_deselected", "test_guarded.py::test_gone"]),
        "F2Q_RS_OUT": str(out),
    }
    subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "sentinel", "-p", "requests_plugin", "-p", "no:cacheprovider",
         "-q", "test_guarded.py"],
        cwd=tmp_path, env=env, capture_output=True, timeout=120, check=False,
    )
    reached = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return json.loads(out.read_text()), reached


def test_guard_refuses_outside_addresses_before_the_socket_call(plugin_run: Any) -> None:
    data, reached = plugin_run
    tests = data["tests"]
    for name in ("test_outside_address", "test_outside_name", "test_swallowed"):
        entry = tests[f"test_guarded.py::{name}"]
        assert entry["outcome"] == "failed", name  # not even `pytest.raises(OSError)` can pass it
        assert "NetworkBlocked" in entry["reason"]
    assert [b["target"] for b in data["blocked"]] == ["('10.255.255.1', 80)", "'doesnotexist.invalid'",
                                                      "'192.0.2.1'"]
    assert all("LEAKED" not in e["reason"] for e in tests.values())
    outside = [r for r in reached if "127.0.0.1" not in r[1] and "localhost" not in r[1]]
    assert outside == []  # nothing but loopback ever reached the socket layer
    assert tests["test_guarded.py::test_loopback"]["outcome"] == "passed"
    assert any(kind == "connect" and target.startswith("('127.0.0.1', ") for kind, target in reached)


def test_plugin_fixtures_and_deselection(plugin_run: Any) -> None:
    data, _ = plugin_run
    assert data["tests"]["test_guarded.py::test_httpbin_fixtures"] == {"outcome": "passed", "reason": ""}
    recorded = data["tests"]["test_guarded.py::test_responses_recorded"]["responses"]
    assert [r[:3] for r in recorded] == [["GET", "/redirect", 302], ["GET", "/ok", 200]]
    assert ["location", "/ok"] in recorded[0][3]
    assert [r[4] for r in recorded] == [[0, ""], [2, "ok"]]  # the body as read, counted once
    assert sorted(data["deselected"]) == ["test_guarded.py::test_deselected[1]", "test_guarded.py::test_deselected[2]"]
    assert data["unmatched_deselect"] == ["test_guarded.py::test_gone"]  # a stale entry shows


def _run(outcomes: dict[str, str]) -> requests_suite.SuiteRun:
    tests = {nodeid: {"outcome": outcome, "reason": f"{outcome} here"} for nodeid, outcome in outcomes.items()}
    return requests_suite.SuiteRun(tests, [], [], [], 1.0)


def test_compare_confirms_regressions_with_the_reruns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(requests_suite, "DIFFERENCES", {"t::classified": "explained"})
    runs = {
        "gunicorn": _run({"t::same": "passed", "t::broken": "passed", "t::timing": "passed",
                          "t::classified": "passed", "t::better": "failed"}),
        "serve": _run({"t::same": "passed", "t::broken": "failed", "t::timing": "failed",
                       "t::classified": "failed", "t::better": "passed"}),
    }
    reruns = {
        "gunicorn": [_run({"t::broken": "passed", "t::timing": "passed", "t::classified": "passed"})],
        "serve": [_run({"t::broken": "error", "t::timing": "passed", "t::classified": "failed"})],
    }
    result = requests_suite.compare(runs, reruns)
    assert result.regressions == {"t::broken": "failed here"}
    assert result.classified == {"t::classified": "explained"}
    assert result.flaky == ["t::timing"]
    assert result.serve_only == ["t::better"]


@pytest.mark.slow
def test_serve_passes_every_test_gunicorn_passes(tmp_path: Path) -> None:
    out = tmp_path / "requests-suite.json"
    process = subprocess.Popen([sys.executable, str(BENCH), "--json", str(out)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = process.communicate(timeout=3600)
    except subprocess.TimeoutExpired:
        process.terminate()  # the benchmark stops its servers and its suite run on SIGTERM
        stdout, stderr = process.communicate(timeout=120)
        pytest.fail(f"the benchmark ran over an hour:\n{stderr[-3000:]}")
    done = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    if done.returncode == requests_suite.EXIT_OFFLINE:
        pytest.skip(f"PyPI cannot be reached to build the venv: {done.stderr.strip().splitlines()[-1]}")
    assert out.exists(), done.stderr[-3000:]
    data = json.loads(out.read_text())
    serve, gunicorn = data["sides"]["serve"], data["sides"]["gunicorn"]
    assert data["regressions"] == {}, data["regressions"]
    assert serve["passed"] >= 550, serve
    assert gunicorn["passed"] >= 550, gunicorn
    assert serve["passed_with_server"] >= 100, serve  # the tests answered by httpbin ran
    assert data["responses"] == {}, data["responses"]  # same status, headers and body, response by response
    assert serve["blocked"] == gunicorn["blocked"] == []
    assert serve["deselected"] == gunicorn["deselected"] == 6
    assert set(data["failed"]["serve"]) <= set(data["failed"]["gunicorn"]) | set(data["classified"]) | set(
        data["flaky"])
    assert done.returncode == requests_suite.EXIT_OK, done.stdout[-3000:]


def _response(status: int = 200, path: str = "/get", body: str = "", **headers: str) -> list[Any]:
    pairs = [[name.replace("_", "-"), value] for name, value in headers.items()]
    return ["GET", path, status, pairs, [len(body), body]]


def _tests(*responses: list[Any]) -> dict[str, dict[str, Any]]:
    return {"t::a": {"outcome": "passed", "responses": list(responses)}}


def test_responses_normalised_for_what_differs_between_any_two_servers() -> None:
    gunicorn = _tests(_response(302, Location="http://127.0.0.1:40001/get?u=http%3A%2F%2Flocalhost%3A40001",
                                Server="gunicorn", Date="Mon", Connection="keep-alive",
                                WWW_Authenticate=f'Digest nonce="{"a" * 32}"'))
    serve = _tests(_response(302, Location="http://127.0.0.1:50002/get?u=http%3A%2F%2Flocalhost%3A50002",
                             Server="hypercorn-h11", Date="Tue", WWW_Authenticate=f'Digest nonce="{"b" * 32}"'))
    assert requests_responses.differences(gunicorn, serve) == {}
    assert requests_responses.compared(gunicorn, serve) == (1, 1)
    gzipped = _tests(_response(Content_Encoding="gzip", Content_Length="195"))
    assert requests_responses.differences(gzipped, _tests(_response(Content_Encoding="gzip", Content_Length="196"))) == {}
    assert requests_responses.differences(gzipped, _tests(_response(Content_Length="195"))) == {
        "t::a": "response 1: GET /get 200: content-encoding: gunicorn 'gzip', serve None; "
                "content-length: gunicorn None, serve '195'"}


def test_responses_that_differ_are_reported() -> None:
    base = _tests(_response(Content_Length="10"), _response(path="/next"))
    assert requests_responses.differences(base, _tests(_response(Content_Length="12"), _response(path="/next"))) == {
        "t::a": "response 1: GET /get 200: content-length: gunicorn '10', serve '12'"}
    assert requests_responses.differences(base, _tests(_response(Content_Length="10", Connection="close"))) == {
        "t::a": "response 1: GET /get 200: connection: gunicorn None, serve 'close'"}
    assert requests_responses.differences(base, _tests(_response(Content_Length="10"))) == {
        "t::a": "2 responses from gunicorn, 1 from serve"}
    assert requests_responses.differences(base, _tests(_response(500, Content_Length="10"))) == {
        "t::a": "response 1: GET /get: gunicorn 200, serve GET /get 500"}
    assert requests_responses.differences(base, _tests(_response(500)), skip=["t::a"]) == {}


def test_bodies_compared() -> None:
    echo = '{"headers": {"Host": "127.0.0.1:%s"}, "id": "%s"}'
    gunicorn = _tests(_response(body=echo % (40001, "0c5f8f42-3d7b-4c59-9f4b-4f7f2b3a9d10")))
    serve = _tests(_response(body=echo % (50002, "7a1d4c0e-58b2-4c0b-8a3e-0d3c2f6b1e99")))
    assert requests_responses.differences(gunicorn, serve) == {}
    changed = _tests(_response(body=echo.replace("Host", "host") % (50002, "x")))
    assert requests_responses.differences(gunicorn, changed) == {
        "t::a": "response 1: GET /get 200: body: gunicorn 86 bytes, serve 51; from byte 14: "
                "gunicorn 'Host\": \"127.0.0.1:PORT\"}, \"id\": \"UUID\"}', serve 'host\": \"127.0.0.1:PORT\"}, \"id\": \"x\"}'"}
    binary = _tests(_response(body="\x01\x02", Content_Type="application/octet-stream"))
    assert requests_responses.differences(binary, _tests(
        _response(body="\x03\x04", Content_Type="application/octet-stream"))) == {}
    assert "body: gunicorn 2 bytes, serve 3" in requests_responses.differences(binary, _tests(
        _response(body="\x03\x04\x05", Content_Type="application/octet-stream")))["t::a"]


def test_a_server_that_exits_before_answering_is_started_again(monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes = [requests_suite.ExitedEarly("port taken"), None]
    started: list[str] = []

    def wait_ready(servers: Any, ca: Path) -> None:
        outcome = outcomes.pop(0)
        if outcome is not None:
            raise outcome

    monkeypatch.setattr(requests_suite, "wait_ready", wait_ready)
    monkeypatch.setattr(requests_suite, "start", lambda server, *args: started.append(server.name))
    server = requests_suite.Server("serve", secure=False)
    requests_suite.start_ready(server, requests_suite.Build(Path("/nowhere")), 10, Path("/tmp"), ())
    assert started == ["serve"] and outcomes == []

    outcomes[:] = [requests_suite.ExitedEarly("broken")] * 3
    with pytest.raises(requests_suite.ExitedEarly, match="broken"):
        requests_suite.start_ready(server, requests_suite.Build(Path("/nowhere")), 10, Path("/tmp"), ())
    assert started == ["serve", "serve", "serve"]  # two more tries, then the error
