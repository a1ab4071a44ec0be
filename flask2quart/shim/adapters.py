"""The WSGI side of the shim: which WSGI→ASGI adapter runs the unported Flask app.

``flask2quart`` (default) is our own adapter (:mod:`.wsgi`): bounded thread pool, one thread hop per
ordinary request, streaming when the app streams, ``close()`` always called, 413 before reading an
oversized body. ``a2wsgi`` and ``asgiref`` are opt-in for comparison (extra ``adapters``); asgiref
runs every request on one shared thread, so it is much slower for blocking views.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ADAPTERS = ("flask2quart", "a2wsgi", "asgiref")
DEFAULT_MAX_BODY = 16 * 1024 * 1024
DEFAULT_BODY_TIMEOUT = 60.0  # seconds for a whole request body (Quart's BODY_TIMEOUT)
DEFAULT_BODY_MEMORY = 64 * 1024 * 1024  # request bodies in memory, all requests of a worker together


class AdapterError(Exception):
    """The chosen adapter cannot be used (not installed...): the message is for the user."""


def build_wsgi_adapter(
    wsgi_app: Any,
    kind: str = "flask2quart",
    *,
    threads: int | None = None,
    max_body: int | None = DEFAULT_MAX_BODY,
    body_timeout: float | None = DEFAULT_BODY_TIMEOUT,
    max_body_memory: int | None = DEFAULT_BODY_MEMORY,
) -> ASGIApp:
    """``body_timeout`` and ``max_body_memory`` apply to our adapter (the others read bodies their way)."""
    if kind == "flask2quart":
        from .wsgi import WsgiToAsgi

        return WsgiToAsgi(
            wsgi_app, threads=threads, max_body=max_body, body_timeout=body_timeout, max_body_memory=max_body_memory
        )
    if kind == "a2wsgi":
        try:
            from a2wsgi import WSGIMiddleware
        except ImportError as error:
            raise AdapterError("--adapter a2wsgi needs a2wsgi: pip install 'flask2quart[adapters]'") from error
        from .wsgi import default_wsgi_threads

        inner = WSGIMiddleware(wsgi_app, workers=threads or default_wsgi_threads())
        return BodyLimit(inner, max_body)
    if kind == "asgiref":
        try:
            from asgiref.wsgi import WsgiToAsgi as AsgirefWsgiToAsgi
        except ImportError as error:
            raise AdapterError("--adapter asgiref needs asgiref: pip install 'flask2quart[adapters]'") from error
        return BodyLimit(NoLifespan(AsgirefWsgiToAsgi(wsgi_app)), max_body)
    raise AdapterError(f"unknown adapter {kind!r}: choose one of {', '.join(ADAPTERS)}")


class NoLifespan:
    """Answers ``lifespan`` itself: asgiref's adapter raises on any non-HTTP scope."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await answer_lifespan(receive, send)
            return
        await self.app(scope, receive, send)


class BodyLimit:
    """413 for a declared ``Content-Length`` over the limit, before the body is read."""

    def __init__(self, app: ASGIApp, max_body: int | None) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.max_body is not None:
            for name, value in scope.get("headers", ()):
                if name == b"content-length" and value.isdigit() and int(value) > self.max_body:
                    await send_plain(send, 413, b"Request Entity Too Large\n")
                    return
        await self.app(scope, receive, send)


async def answer_lifespan(receive: Receive, send: Send) -> None:
    """The lifespan protocol for an app with nothing to start or stop."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def send_plain(send: Send, status: int, body: bytes, content_type: bytes = b"text/plain; charset=utf-8") -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
