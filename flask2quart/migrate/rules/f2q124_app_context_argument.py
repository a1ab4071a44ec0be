"""F2Q124: app dispatch methods called with the context Quart 0.23 wants first.

``preprocess_request``, ``process_response``, ``full_dispatch_request``, ``dispatch_request``,
``finalize_request``, ``handle_user_exception``, ``handle_exception``, ``handle_http_exception``,
``do_teardown_request``, ``do_teardown_appcontext``, ``make_default_options_response`` and
``update_template_context`` are coroutines in Quart (F2Q104 awaits them; ``log_exception`` stays
sync). Quart 0.23 also made the app context their first, required argument (``await
app.preprocess_request(ctx)``); Quart 0.22 takes the request context as an optional last argument
and defaults to the current one. A call on an app (``app``, ``current_app``, ``self.app``...) gets
the current context first through a helper written into the module, which is empty on Quart 0.22:
``await app.process_response(*_f2q_ctx(), response)`` runs on both versions, inside ``async with
app.test_request_context(...)`` as Flask's call ran inside its ``with``. ``finalize_request``'s
``from_error_handler`` is passed by keyword (0.22 has the request context in its place) and
``do_teardown_request()``/``do_teardown_appcontext()`` get their ``None`` exception (0.22 requires
the argument). The Flask docs' ``stream_template`` helper (``update_template_context`` then
``template.stream``) runs on both versions this way. A reference
that is not called (``hook = app.preprocess_request``) is reported. A project app class (``class
MyApp(Flask)``) overriding one of them keeps Flask's signature behind a generated
``@_f2q_flask_signature`` (it drops the context Quart passes), becomes ``async def``, and its
``super().<method>(...)`` call is awaited with the context first (so are its calls of the app's
coroutine methods on ``self``, ``self.make_response(...)``).

Docs: https://quart.palletsprojects.com/en/latest/reference/source/quart.app.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import flask_api
from .. import values as V
from ..facts import based_on
from .base import Rule, awaited

#: App methods Quart made async *and* gave a ``ctx`` first argument (0.23).
DISPATCH_METHODS = frozenset(
    {"preprocess_request", "full_dispatch_request", "dispatch_request", "process_response", "finalize_request",
     "handle_exception", "handle_user_exception", "handle_http_exception", "do_teardown_request",
     "do_teardown_appcontext", "make_default_options_response", "update_template_context", "log_exception"}
)

#: Overridden in a project app class, Quart calls them (awaited) with its context: kept as Flask wrote
#: them behind a generated decorator (``log_exception`` is sync in Quart: not among them).
_OVERRIDABLE = DISPATCH_METHODS - {"log_exception"}

HELPER = "_f2q_ctx"
HELPER_SOURCE = '''

def _f2q_ctx():
    """The context Quart 0.23 passes first to the app's dispatch methods; Quart 0.22 takes none
    there and uses the current request context (added by flask2quart, F2Q124)."""
    import quart.globals

    if hasattr(quart.globals, "_cv_request"):  # Quart < 0.23: a separate request context
        return ()
    return (quart.globals.app_ctx._get_current_object(),)
'''


DECORATOR = "_f2q_flask_signature"
DECORATOR_SOURCE = '''

def _f2q_flask_signature(method):
    """Quart calls the app's dispatch methods with its context (first on Quart 0.23, the request
    context last on 0.22): this override keeps Flask's signature (added by flask2quart, F2Q124)."""
    import functools

    import quart.ctx

    contexts = tuple(getattr(quart.ctx, name) for name in ("AppContext", "RequestContext") if hasattr(quart.ctx, name))

    @functools.wraps(method)
    async def wrapper(self, *args, **kwargs):
        kwargs.pop("ctx", None)
        kwargs.pop("request_context", None)
        return await method(self, *(a for a in args if not isinstance(a, contexts)), **kwargs)

    return wrapper
