"""``StagedApp``: one ASGI app, the ported routes on Quart and the rest on the unported Flask app.

- ``lifespan`` and ``websocket`` go to Quart only, so ``before_serving``/``after_serving`` run once
  and the WSGI side never sees a scope it cannot handle;
- an HTTP request goes to Quart when Quart's ``url_map`` matches its path and method
  (:mod:`.router`), otherwise to Flask through the WSGI adapter (:mod:`.adapters`);
- each response is counted per side (:mod:`.metrics`), readable at ``metrics_path`` when that is
  set (off by default), by clients in ``metrics_allow`` only (default: loopback).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

from .adapters import (
    DEFAULT_BODY_MEMORY,
    DEFAULT_BODY_TIMEOUT,
    DEFAULT_MAX_BODY,
    ASGIApp,
    Message,
    Receive,
    Scope,
    Send,
    answer_lifespan,
    build_wsgi_adapter,
    send_plain,
)
from .metrics import LOOPBACK, Metrics, Network, client_allowed, parse_networks
from .router import QuartRouteMatcher

logger = logging.getLogger("flask2quart.shim")

METRICS_PATH = "/_flask2quart/metrics"


class StagedApp:
    def __init__(
        self,
        quart_app: Any | None,
        flask_app: Any,
        *,
        adapter: str = "flask2quart",
        wsgi_threads: int | None = None,
        max_body: int | None = DEFAULT_MAX_BODY,
        include_static: bool = False,
        quart_prefixes: Iterable[str] = (),
        flask_prefixes: Iterable[str] = (),
        metrics_path: str | None = None,
        metrics_allow: Iterable[str] | None = None,
        body_timeout: float | None = DEFAULT_BODY_TIMEOUT,
        max_body_memory: int | None = DEFAULT_BODY_MEMORY,
    ) -> None:
        self.quart_app = quart_app
        self.flask_app = flask_app
        self.legacy: ASGIApp = build_wsgi_adapter(
            flask_app,
            adapter,
            threads=wsgi_threads,
            max_body=max_body,
            body_timeout=body_timeout,
            max_body_memory=max_body_memory,
        )
        self.router = (
            QuartRouteMatcher(
                quart_app, include_static=include_static, quart_prefixes=quart_prefixes, flask_prefixes=flask_prefixes
            )
            if quart_app is not None
            else None
        )
        self.metrics = Metrics()
        self.metrics_path = metrics_path
        self.metrics_allow: tuple[Network, ...] = LOOPBACK if metrics_allow is None else parse_networks(metrics_allow)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif self.quart_app is not None:
            await self.quart_app(scope, receive, send)  # lifespan and websockets: Quart's alone
            if kind == "lifespan":  # Quart's shutdown is done: stop the WSGI side's threads too
                shutdown = getattr(self.legacy, "shutdown", None)
                if shutdown is not None:
                    shutdown()
        elif kind == "lifespan":
            await answer_lifespan(receive, send)
        else:  # a websocket with no Quart side
            await send({"type": "websocket.close", "code": 1000})

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.metrics_path is not None and scope["path"] == self.metrics_path:
            await self._serve_metrics(scope, send)
            return
        side = self.router.side(scope) if self.router is not None else "flask"
        app = self.quart_app if side == "quart" else self.legacy
        if self.metrics_path is None and not logger.isEnabledFor(logging.INFO):
            await app(scope, receive, send)  # nothing to count or log
            return
        status = 500
        started = time.perf_counter()

        async def counted_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await app(scope, receive, counted_send)
        finally:
            elapsed = time.perf_counter() - started
            self.metrics.observe(side, status, elapsed)
            if logger.isEnabledFor(logging.INFO):
                logger.info(
                    '%s %s %s %d %.1fms', side, scope.get("method", "-"), scope["path"], status, elapsed * 1000
                )

    async def _serve_metrics(self, scope: Scope, send: Send) -> None:
        if not client_allowed(scope.get("client"), self.metrics_allow):
            await send_plain(send, 403, b"Forbidden: metrics are served to allowed clients only\n")
            return
        query = scope.get("query_string", b"")
        if b"format=prometheus" in query:
            await send_plain(send, 200, self.metrics.to_prometheus(), b"text/plain; version=0.0.4")
        else:
            await send_plain(send, 200, self.metrics.to_json(), b"application/json")
