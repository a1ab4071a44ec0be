"""Serve a WSGI app (the legacy Flask app) from an ASGI server: a drop-in for asgiref's ``WsgiToAsgi``.

``asgi_app = WsgiToAsgi(flask_app)`` works under Hypercorn. The request body is read on the event
loop (a slow upload never holds a worker thread); the app then runs in a bounded thread pool. An
ordinary response (one with a Content-Length of at most ``BUFFER_LIMIT``) costs one thread hop: the
worker calls the app, drains the body and calls ``close()``, and the loop sends it in one message.
A streamed response (no Content-Length) is sent chunk by chunk, one hop per chunk, with
backpressure, and stops when the client goes away. docs/shim-adapter.md explains the choices.
"""

from __future__ import annotations

import asyncio
import contextvars
import io
import logging
import os
import sys
import threading
import weakref
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote
from wsgiref.types import WSGIApplication, WSGIEnvironment

from .body import BodyBudget, BodyBuffer
from .pool import LoopThreadPool
from .threads import default_wsgi_threads

if TYPE_CHECKING:
    from _typeshed import OptExcInfo

__all__ = [
    "BODY_MEMORY",
    "BODY_TIMEOUT",
    "BUFFER_LIMIT",
    "MAX_BODY",
    "WsgiToAsgi",
    "build_environ",
    "default_wsgi_threads",
]

Scope = Mapping[str, Any]
Message = Mapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Any], Awaitable[None]]
"""Servers type the messages of ``send`` with their own classes: only ``Any`` fits them all."""

MAX_BODY: Final = 16 * 1024 * 1024
"""Default request-body limit, the same as Quart's ``MAX_CONTENT_LENGTH``."""
BODY_TIMEOUT: Final = 60.0
"""Default seconds for a whole request body to arrive, the same as Quart's ``BODY_TIMEOUT``."""
BODY_MEMORY: Final = 64 * 1024 * 1024
"""Default bytes of request bodies held in memory by all requests together; beyond, a temp file."""
BUFFER_LIMIT: Final = 1024 * 1024
"""Responses with a Content-Length up to this are drained in the worker and sent in one message."""
BATCH: Final = 256 * 1024
"""Larger responses with a Content-Length are sent in pieces of about this size."""

logger = logging.getLogger("flask2quart.shim")


