"""A Flask app and its half-ported Quart counterpart, served together by the shim tests."""

from __future__ import annotations

import time

from flask import Flask, Response, request, session, stream_with_context
from quart import Quart, websocket
from quart import request as quart_request
from quart import session as quart_session
from werkzeug.exceptions import abort

SECRET = "shim-tests"

flask_app = Flask(__name__)
flask_app.secret_key = SECRET
quart_app = Quart(__name__)
quart_app.secret_key = SECRET
STATE = {"quart_started": False}


# --- the unported side ---------------------------------------------------------------------------
@flask_app.route("/legacy")
def legacy():
    return {"side": "flask"}


@flask_app.route("/x", methods=["GET", "DELETE"])
def x_flask():
    return {"side": "flask", "method": request.method}


@flask_app.route("/admin/<path:rest>")
def admin_flask(rest):
    return {"side": "flask", "rest": rest}


@flask_app.route("/empty")
def empty():
    return "", 204


@flask_app.route("/boom")
def boom():
    raise RuntimeError("deliberate")


@flask_app.route("/sleep")
def sleep():
    time.sleep(float(request.args.get("s", "0.5")))
    return {"slept": True}


@flask_app.route("/flask-stream")
def flask_stream():
    def generate():
        yield "first\n"
        time.sleep(0.5)
        yield "second\n"

    return Response(stream_with_context(generate()), mimetype="text/plain")


@flask_app.route("/session/set/<value>")
def flask_set_session(value):
    session["who"] = value
    return {"set": value}


@flask_app.route("/session/flask")
def flask_read_session():
    return {"who": session.get("who")}


@flask_app.route("/upload", methods=["POST"])
def upload():
    return {"size": len(request.get_data())}


@flask_app.route("/private")
def flask_private():
    abort(404)


# --- the ported side -----------------------------------------------------------------------------
@quart_app.before_serving
async def started():
    STATE["quart_started"] = True


@quart_app.route("/x", methods=["GET"])
async def x_quart():
    return {"side": "quart", "method": quart_request.method}


@quart_app.route("/status")
async def status():
    return {"side": "quart", "started": STATE["quart_started"]}


@quart_app.route("/dir/")
async def directory():
    return {"side": "quart"}


@quart_app.route("/admin/secret")
async def admin_secret():
    if quart_request.headers.get("Authorization") != "Bearer ok":
        abort(401)
    return {"side": "quart", "secret": True}


@quart_app.route("/quart-stream")
async def quart_stream():
    async def generate():
        yield b"first\n"
        import asyncio

        await asyncio.sleep(0.5)
        yield b"second\n"

    return generate(), 200, {"Content-Type": "text/plain"}


@quart_app.route("/session/quart")
async def quart_read_session():
    return {"who": quart_session.get("who")}


@quart_app.route("/session/quart-set/<value>")
async def quart_set_session(value):
    quart_session["who"] = value
    return {"set": value}


@quart_app.websocket("/ws")
async def ws():
    while True:
        data = await websocket.receive()
        await websocket.send(f"echo {data}")


@flask_app.route("/upload-hold", methods=["POST"])
def upload_hold():
    """Counts the body without holding it (reads it in pieces), then keeps the request open."""
    size = 0
    while chunk := request.stream.read(65536):
        size += len(chunk)
    time.sleep(float(request.args.get("s", "0")))
    return {"size": size}
