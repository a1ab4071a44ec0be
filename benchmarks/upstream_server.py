"""The slow upstream service ``bench_upstream.py`` puts behind linkbox's ``/api/quote`` view.

An aiohttp server (https://docs.aiohttp.org/en/stable/web_quickstart.html) whose ``GET /quote``
answers a small JSON quote after ``await asyncio.sleep(DELAY)`` (50 ms by default), like a remote
API. The answer carries a ``token`` chosen by the caller, so the benchmark can tell, under load,
that a response of the app really went through this upstream (and not, say, a cached or error
page). Being asynchronous, it serves many waiting requests at once: the benchmark checks that it
sustains well over what the apps can ask of it before measuring them. No access log (it would cost
more than the answer).

    python benchmarks/upstream_server.py --port 8099 [--delay 0.05] [--token T] [--processes 1]

With ``--processes N`` (N > 1) it runs N copies, each with its own ``SO_REUSEPORT`` socket on the
same port, for a machine where one process is not enough.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import signal

from aiohttp import web

QUOTE_AUTHOR = "Grace Hopper"
QUOTE_TEXT = "The most dangerous phrase in the language is: we've always done it this way."


def quote_payload(token: str) -> dict[str, object]:
    """The JSON document ``/quote`` answers (and the linkbox view passes on unchanged)."""
    return {"author": QUOTE_AUTHOR, "quote": QUOTE_TEXT, "token": token}


def make_app(delay: float, token: str) -> web.Application:
    payload = quote_payload(token)

    async def quote(_request: web.Request) -> web.Response:
        await asyncio.sleep(delay)
        return web.json_response(payload)

    app = web.Application()
    app.router.add_get("/quote", quote)
    return app


def serve(port: int, delay: float, token: str, reuse_port: bool) -> None:
    web.run_app(
        make_app(delay, token),
        host="127.0.0.1",
        port=port,
        access_log=None,
        print=None,
        reuse_port=reuse_port,
        backlog=1024,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay", type=float, default=0.05, help="seconds before answering")
    parser.add_argument("--token", default="f2q-bench", help="echoed in every answer")
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args(argv)
    if args.processes <= 1:
        serve(args.port, args.delay, args.token, reuse_port=False)
        return 0
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=serve, args=(args.port, args.delay, args.token, True))
        for _ in range(args.processes)
    ]
    for worker in workers:
        worker.start()

    def stop(*_: object) -> None:
        for worker in workers:
            if worker.pid is not None and worker.is_alive():
                worker.terminate()  # SIGTERM to the processes this one started

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for worker in workers:
        worker.join()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
