"""F2Q104: await what Quart made a coroutine.

``request.form``/``files``/``values``/``data``/``json`` are async properties and
``request.get_json()``/``get_data()`` coroutines; so are ``render_template*``, ``stream_template*``,
``flash``, ``make_response``, ``send_file``, ``send_from_directory``, ``FileStorage.save`` and a
response's ``get_data``/``get_json`` (reference §1.1-1.4). Without ``await`` nothing fails loudly:
``if request.form:`` is always true and ``flash()`` does nothing. Chained access gets parentheses:
``(await request.form)["x"]``, never ``await request.form["x"]``.

``app.app_context().push()`` at module level (a worker or script module that sets up its app
once, for the jobs it imports) cannot be awaited: no event loop runs there. Quart's ``push`` only
sets the context and sends ``appcontext_pushed``, so a generated ``_f2q_push_now(...)`` runs that
coroutine to its end right there, as Flask's push ran: the context is this thread's from then on,
and the coroutines later run from it (``asyncio.run(job())``, a task queue running an async job)
inherit it. A receiver of that signal that waits on the loop makes it fail loudly at import.

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

PUSH_NOW = "_f2q_push_now"
PUSH_NOW_SOURCE = '''

def _f2q_push_now(context):
    """`context.push()` at module level, where no event loop runs: Quart's push is a coroutine that
    only sets the context (and sends appcontext_pushed), run to its end here, as Flask's push was
    (added by flask2quart, F2Q104)."""
    pushing = type(context).push(context)  # the coroutine, driven by hand below
    try:
        pushing.send(None)
    except StopIteration:
        return None
    pushing.close()
    raise RuntimeError("pushing the app context waited on the event loop: use `async with app.app_context():` where it is needed")
'''

MAKE_RESPONSE_SYNC = "make_response_sync"
MAKE_RESPONSE_SYNC_SOURCE = '''

def make_response_sync(rv):
    """Flask's `make_response(rv)` where the caller must stay sync (a property, a cached function,
    an exception's `get_response`): Quart's is a coroutine (added by flask2quart, F2Q104).
    """
    status = headers = None
    if isinstance(rv, tuple):
        rv, *rest = rv
        if len(rest) == 2:
            status, headers = rest
        elif rest and isinstance(rest[0], (dict, list)):
            headers = rest[0]
        elif rest:
            status = rest[0]
    if isinstance(rv, (dict, list)):
        rv = {current_app}.json.response(rv)
    elif not isinstance(rv, {current_app}.response_class):
        rv = {current_app}.response_class(rv)
    if status is not None:
        rv.status = status
    if headers:
        rv.headers.update(headers)
    return rv
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
        if func == f"b:{V.APP_CONTEXT}|push" and self.ctx.function_scope() is None and not updated.args:
            self.ctx.add_helper(PUSH_NOW, PUSH_NOW_SOURCE)
            self.changed()
            assert isinstance(updated.func, cst.Attribute)  # ``<context>.push``
            return cst.Call(func=cst.Name(PUSH_NOW), args=[cst.Arg(updated.func.value)])
        if _is_make_response(func) and not self.ctx.can_await() and _one_positional(updated):
            return self._make_response_sync(updated)
        if func == f"b:{V.TEMPLATE}|render" and isinstance(updated.func, cst.Attribute) and self.ctx.can_await():
            # a template of Quart's (async) Jinja environment: ``render()`` would run its own loop
            self.changed()
            updated = updated.with_changes(func=updated.func.with_changes(attr=cst.Name("render_async")))
        return await_node(self, original, updated, describe(original.func) + "()")

    def _make_response_sync(self, updated: cst.Call) -> cst.Call:
        """``make_response(body)`` in code that must stay sync: the same response, built without
        Quart's coroutine."""
        current_app = self.ctx.require_import("quart", "current_app")
        self.ctx.add_helper(MAKE_RESPONSE_SYNC, MAKE_RESPONSE_SYNC_SOURCE.replace("{current_app}", current_app))
        self.changed()
        result = cst.Call(func=cst.Name(MAKE_RESPONSE_SYNC), args=[updated.args[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)])
        self.ctx.set_value(result, V.RESPONSE)
        return result


def _is_make_response(func: V.Value) -> bool:
    """Flask's ``make_response`` or an app's ``make_response`` method."""
    return V.flask_name(func) == "make_response" or func == f"b:{V.APP}|make_response"


def _one_positional(call: cst.Call) -> bool:
    return len(call.args) == 1 and call.args[0].keyword is None and not call.args[0].star
