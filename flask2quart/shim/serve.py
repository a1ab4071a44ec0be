"""``flask2quart serve``: build the staged app and run it under Hypercorn.

Hypercorn's worker processes import the app themselves, so the options travel in one environment
variable and :func:`app_from_environment` rebuilds the same app in each worker.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field
from typing import Any

from ..appspec import AppSpecError, is_quart_app, is_wsgi_app, load_app
from .adapters import DEFAULT_BODY_MEMORY, DEFAULT_BODY_TIMEOUT, DEFAULT_MAX_BODY
from .app import METRICS_PATH, StagedApp
from .listen import bind_all
from .workers import run_workers

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
    body_timeout: float | None = DEFAULT_BODY_TIMEOUT
    max_body_memory: int | None = DEFAULT_BODY_MEMORY
    metrics: bool = False
    metrics_allow: list[str] = field(default_factory=list)  # empty: loopback only


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
        metrics_path=METRICS_PATH if options.metrics else None,
        metrics_allow=options.metrics_allow or None,
        body_timeout=options.body_timeout,
        max_body_memory=options.max_body_memory,
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
    """Check the apps load and the addresses can be bound here (one clear error each, not a worker
    crash loop), then run the Hypercorn workers. Raises :class:`AppSpecError` or :class:`BindError`."""
    build_app(options)
    os.environ[ENV_OPTIONS] = json.dumps(asdict(options))
    config = hypercorn_config(options)
    return run_workers(config, bind_all(list(config.bind), config.workers))


def run_workers_with_own_sockets(config: Any) -> int:
    """Hypercorn workers for ``config``, each on its own ``SO_REUSEPORT`` socket (:mod:`.workers`).

    With one shared listening socket (what ``hypercorn.run`` does), one asyncio worker that wakes
    first accepts a whole burst of connections and the other idles: measured here, 99 of 100
    keep-alive connections on one of two workers, halving the throughput of blocking views. With a
    socket each, the kernel spreads connections across the workers.
    """
    return run_workers(config)
