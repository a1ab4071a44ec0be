"""F2Q116: signal receivers Quart 0.23 cannot call.

Quart has its own signal namespace (F2Q101 renames the imports), and most receivers work sync or
async. On Quart 0.23.x a **sync** receiver of ``appcontext_pushed``/``appcontext_popped`` turns every
request into ``RuntimeError: Cannot send to a non-coroutine function`` (reference §1.7, §1.8); each
such ``connect``/``connect_via`` is reported. The receiver cannot simply be made async on 0.23,
which passes it a stray ``_async_wrapper`` keyword: give it ``**extra`` and make it ``async def``, or
move the work to ``before_request``.

Docs: https://quart.palletsprojects.com/en/latest/reference/source/quart.signals.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from .base import Rule

_SIGNALS = frozenset({"appcontext_pushed", "appcontext_popped"})
_MESSAGE = (
    "a sync receiver of {signal} makes every request fail on Quart 0.23.x: make it "
    "`async def` taking `**extra`, or do the work in before_request"
)


def _signal(ctx, node: cst.BaseExpression) -> str | None:  # type: ignore[no-untyped-def]
    """``appcontext_pushed.connect`` -> ``appcontext_pushed``."""
    if isinstance(node, cst.Attribute) and node.attr.value in ("connect", "connect_via"):
        value = ctx.value(node.value)
        name = V.flask_name(value) or (value[2:].rpartition(".")[2] if value and value.startswith("q:quart") else None)
        if name in _SIGNALS:
            return name
    return None


class SignalReceivers(Rule):
    code = "F2Q116"
    name = "signal-receivers"

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        signal = _signal(self.ctx, updated.func)
        if signal is None or not updated.args or updated.func.attr.value != "connect":  # type: ignore[attr-defined]
            return updated
        receiver = V.project_name(self.ctx.value(updated.args[0].value))
        if receiver is not None and receiver not in self.ctx.analysis.async_functions:
            self.ctx.report(original, self.code, _MESSAGE.format(signal=signal), Severity.WARNING)
        return updated

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        if original.asynchronous is not None or self.ctx.scope.becomes_async:
            return updated
        for decorator in updated.decorators:
            expr = decorator.decorator
            func = expr.func if isinstance(expr, cst.Call) else expr
            signal = _signal(self.ctx, func)
            if signal is not None:
                self.ctx.report(original.name, self.code, _MESSAGE.format(signal=signal), Severity.WARNING)
        return updated
