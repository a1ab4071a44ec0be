"""Shared by the rules that put ``await`` in front of an expression."""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from ..analysis import Role
from ..context import FileContext
from .base import Rule, awaited, paren_bases


def why_not(ctx: FileContext) -> str:
    scope = ctx.function_scope()
    if scope is None:
        return "at module level"
    if scope.kind == "lambda":
        return "inside a lambda"
    if scope.kind == "genexp":
        return "inside a generator expression"
    if scope.role.must_stay_sync:
        return f"in `{scope.qualname}`, which is called synchronously ({scope.role.value})"
    return f"in `{scope.qualname}`, which stays sync"


def at_program_entry(ctx: FileContext) -> bool:
    """Under ``if __name__ == "__main__":`` at module level, or in the function a console script
    runs (``Role.ENTRY``, which stays sync): no event loop runs there yet."""
    scope = ctx.function_scope()
    if scope is None:
        return ctx.main_guards > 0
    return scope.kind == "function" and scope.role is Role.ENTRY


def _runs_project_code(ctx: FileContext, node: cst.BaseExpression) -> bool:
    """A call of a project function, method or instance (``Main()()``) that became async."""
    if not isinstance(node, cst.Call):
        return False
    func = ctx.value(node.func)
    return bool(V.project_name(func) or V.bound_method(func) or V.instance_call(func))


def await_node(
    rule: Rule,
    original: cst.BaseExpression,
    updated: cst.BaseExpression,
    what: str,
) -> cst.BaseExpression:
    """``await updated`` when the current scope allows it; otherwise report and keep it."""
    ctx = rule.ctx
    if id(original) in ctx.awaited:
        return updated
    if at_program_entry(ctx) and _runs_project_code(ctx, updated):
        # the script's entry, where no loop runs yet: the coroutine runs to its end right there
        rule.changed()
        asyncio = ctx.require_import("asyncio")
        run = cst.Call(cst.Attribute(cst.Name(asyncio), cst.Name("run")), args=[cst.Arg(updated.with_changes(lpar=[], rpar=[]))])
        return run.with_changes(lpar=updated.lpar, rpar=updated.rpar)
    if not ctx.can_await():
        ctx.report(
            original,
            rule.code,
            f"{what} must be awaited in Quart, but cannot be {why_not(ctx)}",
            Severity.ERROR,
        )
        return updated
    rule.changed()
    result = awaited(updated)
    ctx.set_value(result, ctx.value(updated))
    return result


def response_property_call(
    updated: cst.Attribute, method: tuple[str, tuple[tuple[str, str], ...]]
) -> cst.Call:
    """``resp.text`` -> ``resp.get_data(as_text=True)``."""
    name, kwargs = method
    args = [
        cst.Arg(
            keyword=cst.Name(key),
            value=cst.parse_expression(value),
            equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
        )
        for key, value in kwargs
    ]
    return cst.Call(func=paren_bases(updated.with_changes(attr=cst.Name(name))), args=args)
