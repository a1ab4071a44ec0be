"""Serve an ASGI app with Hypercorn the way ``flask2quart serve`` does (a socket per worker), so
that "Quart alone" and "Quart through StagedApp" are compared on equal terms.

    python benchmarks/run_hypercorn.py MODULE:APP --bind HOST:PORT --workers N
"""

from __future__ import annotations

import argparse

from hypercorn.config import Config

from flask2quart.shim.serve import run_workers_with_own_sockets


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("app")
    parser.add_argument("--bind", required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    config = Config()
    config.bind = [args.bind]
    config.workers = args.workers
    config.application_path = args.app
    config.accesslog = None
    return run_workers_with_own_sockets(config)


if __name__ == "__main__":
    raise SystemExit(main())
