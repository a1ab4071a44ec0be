"""F2Q105: await the project's own functions that became async.

When a helper such as ``get_db()`` in ``db.py`` or ``AuthActions.login()`` in ``conftest.py`` becomes
``async def`` (because it awaits something, porting notes A7/T9), every call to it in any module is
awaited, even when the result is unused: an un-awaited coroutine never runs. Where an ``await`` is
impossible (a lambda, a generator expression, a hook Quart calls synchronously) the call is
reported instead.

Docs: https://docs.python.org/3/library/asyncio-task.html#coroutines
"""

from __future__ import annotations

import libcst as cst

from .. import values as V
from ._awaiting import await_node
from .base import Rule
from .f2q104_await_quart_api import describe


class AwaitProjectCalls(Rule):
    code = "F2Q105"
    name = "await-project-calls"
    priority = 90

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = self.ctx.value(updated.func)
        target = V.project_name(func) or V.bound_method(func)
        if target is None or target not in self.ctx.analysis.awaitable_functions:
            return updated
        if target.rpartition(":")[2][:1].isupper() and "." not in target.rpartition(":")[2]:
            return updated  # a class
        return await_node(self, original, updated, describe(original.func) + "() became async and")
