"""F2Q102: report Flask APIs that Quart does not have.

``request.environ`` (when F2Q119 is off; it reports what it cannot port under this code),
``request.stream``, ``app.wsgi_app``, ``ensure_sync``, ``request_ctx``,
``RequestContext``, ``copy_current_request_context`` and the test
``EnvironBuilder`` have no drop-in Quart form (reference §1, §7.1). Each use is reported with what to
do instead; nothing is rewritten, since any guess would change behaviour.

Docs: https://quart.palletsprojects.com/en/latest/reference/api.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import flask_api
from .. import values as V
from ..context import FileContext
from .base import Rule
from .f2q128_dev_server import WSGI_SERVERS as _WSGI_SERVERS
from .f2q131_request_subclass import is_request_subclass

#: App methods Quart made async *and* gave a ``ctx`` first argument (0.23): no mechanical form.
_DISPATCH_METHODS = frozenset(
    {"preprocess_request", "full_dispatch_request", "dispatch_request", "process_response", "finalize_request",
     "handle_exception", "handle_user_exception", "handle_http_exception", "do_teardown_request"}
)

_APP_ATTRIBUTES = {
    "wsgi_app": "Quart apps are ASGI: wrap `app.asgi_app` with ASGI middleware "
    "(e.g. hypercorn.middleware.ProxyFixMiddleware) instead of `app.wsgi_app`",
    "ensure_sync": "Quart has `ensure_async`/`sync_to_async`, not `ensure_sync`",
    "async_to_sync": "Quart has no `async_to_sync`: make the caller async",
}


#: App attributes that take a class the app instantiates per request.
_WRAPPER_CLASSES = {"request_class": "quart.wrappers.Request", "response_class": "quart.wrappers.Response"}


class UnsupportedApi(Rule):
    code = "F2Q102"
    name = "unsupported-api"

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        """``app.request_class = UploadTrackingRequest``: a Werkzeug subclass Quart cannot build."""
        if self._middleware_assigns and self._middleware_assigns[-1] is original:
            self._middleware_assigns.pop()
        for target in original.targets:
            node = target.target
            if (
                isinstance(node, cst.Attribute)
                and node.attr.value in _WRAPPER_CLASSES
                and self.ctx.value(node.value) == V.APP
                and V.is_project(self.ctx.value(original.value))
                and not self._ported_request_class(original.value)
            ):
                self.ctx.report(
                    original, self.code, f"`{node.attr.value}` is a Flask/Werkzeug subclass: Quart builds "
                    f"its own with other arguments (scope, body...); base it on `{_WRAPPER_CLASSES[node.attr.value]}` "
                    "and make what reads the body async", Severity.ERROR,
                )
        return updated

    def _ported_request_class(self, node: cst.BaseExpression) -> bool:
        """A project subclass of Flask's ``Request`` that F2Q131 ports (and reports what it cannot)."""
        project = V.project_name(self.ctx.value(node) or "")
        return bool(project) and "F2Q131" in self.ctx.enabled and is_request_subclass(
            project, self.ctx.analysis.classes
        )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        #: ``app.wsgi_app = ...`` statements being visited that F2Q120 rewrites or reports itself.
        self._middleware_assigns: list[cst.Assign] = []
        self._served: set[int] = set()  # what ``run_simple`` is handed

    def visit_Call(self, node: cst.Call) -> None:
        # ``run_simple(host, port, app.wsgi_app)``, ``make_server(...)``: F2Q128 serves ``app.asgi_app`` instead
        if "F2Q128" in self.ctx.enabled and isinstance(node.func, cst.Name) and self.ctx.resolve(node.func.value) in _WSGI_SERVERS:
            self._served.update(id(arg.value) for arg in node.args)

    def visit_Assign(self, node: cst.Assign) -> None:
        target = node.targets[0].target if len(node.targets) == 1 else None
        if isinstance(target, cst.Attribute) and target.attr.value == "wsgi_app" and "F2Q120" in self.ctx.enabled:
            self._middleware_assigns.append(node)


    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        member = V.flask_name(self.ctx.value(updated.func))
        if member == "send_file" and updated.args and isinstance(updated.args[0].value, cst.Call):
            opened = updated.args[0].value
            if isinstance(opened.func, cst.Name) and opened.func.value == "open":
                self.ctx.report(
                    original, self.code, "Quart's send_file takes a path or a BytesIO, not an open file: "
                    "pass the path", Severity.ERROR,
                )
        return updated

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return
        module = cst.Module([]).code_for_node(node.module)
        if not (module == "flask" or module.startswith("flask.")):
            return
        for alias in node.names:
            name = alias.name.value if isinstance(alias.name, cst.Name) else ""
            if name in flask_api.UNSUPPORTED_NAMES:
                self.ctx.report(alias, self.code, f"`{name}`: {flask_api.UNSUPPORTED_NAMES[name]}", Severity.ERROR)

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
        base = self.ctx.value(updated.value)
        attr = updated.attr.value
        if base == V.REQUEST and attr in flask_api.REQUEST_UNSUPPORTED:
            if attr == "environ" and "F2Q119" in self.ctx.enabled:
                return updated  # ported by F2Q119, which reports what it cannot port
            self.ctx.report(original, self.code, flask_api.REQUEST_UNSUPPORTED[attr], Severity.ERROR)
        elif attr in _APP_ATTRIBUTES and (base == V.APP or (self.ctx.facts.uses_flask and base in (None, "k:?"))):
            if attr != "wsgi_app" or (
                _looks_like_app(updated.value) and not self._middleware_assigns and id(original) not in self._served
            ):
                self.ctx.report(original, self.code, _APP_ATTRIBUTES[attr], Severity.ERROR)
        elif attr in _DISPATCH_METHODS and _looks_like_app(updated.value) and "F2Q124" not in self.ctx.enabled:
            self.ctx.report(
                original, self.code, f"`{attr}` is async in Quart and takes the request context first "
                "on 0.23: call the hook functions or go through the test client instead", Severity.ERROR,
            )
        elif V.flask_name(f"{base}.{attr}") in flask_api.UNSUPPORTED_NAMES:
            self.ctx.report(original, self.code, f"`{attr}`: {flask_api.UNSUPPORTED_NAMES[attr]}", Severity.ERROR)
        return updated


def _looks_like_app(node: cst.BaseExpression) -> bool:
    name = node.attr.value if isinstance(node, cst.Attribute) else getattr(node, "value", "")
    return isinstance(name, str) and name in ("app", "current_app", "application", "self")
