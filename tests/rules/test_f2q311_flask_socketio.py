import asyncio
import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest
import socketio

from flask2quart.findings import Severity
from tests.helpers import check_transformed
from tests.rules.extension_apps import loaded, port


def test_server_handlers_and_context_functions():
    findings = check_transformed(
        """\
        from flask import Flask, request
        from flask_socketio import SocketIO, emit, join_room, send

        app = Flask(__name__)
        socketio = SocketIO(app, cors_allowed_origins="*", async_mode="eventlet", path="/ws")


        @socketio.on("connect")
        def connect(auth):
            emit("welcome", request.sid)


        @socketio.on("disconnect")
        def disconnect():
            print("gone", request.sid)


        @socketio.on("echo")
        def echo(data):
            emit("echoed", data)
            return "ack"


        @socketio.on("shout", namespace="/chat")
        def shout(first, second):
            emit("shouted", first, second, broadcast=True, include_self=False)
            send(first, json=True)


        @socketio.event
        def join(room):
            join_room(room)
            emit("joined", room, to=room, callback=print)


        @app.route("/announce")
        def announce():
            socketio.emit("news", "hello", "all")
            return "sent"


        if __name__ == "__main__":
            socketio.run(app, port=8000, debug=True)
        """,
        """\
        from quart import Quart, request
        from socketio import ASGIApp, AsyncServer

        app = Quart(__name__)
        socketio = AsyncServer(async_mode="asgi", cors_allowed_origins="*")
        app.asgi_app = ASGIApp(socketio, other_asgi_app=app.asgi_app, socketio_path="/ws")


        @socketio.on("connect")
        async def connect(sid, environ, auth):
            await socketio.emit("welcome", sid, to=sid)


        @socketio.on("disconnect")
        async def disconnect(sid):
            print("gone", sid)


        @socketio.on("echo")
        async def echo(sid, data):
            await socketio.emit("echoed", data, to=sid)
            return "ack"


        @socketio.on("shout", namespace="/chat")
        async def shout(sid, first, second):
            await socketio.emit("shouted", (first, second), skip_sid=sid, namespace="/chat")
            await socketio.emit("json", first, to=sid, namespace="/chat")


        @socketio.event
        async def join(sid, room):
            await socketio.enter_room(sid, room)
            await socketio.emit("joined", room, to=room, callback=print)


        @app.route("/announce")
        async def announce():
            await socketio.emit("news", ("hello", "all"))
            return "sent"


        if __name__ == "__main__":
            app.run(port=8000, debug=True, use_reloader=True)
        """,
    )
    assert [(f.line, f.severity) for f in findings] == [(5, Severity.INFO), (43, Severity.INFO)]


def test_factory_helpers_in_other_modules_and_what_is_reported():
    findings, files = port(
        {
            "pkg/__init__.py": """\
                from flask import Flask

                from .ext import socketio
                from . import events


                def create_app():
                    app = Flask(__name__)
                    socketio.init_app(app)
                    return app
                """,
            "pkg/ext.py": "from flask_socketio import SocketIO\n\nsocketio = SocketIO()\n",
            "pkg/events.py": """\
                from flask import session
                from flask_socketio import Namespace, emit

                from .ext import socketio


                def broadcast(text):
                    socketio.emit("news", text)


                @socketio.on("news")
                def news(text):
                    broadcast(text)
                    emit("seen", session["user"])


                @socketio.on_error_default
                def on_error(error):
                    return str(error)


                class Chat(Namespace):
                    def on_message(self, data):
                        emit("reply", data)
                """,
        }
    )
    assert files["pkg/ext.py"] == (
        'from socketio import AsyncServer\n\nsocketio = AsyncServer(async_mode="asgi")\n'
    )
    assert "    app.asgi_app = ASGIApp(socketio, other_asgi_app=app.asgi_app)\n" in files["pkg/__init__.py"]
    events = files["pkg/events.py"]
    assert 'async def broadcast(text):\n    await socketio.emit("news", text)' in events
    assert "async def news(sid, text):\n    await broadcast(text)" in events
    assert "from flask_socketio import Namespace, emit\n" in events  # still used: reported
    assert [(f.path, f.line, f.severity) for f in findings] == [
        ("pkg/__init__.py", 9, Severity.INFO),  # mounted in front of the app
        ("pkg/events.py", 14, Severity.ERROR),  # session in a handler
        ("pkg/events.py", 17, Severity.ERROR),  # on_error_default
        ("pkg/events.py", 22, Severity.ERROR),  # class-based namespace
        ("pkg/events.py", 24, Severity.ERROR),  # emit outside a handler
    ]


