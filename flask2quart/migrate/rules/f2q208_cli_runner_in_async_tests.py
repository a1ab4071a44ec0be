"""F2Q208: ``runner.invoke(...)`` inside an async test runs in a worker thread.

Quart's ``with_appcontext`` (and so every command ported by F2Q114) calls ``asyncio.run()``, which
fails inside the running loop of an async test: "asyncio.run() cannot be called from a running event
loop" (porting notes T3). In a test that became async, ``runner.invoke(...)`` becomes
``await asyncio.to_thread(runner.invoke, ...)``; the command then gets a loop of its own.

Docs: https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread
"""

from __future__ import annotations

import libcst as cst

from .. import values as V
from .base import Rule, awaited


class CliRunnerInAsyncTests(Rule):
    code = "F2Q208"
    name = "cli-runner-in-async-tests"
    priority = 40

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.ctx.value(updated.func) != f"b:{V.CLI_RUNNER}|invoke" or not self.ctx.can_await():
            return updated
        if id(original) in self.ctx.awaited:
            return updated
        asyncio = self.ctx.require_import("asyncio")
        self.changed()
        method = updated.func.with_changes(lpar=[], rpar=[])
        first = cst.Arg(method, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if updated.args else cst.MaybeSentinel.DEFAULT)
        call = updated.with_changes(
            func=cst.Attribute(cst.Name(asyncio), cst.Name("to_thread")), args=[first, *updated.args]
        )
        return awaited(call)
