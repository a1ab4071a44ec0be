"""F2Q110: streamed bodies become async generators.

Quart's ``stream_with_context`` wraps an *async* generator function, and a sync generator returned by
a view is iterated in a worker thread, away from the connection objects on ``g`` (reference §1.1).
A generator function nested in a view, or passed as ``stream_with_context(generate())`` (a method
too: ``stream_with_context(self.stream(...))``, found along the object's base classes), becomes an
``async def`` generator. Nested in a function, it is decorated with ``@stream_with_context`` and the
call site passes ``generate()`` directly; defined at module (or class) level, where Quart's
``stream_with_context`` would run at import and fail (it copies the request context when applied),
the call site wraps it: ``stream_with_context(generate)()``. A ``yield from items`` statement becomes a loop (async generators cannot
delegate); a generator using ``yield from`` inside an expression stays sync and is reported, and so
is ``g`` read inside a streamed generator (Quart gives it a fresh ``g``).

The Flask docs' ``stream_template`` recipe (``app.update_template_context(context)``, then
``app.jinja_env.get_template(name).stream(context)``, optionally ``enable_buffering``) becomes
``return await quart.stream_template(name, **context)``: Jinja's sync ``stream()`` on Quart's async
environment would render the whole template in a worker thread before sending anything.

Docs: https://quart.palletsprojects.com/en/latest/how_to_guides/streaming_response.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from ..analysis import Role
from ..facts import inherited
from .base import Rule
from .f2q124_app_context_argument import HELPER as CTX_HELPER


class Streaming(Rule):
    code = "F2Q110"
    name = "streaming"
    priority = 40

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self._g_reported: set[str] = set()
        self._replaced_helper = False

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        # the recipe's ``update_template_context`` call was given the context (F2Q124) before the
        # body went: no helper for it then, unless something else still calls it
        if self._replaced_helper and CTX_HELPER + "(" not in updated.code:
            self.ctx.helpers.pop(CTX_HELPER, None)
        return updated

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
        target = V.project_name(self.ctx.value(inner.func)) or _streamed_method(self.ctx.analysis, self.ctx.value(inner.func))
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
        helper = _template_stream_helper(self.ctx, original)
        if helper is not None and self.ctx.can_await():
            # the Flask docs' stream_template recipe: Quart's own streams the template asynchronously
            name, context = helper
            quart = self.ctx.require_import("quart")
            call = cst.Call(
                func=cst.Attribute(value=cst.Name(quart), attr=cst.Name("stream_template")),
                args=[cst.Arg(name, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                      cst.Arg(cst.Name(context), star="**")],
            )
            body = cst.IndentedBlock([cst.SimpleStatementLine([cst.Return(cst.Await(call))])])
            self.changed()
            self._replaced_helper = True
            return updated.with_changes(body=body)
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


def _streamed_method(analysis, func: V.Value) -> str | None:  # type: ignore[no-untyped-def]
    """``self.stream`` (``b:k:obj:m:C|stream``) -> the method its class reaches (``m:Base.stream``)."""
    method = V.bound_method(func)
    if method is None or method not in analysis.stream_wrapped:
        return None
    functions = {f"{m.module}:{q}": f for m in analysis.modules.values() for q, f in m.functions.items()}
    if method in functions:
        return method
    classes = {f"{m.module}:{q}": c for m in analysis.modules.values() for q, c in m.classes.items()}
    return inherited(method, classes, functions)


def _nested_in_function(analysis, target: str) -> bool:  # type: ignore[no-untyped-def]
    """``module:view.generate``: defined when its function runs (inside the request), not at import."""
    module, _, qual = target.partition(":")
    parent = qual.rpartition(".")[0]
    return bool(parent) and any(
        facts.module == module and parent in facts.functions for facts in analysis.modules.values()
    )


def _template_stream_helper(ctx, node: cst.FunctionDef) -> tuple[cst.BaseExpression, str] | None:  # type: ignore[no-untyped-def]
    """``app.update_template_context(context)``, ``t = app.jinja_env.get_template(name)``,
    ``rv = t.stream(context)`` (``rv.enable_buffering(n)``), ``return rv``: (name, context)."""
    if not isinstance(node.body, cst.IndentedBlock):
        return None
    statements = []
    for statement in node.body.body:
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return None
        statements.append(statement.body[0])
    if len(statements) < 3 or not isinstance(statements[0], cst.Expr):
        return None
    update = statements[0].value
    if not (
        isinstance(update, cst.Call)
        and isinstance(update.func, cst.Attribute)
        and update.func.attr.value == "update_template_context"
        and update.args
        and isinstance(update.args[-1].value, cst.Name)
    ):
        return None
    context = update.args[-1].value.value
    template, name = None, None
    streamed: str | None = None
    for small in statements[1:]:
        value = small.value if isinstance(small, (cst.Assign, cst.Expr, cst.Return)) else None
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute):
            attr = value.func.attr.value
            if attr == "get_template" and value.args and _jinja_env(value.func.value):
                name = value.args[0].value
                template = _target(small)
                continue
            if attr == "stream" and template and isinstance(value.func.value, cst.Name) and value.func.value.value == template:
                if not (len(value.args) == 1 and isinstance(value.args[0].value, cst.Name) and value.args[0].value.value == context):
                    return None
                if isinstance(small, cst.Return):
                    return (name, context) if name is not None else None
                streamed = _target(small)
                continue
            if attr == "enable_buffering" and streamed and isinstance(value.func.value, cst.Name) and value.func.value.value == streamed:
                continue
        if isinstance(small, cst.Return) and isinstance(small.value, cst.Name) and streamed and small.value.value == streamed:
            return (name, context) if name is not None else None
        return None
    return None


def _jinja_env(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Attribute) and node.attr.value == "jinja_env"


def _target(small: cst.BaseSmallStatement) -> str | None:
    if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
        return small.targets[0].target.value
    return None
