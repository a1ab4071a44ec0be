"""F2Q131: a project subclass of Flask's/Werkzeug's ``Request`` built the way Quart builds requests.

Flask builds ``app.request_class(environ)`` from the WSGI environ; Quart builds it from the parts
of the ASGI scope: ``request_class(method, scheme, path, query_string, headers, root_path,
http_version, scope, max_content_length=..., body_timeout=..., send_push_promise=...)``. A
subclass keeping Werkzeug's ``__init__(self, environ, populate_request=True, shallow=False)``
makes *every* request of the app fail with ``TypeError`` inside Quart, before any project code
runs. In a class based (directly or through project bases, in any module) on Flask's or
Werkzeug's ``Request``:

* ``__init__(self, environ, ...)`` that hands its parameters on to the base ``__init__`` (first
  statement or not) takes Quart's arguments as they come (``*args, **kwargs``) and hands them on;
  ``environ``, when the body reads it, is then the WSGI environ built from the request
  (``_f2q_request_environ(self)``: F2Q119's WSGI keys, plus the keys a WSGI middleware set, which
  F2Q120 keeps in the scope). ``self.environ`` reads the same dict. An ``__init__`` that does
  something else with its parameters is reported.
* ``_get_file_stream`` (Werkzeug's hook: where an uploaded file is written) is what Quart's form
  parser calls too: a ``make_form_data_parser`` override is added that hands it over as the
  parser's ``stream_factory`` (same arguments, in the same order).
* Reads of the body on ``self`` in a sync method (``self.form``, ``self.files``,
  ``self.get_data()``...) are reported: Quart creates the request before the body arrives and
  these are coroutines; read them in the view (``await request.form``).
* A sync ``close`` override: Flask calls ``request.close()`` when the request context ends, and so
  does Quart, with ``await`` (a ``close`` returning ``None`` fails every request there, in
  teardown). It gets ``@_f2q_awaitable_close``: still sync for the project's own callers, its result
  awaitable for Quart. Its call of the base ``close`` (a coroutine on Quart's request, which closes
  the uploaded files without ever waiting) is run to its end where it was:
  ``_f2q_closed(super().close())``.

Docs: https://quart.palletsprojects.com/en/latest/reference/source/quart.wrappers.request.html,
https://werkzeug.palletsprojects.com/en/stable/wrappers/#werkzeug.wrappers.Request
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from ..facts import ClassFacts, based_on
from .base import Rule
from .f2q119_request_environ import HELPER as WSGI_ENVIRON
from .f2q119_request_environ import HELPER_SOURCE as WSGI_ENVIRON_SOURCE

#: Flask's and Werkzeug's request classes (as the analysis spells a base).
_REQUEST_BASES = frozenset(
    {"q:flask.Request", "q:flask.wrappers.Request", "q:werkzeug.Request", "q:werkzeug.wrappers.Request",
     "q:werkzeug.wrappers.request.Request", "q:werkzeug.wrappers.BaseRequest"}
)
#: What reads the body: coroutines on Quart's request.
_BODY_READS = frozenset({"form", "files", "values", "data", "json", "get_data", "get_json", "stream", "input_stream"})

HELPER = "_f2q_request_environ"
HELPER_SOURCE = '''

def _f2q_request_environ(request):
    """The WSGI environ Werkzeug built this request from, made from the Quart request (added by
    flask2quart, F2Q131): the WSGI keys, and the keys a WSGI middleware set (kept in the scope).
    A copy: writes to it do not reach the request.
    """
    asgi = {"type", "asgi", "http_version", "method", "scheme", "path", "raw_path", "query_string",
            "root_path", "headers", "client", "server", "state", "extensions", "app"}
    environ = {key: value for key, value in request.scope.items() if key not in asgi}
    environ.update(_f2q_wsgi_environ(request))
    return environ
'''

CLOSE_DECORATOR = "_f2q_awaitable_close"
CLOSED = "_f2q_closed"
CLOSE_SOURCE = '''

def _f2q_closed(closing):
    """Runs Quart's ``Request.close()`` where a Werkzeug request's sync ``close()`` called its base:
    a coroutine that closes the uploaded files and never waits (added by flask2quart, F2Q131)."""
    if not hasattr(closing, "send"):
        return closing  # a project base's own sync close, which has run already
    try:
        closing.send(None)
    except StopIteration:
        return None
    closing.close()
    raise RuntimeError("the base Request.close() waited: call it with await, from async code")


def _f2q_awaitable_close(close):
    """A request's sync ``close()``, as Werkzeug's was: Quart awaits ``request.close()`` when the
    request ends, so its result can be awaited too; the project's own callers call it as before
    (added by flask2quart, F2Q131)."""
    import functools

    class Closed:
        def __init__(self, value):
            self.value = value

        def __await__(self):
            return self.value
            yield  # a generator: ``await`` gives ``value``

    @functools.wraps(close)
    def awaitable_close(*args, **kwargs):
        return Closed(close(*args, **kwargs))

    return awaitable_close
'''

PARSER_METHOD = '''\
def make_form_data_parser(self):
    # Werkzeug hands each uploaded file to ``_get_file_stream``; Quart's parser to its
    # ``stream_factory`` (same arguments). Added by flask2quart, F2Q131.
    parser = super().make_form_data_parser()
    parser.stream_factory = self._get_file_stream
    return parser
'''


def is_request_subclass(name: str, classes: dict[str, ClassFacts]) -> bool:
    """``name`` (``module:qualname``) is based on Flask's or Werkzeug's ``Request``."""
    return based_on(name, classes, _REQUEST_BASES.__contains__)


class RequestSubclass(Rule):
    code = "F2Q131"
    name = "request-subclass"
    priority = 40

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        klass = self.ctx.project_qualname(self.ctx.scopes[-1].qualname)
        if not is_request_subclass(klass, self.ctx.analysis.classes):
            return updated
        methods = {s.name.value: s for s in original.body.body if isinstance(s, cst.FunctionDef)}
        for method in methods.values():
            self._report_body_reads(method)
        body = list(updated.body.body)
        for index, statement in enumerate(body):
            if isinstance(statement, cst.FunctionDef) and statement.name.value == "__init__":
                body[index] = self._init(methods["__init__"], statement)
            elif isinstance(statement, cst.FunctionDef):
                body[index] = self._environ_reads(statement)
                if statement.name.value == "close" and statement.asynchronous is None:
                    bases = {b.value.value for b in original.bases if isinstance(b.value, cst.Name)}
                    body[index] = self._close(body[index], bases)  # type: ignore[arg-type]
        if "_get_file_stream" in methods and "make_form_data_parser" not in methods:
            body.append(cst.parse_statement(PARSER_METHOD).with_changes(leading_lines=[cst.EmptyLine(indent=False)]))
            self.changed()
        return updated.with_changes(body=updated.body.with_changes(body=body))

    # --- __init__(self, environ, ...) ------------------------------------------------------------
    def _init(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        params = updated.params
        if len(params.params) < 2 or params.star_arg is not cst.MaybeSentinel.DEFAULT or params.kwonly_params or params.star_kwarg or params.posonly_params:
            return self._environ_reads(updated)  # not Werkzeug's signature: Quart's already, or unknown
        names = [p.name.value for p in params.params]
        environ = names[1]
        index = _base_init_call(updated, names)
        if index is None or params.params[1].default is not None:
            self.ctx.report(
                original.name, self.code, "Quart builds the request class as `request_class(method, scheme, "
                "path, query_string, headers, root_path, http_version, scope, max_content_length=..., "
                "body_timeout=..., send_push_promise=...)`, not from a WSGI environ: take those arguments "
                "(`*args, **kwargs`), hand them to the base `__init__`, and read the request from `self`",
                Severity.ERROR,
            )
            return updated
        statements = list(updated.body.body)  # type: ignore[union-attr]
        rest = statements[:index] + statements[index + 1:]
        used = _names_used(rest)
        others = [name for name in names[2:] if name in used]
        if others or environ in {n for n in _names_used(statements[:index])}:
            self.ctx.report(
                original.name, self.code, f"this `__init__` reads {', '.join(f'`{n}`' for n in others or [environ])} "
                "before or beside handing it to the base: Quart builds the request from other arguments "
                "(method, scheme, path, ..., scope): read the request from `self` after the base `__init__`",
                Severity.ERROR,
            )
            return updated
        call = statements[index]
        new_call = _with_star_args(call)
        added: list[cst.BaseStatement] = [new_call]
        if environ in used:
            self.ctx.add_helper(WSGI_ENVIRON, WSGI_ENVIRON_SOURCE)
            self.ctx.add_helper(HELPER, HELPER_SOURCE)
            added.append(cst.parse_statement(f"{environ} = {HELPER}({names[0]})"))
        statements[index:index + 1] = added
        self.changed()
        new_params = params.with_changes(
            params=[params.params[0].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))],
            star_arg=cst.Param(cst.Name("args"), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
            star_kwarg=cst.Param(cst.Name("kwargs")),
        )
        function = updated.with_changes(params=new_params, body=updated.body.with_changes(body=statements))
        return self._environ_reads(function)

    # --- close() ---------------------------------------------------------------------------------
    def _close(self, function: cst.FunctionDef, bases: set[str]) -> cst.FunctionDef:
        """``@_f2q_awaitable_close`` on a sync ``close``; its base ``close()`` calls run to their end."""
        if any(_decorator_name(d) == CLOSE_DECORATOR for d in function.decorators):
            return function
        self.ctx.add_helper(CLOSE_DECORATOR, CLOSE_SOURCE)

        class BaseCloses(cst.CSTTransformer):
            def leave_Expr(self, original: cst.Expr, updated: cst.Expr) -> cst.Expr:
                if _is_base_close(updated.value, bases):
                    return updated.with_changes(value=cst.Call(cst.Name(CLOSED), [cst.Arg(updated.value)]))
                return updated

        result = function.visit(BaseCloses())
        assert isinstance(result, cst.FunctionDef)
        self.changed()
        decorator = cst.Decorator(cst.Name(CLOSE_DECORATOR))
        return result.with_changes(decorators=[*result.decorators, decorator])

    # --- self.environ -----------------------------------------------------------------------------
    def _environ_reads(self, function: cst.FunctionDef) -> cst.FunctionDef:
        params = function.params.params
        if not params:
            return function
        me = params[0].name.value
        ctx = self.ctx

        class Reads(cst.CSTTransformer):
            def __init__(self) -> None:
                super().__init__()
                self.found = False

            def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
                if isinstance(updated.value, cst.Name) and updated.value.value == me and updated.attr.value == "environ":
                    self.found = True
                    return cst.Call(cst.Name(HELPER), [cst.Arg(cst.Name(me))], lpar=updated.lpar, rpar=updated.rpar)
                return updated

        reads = Reads()
        result = function.visit(reads)
        if not reads.found:
            return function
        ctx.add_helper(WSGI_ENVIRON, WSGI_ENVIRON_SOURCE)
        ctx.add_helper(HELPER, HELPER_SOURCE)
        self.changed()
        assert isinstance(result, cst.FunctionDef)
        return result

    # --- reports ----------------------------------------------------------------------------------
    def _report_body_reads(self, method: cst.FunctionDef) -> None:
        if method.asynchronous is not None or not method.params.params:
            return
        me = method.params.params[0].name.value
        rule = self

        class Reads(cst.CSTVisitor):
            def visit_Attribute(self, node: cst.Attribute) -> None:
                if isinstance(node.value, cst.Name) and node.value.value == me and node.attr.value in _BODY_READS:
                    rule.ctx.report(
                        node, rule.code, f"`{me}.{node.attr.value}` reads the body: Quart creates the request "
                        "before the body arrives, and on Quart's request this is a coroutine (it must be "
                        f"awaited, in async code): read `await request.{node.attr.value}` in the view instead",
                        Severity.ERROR,
                    )

        method.body.visit(Reads())


def _base_init_call(function: cst.FunctionDef, names: list[str]) -> int | None:
    """Index of the top-level statement ``super().__init__(environ, ...)`` (or
    ``super(C, self).__init__`` or ``Base.__init__(self, environ, ...)``) handing on the
    parameters as they came."""
    body = function.body
    if not isinstance(body, cst.IndentedBlock):
        return None
    for index, statement in enumerate(body.body):
        if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
            continue
        expr = statement.body[0]
        call = expr.value if isinstance(expr, cst.Expr) else None
        if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value == "__init__"):
            continue
        args = list(call.args)
        receiver = call.func.value
        if isinstance(receiver, cst.Name):  # ``Request.__init__(self, environ, ...)``
            if not args or not (isinstance(args[0].value, cst.Name) and args[0].value.value == names[0]):
                continue
            args = args[1:]
        elif not (isinstance(receiver, cst.Call) and isinstance(receiver.func, cst.Name) and receiver.func.value == "super"):
            continue
        passed = list(args)
        if not passed or any(a.star for a in passed):
            continue
        ok = True
        for position, arg in enumerate(passed):
            if not isinstance(arg.value, cst.Name):
                ok = False
                break
            expected = arg.keyword.value if arg.keyword is not None else (names[position + 1] if position + 1 < len(names) else None)
            if arg.value.value != expected or expected not in names[1:]:
                ok = False
                break
        if ok and isinstance(passed[0].value, cst.Name) and passed[0].value.value == names[1] and passed[0].keyword is None:
            return index
    return None


def _decorator_name(decorator: cst.Decorator) -> str | None:
    return decorator.decorator.value if isinstance(decorator.decorator, cst.Name) else None


def _is_base_close(node: cst.BaseExpression, bases: set[str]) -> bool:
    """``super().close()``, ``super(C, self).close()`` or ``Base.close(self)`` (``Base`` one of the
    class's bases)."""
    if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "close"):
        return False
    receiver = node.func.value
    if isinstance(receiver, cst.Call) and isinstance(receiver.func, cst.Name) and receiver.func.value == "super":
        return not node.args
    return isinstance(receiver, cst.Name) and receiver.value in bases and len(node.args) == 1


def _with_star_args(statement: cst.BaseStatement) -> cst.BaseStatement:
    """The base ``__init__`` call, handing on ``*args, **kwargs``."""
    assert isinstance(statement, cst.SimpleStatementLine)
    expr = statement.body[0]
    assert isinstance(expr, cst.Expr) and isinstance(expr.value, cst.Call)
    call = expr.value
    keep = [call.args[0]] if isinstance(call.func, cst.Attribute) and isinstance(call.func.value, cst.Name) else []
    args = [
        *(a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for a in keep),
        cst.Arg(cst.Name("args"), star="*", comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
        cst.Arg(cst.Name("kwargs"), star="**"),
    ]
    return statement.with_changes(body=[expr.with_changes(value=call.with_changes(args=args))])


def _names_used(statements: list[cst.BaseStatement]) -> set[str]:
    found: set[str] = set()

    class Names(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.add(node.value)

    for statement in statements:
        statement.visit(Names())
    return found
