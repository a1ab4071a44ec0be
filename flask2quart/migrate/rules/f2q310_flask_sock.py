"""F2Q310: flask-sock routes become Quart websocket routes.

flask-sock runs a sync handler on a WSGI socket it takes over (``request.environ``), which Quart
does not have. Quart serves websockets itself: ``@app.websocket(path)`` (or a blueprint's) on an
``async def`` handler that talks to the ``quart.websocket`` global. So:

- ``@sock.route(path, bp=bp, **options)`` becomes ``@bp.websocket(path, **options)``, and
  ``@sock.route(path)`` becomes ``@app.websocket(path)`` when ``sock = Sock(app)`` is in the same
  module (routes on a ``Sock()`` that gets its app elsewhere are reported: their handler is still
  ported). The handler loses its ``ws`` parameter and becomes ``async def``.
- In the handler ``ws.receive()`` becomes ``await websocket.receive()``, ``ws.send(x)``
  ``await websocket.send(x)`` and ``ws.close(reason, message)`` ``await websocket.close(reason or
  1000, message)``. ``ws.receive(timeout=t)`` returned ``None`` when nothing came in time: it calls a
  small generated helper that does the same with ``asyncio.wait_for``. Any other use of ``ws``
  (``ws.connected``, passing it to a helper) is reported.
- ``sock = Sock(app)`` and ``sock.init_app(app)`` go once nothing else uses them, and so does the
  ``flask_sock`` import.
- ``except ConnectionClosed:`` is reported: Quart does not raise it. When the client goes away it
  cancels the handler (``asyncio.CancelledError`` at the pending ``await``), so an ``except`` body
  never runs; cleanup belongs in ``finally:``.

Quart sends ``str`` as a text frame and ``bytes`` as a binary one, as flask-sock did; flask-sock also
sent any other value as ``str(value)``, where Quart needs the ``str()`` spelt out.

Docs: https://quart.palletsprojects.com/en/latest/how_to_guides/websockets.html and
https://flask-sock.readthedocs.io/
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from ._extensions import dotted
from .base import Rule, awaited

_SOCK = "flask_sock.Sock"
_SOCK_OBJECT = V.EXTENSION_OBJECT + _SOCK
_CONNECTION_CLOSED = frozenset(
    {
        "q:flask_sock.ConnectionClosed",
        "q:simple_websocket.ConnectionClosed",
        "q:simple_websocket.ws.ConnectionClosed",
        "q:simple_websocket.errors.ConnectionClosed",
    }
)
RECEIVE_HELPER = "_f2q_receive"
RECEIVE_SOURCE = '''

async def _f2q_receive(timeout):
    """flask-sock's `ws.receive(timeout)`: None when nothing arrives in time.

    Added by flask2quart (F2Q310).
    """
    try:
        return await asyncio.wait_for({websocket}.receive(), timeout)
    except asyncio.TimeoutError:
        return None
'''


class FlaskSock(Rule):
    code = "F2Q310"
    name = "flask-sock"
    # before F2Q104/F2Q105 (90): the awaits this rule writes end the dispatch for their calls
    priority = 45

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self._active = False
        #: Sock object names of this module -> the app expression it was built with (or None).
        self._apps: dict[str, cst.BaseExpression | None] = {}
        #: Names whose binding statement goes (Sock objects, flask_sock imports): nothing else uses them.
        self._removable: set[str] = set()
        #: ids of handler FunctionDefs -> the name of their ``ws`` parameter.
        self._handlers: dict[int, str] = {}
        #: ids of ``ws.receive/send/close(...)`` calls in handlers.
        self._ws_calls: set[int] = set()
        self._websocket = "websocket"

    # --- what the module holds ---------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        imports = self.ctx.facts.imports
        self._active = any(t == "flask_sock" or t.startswith("flask_sock.") for t in imports.values()) or any(
            t in self.ctx.analysis.extension_objects for t in imports.values()
        )
        if not self._active:
            return
        scan = _Scan(self)
        node.visit(scan)
        exported = self._imported_elsewhere()
        for name, uses in scan.uses.items():
            ported = ("route_bp", "init_app", "route") if scan.objects.get(name) is not None else ("route_bp", "init_app")
            if name in scan.objects and all(use in ported for use in uses) and name not in exported:
                self._removable.add(name)
        for name, uses in scan.uses.items():
            if name in scan.sock_names and all(use in self._removable for use in uses):
                self._removable.add(name)  # ``Sock`` itself, used only to build removed objects
        self._apps = scan.objects
        taken = "websocket" in imports and imports["websocket"] not in ("flask.websocket", "quart.websocket")
        if taken or "websocket" in self.ctx.facts.functions or "websocket" in self.ctx.facts.classes:
            self._websocket = "quart.websocket"

    def _imported_elsewhere(self) -> set[str]:
        prefix = self.ctx.facts.module + ":"
        return {
            target[len(prefix) :]
            for facts in self.ctx.analysis.modules.values()
            for target in facts.imports.values()
            if target.startswith(prefix)
        }

    def _is_sock(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            return self.ctx.resolve(node.value) == _SOCK_OBJECT
        return self.ctx.value(node) == _SOCK_OBJECT

    # --- handlers ----------------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not self._active or not any(self._route(d.decorator) is not None for d in node.decorators):
            return
        params = node.params.params
        if not params:
            return
        ws = params[0].name.value
        self._handlers[id(node)] = ws
        _WsUses(self, ws).scan(node)

    def _route(self, decorator: cst.BaseExpression) -> cst.Call | None:
        """``sock.route(...)`` on a Sock object, else ``None``."""
        if (
            isinstance(decorator, cst.Call)
            and isinstance(decorator.func, cst.Attribute)
            and decorator.func.attr.value == "route"
            and self._is_sock(decorator.func.value)
        ):
            return decorator
        return None

    def leave_Decorator(self, original: cst.Decorator, updated: cst.Decorator) -> cst.Decorator:
        route = self._route(original.decorator)
        if route is None or not isinstance(updated.decorator, cst.Call):
            return updated
        call = updated.decorator
        owner = dotted(route.func.value)  # type: ignore[attr-defined]
        blueprint = next((a for a in call.args if a.keyword is not None and a.keyword.value == "bp"), None)
        target = blueprint.value if blueprint is not None else self._apps.get(owner)
        if target is None:
            self.ctx.report(
                original, self.code, f"`{owner}` gets its app elsewhere: register this handler with "
                "`@app.websocket(...)` (or a blueprint's `websocket`) where the app is known",
                Severity.ERROR,
            )
            return updated
        args = [a for a in call.args if a is not blueprint]
        if args:
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        self.changed()
        func = cst.Attribute(value=target.with_changes(lpar=[], rpar=[]), attr=cst.Name("websocket"))
        return updated.with_changes(decorator=call.with_changes(func=func, args=args))

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        if id(original) not in self._handlers:
            return updated
        params = list(updated.params.params)[1:]
        if params:
            params[-1] = params[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        self.changed()
        return updated.with_changes(params=updated.params.with_changes(params=params))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if id(original) not in self._ws_calls or not isinstance(updated.func, cst.Attribute):
            return updated
        method = updated.func.attr.value
        socket = self._socket()
        args = list(updated.args)
        if method == "receive" and args:
            self.ctx.require_import("asyncio")
            self.ctx.add_helper(RECEIVE_HELPER, RECEIVE_SOURCE.replace("{websocket}", self._websocket))
            call = cst.Call(func=cst.Name(RECEIVE_HELPER), args=[args[0].with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)])
        elif method == "close":
            call = cst.Call(func=cst.Attribute(value=socket, attr=cst.Name("close")), args=_close_args(args))
        else:
            call = updated.with_changes(func=cst.Attribute(value=socket, attr=cst.Name(method)))
        self.changed()
        return awaited(call)

    def _socket(self) -> cst.BaseExpression:
        if self._websocket == "websocket":
            return cst.Name(self.ctx.require_import("quart", "websocket"))
        self.ctx.require_import("quart")
        return cst.Attribute(value=cst.Name("quart"), attr=cst.Name("websocket"))

    # --- statements and imports that go ----------------------------------------------------------
    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.RemovalSentinel:
        if not self._active or len(updated.body) != 1:
            return updated
        statement = updated.body[0]
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
            name = dotted(statement.targets[0].target)
            if name in self._removable and name in self._apps:
                self.changed()
                return cst.RemovalSentinel.REMOVE
        if isinstance(statement, cst.Expr) and isinstance(statement.value, cst.Call):
            func = statement.value.func
            local = dotted(func.value) in self._apps if isinstance(func, cst.Attribute) else False
            if (
                isinstance(func, cst.Attribute)
                and func.attr.value == "init_app"
                and self._is_sock(func.value)
                and (not local or dotted(func.value) in self._removable)
            ):
                self.changed()  # flask-sock's init_app only remembered the app
                return cst.RemovalSentinel.REMOVE
        if isinstance(statement, cst.ImportFrom) and not isinstance(statement.names, cst.ImportStar):
            module = dotted(statement.module) if statement.module is not None else ""
            if module == "flask_sock" and not statement.relative:
                kept = [a for a in statement.names if (dotted(a.asname.name) if a.asname else dotted(a.name)) not in self._removable]
                if not kept:
                    self.changed()
                    return cst.RemovalSentinel.REMOVE
                if len(kept) < len(statement.names):
                    self.changed()
                    kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                    return updated.with_changes(body=[statement.with_changes(names=kept)])
        if isinstance(statement, cst.Import):
            kept_aliases = [
                a for a in statement.names
                if not (dotted(a.name) == "flask_sock" and (dotted(a.asname.name) if a.asname else "flask_sock") in self._removable)
            ]
            if not kept_aliases:
                self.changed()
                return cst.RemovalSentinel.REMOVE
        return updated

    def leave_ExceptHandler(self, original: cst.ExceptHandler, updated: cst.ExceptHandler) -> cst.ExceptHandler:
        caught = original.type
        names = [e.value for e in caught.elements] if isinstance(caught, cst.Tuple) else [caught] if caught else []
        if any(self.ctx.value(name) in _CONNECTION_CLOSED for name in names):
            self.ctx.report(
                original, self.code, "Quart never raises ConnectionClosed: when the client goes away it "
                "cancels the handler (asyncio.CancelledError at the pending await), so this except body "
                "never runs; move the cleanup into `finally:`", Severity.WARNING,
            )
        return updated


def _close_args(args: list[cst.Arg]) -> list[cst.Arg]:
    """flask-sock ``close(reason=None, message=None)`` -> Quart ``close(code, reason="")``."""
    by_name = {a.keyword.value: a.value for a in args if a.keyword is not None}
    positional = [a.value for a in args if a.keyword is None]
    code = positional[0] if positional else by_name.get("reason")
    message = positional[1] if len(positional) > 1 else by_name.get("message")
    if code is None or (isinstance(code, cst.Name) and code.value == "None"):
        code = cst.Integer("1000")
    new = [cst.Arg(code)]
    if message is not None and not (isinstance(message, cst.Name) and message.value == "None"):
        new[0] = new[0].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        new.append(cst.Arg(message))
    return new


class _Scan(cst.CSTVisitor):
    """Sock objects of the module and how each name bound to flask-sock is used."""

    def __init__(self, rule: FlaskSock) -> None:
        super().__init__()
        imports = rule.ctx.facts.imports
        self.sock_names = {n for n, t in imports.items() if t in (_SOCK, "flask_sock")}
        self.objects: dict[str, cst.BaseExpression | None] = {}
        #: name -> one entry per load: "route", "route_bp" (``bp=``), "init_app", the object name it
        #: builds, or "other"
        self.uses: dict[str, list[str]] = {}
        self._assigning: str | None = None
        self._role: dict[int, str] = {}

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value
        if len(node.targets) == 1 and isinstance(value, cst.Call) and self._builds_sock(value.func):
            name = dotted(node.targets[0].target)
            app = next((a.value for a in value.args if a.keyword is None or a.keyword.value == "app"), None)
            self.objects[name] = app
            self._role[id(_head(value.func))] = name
            self._role[id(node.targets[0].target)] = "binding"

    def _builds_sock(self, func: cst.BaseExpression) -> bool:
        text = dotted(func)
        head = text.split(".")[0]
        return head in self.sock_names and (text == head or text == f"{head}.Sock")

    def visit_Decorator(self, node: cst.Decorator) -> None:
        decorator = node.decorator
        if (
            isinstance(decorator, cst.Call)
            and isinstance(decorator.func, cst.Attribute)
            and decorator.func.attr.value == "route"
            and isinstance(decorator.func.value, cst.Name)
        ):
            on_blueprint = any(a.keyword is not None and a.keyword.value == "bp" for a in decorator.args)
            self._role[id(decorator.func.value)] = "route_bp" if on_blueprint else "route"

    def visit_Expr(self, node: cst.Expr) -> None:
        value = node.value
        if (
            isinstance(value, cst.Call)
            and isinstance(value.func, cst.Attribute)
            and value.func.attr.value == "init_app"
            and isinstance(value.func.value, cst.Name)
        ):
            self._role[id(value.func.value)] = "init_app"

    def visit_Name(self, node: cst.Name) -> None:
        role = self._role.get(id(node))
        if role != "binding" and (node.value in self.sock_names or node.value in self.objects):
            self.uses.setdefault(node.value, []).append(role or "other")

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)  # the attribute's name is not a use
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_Param(self, node: cst.Param) -> bool:
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)  # a keyword's name is not a use
        return False


def _head(node: cst.BaseExpression) -> cst.BaseExpression:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node


class _WsUses(cst.CSTVisitor):
    """In one handler: which ``ws.receive/send/close(...)`` calls are ported; report other uses."""

    def __init__(self, rule: FlaskSock, ws: str) -> None:
        super().__init__()
        self.rule = rule
        self.ws = ws
        self._ok: set[int] = set()
        self._depth = 0

    def scan(self, handler: cst.FunctionDef) -> None:
        handler.body.visit(self)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._depth += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._depth -= 1

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._depth += 1

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._depth -= 1

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if (
            self._depth == 0
            and isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == self.ws
            and func.attr.value in ("receive", "send", "close")
        ):
            self.rule._ws_calls.add(id(node))
            self._ok.add(id(func.value))

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False

    def visit_Param(self, node: cst.Param) -> bool:
        return False  # a nested function's own ``ws`` parameter

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.ws and id(node) not in self._ok:
            self.rule.ctx.report(
                node, self.rule.code, f"`{self.ws}` is gone in Quart: use the `quart.websocket` global "
                "(`await websocket.receive()`/`send()`/`close(code)`; it has no `connected`: a disconnect "
                "cancels the handler)", Severity.ERROR,
            )
