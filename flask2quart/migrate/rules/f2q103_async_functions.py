"""F2Q103: views, hooks and every function that must await become ``async def``.

Quart runs a sync view or hook in a worker thread. Anything that shares the connection with the
event loop (a sqlite connection on ``g``, a session) then crosses threads and fails, so every route
view, ``MethodView`` method, ``before_request``/``after_request``/``teardown_*``/``errorhandler``/
``context_processor`` function becomes ``async def`` (porting notes A2), and so does every function
that awaits, through the project's call graph across modules (A7). Hooks Quart calls synchronously
(``url_value_preprocessor``, ``url_defaults``, ``shell_context_processor``, CLI commands) stay sync;
when one of them would need to await, it is reported.

Docs: https://quart.palletsprojects.com/en/latest/how_to_guides/sync_code.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from ..analysis import Role
from .base import Rule


class AsyncFunctions(Rule):
    code = "F2Q103"
    name = "async-functions"

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self._factories: set[str] = set()  # functions that construct the app

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        if V.flask_name(self.ctx.value(updated.func)) == "Flask":
            scope = self.ctx.enclosing_function()
            if scope is not None:
                self._factories.add(scope.qualname)
        return updated

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        scope = self.ctx.scope
        if scope.already_async or not scope.becomes_async:
            facts = self.ctx.facts.functions.get(scope.qualname)
            if facts is not None and facts.direct and scope.role.must_stay_sync:
                self.ctx.report(
                    original.name,
                    self.code,
                    f"`{scope.qualname}` must stay sync ({scope.role.value}) but uses an API that Quart "
                    "made async: move that work into an async function and run it with asyncio.run()",
                    Severity.ERROR,
                )
            return updated
        facts = self.ctx.facts.functions.get(scope.qualname)
        if scope.qualname in self._factories and scope.role is Role.PLAIN and facts is not None and facts.returns_value:
            # builds the app and hands it over (a script that builds one for its own use is no factory)
            self.ctx.report(
                original.name, self.code, f"app factory `{scope.qualname}` became async (it awaits "
                "something, e.g. `async with app.app_context()`): `quart run` and Hypercorn need a sync "
                "factory, so move that work into an `@app.before_serving` function",
                Severity.ERROR,
            )
        self.changed()
        return updated.with_changes(asynchronous=cst.Asynchronous())
