"""Hypercorn's asyncio ``TCPServer`` (one per connection) as ``flask2quart serve`` runs it.

Hypercorn closes a keep-alive connection that stays idle for ``keep_alive_timeout`` with a task per
idle period: after every response it cancels the previous task (and waits for it to finish) and
starts a new one, which itself starts an inner task for ``wait_for``. Under load that was about 7%
of a worker's CPU for a small response. Here the idle period is a timer handle of the event loop
(``call_later``, cancelled when the next request arrives), and one task per worker closes the idle
connections when the server shuts down, as Hypercorn's tasks did. The read loop skips
``asyncio.wait_for`` when there is no ``read_timeout`` (the default): on Python 3.12+ it costs a
timeout context per read even then.

:func:`install` swaps the class in the worker process; the behaviour is Hypercorn's.
"""

from __future__ import annotations

import asyncio
import weakref
from ssl import SSLError
from typing import Any

from hypercorn.asyncio.tcp_server import MAX_RECV, TCPServer
from hypercorn.events import Closed, RawData


class _IdleConnections:
    """The idle connections of one worker, closed at once when the worker shuts down."""

    def __init__(self, context: Any) -> None:
        self.timers: weakref.WeakSet[_IdleTimer] = weakref.WeakSet()  # one per open connection
        self.context = context
        self.watcher = asyncio.get_running_loop().create_task(self._close_on_shutdown())

    async def _close_on_shutdown(self) -> None:
        await self.context.terminated.wait()
        for timer in list(self.timers):
            if timer.idle:
                timer.expire()


_REGISTRIES: weakref.WeakKeyDictionary[Any, _IdleConnections] = weakref.WeakKeyDictionary()


class _IdleTimer:
    """Stands in for Hypercorn's ``AsyncioSingleTask`` as the idle task of one connection."""

    __slots__ = ("__weakref__", "_handle", "_server")

    def __init__(self, server: ServeTCPServer) -> None:
        self._server = server
        self._handle: asyncio.TimerHandle | None = None
        registry = _REGISTRIES.get(server.context)
        if registry is None:
            registry = _REGISTRIES[server.context] = _IdleConnections(server.context)
        registry.timers.add(self)

    @property
    def idle(self) -> bool:
        return self._handle is not None

    async def restart(self, task_group: Any, action: Any) -> None:
        """The connection is idle (``action`` is Hypercorn's ``_idle_timeout``; not needed here)."""
        self._cancel()
        if self._server.context.terminated.is_set():
            self.expire()
            return
        loop = asyncio.get_running_loop()
        self._handle = loop.call_later(self._server.config.keep_alive_timeout, self.expire)

    async def stop(self) -> None:
        self._cancel()

    def _cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def expire(self) -> None:
        self._cancel()
        self._server.close_idle()


class ServeTCPServer(TCPServer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.idle_task = _IdleTimer(self)  # type: ignore[assignment]
        self._closing: asyncio.Task[None] | None = None

    def close_idle(self) -> None:
        """What Hypercorn's idle task does when the keep-alive time is up or the server stops."""
        if self._closing is None:
            self._closing = asyncio.get_running_loop().create_task(self._initiate_server_close())

    async def _read_data(self) -> None:
        timeout = self.config.read_timeout
        while not self.reader.at_eof():
            try:
                if timeout is None:
                    data = await self.reader.read(MAX_RECV)
                else:
                    data = await asyncio.wait_for(self.reader.read(MAX_RECV), timeout)
            except (ConnectionError, OSError, TimeoutError, SSLError):
                break
            else:
                await self.protocol.handle(RawData(data))
        await self.protocol.handle(Closed())


def install() -> None:
    """Use :class:`ServeTCPServer` for every new connection of this process."""
    import hypercorn.asyncio.run

    hypercorn.asyncio.run.TCPServer = ServeTCPServer  # type: ignore[misc]  # worker_serve's name