class WsgiToAsgi:
    """An ASGI app that runs ``wsgi_application`` in a bounded thread pool.

    ``threads``: the pool size per event loop (``default_wsgi_threads()`` when None: gunicorn's
    ``threads`` setting if this deployment has one, else 10). ``max_body``: the request-body limit
    in bytes, over it the answer is 413 and the app is not called (None: no limit).
    ``body_timeout``: seconds for a whole request body to arrive, then 408 (None: no limit).
    ``max_body_memory``: bytes of request bodies held in memory by all requests together; a body
    that does not fit goes on in a temporary file (None: no cap).

    ``in_flight`` (HTTP requests being handled) and ``threads`` are plain attributes for metrics.
    """

    def __init__(
        self,
        wsgi_application: WSGIApplication,
        *,
        threads: int | None = None,
        max_body: int | None = MAX_BODY,
        body_timeout: float | None = BODY_TIMEOUT,
        max_body_memory: int | None = BODY_MEMORY,
    ) -> None:
        if threads is not None and threads < 1:
            raise ValueError(f"threads must be at least 1, not {threads}")
        self.wsgi_application = wsgi_application
        self.threads: int = default_wsgi_threads() if threads is None else threads
        self.max_body = max_body
        self.body_timeout = body_timeout
        self.body_budget = BodyBudget(max_body_memory)
        self.in_flight = 0
        self._pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LoopThreadPool]
        self._pools = weakref.WeakKeyDictionary()
        self._pid = os.getpid()
        self._last: tuple[asyncio.AbstractEventLoop, LoopThreadPool] | None = None  # the usual one

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            self.in_flight += 1
            try:
                await self._http(scope, receive, send)
            finally:
                self.in_flight -= 1
        elif kind == "lifespan":
            await self._lifespan(receive, send)
        elif kind == "websocket":
            await receive()  # websocket.connect; closing before accepting makes the server send 403
            await send({"type": "websocket.close", "code": 1000})
        else:
            raise ValueError(f"WsgiToAsgi cannot serve a {kind!r} scope")

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        environ = _environ(scope)
        declared = environ.get("CONTENT_LENGTH")
        if (declared is None or declared == "0") and _bodiless(scope, environ):
            environ["wsgi.input"] = io.BytesIO()  # HTTP/1.x with neither a length nor chunks has no body
            await self._respond(scope, environ, receive, send)
            return
        body = await self._read_body(declared, receive, send)
        if body is None:
            return
        try:
            if body.size and "CONTENT_LENGTH" not in environ:  # chunked, or HTTP/2 without a length
                environ["CONTENT_LENGTH"] = str(body.size)
            environ["wsgi.input"] = body.input()
            await self._respond(scope, environ, receive, send)
        finally:
            body.release()

    async def _respond(self, scope: Scope, environ: WSGIEnvironment, receive: Receive, send: Send) -> None:
        """Run the app in the pool and send its response (``receive``: a disconnect while streaming)."""
        loop = asyncio.get_running_loop()
        pool = self._pool(loop)
        exchange = _Exchange(self.wsgi_application, environ)
        try:
            try:
                data, more = await pool.run(exchange.begin)
            except Exception:
                logger.exception(
                    "WSGI app failed on %s %s", environ["REQUEST_METHOD"], scope["path"]
                )
                await _plain(send, 500, b"Internal Server Error\n")
                return
            await send(
                {
                    "type": "http.response.start",
                    "status": exchange.status,
                    "headers": exchange.headers,
                }
            )
            if more:
                await self._stream(exchange, data, loop, pool, receive, send)
            else:
                await send({"type": "http.response.body", "body": data})
        finally:
            if not exchange.closed:  # cancelled, or send() failed: close() in the pool, once
                _close_soon(exchange, pool)

    async def _read_body(self, declared: str | None, receive: Receive, send: Send) -> BodyBuffer | None:
        """The whole request body, read here on the loop so that a slow client costs no worker
        thread. None when the request is over: answered with 413, 400 or 408, or the client left."""
        limit = self.max_body
        if declared is not None:
            try:
                too_big = limit is not None and int(declared) > limit
            except ValueError:
                await _plain(send, 400, b"Bad Request: invalid Content-Length\n")
                return None
            if too_big:  # before reading a byte of it (and before any 100 Continue)
                await _plain(send, 413, b"Request Entity Too Large\n")
                return None
        body = BodyBuffer(self.body_budget)
        try:
            async with asyncio.timeout(self.body_timeout):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        body.release()
                        return None
                    chunk = message.get("body", b"")
                    if chunk:
                        if limit is not None and body.size + len(chunk) > limit:  # a chunked body growing
                            body.release()
                            await _plain(send, 413, b"Request Entity Too Large\n")
                            return None
                        body.add(chunk)
                    if not message.get("more_body", False):
                        return body
        except TimeoutError:
            body.release()
            await _plain(send, 408, b"Request Timeout: the request body did not arrive in time\n")
            return None
        except BaseException:
            body.release()
            raise

    async def _stream(
        self,
        exchange: _Exchange,
        data: bytes,
        loop: asyncio.AbstractEventLoop,
        pool: LoopThreadPool,
        receive: Receive,
        send: Send,
    ) -> None:
        """Send a response whose body the worker hands over piece by piece (one hop per piece)."""
        disconnected = loop.create_task(_disconnect(receive))
        try:
            while True:
                if data:  # awaiting send() before the next pull is the backpressure
                    await send({"type": "http.response.body", "body": data, "more_body": True})
                if disconnected.done():
                    await pool.run(exchange.close)
                    return
                try:
                    data, more = await pool.run(exchange.pull)
                except Exception:
                    # The status line is out: all that is left is to cut the response short, which
                    # the server does when the app returns without finishing it.
                    scope = exchange.environ["asgi.scope"]
                    logger.exception(
                        "WSGI app failed while streaming %s %s; response aborted",
                        scope["method"],
                        scope["path"],
                    )
                    return
                if not more:
                    await send({"type": "http.response.body", "body": data})
                    return
        finally:
            disconnected.cancel()

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def shutdown(self) -> None:
        """Stop this loop's pool: running requests finish, queued ones are cancelled.

        For a composite app that keeps lifespan for another app (``StagedApp``) and calls this when
        its lifespan ends.
        """
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        pool = self._pools.pop(loop, None)
        self._last = None
        if pool is not None:
            pool.shutdown()

    def _pool(self, loop: asyncio.AbstractEventLoop) -> LoopThreadPool:
        """This loop's pool, created on first use (after a fork the parent's threads are gone)."""
        last = self._last
        if last is not None and last[0] is loop and not last[1].closed and os.getpid() == self._pid:
            return last[1]
        if os.getpid() != self._pid:
            self._pools = weakref.WeakKeyDictionary()
            self._pid = os.getpid()
        pool = self._pools.get(loop)
        if pool is None:
            pool = LoopThreadPool(loop, self.threads)
            self._pools[loop] = pool
        self._last = (loop, pool)
        return pool


