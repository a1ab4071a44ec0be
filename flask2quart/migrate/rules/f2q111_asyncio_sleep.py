"""F2Q111: ``time.sleep`` in async code becomes ``await asyncio.sleep``.

``time.sleep`` in a coroutine stops the whole event loop, every other request included. In a function
that is or becomes async, ``time.sleep(x)`` becomes ``await asyncio.sleep(x)``; elsewhere it stays.

Docs: https://docs.python.org/3/library/asyncio-task.html#asyncio.sleep
"""

from __future__ import annotations

import libcst as cst

from .base import Rule, awaited


class AsyncioSleep(Rule):
    code = "F2Q111"
    name = "asyncio-sleep"
    priority = 40

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.ctx.value(updated.func) != "q:time.sleep" or not self.ctx.can_await():
            return updated
        if id(original) in self.ctx.awaited:
            return updated
        asyncio = self.ctx.require_import("asyncio")
        self.changed()
        func = cst.Attribute(cst.Name(asyncio), cst.Name("sleep"))
        return awaited(updated.with_changes(func=func))
