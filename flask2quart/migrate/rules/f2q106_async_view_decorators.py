"""F2Q106: view decorators get async wrappers.

A sync ``functools.wraps`` wrapper around an async view returns a coroutine object, and Quart answers
500 ``TypeError`` (reference §1.7). The wrapper of every decorator applied to a view (for example
``login_required``) becomes ``async def`` and calls the view through
``await current_app.ensure_async(view)(...)``, which works whether the view is sync or async
(porting notes A5). A class used as a view decorator is reported, and so is a decorator from
outside the project, Flask and its extensions (``@db.atomic()`` of peewee, ``@celery.task``) on a
function of the app that becomes async: a sync wrapper would call it and get a coroutine it never
runs. Such a decorator goes through a generated ``_f2q_async_aware``: one that is also a context
manager (``@db.atomic()``, any ``contextlib.ContextDecorator``) is then entered around each awaited
call, as it wrapped each call before; any other is applied as it was.

Docs: https://quart.palletsprojects.com/en/latest/how_to_guides/quart_extensions.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import flask_api
from ..analysis import Role
from .base import Rule, awaited

#: Decorators that are no wrapper calling the function (or that handle coroutine functions).
_SAFE_MODULES = frozenset(
    {"flask", "quart", "werkzeug", "functools", "typing", "typing_extensions", "abc", "pytest", "unittest", "click",
     "decorator"}  # the ``decorator`` package: a decorated coroutine function stays one
)
#: Decorator names Flask/Quart objects register functions with (``@bp.route``, ``@app.errorhandler``).
_REGISTRARS = (
    flask_api.VIEW_REGISTRARS
    | flask_api.ASYNC_HOOKS
    | flask_api.RESPONSE_HOOKS
    | flask_api.SYNC_ONLY_HOOKS
    | {"connect", "connect_via", "command", "group", "endpoint", "template_filter", "template_global", "template_test"}
)


ASYNC_AWARE_HELPER = "_f2q_async_aware"
ASYNC_AWARE_SOURCE = '''

def _f2q_async_aware(decorator):
    """A library's decorator on a function that became async: one that is also a context manager
    (`@db.atomic()`, a `contextlib.ContextDecorator`) is entered around each awaited call, as it
    wrapped each call before; any other is applied as it was (added by flask2quart, F2Q106)."""
    import functools

    if not (hasattr(decorator, "__enter__") and hasattr(decorator, "__exit__")):
        return decorator

    def apply(func):
        @functools.wraps(func)
        async def entered(*args, **kwargs):
            with getattr(decorator, "_recreate_cm", lambda: decorator)():
                return await func(*args, **kwargs)

        return entered

    return apply
'''


class AsyncViewDecorators(Rule):
    code = "F2Q106"
    name = "async-view-decorators"
    priority = 40

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        """A class used as a view decorator has its wrapper in ``__call__``: not rewritten, reported."""
        scope = self.ctx.scope
        if scope.becomes_async and not scope.already_async and not self.ctx.in_tests:
            decorators = list(updated.decorators)
            for index, decorator in enumerate(original.decorators):
                name = self._foreign(decorator.decorator)
                if not name:
                    continue
                self.ctx.report(
                    decorator, self.code, f"`@{name}` is neither the project's nor Flask's, and "
                    f"`{scope.qualname}` became async: it is now entered around each awaited call when "
                    "it is a context manager (`@db.atomic()`); any other sync wrapper calls it without "
                    "awaiting (the coroutine never runs): use an async-aware form",
                )
                self.ctx.add_helper(ASYNC_AWARE_HELPER, ASYNC_AWARE_SOURCE)
                wrapped = cst.Call(cst.Name(ASYNC_AWARE_HELPER), args=[cst.Arg(decorators[index].decorator)])
                decorators[index] = decorators[index].with_changes(decorator=wrapped)
                self.changed()
            updated = updated.with_changes(decorators=decorators)
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

    def _foreign(self, expr: cst.BaseExpression) -> str | None:
        """The dotted name of a decorator from outside the project, Flask/Quart, their extensions and
        the standard decorators that do not wrap (``None`` otherwise)."""
        func = expr.func if isinstance(expr, cst.Call) else expr
        value = self.ctx.value(func)
        if not value or not value.startswith("q:"):
            return None  # builtins (staticmethod...), extension objects (F2Q3xx), unknown names
        if isinstance(func, cst.Attribute) and func.attr.value in _REGISTRARS:
            return None
        name = value[2:]
        if ":" in name:  # the project's: its own functions and classes are followed, objects are not
            if name in self.ctx.analysis.roles or name in self.ctx.analysis.class_names:
                return None
            if name in self.ctx.analysis.extension_objects or name.rpartition(".")[0] in self.ctx.analysis.extension_objects:
                return None
            return name.partition(":")[2]
        top = name.split(".")[0]
        if top in _SAFE_MODULES or top.startswith(("flask_", "quart_")):
            return None
        return name

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
