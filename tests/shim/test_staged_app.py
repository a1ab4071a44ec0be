"""StagedApp behind a real Hypercorn process (``flask2quart serve``) on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import threading
import time

import pytest
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, CloseConnection, Message, Request, TextMessage

from .server import request, running_server

APPS = ["--flask", "tests.shim.staged_apps:flask_app", "--quart", "tests.shim.staged_apps:quart_app"]


@pytest.fixture(scope="module")
def server():
    with running_server(*APPS, "--wsgi-threads", "4", "--max-body", "100000", "--access-log", "--metrics") as (port, process):
        yield port, process


def get_json(port, path, method="GET", **kwargs):
    status, _headers, body = request(port, method, path, **kwargs)
    return status, json.loads(body) if body else None


def test_routes_go_to_the_side_that_serves_them(server):
    port, _ = server
    assert get_json(port, "/legacy") == (200, {"side": "flask"})
    assert get_json(port, "/status") == (200, {"side": "quart", "started": True})  # lifespan ran


def test_method_fallback(server):
    port, _ = server
    assert get_json(port, "/x") == (200, {"side": "quart", "method": "GET"})
    assert get_json(port, "/x", "DELETE") == (200, {"side": "flask", "method": "DELETE"})


def test_trailing_slash_redirect_belongs_to_quart(server):
    port, _ = server
    status, headers, _ = request(port, "GET", "/dir")
    assert status in (301, 308) and headers["location"].endswith("/dir/")


def test_head_204_and_options(server):
    port, _ = server
    status, headers, body = request(port, "HEAD", "/legacy")
    assert status == 200 and body == b"" and headers["content-type"] == "application/json"
    status, _, body = request(port, "GET", "/empty")
    assert status == 204 and body == b""
    status, headers, _ = request(port, "OPTIONS", "/legacy")
    assert status == 200 and "GET" in headers["allow"]
    status, headers, _ = request(port, "OPTIONS", "/status")
    assert status == 200 and "GET" in headers["allow"]


@pytest.mark.parametrize("path", ["/flask-stream", "/quart-stream"])
def test_streaming_from_both_sides(server, path):
    port, _ = server
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    started = time.monotonic()
    connection.request("GET", path)
    response = connection.getresponse()
    assert response.status == 200
    first = response.read1(64)
    first_at = time.monotonic() - started
    rest = response.read()
    total = time.monotonic() - started
    connection.close()
    assert (first + rest) == b"first\nsecond\n"
    assert first.startswith(b"first")
    assert first_at < 0.4 <= total  # the first chunk came before the generator slept


def test_client_disconnect_mid_stream_keeps_the_server_serving(server):
    port, _ = server
    for path in ("/flask-stream", "/quart-stream"):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        assert b"200" in sock.recv(1024)
        sock.close()
    time.sleep(0.7)
    assert get_json(port, "/legacy") == (200, {"side": "flask"})


def test_flask_view_that_raises_gives_500_and_the_server_goes_on(server):
    port, _ = server
    status, _, _ = request(port, "GET", "/boom")
    assert status == 500
    assert get_json(port, "/legacy") == (200, {"side": "flask"})


def test_oversized_body_gets_413(server):
    port, _ = server
    status, _, _ = request(port, "POST", "/upload", body=b"x" * 200_000)
    assert status == 413
    assert get_json(port, "/upload", "POST", body=b"x" * 1000) == (200, {"size": 1000})


def test_session_cookies_are_shared_both_ways(server):
    port, _ = server
    _, headers, _ = request(port, "GET", "/session/set/ada")  # set by Flask
    cookie = headers["set-cookie"].split(";")[0]
    assert get_json(port, "/session/quart", headers={"Cookie": cookie}) == (200, {"who": "ada"})
    _, headers, _ = request(port, "GET", "/session/quart-set/grace")  # set by Quart
    cookie = headers["set-cookie"].split(";")[0]
    assert get_json(port, "/session/flask", headers={"Cookie": cookie}) == (200, {"who": "grace"})


def test_websocket_goes_to_quart(server):
    port, _ = server
    connection = WSConnection(ConnectionType.CLIENT)
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(connection.send(Request(host="127.0.0.1", target="/ws")))
    replies: list[str] = []
    accepted = False
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not replies:
        connection.receive_data(sock.recv(4096))
        for event in connection.events():
            if isinstance(event, AcceptConnection):
                accepted = True
                sock.sendall(connection.send(Message(data="hi")))
            elif isinstance(event, TextMessage):
                replies.append(event.data)
    sock.sendall(connection.send(CloseConnection(code=1000)))
    sock.close()
    assert accepted and replies == ["echo hi"]


def test_metrics_count_each_side(server):
    port, _ = server
    before = get_json(port, "/_flask2quart/metrics")[1]
    request(port, "GET", "/legacy")
    request(port, "GET", "/status")
    request(port, "GET", "/status")
    after = get_json(port, "/_flask2quart/metrics")[1]
    assert after["sides"]["flask"]["requests"] - before["sides"]["flask"]["requests"] == 1
    assert after["sides"]["quart"]["requests"] - before["sides"]["quart"]["requests"] == 2
    _, _, text = request(port, "GET", "/_flask2quart/metrics?format=prometheus")
    assert b'flask2quart_requests_total{side="quart"}' in text


@pytest.mark.parametrize(
    ("raw_path", "expected_side"),
    [
        ("/admin/secret", "quart"),  # the ported route, guarded: 401 without a token
        ("/admin//secret", "quart"),  # merged slashes: Quart redirects, it never reaches Flask
        ("/admin/%73ecret", "quart"),  # percent-encoded letters decode to the ported route
        ("/ADMIN/secret", "flask"),  # case-sensitive: Flask's own route serves it
        ("/admin/secret.", "flask"),
        ("/admin/./secret", "flask"),
        ("/admin/x/../secret", "flask"),
        ("/admin/x/%2e%2e/secret", "flask"),
        ("/admin%2Fsecret", "quart"),  # Hypercorn decodes %2F: Quart routes the decoded path, guard included
    ],
)
def test_path_tricks_reach_the_side_whose_router_serves_them(server, raw_path, expected_side):
    port, _ = server
    status, _headers, body = request(port, "GET", raw_path)
    if expected_side == "quart":
        assert status in (401, 301, 308), (status, body)
        assert b"secret\": true" not in body
    else:
        # Flask's own router decides: its catch-all /admin/<path:rest> or a 404. Never Quart's view,
        # and never the ported view's data without its guard.
        assert status in (200, 404), (status, body)
        if status == 200:
            assert json.loads(body)["side"] == "flask"


def test_graceful_shutdown_finishes_in_flight_requests():
    with running_server(*APPS, "--graceful-timeout", "5") as (port, process):
        results: dict[str, object] = {}

        def slow():
            results["response"] = request(port, "GET", "/sleep?s=1")

        thread = threading.Thread(target=slow)
        thread.start()
        time.sleep(0.3)
        process.send_signal(signal.SIGTERM)
        thread.join(timeout=10)
        assert results["response"][0] == 200
        assert process.wait(timeout=15) == 0 or process.returncode is not None


def test_bad_app_spec_is_one_line_and_exit_2(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "flask2quart", "serve", "--flask", "no_such_module:app"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
        env={**os.environ},
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == ["flask2quart: error: 'no_such_module:app': no module named 'no_such_module'"]
    proc = subprocess.run(
        [sys.executable, "-m", "flask2quart", "serve", "--flask", "tests.shim.staged_apps:quart_app"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )
    assert proc.returncode == 2 and "is not a WSGI app" in proc.stderr




def test_two_workers_each_get_connections_and_stop_on_sigterm():
    with running_server(*APPS, "--workers", "2", "--metrics") as (port, process):
        pids: set[int] = set()
        deadline = time.monotonic() + 20  # the second worker may still be starting up
        while len(pids) < 2 and time.monotonic() < deadline:
            pids |= {get_json(port, "/_flask2quart/metrics")[1]["pid"] for _ in range(20)}
        assert len(pids) == 2  # each worker listens on its own SO_REUSEPORT socket
        assert get_json(port, "/status")[1]["started"] is True  # lifespan ran in the workers
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
