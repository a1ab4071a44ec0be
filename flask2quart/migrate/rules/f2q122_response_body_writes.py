"""F2Q122: writing a response's body through ``.data`` becomes ``set_data``.

Werkzeug's ``response.data`` is a read/write property; Quart's response has no ``data`` to assign
(its body is read with ``await response.get_data()``). ``resp.data = body`` becomes
``resp.set_data(body)`` and ``resp.data += more`` becomes
``resp.set_data(await resp.get_data() + more)`` (``.text`` likewise, as text), on any value the
analysis knows is a response: from ``jsonify``, ``Response(...)``, ``make_response``, ``redirect``,
an ``after_request`` hook's argument, or passed through helpers. Where the function cannot await,
the read-modify-write is reported.

``resp.headers = {...}`` (a plain mapping Werkzeug copies into ``Headers`` when it sends) becomes
``resp.headers = Headers({...})``: Quart and its hooks use the response's ``Headers`` methods
(``getlist``, ``add``) before it is sent.

Docs: https://quart.palletsprojects.com/en/latest/reference/source/quart.wrappers.response.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from ._awaiting import why_not
from .base import Rule, awaited

_BODY_ATTRIBUTES = {"data": False, "text": True}  # attribute -> as text
_HEADERS = frozenset({"q:werkzeug.datastructures.Headers", "q:werkzeug.datastructures.headers.Headers", "q:werkzeug.Headers"})


class ResponseBodyWrites(Rule):
    code = "F2Q122"
    name = "response-body-writes"
    priority = 40

    def _body_target(self, target: cst.BaseExpression) -> tuple[cst.BaseExpression, bool] | None:
        if not isinstance(target, cst.Attribute) or target.attr.value not in _BODY_ATTRIBUTES:
            return None
        if self.ctx.value(target.value) not in (V.RESPONSE, V.TEST_RESPONSE):
            return None
        return target.value, _BODY_ATTRIBUTES[target.attr.value]

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.BaseSmallStatement:
        if len(updated.targets) != 1:
            return updated
        found = self._body_target(original.targets[0].target)
        if found is None:
            return self._headers(original, updated)
        response = updated.targets[0].target.value  # type: ignore[attr-defined]
        self.changed()
        return cst.Expr(cst.Call(cst.Attribute(response, cst.Name("set_data")), [cst.Arg(updated.value)]))

    def _headers(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        """``resp.headers = mapping`` -> ``resp.headers = Headers(mapping)``."""
        target = original.targets[0].target
        if not isinstance(target, cst.Attribute) or target.attr.value != "headers":
            return updated
        if self.ctx.value(target.value) != V.RESPONSE:
            return updated
        if self.ctx.value(original.value) in _HEADERS or (
            isinstance(original.value, cst.Call) and self.ctx.value(original.value.func) in _HEADERS
        ):
            return updated  # already ``Headers``
        name = self.ctx.require_import("werkzeug.datastructures", "Headers")
        self.changed()
        return updated.with_changes(value=cst.Call(cst.Name(name), [cst.Arg(updated.value)]))

    def leave_AugAssign(self, original: cst.AugAssign, updated: cst.AugAssign) -> cst.BaseSmallStatement:
        found = self._body_target(original.target)
        if found is None:
            return updated
        _, as_text = found
        if not self.ctx.can_await():
            self.ctx.report(
                original, self.code,
                f"the response body is read with `await` in Quart, impossible {why_not(self.ctx)}",
                Severity.ERROR,
            )
            return updated
        response = updated.target.value  # type: ignore[attr-defined]
        args = [cst.Arg(cst.Name("True"), keyword=cst.Name("as_text"), equal=cst.AssignEqual(
            cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))] if as_text else []
        current = awaited(cst.Call(cst.Attribute(response, cst.Name("get_data")), args))
        operator = updated.operator
        binary = {
            cst.AddAssign: cst.Add, cst.MultiplyAssign: cst.Multiply,
        }.get(type(operator))
        if binary is None:
            self.ctx.report(original, self.code, "rewrite this body update with `set_data` by hand", Severity.ERROR)
            return updated
        new_body = cst.BinaryOperation(current, binary(), updated.value)
        self.changed()
        return cst.Expr(cst.Call(cst.Attribute(response, cst.Name("set_data")), [cst.Arg(new_body)]))
