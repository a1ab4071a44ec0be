"""F2Q106: view decorators get async wrappers.

A sync ``functools.wraps`` wrapper around an async view returns a coroutine object, and Quart answers
500 ``TypeError`` (reference §1.7). The wrapper of every decorator applied to a view (for example
``login_required``) becomes ``async def`` and calls the view through
``await current_app.ensure_async(view)(...)``, which works whether the view is sync or async
(porting notes A5). A class used as a view decorator is reported.

Docs: https://quart.palletsprojects.com/en/latest/how_to_guides/quart_extensions.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from ..analysis import Role
from .base import Rule, awaited


class AsyncViewDecorators(Rule):
    code = "F2Q106"
    name = "async-view-decorators"
    priority = 40

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        """A class used as a view decorator has its wrapper in ``__call__``: not rewritten, reported."""
        if self.ctx.scope.role is not Role.VIEW:
            return updated
        for decorator in original.decorators:
            expr = decorator.decorator
            func = expr.func if isinstance(expr, cst.Call) else expr
            value = self.ctx.value(func) or ""
            target = value[2:] if value.startswith("q:") and ":" in value[2:] else ""
            if target and target in self.ctx.analysis.class_names:
                self.ctx.report(
                    decorator, self.code, f"class-based view decorator `{target.rpartition(':')[2]}`: make "
                    "the wrapper it returns `async def` and await the view through "
                    "`current_app.ensure_async(view)`", Severity.ERROR,
                )
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        ctx = self.ctx
        scope = ctx.function_scope()
        if scope is None or scope.kind != "function" or scope.role is not Role.WRAPPER:
            return updated
        if not isinstance(updated.func, cst.Name) or id(original) in ctx.awaited:
            return updated
        outer = ctx.scopes[-2] if len(ctx.scopes) > 1 else None
        if outer is None or outer.kind != "function" or not outer.params:
            return updated
        if updated.func.value != outer.params[0] or updated.func.value in scope.local_names:
            return updated
        if not ctx.can_await():
            return updated
        current_app = ctx.require_import("quart", "current_app")
        ensure_async = cst.Call(
            func=cst.Attribute(cst.Name(current_app), cst.Name("ensure_async")),
            args=[cst.Arg(updated.func)],
        )
        self.changed()
        return awaited(updated.with_changes(func=ensure_async))
