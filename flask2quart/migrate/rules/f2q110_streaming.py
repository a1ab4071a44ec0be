"""F2Q110: streamed bodies become async generators.

Quart's ``stream_with_context`` wraps an *async* generator function, and a sync generator returned by
a view is iterated in a worker thread, away from the connection objects on ``g`` (reference §1.1).
A generator function nested in a view, or passed as ``stream_with_context(generate())``, becomes an
``async def`` generator decorated with ``@stream_with_context``, and the call site passes
``generate()`` directly. ``yield from`` (not allowed in async generators) is reported.

Docs: https://quart.palletsprojects.com/en/latest/how_to_guides/streaming_response.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from ..analysis import Role
from .base import Rule


class Streaming(Rule):
    code = "F2Q110"
    name = "streaming"
    priority = 40

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if V.flask_name(self.ctx.value(updated.func)) != "stream_with_context":
            return updated
        if len(updated.args) != 1 or not isinstance(updated.args[0].value, cst.Call):
            return updated
        inner = updated.args[0].value
        target = V.project_name(self.ctx.value(inner.func))
        if target is None or self.ctx.analysis.roles.get(target) is not Role.STREAM:
            return updated
        self.changed()
        return inner.with_changes(lpar=updated.lpar, rpar=updated.rpar)

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        scope = self.ctx.scope
        qualified = self.ctx.project_qualname(scope.qualname)
        if scope.role is not Role.STREAM:
            return updated
        if qualified not in self.ctx.analysis.stream_wrapped:
            return updated
        for decorator in updated.decorators:
            if V.flask_name(self.ctx.value(decorator.decorator)) == "stream_with_context":
                return updated
        self.changed()
        name = self.ctx.require_import("quart", "stream_with_context")
        return updated.with_changes(decorators=[*updated.decorators, cst.Decorator(cst.Name(name))])

    def leave_Yield(self, original: cst.Yield, updated: cst.Yield) -> cst.Yield:
        scope = self.ctx.function_scope()
        if isinstance(updated.value, cst.From) and scope is not None and scope.role is Role.STREAM:
            self.ctx.report(
                original, self.code, "`yield from` is not allowed in the async generator this "
                "stream becomes: loop and yield each item", Severity.ERROR,
            )
        return updated
