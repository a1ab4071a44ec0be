"""Ways to get an answer from one side: a WSGI app or an ASGI app in this process, or a base URL.

Every transport takes a finished :class:`ParityRequest` (cookies already in its headers: the
cookie jars belong to the runner) and returns a :class:`RecordedResponse`. A transport never follows
redirects and never decodes anything but ``Content-Encoding`` (over the wire).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Protocol
from urllib.parse import urlsplit

from .canonical import HOST, build_environ, build_scope
from .model import ParityRequest, RecordedResponse

ASGIMessage = dict[str, Any]
ASGIApp = Callable[..., Awaitable[None]]


class TransportError(Exception):
    """A side could not be reached or started (the message is for the user)."""


class Transport(Protocol):
    label: str

    async def start(self) -> None: ...

    async def send(self, request: ParityRequest) -> RecordedResponse: ...

    async def close(self) -> None: ...


def _error_response(error: BaseException) -> RecordedResponse:
    return RecordedResponse(500, (), b"", error=f"{type(error).__name__}: {error}")


class WsgiTransport:
    """Calls the WSGI app directly, in a fresh ``contextvars`` context per request (as a WSGI
    server's worker thread would), and always closes the body iterable."""

    def __init__(self, app: Callable[..., Iterable[bytes]], label: str = "flask") -> None:
        self.app = app
        self.label = label

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def send(self, request: ParityRequest) -> RecordedResponse:
        return contextvars.Context().run(self.call, request)

    def call(self, request: ParityRequest) -> RecordedResponse:
        status_line: list[str] = []
        headers: list[tuple[str, str]] = []

        def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status_line[:] = [status]
            headers[:] = response_headers
            return lambda data: chunks.append(data)

        chunks: list[bytes] = []
        try:
            iterable = self.app(build_environ(request), start_response)
            try:
                chunks.extend(iterable)
            finally:
                close = getattr(iterable, "close", None)
                if close is not None:
                    close()
        except Exception as error:  # the app raised (PROPAGATE_EXCEPTIONS / TESTING)
            return _error_response(error)
        status = int(status_line[0].split(" ", 1)[0]) if status_line else 500
        return RecordedResponse(status, tuple(headers), b"".join(chunks))


class AsgiTransport:
    """Calls the ASGI app directly, with its lifespan started first and shut down at the end."""

    def __init__(self, app: ASGIApp, label: str = "quart", timeout: float = 30.0) -> None:
        self.app = app
        self.label = label
        self.timeout = timeout
        self._state: dict[str, Any] = {}
        self._lifespan: _Lifespan | None = None

    async def start(self) -> None:
        self._lifespan = _Lifespan(self.app, self._state)
        await self._lifespan.startup(self.timeout)

    async def close(self) -> None:
        if self._lifespan is not None:
            lifespan, self._lifespan = self._lifespan, None
            await lifespan.shutdown(self.timeout)

    async def send(self, request: ParityRequest) -> RecordedResponse:
        scope = build_scope(request)
        scope["state"] = dict(self._state)
        sent_body = False
        finished = asyncio.Event()
        status = 500
        headers: list[tuple[str, str]] = []
        chunks: list[bytes] = []

        async def receive() -> ASGIMessage:
            nonlocal sent_body
            if not sent_body:
                sent_body = True
                return {"type": "http.request", "body": request.body, "more_body": False}
            await finished.wait()
            return {"type": "http.disconnect"}

        async def send(message: ASGIMessage) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers.extend(
                    (bytes(name).decode("latin-1"), bytes(value).decode("latin-1"))
                    for name, value in message.get("headers", ())
                )
            elif message["type"] == "http.response.body":
                chunks.append(bytes(message.get("body", b"")))
                if not message.get("more_body", False):
                    finished.set()

        try:
            async with asyncio.timeout(self.timeout):  # no extra task per request, unlike wait_for
                await self.app(scope, receive, send)
        except TimeoutError:
            return RecordedResponse(504, (), b"", error=f"no answer within {self.timeout:g} s")
        except Exception as error:
            return _error_response(error)
        finally:
            finished.set()
        return RecordedResponse(status, tuple(headers), b"".join(chunks))


class _Lifespan:
    """The ASGI lifespan protocol, run as a task for the life of the transport."""

    def __init__(self, app: ASGIApp, state: dict[str, Any]) -> None:
        self.app = app
        self.state = state
        self.inbox: asyncio.Queue[ASGIMessage] = asyncio.Queue()
        self.outbox: asyncio.Queue[ASGIMessage] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None
        self.supported = True

    async def _run(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": self.state}
        try:
            await self.app(scope, self.inbox.get, self.outbox.put)
        except Exception:  # an app without lifespan support raises on the scope type
            self.supported = False
            await self.outbox.put({"type": "lifespan.unsupported"})

    async def _exchange(self, message: str, timeout: float) -> None:
        await self.inbox.put({"type": f"lifespan.{message}"})
        try:
            reply = await asyncio.wait_for(self.outbox.get(), timeout)
        except TimeoutError as error:
            raise TransportError(f"the ASGI app did not finish lifespan {message} within {timeout:g} s") from error
        if reply["type"] == f"lifespan.{message}.failed":
            raise TransportError(f"the ASGI app's lifespan {message} failed: {reply.get('message', '')}")

    async def startup(self, timeout: float) -> None:
        self.task = asyncio.create_task(self._run())
        await self._exchange("startup", timeout)

    async def shutdown(self, timeout: float) -> None:
        if self.task is None:
            return
        if self.supported and not self.task.done():
            await self._exchange("shutdown", timeout)
        if not self.task.done():
            self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


class HttpTransport:
    """A running server at ``base_url``, reached with httpx. The ``Host`` header is the canonical
    one (not the server's address), so absolute URLs the apps build agree between the two sides."""

    def __init__(self, base_url: str, label: str, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.label = label
        self.timeout = timeout
        self._client: Any = None

    async def start(self) -> None:
        try:
            import httpx
        except ImportError as error:  # pragma: no cover - httpx is a dependency
            raise TransportError("over-the-wire parity needs httpx: pip install httpx") from error
        await self._probe()
        self._client = httpx.AsyncClient(timeout=self.timeout, follow_redirects=False, trust_env=False)

    async def _probe(self) -> None:
        """Connect once before the run: a server that is not there is one clear error, not the same
        failure repeated for every case."""
        url = urlsplit(self.base_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise TransportError(f"{self.label} URL {self.base_url!r}: expected http://HOST[:PORT]")
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(url.hostname, port), self.timeout)
        except (OSError, TimeoutError) as error:
            raise TransportError(f"{self.label} ({self.base_url}) is not reachable: {error}") from error
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()

    async def close(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    async def send(self, request: ParityRequest) -> RecordedResponse:
        import httpx

        headers = list(request.headers)
        if request.header("host") is None:
            headers.append(("Host", HOST))
        url = f"{self.base_url}{request.path}"
        client = self._client
        try:
            response = await client.request(
                request.method,
                httpx.URL(url, query=request.query_string.encode("latin-1")),
                headers=headers,
                content=request.body or None,
            )
        except httpx.HTTPError as error:
            raise TransportError(f"{self.label} ({self.base_url}): {type(error).__name__}: {error}") from error
        finally:
            client.cookies.clear()  # the runner keeps each side's cookies itself
        raw_headers = tuple((name.decode("latin-1"), value.decode("latin-1")) for name, value in response.headers.raw)
        return RecordedResponse(response.status_code, raw_headers, response.content)
