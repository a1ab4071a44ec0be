"""``flask2quart.shim.WsgiToAsgi``: the environ and the WSGI protocol in-process, then serving
through a real Hypercorn process on 127.0.0.1 (``python -m hypercorn`` loads ``serve_app`` below)."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest
from flask import Flask, Response, jsonify, make_response, request

from flask2quart.shim.threads import DEFAULT_THREADS, default_wsgi_threads
from flask2quart.shim.wsgi import BATCH, BUFFER_LIMIT, WsgiToAsgi, build_environ

# --- the legacy app the Hypercorn processes serve --------------------------------------------------

LIMIT = 100_000  # max_body of the servers under test
EVENTS: list[str] = []  # what happened inside the server process; read back through /events

flask_app = Flask(__name__)


@flask_app.get("/hello")
def hello() -> str:
    return "hello"


@flask_app.post("/form")
def form() -> Response:
    return jsonify(form=request.form.to_dict(), remote=request.remote_addr)


@flask_app.post("/json")
def json_body() -> Response:
    return jsonify(got=request.get_json())


@flask_app.post("/upload")
def upload() -> Response:
    EVENTS.append("upload called")
    return jsonify(size=len(request.get_data()))


@flask_app.get("/empty")
def empty() -> tuple[str, int]:
    return "", 204


@flask_app.get("/etag")
def etag() -> Any:
    response = make_response("tagged")
    response.set_etag("v1")
    return response.make_conditional(request)


@flask_app.get("/latin1")
def latin1() -> tuple[str, dict[str, str]]:
    return "ok", {"X-Name": "café"}


@flask_app.get("/closing")
def closing() -> Response:
    response = make_response("buffered")
    response.call_on_close(lambda: EVENTS.append("closed /closing"))
    return response


@flask_app.get("/stream-closing")
def stream_closing() -> Response:
    def generate() -> Iterator[str]:
        yield "a"
        yield "b"

    response = Response(generate())
    response.call_on_close(lambda: EVENTS.append("closed /stream-closing"))
    return response


@flask_app.get("/slow-stream")
def slow_stream() -> Response:
    def generate() -> Iterator[str]:
        yield "first\n"
        time.sleep(1.0)
        yield "second\n"

    return Response(generate(), mimetype="text/plain")


@flask_app.get("/forever")
def forever() -> Response:
    def generate() -> Iterator[str]:
        for tick in range(100):  # 5 s if nobody stops it
            yield f"tick {tick}\n"
            time.sleep(0.05)

    response = Response(generate(), mimetype="text/plain")
    response.call_on_close(lambda: EVENTS.append("closed /forever"))
    return response


@flask_app.get("/sleep")
def sleep() -> str:
    time.sleep(0.3)
    return "slept"


@flask_app.get("/boom")
def boom() -> str:
    raise RuntimeError("flask view failed")


@flask_app.get("/events")
def events() -> Response:
    return jsonify(EVENTS)


StartResponse = Callable[..., Callable[[bytes], object]]


class Tracked:
    """A WSGI body that records its close()."""

    def __init__(self, name: str, chunks: Iterable[bytes]) -> None:
        self.name, self.chunks, self.closes = name, chunks, 0

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.chunks)

    def close(self) -> None:
        self.closes += 1
        EVENTS.append(f"closed {self.name}")


def raw_boom(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    raise RuntimeError("raw app failed before start_response")


def failing(*chunks: bytes) -> Iterator[bytes]:
    yield from chunks
    raise RuntimeError("body failed")


def raw_late_boom(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Length", "10")])
    return Tracked("/raw/late-boom", failing())


def raw_stream_boom(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return Tracked("/raw/stream-boom", failing(b"partial\n"))


def raw_exc_info(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    try:
        raise ValueError("the view failed")
    except ValueError:
        start_response(
            "500 Internal Server Error", [("Content-Type", "text/plain")], sys.exc_info()
        )
        return [b"handled"]


def raw_write(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    write = start_response("200 OK", [("Content-Type", "text/plain")])
    write(b"written, ")
    return [b"returned"]


RAW = {
    "/raw/boom": raw_boom,
    "/raw/late-boom": raw_late_boom,
    "/raw/stream-boom": raw_stream_boom,
    "/raw/exc-info": raw_exc_info,
    "/raw/write": raw_write,
}


def legacy_app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    handler = RAW.get(environ["PATH_INFO"], flask_app)
    return handler(environ, start_response)  # type: ignore[no-any-return]


def serve_app(threads: int = 10, max_body: int = LIMIT) -> WsgiToAsgi:
    return WsgiToAsgi(legacy_app, threads=threads, max_body=max_body)


# --- in-process: a fake server -----------------------------------------------------------------


def http_scope(path: str = "/", method: str = "GET", **extra: Any) -> dict[str, Any]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("utf-8"),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"example.test")],
        "client": ("10.0.0.7", 50123),
        "server": ("127.0.0.1", 8000),
    }
    scope.update(extra)
    return scope


class FakeServer:
    """receive() gives the request body, then waits for ``disconnect``; send() records."""

    def __init__(self, *body: bytes) -> None:
        chunks = body or (b"",)
        self.incoming = [
            {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
            for index, chunk in enumerate(chunks)
        ]
        self.sent: list[dict[str, Any]] = []
        self.disconnect = asyncio.Event()

    async def receive(self) -> dict[str, Any]:
        if self.incoming:
            return self.incoming.pop(0)
        await self.disconnect.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    @property
    def status(self) -> int:
        return int(self.sent[0]["status"])

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.sent if m["type"] == "http.response.body")


async def serve(app: WsgiToAsgi, scope: dict[str, Any], *body: bytes) -> FakeServer:
    server = FakeServer(*body)
    await asyncio.wait_for(app(scope, server.receive, server.send), 5)
    return server


def capture_environ() -> tuple[list[dict[str, Any]], Callable[..., Iterable[bytes]]]:
    seen: list[dict[str, Any]] = []

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        seen.append({**environ, "body": environ["wsgi.input"].read()})
        start_response("200 OK", [("Content-Length", "0")])
        return []

    return seen, app


# --- in-process tests --------------------------------------------------------------------------


def test_environ_paths_and_server_keys() -> None:
    scope = http_scope(
        "/app/café/x y",
        root_path="/app",
        raw_path=b"/app/caf%C3%A9/x%20y",
        query_string=b"q=%C3%A9&b=2",
        scheme="https",
    )
    environ = build_environ(scope)
    assert environ["SCRIPT_NAME"] == "/app"
    assert environ["PATH_INFO"] == "/caf\xc3\xa9/x y"  # UTF-8 bytes, one latin-1 char each
    assert environ["PATH_INFO"].encode("latin-1").decode("utf-8") == "/café/x y"
    assert environ["QUERY_STRING"] == "q=%C3%A9&b=2"
    assert environ["REQUEST_URI"] == environ["RAW_URI"] == "/app/caf%C3%A9/x%20y?q=%C3%A9&b=2"
    assert (environ["SERVER_NAME"], environ["SERVER_PORT"]) == ("127.0.0.1", "8000")
    assert (environ["REMOTE_ADDR"], environ["REMOTE_PORT"]) == ("10.0.0.7", "50123")
    assert environ["SERVER_PROTOCOL"] == "HTTP/1.1"
    assert environ["REQUEST_METHOD"] == "GET"
    assert environ["wsgi.url_scheme"] == "https"
    assert environ["wsgi.version"] == (1, 0)
    assert environ["wsgi.multithread"] is True
    assert environ["wsgi.run_once"] is False
    assert environ["wsgi.input"].read() == b""
    assert environ["asgi.scope"] is scope
    assert "CONTENT_LENGTH" not in environ
    # A server that keeps the mount point out of ``path``; and one with no server address.
    assert build_environ(http_scope("/x", root_path="/app"))["PATH_INFO"] == "/x"
    assert (
        build_environ(http_scope("/application", root_path="/app"))["PATH_INFO"] == "/application"
    )
    bare = build_environ(http_scope("/", server=None, client=None, scheme="https"))
    assert (bare["SERVER_NAME"], bare["SERVER_PORT"]) == ("localhost", "443")
    assert "REMOTE_ADDR" not in bare


def test_environ_headers() -> None:
    headers = [
        (b"host", b"example.test"),
        (b"content-type", b"application/json"),
        (b"content-length", b"2"),
        (b"x-forwarded-for", b"1.1.1.1"),
        (b"X-Forwarded-For", b"2.2.2.2"),
        (b"cookie", b"a=1"),
        (b"cookie", b"b=2"),
        (b"x_forwarded_for", b"spoofed"),
        (b"x-name", b"caf\xe9"),
    ]
    environ = build_environ(http_scope(headers=headers), b"{}")
    assert environ["CONTENT_TYPE"] == "application/json"
    assert environ["CONTENT_LENGTH"] == "2"
    assert "HTTP_CONTENT_TYPE" not in environ and "HTTP_CONTENT_LENGTH" not in environ
    assert environ["HTTP_HOST"] == "example.test"
    assert environ["HTTP_X_FORWARDED_FOR"] == "1.1.1.1,2.2.2.2"  # the underscore one is dropped
    assert environ["HTTP_COOKIE"] == "a=1; b=2"
    assert environ["HTTP_X_NAME"] == "café"
    assert environ["wsgi.input"].read() == b"{}"


async def test_request_body_reaches_the_app() -> None:
    seen, app = capture_environ()
    adapter = WsgiToAsgi(app, threads=2)
    chunked = http_scope("/", "POST", headers=[(b"transfer-encoding", b"chunked")])
    server = await serve(adapter, chunked, b"ab", b"cd", b"")
    assert server.status == 200
    assert seen[0]["body"] == b"abcd"
    assert seen[0]["CONTENT_LENGTH"] == "4"  # no length was declared: the buffered one
    assert seen[0]["wsgi.input_terminated"] is True


async def test_body_limit_in_process() -> None:
    seen, app = capture_environ()
    adapter = WsgiToAsgi(app, max_body=10)
    declared = http_scope("/", "POST", headers=[(b"content-length", b"11")])
    server = FakeServer(b"x" * 11)
    await adapter(declared, server.receive, server.send)
    assert server.status == 413
    assert len(server.incoming) == 1  # the body was never read
    assert (await serve(adapter, http_scope("/", "POST"), b"123456", b"78901")).status == 413
    assert (await serve(adapter, http_scope("/", "POST"), b"123456", b"7890")).status == 200
    assert (await serve(WsgiToAsgi(app, max_body=None), http_scope("/"), b"x" * 100)).status == 200
    assert len(seen) == 2


async def test_client_gone_before_the_body_arrived() -> None:
    seen, app = capture_environ()
    server = FakeServer()
    server.incoming = []
    server.disconnect.set()
    await WsgiToAsgi(app)(http_scope("/", "POST"), server.receive, server.send)
    assert seen == [] and server.sent == []


async def test_one_message_for_an_ordinary_response() -> None:
    body = Tracked("ordinary", [b"hello ", b"world"])

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Length", "11"), ("X-Name", "café")])
        return body

    server = await serve(WsgiToAsgi(app), http_scope())
    assert [m["type"] for m in server.sent] == ["http.response.start", "http.response.body"]
    assert server.sent[0]["headers"] == [(b"content-length", b"11"), (b"x-name", b"caf\xe9")]
    assert server.sent[1] == {"type": "http.response.body", "body": b"hello world"}
    assert body.closes == 1


async def test_large_response_with_length_goes_in_batches() -> None:
    size = 3 * BUFFER_LIMIT
    body = Tracked("large", (b"x" * 8192 for _ in range(size // 8192)))

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Length", str(size))])
        return body

    server = await serve(WsgiToAsgi(app), http_scope())
    pieces = [len(m["body"]) for m in server.sent[1:]]
    assert sum(pieces) == size
    assert max(pieces) <= BATCH and len(pieces) >= size // BATCH
    assert server.sent[-1].get("more_body", False) is False
    assert body.closes == 1


async def test_stream_without_length_sends_each_chunk() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        def generate() -> Iterator[bytes]:
            start_response("200 OK", [])  # PEP 3333 allows starting from inside the iterable
            yield b""
            yield b"one"
            yield b"two"

        return generate()

    server = await serve(WsgiToAsgi(app), http_scope())
    assert server.status == 200
    bodies = [(m["body"], m.get("more_body", False)) for m in server.sent[1:]]
    assert bodies == [(b"one", True), (b"two", True), (b"", False)]


async def test_write_and_exc_info_before_anything_is_sent() -> None:
    adapter = WsgiToAsgi(legacy_app)
    write = await serve(adapter, http_scope("/raw/write"))
    assert (write.status, write.body) == (200, b"written, returned")
    replaced = await serve(adapter, http_scope("/raw/exc-info"))
    assert (replaced.status, replaced.body) == (500, b"handled")


async def test_exc_info_after_the_headers_went_out_reraises() -> None:
    body = Tracked("exc-info-late", [])

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [])

        def generate() -> Iterator[bytes]:
            yield b"started"
            try:
                raise ValueError("late failure")
            except ValueError:
                start_response("500 Internal Server Error", [], sys.exc_info())
            yield b"never"

        body.chunks = generate()
        return body

    server = await serve(WsgiToAsgi(app), http_scope())
    assert server.status == 200
    assert server.body == b"started"
    assert server.sent[-1].get("more_body") is True  # never finished: the server aborts it
    assert body.closes == 1


@pytest.mark.parametrize("length", [None, "5"])
async def test_app_errors_close_once_and_give_500(length: str | None) -> None:
    body = Tracked("failing", failing())

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Length", length)] if length else [])
        return body

    server = await serve(WsgiToAsgi(app), http_scope())
    assert server.status == 500 and server.body == b"Internal Server Error\n"
    assert body.closes == 1


async def test_no_start_response_is_a_500(caplog: pytest.LogCaptureFixture) -> None:
    server = await serve(WsgiToAsgi(lambda environ, start_response: []), http_scope())
    assert server.status == 500
    assert "did not call start_response" in caplog.text


async def test_disconnect_stops_the_stream_and_closes() -> None:
    pulled: list[int] = []
    body = Tracked("endless", [])

    def generate() -> Iterator[bytes]:
        for index in range(1000):
            pulled.append(index)
            time.sleep(0.01)
            yield b"x"

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [])
        body.chunks = generate()
        return body

    server = FakeServer()
    task = asyncio.ensure_future(WsgiToAsgi(app)(http_scope(), server.receive, server.send))
    await asyncio.sleep(0.1)
    server.disconnect.set()
    await asyncio.wait_for(task, 2)
    assert body.closes == 1
    assert len(pulled) < 100


async def test_cancelled_request_still_closes() -> None:
    started, closed = threading.Event(), threading.Event()

    class Body(Tracked):
        def close(self) -> None:
            closed.set()

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started.set()
        time.sleep(0.2)
        start_response("200 OK", [])
        return Body("cancelled", [b"a", b"b"])

    server = FakeServer()
    task = asyncio.ensure_future(WsgiToAsgi(app)(http_scope(), server.receive, server.send))
    await asyncio.to_thread(started.wait, 2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await asyncio.to_thread(closed.wait, 2)


async def test_in_flight_threads_lifespan_and_websocket() -> None:
    release = threading.Event()

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        release.wait(2)
        start_response("204 No Content", [])
        return []

    adapter = WsgiToAsgi(app, threads=3)
    assert (adapter.threads, adapter.in_flight) == (3, 0)
    tasks = [asyncio.ensure_future(serve(adapter, http_scope())) for _ in range(2)]
    await asyncio.sleep(0.05)
    assert adapter.in_flight == 2
    release.set()
    assert [(await task).status for task in tasks] == [204, 204]
    assert adapter.in_flight == 0

    pool = adapter._pools[asyncio.get_running_loop()]
    messages = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await adapter({"type": "lifespan"}, receive, send)
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert pool.closed and not adapter._pools

    sent.clear()
    messages[:] = [{"type": "websocket.connect"}]
    await adapter({"type": "websocket", "path": "/"}, receive, send)
    assert sent == [{"type": "websocket.close", "code": 1000}]


def test_default_threads(tmp_path: Path) -> None:
    assert default_wsgi_threads({}, tmp_path) == DEFAULT_THREADS == 10
    assert default_wsgi_threads({"GUNICORN_CMD_ARGS": "--threads 4 -w 3"}, tmp_path) == 4
    assert default_wsgi_threads({"GUNICORN_CMD_ARGS": "--bind :80 --threads=6"}, tmp_path) == 6
    (tmp_path / "gunicorn.conf.py").write_text("workers = 2\nthreads = 8\n")
    assert default_wsgi_threads({}, tmp_path) == 8
    assert default_wsgi_threads({"GUNICORN_CMD_ARGS": "--threads 3"}, tmp_path) == 3
    (tmp_path / "prod.py").write_text("threads: int = 12\n")
    assert default_wsgi_threads({"GUNICORN_CMD_ARGS": "-c prod.py"}, tmp_path) == 12
    (tmp_path / "gunicorn.conf.py").write_text("import os\nthreads = int(os.environ['T'])\n")
    assert default_wsgi_threads({}, tmp_path) == 10
    assert default_wsgi_threads({"GUNICORN_CMD_ARGS": "--threads 0"}, tmp_path) == 10


def test_threads_default_comes_from_gunicorn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUNICORN_CMD_ARGS", "--threads 5")
    assert WsgiToAsgi(flask_app).threads == 5
    assert WsgiToAsgi(flask_app, threads=2).threads == 2
    with pytest.raises(ValueError):
        WsgiToAsgi(flask_app, threads=0)


# --- a real Hypercorn process ------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    logfile: IO[bytes]

    def log(self) -> str:
        self.logfile.seek(0)
        return self.logfile.read().decode("utf-8", "replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def hypercorn(app: str) -> Iterator[Server]:
    """``python -m hypercorn`` serving ``tests.shim.test_wsgi_adapter:<app>`` in one process."""
    port = free_port()
    with tempfile.TemporaryFile() as logfile:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hypercorn",
                "--workers",
                "0",  # serve in the process we started, so its PID is the server's
                "--bind",
                f"127.0.0.1:{port}",
                "--graceful-timeout",
                "2",
                f"tests.shim.test_wsgi_adapter:{app}",
            ],
            cwd=ROOT,
            stdout=logfile,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        server = Server(port, process, logfile)
        try:
            deadline = time.monotonic() + 20
            while True:
                assert process.poll() is None, server.log()
                assert time.monotonic() < deadline, "Hypercorn did not start listening"
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.05)
            yield server
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    return int(process.returncode)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with hypercorn("serve_app(threads=10)") as running:
        yield running


def fetch(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, http.client.HTTPResponse, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response, response.read()
    finally:
        connection.close()


def server_events(port: int) -> list[str]:
    return list(json.loads(fetch(port, "GET", "/events")[2]))


def exchange(port: int, data: bytes, timeout: float = 5) -> bytes:
    """Send raw bytes, read until the server closes or ``timeout``."""
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except TimeoutError:
            pass
    return received


def test_get_and_post_form_and_json(server: Server) -> None:
    assert fetch(server.port, "GET", "/hello")[::2] == (200, b"hello")
    status, _, body = fetch(
        server.port,
        "POST",
        "/form",
        b"name=kevin&city=K%C3%B6ln",
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 200
    assert json.loads(body) == {"form": {"name": "kevin", "city": "Köln"}, "remote": "127.0.0.1"}
    payload = {"items": [1, 2, 3], "text": "h\u00e9llo"}
    status, response, body = fetch(
        server.port,
        "POST",
        "/json",
        json.dumps(payload).encode(),
        {"Content-Type": "application/json"},
    )
    assert (status, json.loads(body)) == (200, {"got": payload})
    assert response.getheader("Content-Length") == str(len(body))


def test_head_204_304_have_empty_bodies(server: Server) -> None:
    status, response, body = fetch(server.port, "HEAD", "/hello")
    assert (status, body, response.getheader("Content-Length")) == (200, b"", "5")
    status, response, body = fetch(server.port, "GET", "/empty")
    assert (status, body) == (204, b"")
    status, response, body = fetch(server.port, "GET", "/etag")
    assert (status, body, response.getheader("ETag")) == (200, b"tagged", '"v1"')
    assert fetch(server.port, "GET", "/etag", headers={"If-None-Match": '"v1"'})[::2] == (304, b"")
    assert fetch(server.port, "OPTIONS", "/hello")[::2] == (200, b"")


def test_latin1_response_header(server: Server) -> None:
    status, response, _ = fetch(server.port, "GET", "/latin1")
    assert (status, response.getheader("X-Name")) == (200, "café")
    raw = exchange(server.port, b"GET /latin1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert b"x-name: caf\xe9\r\n" in raw


def test_close_runs_for_buffered_and_streamed_responses(server: Server) -> None:
    assert fetch(server.port, "GET", "/closing")[::2] == (200, b"buffered")
    assert fetch(server.port, "GET", "/stream-closing")[::2] == (200, b"ab")
    events = server_events(server.port)
    assert events.count("closed /closing") == 1
    assert events.count("closed /stream-closing") == 1


def test_streaming_sends_the_first_chunk_at_once(server: Server) -> None:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"GET /slow-stream HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        received = b""
        while b"first" not in received:
            received += sock.recv(65536)
        first = time.monotonic() - started
        while chunk := sock.recv(65536):
            received += chunk
    total = time.monotonic() - started
    assert b"transfer-encoding: chunked" in received.lower()
    assert b"second" in received and received.endswith(b"0\r\n\r\n")
    assert first < 0.6 < 0.9 < total, (first, total)


def test_client_disconnect_mid_stream_closes_the_response(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"GET /forever HTTP/1.1\r\nHost: t\r\n\r\n")
        received = b""
        while b"tick 0" not in received:
            received += sock.recv(65536)
    deadline = time.monotonic() + 2.5  # the generator alone would run for 5 s
    while "closed /forever" not in server_events(server.port):
        assert time.monotonic() < deadline, "close() did not run after the client left"
        time.sleep(0.05)
    assert fetch(server.port, "GET", "/hello")[::2] == (200, b"hello")


def test_413_for_a_declared_length_over_the_limit_reads_nothing(server: Server) -> None:
    before = server_events(server.port).count("upload called")
    started = time.monotonic()
    headers = f"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: {LIMIT + 1}\r\n\r\n"
    raw = exchange(server.port, headers.encode())  # no body is ever sent
    assert raw.startswith(b"HTTP/1.1 413"), raw
    assert time.monotonic() - started < 2
    assert server_events(server.port).count("upload called") == before


def test_413_for_a_chunked_body_growing_over_the_limit(server: Server) -> None:
    before = server_events(server.port).count("upload called")
    chunk = b"8000\r\n" + b"x" * 0x8000 + b"\r\n"
    head = b"POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
    raw = exchange(server.port, head + chunk * 4 + b"0\r\n\r\n")
    assert raw.startswith(b"HTTP/1.1 413"), raw[:200]
    assert server_events(server.port).count("upload called") == before
    small = head + chunk + b"0\r\n\r\n"
    raw = exchange(server.port, small.replace(b"chunked\r\n", b"chunked\r\nConnection: close\r\n"))
    assert raw.startswith(b"HTTP/1.1 200") and b'{"size":32768}' in raw, raw[:300]
    assert fetch(server.port, "POST", "/upload", b"y" * LIMIT)[::2] == (200, b'{"size":100000}\n')


def test_failing_views_give_500_and_the_server_keeps_serving(server: Server) -> None:
    assert fetch(server.port, "GET", "/raw/boom")[::2] == (500, b"Internal Server Error\n")
    assert fetch(server.port, "GET", "/hello")[0] == 200
    assert fetch(server.port, "GET", "/boom")[0] == 500  # Flask's own error page
    assert fetch(server.port, "GET", "/hello")[0] == 200
    assert fetch(server.port, "GET", "/raw/late-boom")[::2] == (500, b"Internal Server Error\n")
    log = server.log()
    assert "raw app failed before start_response" in log and "Traceback" in log
    assert "WSGI app failed on GET /raw/boom" in log


def test_failure_after_the_response_started_aborts_it(server: Server) -> None:
    with pytest.raises(http.client.IncompleteRead):
        fetch(server.port, "GET", "/raw/stream-boom")
    assert fetch(server.port, "GET", "/hello")[0] == 200
    assert server_events(server.port).count("closed /raw/stream-boom") == 1
    assert "WSGI app failed while streaming GET /raw/stream-boom" in server.log()


def test_write_callable_and_exc_info(server: Server) -> None:
    assert fetch(server.port, "GET", "/raw/write")[::2] == (200, b"written, returned")
    assert fetch(server.port, "GET", "/raw/exc-info")[::2] == (500, b"handled")


def test_websocket_is_refused(server: Server) -> None:
    handshake = (
        b"GET /ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    assert exchange(server.port, handshake, timeout=3).startswith(b"HTTP/1.1 403")
    assert fetch(server.port, "GET", "/hello")[0] == 200


def concurrent_sleeps(port: int, count: int = 10) -> float:
    started = time.monotonic()
    with ThreadPoolExecutor(count) as clients:
        results = list(clients.map(lambda _: fetch(port, "GET", "/sleep")[::2], range(count)))
    assert results == [(200, b"slept")] * count
    return time.monotonic() - started


def test_pool_runs_blocking_views_in_parallel(server: Server) -> None:
    assert concurrent_sleeps(server.port) < 1.5  # serial would be 10 x 0.3 s


def test_pool_size_bounds_concurrency_and_lifespan_is_clean() -> None:
    with hypercorn("serve_app(threads=2)") as small:
        elapsed = concurrent_sleeps(small.port)
        assert elapsed >= 5 * 0.3 - 0.05, elapsed  # 2 threads: 5 rounds of 0.3 s
        assert stop(small.process) == 0
        log = small.log()
    assert "Lifespan" not in log and "Traceback" not in log, log


async def test_get_without_a_body_does_not_wait_for_one() -> None:
    seen, app = capture_environ()
    server = FakeServer(b"")
    await WsgiToAsgi(app)(http_scope("/"), server.receive, server.send)
    assert server.status == 200 and len(seen) == 1
    assert len(server.incoming) == 1  # the (empty) request message was never awaited
    assert seen[0]["wsgi.input"].read() == b""