'''
_APP_CLASSES = frozenset({"q:flask.Flask", "q:flask.app.Flask", "q:quart.Quart", "q:quart.app.Quart"})


def _app_subclass(ctx, name: str) -> bool:  # type: ignore[no-untyped-def]
    """A project class built on Flask's app class (directly or through project classes)."""
    return based_on(name, ctx.analysis.classes, _APP_CLASSES.__contains__)


def is_app(ctx, node: cst.BaseExpression) -> bool:  # type: ignore[no-untyped-def]
    if ctx.value(node) == V.APP:
        return True
    name = node.attr.value if isinstance(node, cst.Attribute) else getattr(node, "value", "")
    return ctx.value(node) is None and name in ("app", "current_app", "application")


class AppContextArgument(Rule):
    code = "F2Q124"
    name = "app-context-argument"
    priority = 40  # before F2Q104 awaits the call

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self._called: set[int] = set()

    def visit_Call(self, node: cst.Call) -> None:
        self._called.add(id(node.func))

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
        if (
            updated.attr.value in DISPATCH_METHODS
            and id(original) not in self._called
            and is_app(self.ctx, updated.value)
        ):
            self.ctx.report(
                original, self.code, f"`{updated.attr.value}` is a coroutine in Quart and takes the app context "
                "first on 0.23: call it as `await app.{name}(*_f2q_ctx(), ...)` (see F2Q124) or go through the "
                "test client".replace("{name}", updated.attr.value), Severity.ERROR,
            )
        return updated

    def _override(self) -> bool:
        """Inside a dispatch method a project app class overrides (``MyApp.process_response``)."""
        scopes = self.ctx.scopes
        function = self.ctx.function_scope()
        if function is None:
            return False
        index = scopes.index(function)
        return (
            index > 0
            and scopes[index - 1].kind == "class"
            and function.qualname.rpartition(".")[2] in _OVERRIDABLE
            and _app_subclass(self.ctx, self.ctx.project_qualname(scopes[index - 1].qualname))
        )

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        if not self._override() or self.ctx.function_scope() is not self.ctx.scopes[-1]:
            return updated
        if any(isinstance(d.decorator, cst.Name) and d.decorator.value == DECORATOR for d in updated.decorators):
            return updated
        self.ctx.add_helper(DECORATOR, DECORATOR_SOURCE)
        self.changed()
        return updated.with_changes(
            decorators=[*updated.decorators, cst.Decorator(cst.Name(DECORATOR))],
            asynchronous=updated.asynchronous or cst.Asynchronous(),
        )

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value in _OVERRIDABLE
            and isinstance(func.value, cst.Call)
            and isinstance(func.value.func, cst.Name)
            and func.value.func.value == "super"
            and self._override()
            and not (updated.args and _is_helper_call(updated.args[0]))
        ):  # ``super().process_response(response)`` in an override: Quart's, awaited, with the context
            self.ctx.add_helper(HELPER, HELPER_SOURCE)
            self.changed()
            return awaited(self._with_context(func.attr.value, updated))
        if (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == "self"
            and func.attr.value in flask_api.APP_ASYNC_METHODS
            and id(original) not in self.ctx.awaited
            and self._override()
        ):  # ``self.make_response(...)`` in an override: the app's own coroutine method
            if func.attr.value in DISPATCH_METHODS:
                self.ctx.add_helper(HELPER, HELPER_SOURCE)
                updated = self._with_context(func.attr.value, updated)
            self.changed()
            return awaited(updated)
        if not (isinstance(func, cst.Attribute) and func.attr.value in DISPATCH_METHODS and is_app(self.ctx, func.value)):
            return updated
        if updated.args and isinstance(updated.args[0].value, cst.Call) and _is_helper_call(updated.args[0]):
            return updated  # already ported
        return self._with_context(func.attr.value, updated)

    def _with_context(self, method: str, updated: cst.Call) -> cst.Call:
        args = list(updated.args)
        if method == "finalize_request" and len(args) >= 2 and args[1].keyword is None and not args[1].star:
            args[1] = args[1].with_changes(
                keyword=cst.Name("from_error_handler"),
                equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
            )
        if method in ("do_teardown_request", "do_teardown_appcontext") and not args:
            args = [cst.Arg(cst.Name("None"))]
        self.ctx.add_helper(HELPER, HELPER_SOURCE)
        first = cst.Arg(
            cst.Call(func=cst.Name(HELPER)), star="*",
            comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if args else cst.MaybeSentinel.DEFAULT,
        )
        self.changed()
        return updated.with_changes(args=[first, *args])


def _is_helper_call(arg: cst.Arg) -> bool:
    call = arg.value
    return arg.star == "*" and isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value == HELPER
