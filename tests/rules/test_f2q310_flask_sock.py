import asyncio

from flask2quart.findings import Severity
from tests.helpers import check_transformed
from tests.rules.extension_apps import loaded, port


def test_routes_become_quart_websockets_and_ws_calls_are_awaited():
    findings = check_transformed(
        """\
        from flask import Flask
        from flask_sock import Sock

        app = Flask(__name__)
        sock = Sock(app)


        @sock.route("/echo")
        def echo(ws):
            while True:
                data = ws.receive()
                if data == "bye":
                    ws.close()
                    break
                ws.send(data)
        """,
        """\
        from quart import Quart, websocket

        app = Quart(__name__)


        @app.websocket("/echo")
        async def echo():
            while True:
                data = await websocket.receive()
                if data == "bye":
                    await websocket.close(1000)
                    break
                await websocket.send(data)
        """,
    )
    assert findings == []


def test_blueprint_routes_timeouts_and_what_cannot_be_ported():
    findings = check_transformed(
        """\
        from flask import Blueprint
        from flask_sock import ConnectionClosed, Sock

        sock = Sock()
        bp = Blueprint("chat", __name__)


        @sock.route("/room/<name>", bp=bp)
        def room(ws, name):
            try:
                message = ws.receive(timeout=5)
                ws.send(f"{name}: {message}")
                ws.close(reason=1001, message="done")
            except ConnectionClosed:
                print("gone")
            if ws.connected:
                notify(ws)


        def notify(ws):
            ws.send("x")


        def init(app):
            sock.init_app(app)
            app.register_blueprint(bp)
        """,
        """\
        import asyncio
        from quart import Blueprint, websocket
        from flask_sock import ConnectionClosed


        async def _f2q_receive(timeout):
            \"\"\"flask-sock's `ws.receive(timeout)`: None when nothing arrives in time.

            Added by flask2quart (F2Q310).
            \"\"\"
            try:
                return await asyncio.wait_for(websocket.receive(), timeout)
            except asyncio.TimeoutError:
                return None


        bp = Blueprint("chat", __name__)


        @bp.websocket("/room/<name>")
        async def room(name):
            try:
                message = await _f2q_receive(5)
                await websocket.send(f"{name}: {message}")
                await websocket.close(1001, "done")
            except ConnectionClosed:
                print("gone")
            if ws.connected:
                notify(ws)


        def notify(ws):
            ws.send("x")


        def init(app):
            app.register_blueprint(bp)
        """,
    )
    assert [(f.line, f.severity) for f in findings] == [
        (14, Severity.WARNING),  # except ConnectionClosed never runs
        (16, Severity.ERROR),  # ws.connected
        (17, Severity.ERROR),  # ws passed to a helper
    ]
    assert "finally:" in findings[0].message


def test_a_sock_whose_app_is_elsewhere_is_reported_and_kept():
    findings, files = port(
        {
            "pkg/__init__.py": """\
                from flask import Flask

                from .ext import sock
                from . import views


                def create_app():
                    app = Flask(__name__)
                    sock.init_app(app)
                    return app
                """,
            "pkg/ext.py": "from flask_sock import Sock\n\nsock = Sock()\n",
            "pkg/views.py": """\
                from flask import current_app

                from .ext import sock


                @sock.route("/ping")
                def ping(ws):
                    ws.send(current_app.name)
                """,
        }
    )
    assert files["pkg/ext.py"] == "from flask_sock import Sock\n\nsock = Sock()\n"
    assert "async def ping():\n    await websocket.send(current_app.name)" in files["pkg/views.py"]
    assert "sock.init_app" not in files["pkg/__init__.py"]
    assert [(f.path, f.line, f.severity) for f in findings] == [("pkg/views.py", 6, Severity.ERROR)]


APP = """\
from flask import Blueprint, Flask
from flask_sock import Sock

app = Flask(__name__)
sock = Sock(app)
rooms = Blueprint("rooms", __name__)


@sock.route("/echo")
def echo(ws):
    while True:
        data = ws.receive()
        if data == "bye":
            ws.close(reason=1001, message="see you")
            break
        ws.send(data)


@sock.route("/rooms/<name>", bp=rooms)
def room(ws, name):
    message = ws.receive(timeout=0.2)
    ws.send(f"{name}: {message}")


app.register_blueprint(rooms)
"""


async def _asgi_websocket(app, path: str, messages: list[str]) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """Run one websocket connection through the app's ASGI interface; return what it sent."""
    incoming: asyncio.Queue[dict[str, object]] = asyncio.Queue()
    for event in [{"type": "websocket.connect"}, *({"type": "websocket.receive", "text": m} for m in messages)]:
        incoming.put_nowait(event)
    sent: list[dict[str, object]] = []

    async def send(event: dict[str, object]) -> None:
        sent.append(event)
        if event["type"] == "websocket.close":  # as a server does once the close frame is out
            incoming.put_nowait({"type": "websocket.disconnect", "code": event["code"]})

    scope = {
        "type": "websocket", "asgi": {"spec_version": "2.3"}, "path": path, "raw_path": path.encode(),
        "query_string": b"", "headers": [], "scheme": "ws", "http_version": "1.1", "root_path": "",
        "subprotocols": [], "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 80), "extensions": {},
    }
    await asyncio.wait_for(app(scope, incoming.get, send), 5)
    return sent


async def test_ported_websockets_answer_through_quart_test_client():
    with loaded({"pkg/__init__.py": APP}) as ported:
        assert ported.findings == []
        client = ported.package.app.test_client()
        async with client.websocket("/echo") as ws:
            for message in ("hello", "world"):
                await ws.send(message)
                assert await ws.receive() == message
            await ws.send(b"\x00\x01")
            assert await ws.receive() == b"\x00\x01"
        async with client.websocket("/rooms/lobby") as ws:
            await ws.send("hi")
            assert await ws.receive() == "lobby: hi"
        async with client.websocket("/rooms/quiet") as ws:  # nothing sent: the timeout gives None
            assert await ws.receive() == "quiet: None"


async def test_ported_close_sends_flask_socks_code_and_message():
    with loaded({"pkg/__init__.py": APP}) as ported:
        sent = await _asgi_websocket(ported.package.app, "/echo", ["hello", "bye", "ignored"])
    assert [event["type"] for event in sent] == ["websocket.accept", "websocket.send", "websocket.close"]
    assert sent[1]["text"] == "hello"
    assert (sent[2]["code"], sent[2]["reason"]) == (1001, "see you")
