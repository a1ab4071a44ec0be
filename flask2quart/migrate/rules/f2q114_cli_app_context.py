"""F2Q114: CLI commands get the app context Flask gave them.

Flask pushes an app context for every command it runs; Quart does not (``AppGroup.command`` has
``with_appcontext=False`` by default), so ``current_app`` and ``g`` fail in a ported command
(reference §1.9, porting notes A8). ``@click.command`` functions in Flask modules get
``@with_appcontext`` (from ``quart.cli``) and ``@app.cli.command(...)`` gets
``with_appcontext=True``. A command that calls a function which became async cannot stay a plain
click command and is reported.

Docs: https://quart.palletsprojects.com/en/latest/how_to_guides/command_line.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from ..analysis import Role
from .base import Rule


class CliAppContext(Rule):
    code = "F2Q114"
    name = "cli-app-context"

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        ctx = self.ctx
        scope = ctx.scope
        if scope.role is not Role.CLI or not ctx.facts.uses_flask:
            return updated
        facts = ctx.facts.functions.get(scope.qualname)
        if facts is not None:
            blocked = sorted(c for c in facts.calls if c in ctx.analysis.awaitable_functions)
            if blocked:
                ctx.report(
                    original.name, self.code,
                    f"CLI command `{scope.qualname}` calls {', '.join(blocked)}, which became async: run it "
                    "with asyncio.run() inside an app context", Severity.ERROR,
                )
        values = [ctx.value(d.decorator) for d in updated.decorators]
        if any(v and v.endswith("with_appcontext") for v in values):
            return updated
        decorators = list(updated.decorators)
        for index, decorator in enumerate(decorators):
            expr = decorator.decorator
            func = expr.func if isinstance(expr, cst.Call) else expr
            value = ctx.value(func)
            if value in ("q:click.command", "q:click.group"):
                name = ctx.require_import("quart.cli", "with_appcontext")
                decorators.insert(index + 1, cst.Decorator(cst.Name(name)))
                self.changed()
                return updated.with_changes(decorators=decorators)
            if isinstance(func, cst.Attribute) and func.attr.value == "command" and _on_cli(func.value):
                if isinstance(expr, cst.Call) and any(a.keyword and a.keyword.value == "with_appcontext" for a in expr.args):
                    return updated
                call = expr if isinstance(expr, cst.Call) else cst.Call(func=expr)
                args = list(call.args)
                if args:
                    args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                args.append(
                    cst.Arg(
                        cst.Name("True"),
                        keyword=cst.Name("with_appcontext"),
                        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
                    )
                )
                decorators[index] = decorator.with_changes(decorator=call.with_changes(args=args))
                self.changed()
                return updated.with_changes(decorators=decorators)
        return updated


def _on_cli(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Attribute) and node.attr.value == "cli"
