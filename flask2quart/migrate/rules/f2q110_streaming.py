"""F2Q110: streamed bodies become async generators.

Quart's ``stream_with_context`` wraps an *async* generator function, and a sync generator returned by
a view is iterated in a worker thread, away from the connection objects on ``g`` (reference §1.1).
A generator function nested in a view, or passed as ``stream_with_context(generate())``, becomes an
``async def`` generator. Nested in a function, it is decorated with ``@stream_with_context`` and the
call site passes ``generate()`` directly; defined at module (or class) level, where Quart's
``stream_with_context`` would run at import and fail (it copies the request context when applied),
the call site wraps it: ``stream_with_context(generate)()``. A ``yield from items`` statement becomes a loop (async generators cannot
delegate); a generator using ``yield from`` inside an expression stays sync and is reported, and so
is ``g`` read inside a streamed generator (Quart gives it a fresh ``g``).

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

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self._g_reported: set[str] = set()

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        """Quart's ``stream_with_context`` copies the request context with a fresh ``g``."""
        scope = self.ctx.enclosing_function()
        if scope is None or scope.role is not Role.STREAM or self.ctx.value(updated) != V.G:
            return updated
        if scope.qualname not in self._g_reported:
            self._g_reported.add(scope.qualname)
            self.ctx.report(
                original, self.code, "`g` inside a streamed generator is a fresh `g` in Quart: read what "
                "you need from `g` in the view and pass it to the generator", Severity.WARNING,
            )
        return updated

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
        if not _nested_in_function(self.ctx.analysis, target):
            # Quart's stream_with_context copies the request context when it is applied: a module-level
            # generator is wrapped here, in the request, not where it is defined (at import)
            wrapped = updated.with_changes(args=[updated.args[0].with_changes(value=inner.func)], lpar=[], rpar=[])
            return inner.with_changes(func=wrapped, lpar=updated.lpar, rpar=updated.rpar)
        return inner.with_changes(lpar=updated.lpar, rpar=updated.rpar)

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        scope = self.ctx.scope
        qualified = self.ctx.project_qualname(scope.qualname)
        facts = self.ctx.facts.functions.get(scope.qualname)
        if facts is not None and facts.complex_yield_from and len(self.ctx.scopes) > 2:
            outer = self.ctx.scopes[-2]
            if outer.kind == "function" and outer.role is Role.VIEW:
                self.ctx.report(
                    original.name, self.code, f"`{scope.qualname}` uses `yield from` inside an "
                    "expression, so it stays a sync generator that Quart iterates in a worker thread",
                    Severity.WARNING,
                )
        if scope.role is not Role.STREAM:
            return updated
        if qualified not in self.ctx.analysis.stream_wrapped or not _nested_in_function(self.ctx.analysis, qualified):
            return updated
        for decorator in updated.decorators:
            if V.flask_name(self.ctx.value(decorator.decorator)) == "stream_with_context":
                return updated
        self.changed()
        name = self.ctx.require_import("quart", "stream_with_context")
        return updated.with_changes(decorators=[*updated.decorators, cst.Decorator(cst.Name(name))])

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.BaseStatement:
        """``yield from items`` -> ``for item in items: yield item`` (async generators cannot delegate)."""
        scope = self.ctx.function_scope()
        if scope is None or scope.role is not Role.STREAM or scope.already_async or len(updated.body) != 1:
            return updated
        statement = updated.body[0]
        if not (isinstance(statement, cst.Expr) and isinstance(statement.value, cst.Yield)):
            return updated
        source = statement.value.value
        if not isinstance(source, cst.From):
            return updated
        self.changed()
        item = cst.Name("_f2q_item")
        loop = cst.parse_statement("for _f2q_item in _:\n    yield _f2q_item\n")
        assert isinstance(loop, cst.For)
        return loop.with_changes(iter=source.item, target=item, leading_lines=updated.leading_lines)


def _nested_in_function(analysis, target: str) -> bool:  # type: ignore[no-untyped-def]
    """``module:view.generate``: defined when its function runs (inside the request), not at import."""
    module, _, qual = target.partition(":")
    parent = qual.rpartition(".")[0]
    return bool(parent) and any(
        facts.module == module and parent in facts.functions for facts in analysis.modules.values()
    )
