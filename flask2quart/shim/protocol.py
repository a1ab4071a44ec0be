"""Hypercorn's HTTP/1.1 protocol as ``flask2quart serve`` runs it (installed in its workers only).

Two changes to ``hypercorn.protocol.h11.H11Protocol``:

- ``Expect: 100-continue``: Hypercorn answers ``100 Continue`` as soon as the request head arrives,
  before the app has seen the request, so a client told "go on" uploads a body the app then
  refuses with 413. Here the ``100 Continue`` goes out when the app first calls ``receive()``
  (what the ASGI spec suggests, and what uvicorn does): an app that answers from the headers alone
  (the WSGI adapter's 413 for a declared ``Content-Length`` over ``--max-body``) never invites the
  body. The connection is then closed after the response, as RFC 9110 allows.
- The response head is written together with the first piece of the body (or the end of the
  response) instead of in a write of its own: one socket write per ordinary response instead of
  two, and no empty write for the end of a ``Content-Length`` body. A head whose body does not
  follow in the same step of the event loop is written on the next one.

And two savings with the same results: the ``Date``/``Server`` headers are formatted once per second
instead of for every response, and h11's request headers iterate as a list (Hypercorn walks them
three times per request; h11 leaves iteration to ``Sequence.__iter__``, one ``__getitem__`` call per
header).

:func:`install` makes these changes in the worker process; the rest of Hypercorn is unchanged.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import h11
from hypercorn.events import RawData
from hypercorn.protocol.events import StreamClosed
from hypercorn.protocol.h11 import H11Protocol

AppWrapper = Callable[..., Awaitable[None]]


class _DeferredContinue(h11.Connection):
    """h11's connection, except that Hypercorn never sees a client waiting for ``100 Continue``."""

    @property
    def they_are_waiting_for_100_continue(self) -> bool:
        return False


class _ContinueOnFirstReceive:
    """Wraps Hypercorn's app wrapper for one request: the first ``receive()`` sends ``100 Continue``."""

    def __init__(self, app: AppWrapper, send_continue: Callable[[], Awaitable[None]]) -> None:
        self.app = app
        self.send_continue = send_continue

    async def __call__(self, scope: Any, receive: Callable[[], Awaitable[Any]], send: Any, *rest: Any) -> None:
        invited = False

        async def receive_body() -> Any:
            nonlocal invited
            if not invited:
                invited = True
                await self.send_continue()
            return await receive()

        await self.app(scope, receive_body, send, *rest)


class ServeH11Protocol(H11Protocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connection = _DeferredContinue(h11.SERVER, max_incomplete_event_size=self.config.h11_max_incomplete_size)
        self._held = b""  # a response head waiting for its body

    async def _create_stream(self, request: h11.Request) -> None:
        connection = self.connection
        if not (isinstance(connection, h11.Connection) and connection.client_is_waiting_for_100_continue):
            await super()._create_stream(request)
            return
        app = self.app
        self.app = _ContinueOnFirstReceive(app, self._send_continue)  # the stream keeps this one
        try:
            await super()._create_stream(request)
        finally:
            self.app = app

    async def _send_continue(self) -> None:
        connection = self.connection
        if (
            isinstance(connection, h11.Connection)
            and connection.client_is_waiting_for_100_continue
            and connection.our_state is h11.SEND_RESPONSE
        ):
            headers = self.config.response_headers("h11")
            await self._send_h11_event(h11.InformationalResponse(status_code=100, headers=headers))

    async def stream_send(self, event: Any) -> None:
        if self._held and isinstance(event, StreamClosed):  # the app ended after the head alone
            await self._flush_held()
        await super().stream_send(event)

    async def _send_h11_event(self, event: Any) -> None:
        try:
            data = self.connection.send(event)
        except h11.LocalProtocolError:
            if self.connection.their_state != h11.ERROR:
                raise
            return
        if type(event) is h11.Response:
            self._held += data or b""
            asyncio.get_running_loop().call_soon(self._flush_soon)  # unless the body takes it along
            return
        if self._held:
            data, self._held = self._held + (data or b""), b""
        if data:
            await self.send(RawData(data=data))

    def _flush_soon(self) -> None:
        if self._held:
            self.task_group.spawn(self._flush_held)

    async def _flush_held(self) -> None:
        if self._held:
            data, self._held = self._held, b""
            await self.send(RawData(data=data))


class _ResponseHeadersEachSecond:
    """``Config.response_headers`` (``Date``, ``Server``...), computed once per second and protocol."""

    def __init__(self, compute: Callable[[str], list[tuple[bytes, bytes]]]) -> None:
        self._compute = compute
        self._second = -1
        self._cache: dict[str, list[tuple[bytes, bytes]]] = {}

    def __call__(self, protocol: str) -> list[tuple[bytes, bytes]]:
        second = int(time.time())
        if second != self._second:
            self._cache.clear()
            self._second = second
        headers = self._cache.get(protocol)
        if headers is None:
            headers = self._cache[protocol] = self._compute(protocol)
        return list(headers)


def _iter_headers(self: Any) -> Iterator[tuple[bytes, bytes]]:
    return iter([(name, value) for _, name, value in self._full_items])


def install(config: Any | None = None) -> None:
    """Use :class:`ServeH11Protocol` for every new HTTP/1.1 connection of this process, and the
    savings above (``config``: the worker's Hypercorn config)."""
    import hypercorn.protocol
    from h11._headers import Headers

    hypercorn.protocol.H11Protocol = ServeH11Protocol  # type: ignore[misc]  # ProtocolWrapper's name
    if "__iter__" not in vars(Headers) and hasattr(Headers, "_full_items"):
        Headers.__iter__ = _iter_headers  # type: ignore[method-assign]
    if config is not None and not isinstance(config.response_headers, _ResponseHeadersEachSecond):
        config.response_headers = _ResponseHeadersEachSecond(config.response_headers)
