"""The apps ``bench_serve.py`` puts under load: a tiny Flask app, an equivalent Quart app, and both
composed by ``flask2quart.shim.StagedApp``.

* Flask ``/sleep``: blocks its thread for 50 ms (``time.sleep``), like a view waiting on a database;
* Flask ``/hello`` and Quart ``/qhello``: a small JSON document (the same size on both sides; the
  ``side`` field says which framework answered, so the benchmark can check the routing);
* ``staged``: ``/qhello`` on Quart (its ``url_map`` matches), everything else on Flask through the
  shim's WSGI adapter, with ``BENCH_WSGI_THREADS`` threads per process (default 20).

Any of them can be served on its own, from the repository root or from ``benchmarks/``::

    hypercorn -w 2 benchmarks.serve_apps:staged
    python -m flask2quart serve --flask serve_apps:flask_app --quart serve_apps:quart_app -w 2 --wsgi-threads 20
    gunicorn -k gthread -w 2 --threads 20 serve_apps:flask_app
    hypercorn -w 2 serve_apps:quart_app
"""

from __future__ import annotations

import os
import time

from flask import Flask
from quart import Quart

from flask2quart.shim import StagedApp

SLEEP_SECONDS = 0.05
WSGI_THREADS = int(os.environ.get("BENCH_WSGI_THREADS", "20"))

flask_app = Flask(__name__)


@flask_app.get("/sleep")
def sleep() -> dict[str, object]:
    time.sleep(SLEEP_SECONDS)
    return {"slept_ms": 50, "side": "flask"}


@flask_app.get("/hello")
def hello() -> dict[str, object]:
    return {"message": "hello, world", "side": "flask"}


quart_app = Quart(__name__)


@quart_app.get("/qhello")
async def qhello() -> dict[str, object]:
    return {"message": "hello, world", "side": "quart"}


staged = StagedApp(quart_app, flask_app, wsgi_threads=WSGI_THREADS)