def test_background_tasks_queues_and_test_clients_are_reported():
    findings, files = port(
        {
            "app.py": """\
                from flask import Flask, request
                from flask_socketio import SocketIO

                app = Flask(__name__)
                socketio = SocketIO(app, message_queue="redis://", manage_session=False)


                def ticker():
                    while True:
                        socketio.sleep(1)
                        socketio.emit("tick", 1)


                def plain():
                    print("x")


                @socketio.on("connect")
                def connect():
                    socketio.start_background_task(ticker)
                    socketio.start_background_task(plain)


                socketio.on_event("msg", plain)
                client = socketio.test_client(app)


                def current_sid():
                    return request.sid
                """
        }
    )
    text = files["app.py"]
    assert 'socketio = AsyncServer(async_mode="asgi", message_queue="redis://")' in text
    assert "async def ticker():\n    while True:\n        await socketio.sleep(1)" in text
    assert "async def connect(sid, environ):" in text
    assert [(f.line, f.severity, f.message.split(":")[0]) for f in findings] == [
        (5, Severity.INFO, "Socket.IO is now python-socketio's AsyncServer, mounted in front of the app (`app.asgi_app`)"),
        (5, Severity.ERROR, "`message_queue` has no AsyncServer counterpart"),
        (21, Severity.ERROR, "python-socketio runs `plain` as an asyncio task"),
        (24, Severity.ERROR, "register the handler with `@socketio.on(...)` on an `async def handler(sid, ...)`"),
        (25, Severity.ERROR, "python-socketio has no test client"),
        (29, Severity.ERROR, "`request.sid` only exists in a Flask-SocketIO handler"),
    ]


APP = """\
from flask import Flask, request
from flask_socketio import SocketIO, emit, join_room

app = Flask(__name__)
socketio = SocketIO(app)


@app.route("/")
def index():
    return "http ok"


@app.route("/announce")
def announce():
    socketio.emit("news", "hello all")
    return "sent"


@socketio.on("connect")
def connect(auth):
    if not auth or auth.get("token") != "t":
        return False
    emit("welcome", request.sid)


@socketio.on("echo")
def echo(data):
    emit("echoed", data)
    return "ack"


@socketio.on("join")
def join(room):
    join_room(room)
    emit("joined", room, to=room)
"""


def test_original_talks_socket_io_under_flask():
    with loaded({"pkg/__init__.py": APP}, ported=False) as original:
        package = original.package
        client = package.socketio.test_client(package.app, auth={"token": "t"})
        assert client.get_received()[0]["name"] == "welcome"
        assert client.emit("echo", {"n": 1}, callback=True) == "ack"
        client.emit("join", "room1")
        assert [(m["name"], m["args"]) for m in client.get_received()] == [
            ("echoed", [{"n": 1}]),
            ("joined", ["room1"]),
        ]
        assert not package.socketio.test_client(package.app).is_connected()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def _hypercorn(root: Path, app: str) -> Iterator[str]:
    """Serve ``app`` from ``root`` with Hypercorn on a free local port; stop it by its pid."""
    port_number = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "hypercorn", app, "--bind", f"127.0.0.1:{port_number}"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port_number), 0.2):
                break
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"hypercorn did not start: {server.communicate()[1].decode()[-2000:]}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port_number}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        if server.stderr is not None:
            server.stderr.close()


@contextlib.asynccontextmanager
async def _client(url: str, **connect: object) -> AsyncIterator[tuple[socketio.AsyncClient, asyncio.Queue]]:
    client = socketio.AsyncClient()
    received: asyncio.Queue[tuple[str, object]] = asyncio.Queue()
    for event in ("welcome", "echoed", "joined", "news"):
        client.on(event, lambda data, event=event: received.put_nowait((event, data)))
    await client.connect(url, wait_timeout=10, **connect)  # type: ignore[arg-type]
    try:
        yield client, received
    finally:
        await client.disconnect()


@pytest.mark.slow
async def test_ported_app_serves_socket_io_and_http_through_hypercorn(tmp_path: Path):
    _, files = port({"pkg/__init__.py": APP})
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    with _hypercorn(tmp_path, "pkg:app") as url:
        async with asyncio.timeout(30):
            async with aiohttp.ClientSession() as http, http.get(f"{url}/") as response:
                assert (response.status, await response.text()) == (200, "http ok")
            async with _client(url, auth={"token": "t"}) as (client, received):
                assert await received.get() == ("welcome", client.get_sid())
                await client.emit("echo", {"n": 1})
                assert await received.get() == ("echoed", {"n": 1})
                assert await client.call("echo", "again", timeout=10) == "ack"
                assert await received.get() == ("echoed", "again")
                await client.emit("join", "room1")
                assert await received.get() == ("joined", "room1")
                # an HTTP view emits to every client
                async with aiohttp.ClientSession() as http, http.get(f"{url}/announce") as response:
                    assert await response.text() == "sent"
                assert await received.get() == ("news", "hello all")
            with pytest.raises(socketio.exceptions.ConnectionError):
                async with _client(url, auth={"token": "wrong"}):
                    pass
