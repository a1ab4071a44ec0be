"""Hypercorn worker processes for ``flask2quart serve``, on sockets the parent bound (:mod:`.listen`).

The parent binds every socket, starts the workers (``spawn``), hands each its sockets and then
closes its own copies: after that only the workers hold the listening sockets, so when they stop
listening on SIGTERM, new connections are refused at once instead of piling up in a backlog that
nobody accepts from. In-flight requests finish (up to ``graceful_timeout``); idle keep-alive
connections are closed.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import signal
import socket
from multiprocessing.synchronize import Event as EventType
from typing import Any

from .listen import bind_all


def worker_main(config: Any, sockets: Any, shutdown_event: EventType) -> None:
    """One worker process: Hypercorn's asyncio worker with the tweaks of :mod:`.protocol` (HTTP/1.1)
    and :mod:`.connection` (keep-alive timers)."""
    from hypercorn.asyncio.run import asyncio_worker

    from . import connection, protocol

    protocol.install(config)
    connection.install()
    # SIGTERM sent to a worker directly (a process manager signalling the whole group) stops the
    # server gracefully, like SIGTERM to the parent; SIGINT stays ignored (inherited from the parent).
    signal.signal(signal.SIGTERM, lambda *_: shutdown_event.set())
    asyncio_worker(config, sockets=sockets, shutdown_event=shutdown_event)


def run_workers(config: Any, per_worker: list[list[socket.socket]] | None = None) -> int:
    """Start ``config.workers`` workers, wait for them, return the exit code (0 after SIGTERM/SIGINT).

    ``per_worker``: the sockets of each worker (:func:`.listen.bind_all`); bound here when None.
    """
    from hypercorn.config import Sockets

    if per_worker is None:
        per_worker = bind_all(list(config.bind), config.workers)
    secure = config.ssl_enabled
    context = multiprocessing.get_context("spawn")
    shutdown_event = context.Event()
    # Children inherit "ignore SIGINT" so that only this process decides when they stop.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    workers = []
    try:
        for sockets in per_worker:
            given = Sockets(sockets if secure else [], [] if secure else sockets, [])
            worker = context.Process(
                target=worker_main,
                kwargs={"config": config, "sockets": given, "shutdown_event": shutdown_event},
            )
            worker.start()  # the sockets are duplicated for the child while it is pickled
            workers.append(worker)
    finally:
        signal.signal(signal.SIGINT, previous)
        for sock in {id(s): s for sockets in per_worker for s in sockets}.values():
            sock.close()  # the workers hold them now; see the module docstring

    def stop(*_: Any) -> None:
        shutdown_event.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    exit_code = 0
    while any(worker.is_alive() for worker in workers):
        multiprocessing.connection.wait([w.sentinel for w in workers if w.is_alive()], timeout=1.0)
        for worker in workers:
            if worker.exitcode not in (None, 0) and not shutdown_event.is_set():
                exit_code = worker.exitcode
                shutdown_event.set()  # one worker died: stop the others, as hypercorn does
    for worker in workers:
        worker.join()
    return exit_code
