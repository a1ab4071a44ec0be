"""F2Q210: a test response handed to code that must stay sync is read before it is handed over.

Flask's test responses are Werkzeug responses: their body reads (``.data``, ``.get_data()``,
``.json``) are plain calls. Quart's are coroutines. Code that must stay sync cannot await them: a
class's ``__init__`` (``MockResponse(rv)`` keeping ``rv.get_data(as_text=True)``), a property, a
cached function. Where such code reads the body of a test response it is handed, each caller
(async: it got the response from the test client) reads the response to its end and hands over a
Werkzeug response with the same status, headers and body instead, as Flask's client would have:
``MockResponse(await _f2q_sync_response(rv))``. The sync code keeps its Flask spelling and works.
A caller that cannot await is reported.

Docs: https://quart.palletsprojects.com/en/latest/reference/source/quart.testing.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from ..analysis import callee
from ._awaiting import why_not
from .base import Rule, awaited

HELPER = "_f2q_sync_response"
HELPER_SOURCE = '''

async def _f2q_sync_response(response):
    """A Quart test response read to its end, as the Werkzeug response Flask's test client gives:
    code that must stay sync reads its body without awaiting (added by flask2quart, F2Q210)."""
    import importlib

    werkzeug = importlib.import_module("werkzeug.wrappers")  # Werkzeug's own, not Quart's
    return werkzeug.Response(await response.get_data(), status=response.status_code, headers=response.headers)
'''


class SyncResponseSnapshot(Rule):
    code = "F2Q210"
    name = "sync-response-snapshot"
    priority = 45  # after the argument itself is awaited (F2Q201, F2Q105), before the call is

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        func = self.ctx.value(updated.func)
        target, offset = callee(func) if func else (None, 0)
        params = self.ctx.analysis.snapshot_params.get(target or "")
        if not params:
            return updated
        positions = set(params.values())
        args: list[cst.Arg] = []
        touched = False
        for index, arg in enumerate(updated.args):
            slot = arg.keyword.value if arg.keyword is not None else index + offset
            wanted = slot in params if isinstance(slot, str) else slot in positions
            if not wanted or arg.star or self.ctx.value(arg.value) != V.TEST_RESPONSE:
                args.append(arg)
                continue
            if not self.ctx.can_await():
                self.ctx.report(
                    arg.value, self.code,
                    f"`{target}` reads the body of the test response it is handed and must stay sync: "
                    f"read it first (`await response.get_data()`), impossible {why_not(self.ctx)}",
                    Severity.ERROR,
                )
                args.append(arg)
                continue
            self.ctx.add_helper(HELPER, HELPER_SOURCE)
            read = awaited(cst.Call(func=cst.Name(HELPER), args=[cst.Arg(arg.value)]))
            args.append(arg.with_changes(value=read))
            touched = True
        if not touched:
            return updated
        self.changed()
        result = updated.with_changes(args=args)
        self.ctx.set_value(result, self.ctx.value(updated))
        self.ctx.set_step(result, self.ctx.step(updated))
        return result
