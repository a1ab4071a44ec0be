"""F2Q104: await what Quart made a coroutine.

``request.form``/``files``/``values``/``data``/``json`` are async properties and
``request.get_json()``/``get_data()`` coroutines; so are ``render_template*``, ``stream_template*``,
``flash``, ``make_response``, ``send_file``, ``send_from_directory``, ``FileStorage.save`` and a
response's ``get_data``/``get_json`` (reference §1.1-1.4). Without ``await`` nothing fails loudly:
``if request.form:`` is always true and ``flash()`` does nothing. Chained access gets parentheses:
``(await request.form)["x"]``, never ``await request.form["x"]``.

Docs: https://quart.palletsprojects.com/en/latest/how_to_guides/flask_migration.html
"""

from __future__ import annotations

import libcst as cst

from .. import values as V
from ._awaiting import await_node, response_property_call
from .base import Rule, awaited

GET_JSON_HELPER = "_f2q_get_json"
GET_JSON_SOURCE = '''

async def _f2q_get_json(request, **options):
    """`request.get_json()` as Flask answers it: 415 when the body is not JSON.

    Quart returns None there instead (added by flask2quart, F2Q104).
    """
    if not (options.get("force") or options.get("silent") or request.is_json):
        from werkzeug.exceptions import UnsupportedMediaType

        raise UnsupportedMediaType(
            "Did not attempt to load JSON data because the request Content-Type was not"
            " 'application/json'."
        )
    return await request.get_json(**options)
'''

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

    def _flask_get_json(self, original: cst.CSTNode, request: cst.BaseExpression, args: list[cst.Arg]) -> cst.BaseExpression | None:
        """Flask's ``get_json()`` raises 415 for a non-JSON body; Quart's returns ``None``."""
        if any(a.keyword is None or a.keyword.value in ("force", "silent") for a in args):
            return None
        if id(original) in self.ctx.awaited or not self.ctx.can_await():
            return None
        self.ctx.add_helper(GET_JSON_HELPER, GET_JSON_SOURCE)
        self.changed()
        call = cst.Call(func=cst.Name(GET_JSON_HELPER), args=[cst.Arg(request.with_changes(lpar=[], rpar=[])), *args])
        return awaited(call)

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        step = self.ctx.step(updated)
        if not step.awaits or id(original) in self.ctx.stores:
            return updated
        base = self.ctx.value(updated.value)
        if not self._mine(base):
            return updated
        if base == V.REQUEST and updated.attr.value == "json":
            replaced = self._flask_get_json(original, updated.value, [])
            if replaced is not None:
                return replaced
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
        if func == f"b:{V.REQUEST}|get_json" and isinstance(updated.func, cst.Attribute):
            replaced = self._flask_get_json(original, updated.func.value, list(updated.args))
            if replaced is not None:
                return replaced
        return await_node(self, original, updated, describe(original.func) + "()")
