"""``flask2quart serve`` under faults, with real server processes on 127.0.0.1 (issue 13, `serve`).

- it owns its address: a second server (another ``flask2quart serve`` too) is refused, and so are a
  bad ``--bind`` and a port it may not bind: one line each, exit 2;
- ``/_flask2quart/metrics`` is off unless ``--metrics``, and then for loopback clients only unless
  ``--metrics-allow`` says otherwise;
- request bodies: ``Expect: 100-continue`` over ``--max-body`` gets 413 without ``100 Continue``;
  concurrent uploads stay within ``--max-body-memory``; a body that arrives too slowly gets 408;
- SIGTERM: new connections are refused at once while in-flight requests finish.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

from .server import request, rss_bytes, run_serve, running_server, worker_pids

APPS = ["--flask", "tests.shim.staged_apps:flask_app", "--quart", "tests.shim.staged_apps:quart_app"]
MiB = 1024 * 1024


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("flask2quart: error: "), stderr
    return lines[0]


# --- the address ---------------------------------------------------------------------------------


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_second_serve_on_the_same_address_is_refused(workers: str) -> None:
    with running_server(*APPS, "--workers", workers) as (port, _):
        code, stderr = run_serve(*APPS, "--workers", workers, "--bind", f"127.0.0.1:{port}")
        assert code == 2, stderr
        assert "already in use" in one_error_line(stderr)
        assert request(port, "GET", "/legacy")[0] == 200  # the first one still serves


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reuseport BPF is Linux only")
def test_a_program_that_joins_the_port_with_so_reuseport_gets_no_connection() -> None:
    # The kernel lets any process of the same user bind a port whose sockets set SO_REUSEPORT; the
    # workers' group only ever picks its own sockets, so the intruder is never handed a connection.
    with running_server(*APPS, "--workers", "2") as (port, _), socket.socket() as intruder:
        intruder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        intruder.bind(("127.0.0.1", port))
        intruder.listen()
        intruder.setblocking(False)
        statuses = [request(port, "GET", "/legacy")[0] for _ in range(40)]
        assert statuses == [200] * 40
        with pytest.raises(BlockingIOError):
            intruder.accept()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_an_address_another_program_listens_on_is_refused(workers: str) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        code, stderr = run_serve(*APPS, "--workers", workers, "--bind", f"127.0.0.1:{port}")
    assert code == 2, stderr
    assert one_error_line(stderr) == (
        f"flask2quart: error: cannot listen on 127.0.0.1:{port}: the address is already in use "
        "(another server is listening there)"
    )


@pytest.mark.parametrize(
    ("bind", "message"),
    [
        ("localhost", "expected HOST:PORT"),
        ("127.0.0.1:http", "the port must be a number from 1 to 65535"),
        ("127.0.0.1:70000", "the port must be a number from 1 to 65535"),
        ("::1:8000", "write an IPv6 address in brackets"),
        ("no-such-host.invalid:8000", "cannot resolve host 'no-such-host.invalid'"),
        ("192.0.2.1:8000", "not an address of this machine"),
    ],
)
def test_a_bad_bind_is_one_line_and_exit_2(bind: str, message: str) -> None:
    code, stderr = run_serve(*APPS, "--bind", bind)
    assert code == 2, stderr
    assert message in one_error_line(stderr)


def test_bind_addresses_resolve_as_hypercorn_does() -> None:
    from flask2quart.shim.listen import parse_bind

    assert parse_bind("localhost:8000").sockaddr == ("127.0.0.1", 8000)  # IPv4 unless in brackets
    assert parse_bind("[::1]:8000").family == socket.AF_INET6
    assert parse_bind(":8000").sockaddr == ("0.0.0.0", 8000)  # every interface
    assert parse_bind("unix:/run/app.sock").sockaddr == "/run/app.sock"


def test_a_unix_socket_another_server_listens_on_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "serve.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as other:
        other.bind(str(path))
        other.listen()
        code, stderr = run_serve(*APPS, "--bind", f"unix:{path}")
    assert code == 2, stderr
    assert "a server is listening on that socket" in one_error_line(stderr)


def _unprivileged_port_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_unprivileged_port_start").read_text())
    except (OSError, ValueError):
        return 1024


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to start a non-root server")
@pytest.mark.skipif(_unprivileged_port_start() <= 80, reason="port 80 is not privileged here")
def test_a_privileged_port_as_a_normal_user_is_one_line_and_exit_2() -> None:
    try:
        code, stderr = run_serve(*APPS, "--bind", "127.0.0.1:80", user=65534)  # nobody
    except PermissionError:  # the interpreter itself is not readable by that user (e.g. under /root)
        pytest.skip(f"{sys.executable} cannot be run by an unprivileged user here")
    assert code == 2, stderr
    assert one_error_line(stderr) == (
        "flask2quart: error: cannot listen on 127.0.0.1:80: permission denied "
        "(ports below 1024 need root or CAP_NET_BIND_SERVICE)"
    )


def test_permission_error_message_without_a_privileged_user(monkeypatch: pytest.MonkeyPatch) -> None:
    from flask2quart.shim.listen import BindError, bind_all

    def refuse(self: socket.socket, address: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(socket.socket, "bind", refuse)
    with pytest.raises(BindError, match=r"^cannot listen on 127.0.0.1:443: permission denied \(ports below 1024"):
        bind_all(["127.0.0.1:443"], 2)


# --- metrics -------------------------------------------------------------------------------------


def test_metrics_are_off_unless_asked_for() -> None:
    with running_server(*APPS) as (port, _):
        status, _, body = request(port, "GET", "/_flask2quart/metrics")
        assert status == 404 and b"requests" not in body  # an ordinary path: Flask's 404


def test_metrics_are_for_loopback_clients_unless_allowed() -> None:
    with running_server(*APPS, "--metrics") as (port, _):
        status, _, body = request(port, "GET", "/_flask2quart/metrics")
        assert status == 200 and "quart_share" in json.loads(body)
    with running_server(*APPS, "--metrics", "--metrics-allow", "192.0.2.0/24") as (port, _):
        status, _, body = request(port, "GET", "/_flask2quart/metrics")
        assert status == 403 and b"requests" not in body  # 127.0.0.1 is not in the allowed network
    code, stderr = run_serve(*APPS, "--metrics-allow", "10.0.0.0/8")
    assert code == 2 and "--metrics-allow needs --metrics" in one_error_line(stderr)
    code, stderr = run_serve(*APPS, "--metrics", "--metrics-allow", "10.0.0.0/33")
    assert code == 2 and "is not an IP address or network" in one_error_line(stderr)


async def test_metrics_refuse_a_remote_client_in_process() -> None:
    from flask2quart.shim import StagedApp

    from .staged_apps import flask_app, quart_app

    app = StagedApp(quart_app, flask_app, metrics_path="/_flask2quart/metrics")

    async def status_for(client: tuple[str, int] | None) -> int:
        sent: list[dict[str, object]] = []

        async def receive() -> dict[str, object]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, object]) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "GET", "path": "/_flask2quart/metrics", "query_string": b"",
                 "headers": [], "client": client, "http_version": "1.1", "scheme": "http", "root_path": ""}
        await app(scope, receive, send)
        return int(sent[0]["status"])  # type: ignore[call-overload]

    assert await status_for(("127.0.0.1", 5000)) == 200
    assert await status_for(("::1", 5000)) == 200
    assert await status_for(("::ffff:127.0.0.1", 5000)) == 200
    assert await status_for(("203.0.113.5", 5000)) == 403
    assert await status_for(None) == 403  # a Unix socket: not known to be local


# --- request bodies ------------------------------------------------------------------------------


def read_head(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def read_response(sock: socket.socket) -> bytes:
    """One whole response with a Content-Length: head and body."""
    data = read_head(sock)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def test_expect_100_continue_over_max_body_gets_413_without_100_continue() -> None:
    with running_server(*APPS, "--max-body", "100000") as (port, _):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(
                b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n"
                b"Expect: 100-continue\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            head = read_head(sock)
        assert head.startswith(b"HTTP/1.1 413"), head  # not "HTTP/1.1 100 Continue" first
        assert b"HTTP/1.1 100 " not in head


def test_expect_100_continue_within_the_limit_is_invited() -> None:
    with running_server(*APPS, "--max-body", "100000") as (port, _):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n")
            assert read_head(sock).startswith(b"HTTP/1.1 100 ")  # Hypercorn sends no reason phrase
            sock.sendall(b"0123456789")
            head = read_response(sock)
        assert head.startswith(b"HTTP/1.1 200") and head.endswith(b'{"size":10}\n'), head


def test_concurrent_uploads_stay_within_the_body_memory_cap() -> None:
    uploads, size, hold = 16, 8 * MiB, 2.5
    args = ["--max-body", str(size), "--max-body-memory", str(4 * MiB), "--wsgi-threads", str(uploads)]
    with running_server(*APPS, *args) as (port, process):
        [worker] = worker_pids(process)
        for _ in range(3):
            request(port, "POST", "/upload-hold", body=b"x" * MiB)  # warm-up: the pool and the buffers
        baseline = rss_bytes(worker)
        results: list[object] = []

        def upload() -> None:
            results.append(request(port, "POST", f"/upload-hold?s={hold}", body=b"x" * size))

        threads = [threading.Thread(target=upload) for _ in range(uploads)]
        for thread in threads:
            thread.start()
        peak = baseline
        while any(thread.is_alive() for thread in threads):
            peak = max(peak, rss_bytes(worker))
            time.sleep(0.05)
        for thread in threads:
            thread.join()
    assert [(r[0], json.loads(r[2])) for r in results] == [(200, {"size": size})] * uploads  # type: ignore[index]
    # 16 x 8 MiB = 128 MiB of bodies in flight at once: held in memory they would all show here
    # (before --max-body-memory: +200 MiB here)
    print(f"worker RSS grew by {(peak - baseline) / MiB:.1f} MiB")
    assert peak - baseline < 40 * MiB, f"worker RSS grew by {(peak - baseline) / MiB:.0f} MiB"


def test_a_body_that_arrives_too_slowly_gets_408() -> None:
    with running_server(*APPS, "--body-timeout", "1") as (port, _):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            started = time.monotonic()
            sock.sendall(b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
            sock.settimeout(0.3)
            head = b""
            while not head and time.monotonic() - started < 8:
                try:
                    head = read_head(sock)
                except TimeoutError:
                    sock.sendall(b"x")  # one byte now and then: alive, but never done
            elapsed = time.monotonic() - started
        assert head.startswith(b"HTTP/1.1 408"), head
        assert 0.9 < elapsed < 4, elapsed


# --- SIGTERM -------------------------------------------------------------------------------------


def refused(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return False
    except ConnectionRefusedError:
        return True
    except OSError:  # accepted by the kernel but never served (a timeout): not refused
        return False


def refused_soon(port: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while not refused(port):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigterm_refuses_new_connections_while_in_flight_requests_finish(workers: str) -> None:
    with running_server(*APPS, "--workers", workers, "--graceful-timeout", "10") as (port, process):
        deadline = time.monotonic() + 20
        while len(worker_pids(process)) < int(workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        results: list[object] = []
        slow = threading.Thread(target=lambda: results.append(request(port, "GET", "/sleep?s=2")))
        slow.start()
        time.sleep(0.5)  # the request is in the view
        process.send_signal(signal.SIGTERM)
        assert refused_soon(port, within=1.0)  # the workers see the shutdown within 0.1 s
        assert slow.is_alive() and process.poll() is None  # while the request is still in the view
        slow.join(timeout=15)
        assert results and results[0][0] == 200  # type: ignore[index]
        assert process.wait(timeout=15) == 0


def test_an_idle_keep_alive_connection_is_closed_after_keep_alive_and_on_sigterm() -> None:
    keep = b"GET /legacy HTTP/1.1\r\nHost: x\r\n\r\n"
    with running_server(*APPS, "--keep-alive", "1", "--graceful-timeout", "10") as (port, process):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(keep)
            assert read_response(sock).startswith(b"HTTP/1.1 200")
            started = time.monotonic()
            assert sock.recv(1024) == b""  # closed by the server once idle for --keep-alive
            assert 0.8 < time.monotonic() - started < 3
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(keep)
            assert read_response(sock).startswith(b"HTTP/1.1 200")
            process.send_signal(signal.SIGTERM)
            started = time.monotonic()
            assert sock.recv(1024) == b""  # idle: closed at once, not after keep-alive or the grace time
            assert process.wait(timeout=15) == 0
            assert time.monotonic() - started < 2
