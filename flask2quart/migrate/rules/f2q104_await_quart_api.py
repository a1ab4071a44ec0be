"""F2Q104: await what Quart made a coroutine.

``request.form``/``files``/``values``/``data``/``json`` are async properties and
``request.get_json()``/``get_data()`` coroutines; so are ``render_template*``, ``stream_template*``,
``flash``, ``make_response``, ``send_file``, ``send_from_directory``, ``FileStorage.save`` and a
response's ``get_data``/``get_json`` (reference §1.1–1.4). Without ``await`` nothing fails loudly:
``if request.form:`` is always true and ``flash()`` does nothing. Chained access gets parentheses:
``(await request.form)["x"]``, never ``await request.form["x"]``.

Docs: https://quart.palletsprojects.com/en/latest/how_to_guides/flask_migration.html
"""

from __future__ import annotations

import libcst as cst

from .. import values as V
from ._awaiting import await_node, response_property_call
from .base import Rule

_TEST_KINDS = (V.TEST_CLIENT, V.TEST_RESPONSE)


def describe(node: cst.CSTNode) -> str:
    code = cst.Module([]).code_for_node(node)
    return f"`{code if len(code) < 60 else code[:57] + '...'}`"


class AwaitQuartApi(Rule):
    code = "F2Q104"
    name = "await-quart-api"
    priority = 90
    #: Values of the receiver this rule handles; the test-client rule handles the others.
    test_side = False

    def _mine(self, base: V.Value) -> bool:
        return (base in _TEST_KINDS) == self.test_side

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        step = self.ctx.step(updated)
        if not step.awaits or id(original) in self.ctx.stores:
            return updated
        if not self._mine(self.ctx.value(updated.value)):
            return updated
        if step.method is not None:
            call = response_property_call(updated, step.method)
            self.ctx.set_value(call, step.value)
            if id(original) in self.ctx.awaited:
                return call
            return await_node(self, original, call, describe(original))
        return await_node(self, original, updated, describe(original))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        step = self.ctx.step(updated)
        if not step.awaits:
            return updated
        func = self.ctx.value(updated.func)
        if V.is_project(func) or V.bound_method(func):
            return updated  # the project's own functions: F2Q105
        base = func[2:].rpartition("|")[0] if func and func.startswith("b:") else None
        if not self._mine(base):
            return updated
        return await_node(self, original, updated, describe(original.func) + "()")