class _Exchange:
    """The WSGI side of one request. Its methods run in a worker thread, one per hop; a lock keeps
    them in order, so ``close()`` runs once and never while the iterable is being pulled."""

    __slots__ = (
        "_context",
        "_iterable",
        "_iterator",
        "_lock",
        "app",
        "body",
        "closed",
        "environ",
        "flush_at",
        "headers",
        "headers_sent",
        "pending",
        "status",
    )

    def __init__(self, app: WSGIApplication, environ: WSGIEnvironment) -> None:
        self.app = app
        self.environ = environ
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.pending = 0  # bytes in body
        self.flush_at = 1  # hand the body over once this many bytes are pending
        self.headers_sent = False
        self.closed = False
        self._iterable: Iterable[bytes] | None = None
        self._iterator: Iterator[bytes] = iter(())
        self._lock = threading.Lock()
        # One context for every hop of this request: a streamed generator entered in one pool
        # thread may be resumed in another, and the context variables it set (Flask's request
        # context in ``stream_with_context``) must be the ones it finds and resets.
        self._context = contextvars.Context()

    # The lock is taken before the context is entered: two hops never share it at once.
    def begin(self) -> tuple[bytes, bool]:
        with self._lock:
            return self._context.run(self._begin)

    def pull(self) -> tuple[bytes, bool]:
        with self._lock:
            return self._context.run(self._pull)

    def close(self) -> None:
        with self._lock:
            self._context.run(self._close)

    def _begin(self) -> tuple[bytes, bool]:
        """Call the app and collect the first part of the body: all of it when it is small and
        has a Content-Length (then ``close()`` too). Returns (body so far, more to come)."""
        if self.closed:
            raise RuntimeError("request abandoned before the app was called")
        try:
            self._iterable = self.app(self.environ, self.start_response)
            self._iterator = iter(self._iterable)
            more = self._fill()
            if not self.status:
                raise RuntimeError("the WSGI app did not call start_response")
        except BaseException:
            self._close()
            raise
        if more:
            self.headers_sent = True  # the loop sends them as soon as this returns
        else:
            self._close()
        return self._take(), more

    def _pull(self) -> tuple[bytes, bool]:
        """The next part of a streamed body. Returns (part, more to come)."""
        if self.closed:
            return b"", False
        try:
            more = self._fill()
        except BaseException:
            self._close()
            raise
        if not more:
            self._close()
        return self._take(), more

    def start_response(
        self, status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None, /
    ) -> Callable[[bytes], object]:
        if exc_info is not None:
            if self.headers_sent and exc_info[1] is not None:
                raise exc_info[1].with_traceback(exc_info[2])
        elif self.status:
            raise RuntimeError("start_response called a second time without exc_info")
        code = int(status.partition(" ")[0])
        encoded: list[tuple[bytes, bytes]] = []
        length = None
        for name, value in headers:
            name = name.lower()
            if name == "content-length":
                length = int(value)
            encoded.append((name.encode("latin-1"), value.encode("latin-1")))
        self.status, self.headers = code, encoded
        if length is None:
            self.flush_at = 1  # streamed: every chunk goes out as soon as the app yields it
        elif length <= BUFFER_LIMIT:
            self.flush_at = sys.maxsize  # ordinary: the whole body in one hop
        else:
            self.flush_at = BATCH  # large file: pieces, not the whole body in memory
        self.body.clear()  # a response replaced through exc_info loses what it had written
        self.pending = 0
        return self.write

    def write(self, data: bytes) -> None:
        if not self.status:
            raise RuntimeError("write() called before start_response")
        if data:
            self.body.append(data)
            self.pending += len(data)

    def _fill(self) -> bool:
        """Collect chunks until ``flush_at`` bytes are pending (True) or the iterable ends."""
        if self.pending >= self.flush_at:
            return True
        for chunk in self._iterator:
            if chunk:
                if not self.status:
                    raise RuntimeError("the WSGI app yielded data before start_response")
                self.body.append(chunk)
                self.pending += len(chunk)
                if self.pending >= self.flush_at:
                    return True
        return False

    def _take(self) -> bytes:
        data = b"".join(self.body)
        self.body.clear()
        self.pending = 0
        return data

    def _close(self) -> None:
        if self.closed:
            return
        self.closed = True
        close = getattr(self._iterable, "close", None)
        self._iterable, self._iterator = None, iter(())
        if close is not None:
            try:
                close()
            except Exception:
                logger.exception("close() of the WSGI response failed")


def _close_soon(exchange: _Exchange, pool: LoopThreadPool) -> None:
    """Close an abandoned exchange without blocking the loop (it may still be running)."""
    try:
        pool.submit(exchange.close)
    except RuntimeError:  # the pool was shut down
        threading.Thread(target=exchange.close, daemon=True).start()


