"""F2Q112: blocking calls in code that became async are reported.

After the port, a view runs on the event loop: ``subprocess.*``, ``smtplib``, ``urllib3``,
``http.client``, ``socket.create_connection`` and ``os.system`` there stop every other request while
they wait. Each one is reported (never silently left); wrap it with
``await quart.utils.run_sync(fn)(...)`` or move to an async library. ``requests`` and
``urllib.request.urlopen`` are F2Q117's: it rewrites those calls (reported here only when F2Q117 is
off, and in test modules, which F2Q117 leaves alone).

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
        if self._rewritten_by_f2q117(name):
            return updated
        if flask_api.is_blocking_call(name) and self.ctx.in_async_function():
            self.ctx.report(
                original,
                self.code,
                f"`{name}` blocks the event loop in async code: use an async client or "
                "`await run_sync(...)` (quart.utils)",
                Severity.WARNING,
            )
        return updated

    def _rewritten_by_f2q117(self, name: str) -> bool:
        """requests' calls and ``urlopen``, which F2Q117 rewrites or reports itself."""
        if "F2Q117" not in self.ctx.enabled or self.ctx.facts.is_test:
            return False
        return name.startswith("requests.") or name in flask_api.URLLIB_CALLS
