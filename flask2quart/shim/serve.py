"""``flask2quart serve``: build the staged app and run it under Hypercorn.

Hypercorn's worker processes import the app themselves, so the options travel in one environment
variable and :func:`app_from_environment` rebuilds the same app in each worker.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
from dataclasses import asdict, dataclass, field
from typing import Any

from ..appspec import AppSpecError, is_quart_app, is_wsgi_app, load_app
from .adapters import DEFAULT_MAX_BODY
from .app import StagedApp

ENV_OPTIONS = "FLASK2QUART_SERVE_OPTIONS"


@dataclass
class ServeOptions:
    flask: str
    quart: str | None = None
    bind: list[str] = field(default_factory=lambda: ["127.0.0.1:8000"])
    workers: int = 1
    wsgi_threads: int | None = None
    adapter: str = "flask2quart"
    max_body: int | None = DEFAULT_MAX_BODY
    include_static: bool = False
    quart_prefixes: list[str] = field(default_factory=list)
    flask_prefixes: list[str] = field(default_factory=list)
    certfile: str | None = None
    keyfile: str | None = None
    keep_alive: float | None = None
    graceful_timeout: float | None = None
    access_log: bool = False


def build_app(options: ServeOptions) -> StagedApp:
    """Load both apps and compose them. Raises :class:`AppSpecError` with a message for the user."""
    flask_app = load_app(options.flask)
    if not is_wsgi_app(flask_app):
        raise AppSpecError(f"{options.flask!r} is not a WSGI app (got {type(flask_app).__name__})")
    quart_app = None
    if options.quart:
        quart_app = load_app(options.quart)
        if not is_quart_app(quart_app):
            raise AppSpecError(f"{options.quart!r} is not a Quart app (got {type(quart_app).__name__})")
    return StagedApp(
        quart_app,
        flask_app,
        adapter=options.adapter,
        wsgi_threads=options.wsgi_threads,
        max_body=options.max_body,
        include_static=options.include_static,
        quart_prefixes=options.quart_prefixes,
        flask_prefixes=options.flask_prefixes,
    )


def app_from_environment() -> StagedApp:
    """What each Hypercorn worker imports (``flask2quart.shim.serve:app_from_environment()``)."""
    options = ServeOptions(**json.loads(os.environ[ENV_OPTIONS]))
    if options.access_log:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    return build_app(options)


def hypercorn_config(options: ServeOptions) -> Any:
    from hypercorn.config import Config

    config = Config()
    config.bind = list(options.bind)
    config.workers = options.workers
    config.application_path = "flask2quart.shim.serve:app_from_environment()"
    if options.certfile:
        config.certfile = options.certfile
    if options.keyfile:
        config.keyfile = options.keyfile
    if options.keep_alive is not None:
        config.keep_alive_timeout = options.keep_alive
    if options.graceful_timeout is not None:
        config.graceful_timeout = options.graceful_timeout
    config.accesslog = "-" if options.access_log else None
    config.errorlog = "-"
    return config


def serve(options: ServeOptions) -> int:
    """Check the apps load here (one clear error, not a worker crash loop), then run Hypercorn."""
    build_app(options)
    os.environ[ENV_OPTIONS] = json.dumps(asdict(options))
    config = hypercorn_config(options)
    if _own_sockets_possible(config):
        return run_workers_with_own_sockets(config)
    from hypercorn.run import run

    return run(config)


def _own_sockets_possible(config: Any) -> bool:
    return (
        config.workers > 1
        and hasattr(socket, "SO_REUSEPORT")
        and not any(bind.startswith(("unix:", "fd://")) for bind in config.bind)
    )


def run_workers_with_own_sockets(config: Any) -> int:
    """Hypercorn workers, each listening on its own ``SO_REUSEPORT`` socket.

    With one shared listening socket (what ``hypercorn.run`` does), one asyncio worker that wakes
    first accepts a whole burst of connections and the other idles: measured here, 99 of 100
    keep-alive connections on one of two workers, halving the throughput of blocking views. With a
    socket each, the kernel spreads connections across the workers.
    """
    from hypercorn.asyncio.run import asyncio_worker

    context = multiprocessing.get_context("spawn")
    shutdown_event = context.Event()
    # Children inherit "ignore SIGINT" so that only this process decides when they stop.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    workers = [
        context.Process(
            target=asyncio_worker, kwargs={"config": config, "sockets": None, "shutdown_event": shutdown_event}
        )
        for _ in range(config.workers)
    ]
    for worker in workers:
        worker.start()
    signal.signal(signal.SIGINT, previous)

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