async def _disconnect(receive: Receive) -> None:
    """Return when the client has gone away (the request body was already read)."""
    while (await receive())["type"] != "http.disconnect":
        pass


async def _plain(send: Send, status: int, body: bytes) -> None:
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", b"%d" % len(body)),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


# --- the environ ----------------------------------------------------------------------------------

_CONSTANT: Final[dict[str, Any]] = {
    "wsgi.version": (1, 0),
    "wsgi.multithread": True,
    "wsgi.multiprocess": True,  # the server may run several workers
    "wsgi.run_once": False,
    "wsgi.input_terminated": True,  # wsgi.input is a BytesIO of the whole body: read it to EOF
}

_HEADER_KEYS: dict[bytes, str] = {}


def _header_key(name: bytes) -> str:
    """The environ key of a request header ("" to drop it). Cached: the same names come back."""
    key = _HEADER_KEYS.get(name)
    if key is None:
        text = name.decode("latin-1").lower()
        if "_" in text:
            key = ""  # like gunicorn: X_Forwarded_For must not pass for X-Forwarded-For
        elif text == "content-type":
            key = "CONTENT_TYPE"
        elif text == "content-length":
            key = "CONTENT_LENGTH"
        else:
            key = "HTTP_" + text.upper().replace("-", "_")
        if len(_HEADER_KEYS) < 1024:
            _HEADER_KEYS[name] = key
    return key


def _latin1(text: str) -> str:
    """A native string as PEP 3333 wants it: the UTF-8 bytes, one character per byte."""
    return text if text.isascii() else text.encode("utf-8").decode("latin-1")


def _environ(scope: Scope) -> dict[str, Any]:
    """The PEP 3333 environ of an HTTP scope, all but ``wsgi.input``."""
    environ = _CONSTANT.copy()
    path: str = scope["path"]
    root: str = scope.get("root_path", "").rstrip("/")
    if root and path.startswith(root) and path[len(root) : len(root) + 1] in ("", "/"):
        path = path[len(root) :]  # servers that put the mount point in ``path`` too
    query: bytes = scope.get("query_string", b"")
    raw_path: bytes | None = scope.get("raw_path")
    uri = raw_path.decode("latin-1") if raw_path is not None else quote(scope["path"])
    scheme = scope.get("scheme", "http")
    environ["REQUEST_METHOD"] = scope["method"]
    environ["SCRIPT_NAME"] = _latin1(root)
    environ["PATH_INFO"] = _latin1(path)
    environ["QUERY_STRING"] = query.decode("latin-1")
    environ["RAW_URI"] = environ["REQUEST_URI"] = (
        uri + "?" + query.decode("latin-1") if query else uri
    )
    environ["SERVER_PROTOCOL"] = "HTTP/" + scope.get("http_version", "1.1")
    server = scope.get("server")
    if server and server[1] is not None:
        environ["SERVER_NAME"], environ["SERVER_PORT"] = server[0], str(server[1])
    else:
        environ["SERVER_NAME"] = "localhost"
        environ["SERVER_PORT"] = "443" if scheme == "https" else "80"
    client = scope.get("client")
    if client:
        environ["REMOTE_ADDR"], environ["REMOTE_PORT"] = client[0], str(client[1])
    environ["wsgi.url_scheme"] = scheme
    environ["wsgi.errors"] = sys.stderr
    environ["asgi.scope"] = scope
    for name, value in scope["headers"]:
        key = _header_key(name)
        if key:
            text = value.decode("latin-1")
            if key in environ:  # repeated header: one value, as HTTP/1.1 allows
                text = environ[key] + ("; " if key == "HTTP_COOKIE" else ",") + text
            environ[key] = text
    return environ


def _bodiless(scope: Scope, environ: Mapping[str, Any]) -> bool:
    """No request body can follow (RFC 9112 §6.3); saves a ``receive()`` round trip per GET.

    Only for HTTP/1.x (an HTTP/2 or HTTP/3 body may come without a Content-Length) and only for
    GET/HEAD, whose bodies have no meaning anyway.
    """
    return (
        scope["method"] in ("GET", "HEAD")
        and scope.get("http_version", "1.1").startswith("1")
        and "HTTP_TRANSFER_ENCODING" not in environ
    )


def build_environ(scope: Scope, body: bytes = b"") -> WSGIEnvironment:
    """The PEP 3333 environ the adapter gives the WSGI app for ``scope`` and a request ``body``."""
    environ = _environ(scope)
    if body and "CONTENT_LENGTH" not in environ:  # chunked, or HTTP/2 without a length
        environ["CONTENT_LENGTH"] = str(len(body))
    environ["wsgi.input"] = io.BytesIO(body)
    return environ
