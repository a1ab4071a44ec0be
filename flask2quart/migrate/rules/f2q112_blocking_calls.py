"""F2Q112: blocking calls in code that became async are reported.

After the port, a view runs on the event loop: ``requests.*``, ``urllib.request.urlopen``,
``subprocess.*``, ``smtplib``, ``socket.create_connection`` and ``os.system`` there stop every other
request while they wait. Each one is reported (never silently left); wrap it with
``await quart.utils.run_sync(fn)(...)`` or move to an async client (aiohttp with one shared session).

Docs: https://quart.palletsprojects.com/en/latest/how_to_guides/sync_code.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import flask_api
from .base import Rule


class BlockingCalls(Rule):
    code = "F2Q112"
    name = "blocking-calls"
    priority = 10

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        value = self.ctx.value(updated.func)
        if not value or not value.startswith("q:") or ":" in value[2:]:
            return updated
        name = value[2:]
        if flask_api.is_blocking_call(name) and self.ctx.in_async_function():
            self.ctx.report(
                original,
                self.code,
                f"`{name}` blocks the event loop in async code: use an async client or "
                "`await run_sync(...)` (quart.utils)",
                Severity.WARNING,
            )
        return updated
