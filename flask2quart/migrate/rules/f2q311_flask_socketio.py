"""F2Q311: Flask-SocketIO becomes python-socketio's asyncio server, mounted in front of the app.

Flask-SocketIO wraps ``app.wsgi_app`` and runs handlers with a Flask request context; neither
exists under Quart. python-socketio (which Flask-SocketIO is built on) has an asyncio server that
speaks the same Socket.IO protocol, so existing JavaScript clients keep working:

- ``socketio = SocketIO(app, **options)`` becomes ``socketio = AsyncServer(async_mode="asgi",
  **options)`` followed by ``app.asgi_app = ASGIApp(socketio, other_asgi_app=app.asgi_app)``: Quart's
  documented middleware hook, so ``hypercorn module:app`` and ``app.run()`` serve Socket.IO and the
  app's routes as before (``path=`` moves to ``ASGIApp(socketio_path=...)``, ``manage_session`` is
  dropped, ``message_queue`` is reported). ``socketio.init_app(app)`` becomes that last line.
- Handlers (``@socketio.on("event", namespace=...)``, ``@socketio.event``) get python-socketio's
  signature: ``async def handler(sid, data)``; ``connect(auth)`` becomes ``connect(sid, environ,
  auth)`` and ``disconnect(reason)`` ``disconnect(sid, reason)``. The project analysis makes them
  async (``hook`` role), with whatever they call that became async awaited.
- In a handler, Flask-SocketIO's context functions become server calls for the client that sent
  the event: ``emit(e, data)`` -> ``await socketio.emit(e, data, to=sid)`` (``broadcast=True``: no
  ``to``; ``include_self=False``: ``skip_sid=sid``; several data arguments: one tuple; the handler's
  namespace is passed on, as Flask-SocketIO did implicitly), ``send(m)`` -> ``await
  socketio.send(m, to=sid)`` (``json=True``: the ``"json"`` event), ``join_room(r)`` -> ``await
  socketio.enter_room(sid, r)``, ``leave_room``, ``close_room``, ``rooms()``, ``disconnect()``, and
  ``request.sid`` -> ``sid``, ``request.namespace`` -> the namespace.
- ``socketio.emit/send/sleep/call/close_room`` are coroutines of ``AsyncServer``: awaited (F2Q104;
  callers become async through the project analysis). ``socketio.run(app, host, port, debug)``
  becomes ``app.run(...)`` (Quart's development server, Hypercorn), keeping Flask-SocketIO's default
  of reloading only in debug mode.

Reported, because the port is not mechanical: ``session``, ``g``, ``current_app``, other
``request`` attributes, ``url_for``/``render_template``... in a handler (python-socketio handlers
have no Quart app or request context: wrap the code in ``async with app.app_context():``, and use
``async with socketio.session(sid) as session:`` for per-connection data, which is not the HTTP
session); the context functions outside a handler; ``on_error``/``on_error_default``/
``on_event``/``on_namespace`` and class-based ``Namespace``; catch-all (``"*"``) handlers;
``start_background_task`` with a sync target; ``socketio.test_client``.

Docs: https://python-socketio.readthedocs.io/en/stable/server.html and
https://flask-socketio.readthedocs.io/
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from ...findings import Severity
from .. import values as V
from ._awaiting import await_node
from ._extensions import dotted, keyword
from .base import Rule

_SOCKETIO = "flask_socketio.SocketIO"
_SERVER = V.EXTENSION_OBJECT + _SOCKETIO
#: Flask-SocketIO's functions that act on the client of the current event.
_CONTEXT_FUNCTIONS = frozenset({"emit", "send", "join_room", "leave_room", "close_room", "rooms", "disconnect"})
#: ``SocketIO(...)`` options AsyncServer takes as they are.
_SERVER_OPTIONS = frozenset(
    {
        "cors_allowed_origins", "cors_credentials", "logger", "engineio_logger", "ping_interval",
        "ping_timeout", "max_http_buffer_size", "allow_upgrades", "http_compression",
        "compression_threshold", "cookie", "monitor_clients", "transports", "always_connect",
        "json", "async_handlers", "namespaces", "serializer", "client_manager",
    }
)
#: Handler uses of Quart's request/app context, which python-socketio handlers do not have.
_CONTEXT_NAMES = frozenset(
    {"session", "url_for", "render_template", "render_template_string", "flash", "jsonify", "abort", "redirect"}
)
_UNSUPPORTED_METHODS = {
    "on_error": "python-socketio has no error handlers: catch the exception in the handler",
    "on_error_default": "python-socketio has no error handlers: catch the exception in the handler",
    "on_event": "register the handler with `@socketio.on(...)` on an `async def handler(sid, ...)`",
    "on_namespace": "class-based namespaces become `socketio.AsyncNamespace` subclasses with "
    "`async def on_<event>(self, sid, ...)` methods and `await self.emit(...)`",
    "test_client": "python-socketio has no test client: run the app on Hypercorn and connect a "
    "`socketio.AsyncClient`, or call the handler coroutine directly",
    "stop": "use `await socketio.shutdown()`",
}


@dataclass
class _Handler:
    server: cst.BaseExpression  # the SocketIO object the handler is registered on
    namespace: cst.BaseExpression | None  # None: the default namespace
    sid: str
    event: str | None  # the event name when it is a literal


class FlaskSocketIO(Rule):
    code = "F2Q311"
    name = "flask-socketio"
    # before F2Q104/F2Q105 (90): they await what this rule leaves as calls of the server
    priority = 45

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self._active = False
        self._handlers: dict[str, _Handler] = {}  # handler qualname -> what it was registered with
        self._defs: dict[int, _Handler] = {}  # id of the FunctionDef -> its handler
        self._uses: dict[str, list[int]] = {}  # flask_socketio name -> ids of its uses
        self._ported: set[int] = set()  # ids of uses the rule replaced
        self._reported: set[tuple[str, str]] = set()
        self._decorator_calls: set[int] = set()

    def visit_Decorator(self, node: cst.Decorator) -> None:
        self._decorator_calls.add(id(node.decorator))

    # --- module ---------------------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        imports = self.ctx.facts.imports.values()
        self._active = any(t == "flask_socketio" or t.startswith("flask_socketio.") for t in imports) or any(
            self.ctx.analysis.extension_objects.get(t) == _SOCKETIO for t in imports
        )

    def _member(self, value: V.Value) -> str | None:
        if value and value.startswith("q:flask_socketio."):
            return value.rpartition(".")[2]
        return None

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        if any(self._member(self.ctx.value(base.value)) == "Namespace" for base in original.bases):
            self.ctx.report(original.name, self.code, _UNSUPPORTED_METHODS["on_namespace"], Severity.ERROR)
        return updated

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        if not self._active or id(original) in self.ctx.non_use:
            return updated
        value = self.ctx.value(updated)
        if self.ctx.facts.imports.get(updated.value, "").startswith("flask_socketio") and (
            value == "q:flask_socketio" or self._member(value) is not None
        ):
            self._uses.setdefault(updated.value, []).append(id(original))
            if self._member(value) == "ConnectionRefusedError":  # the same class, from python-socketio
                self.ctx.require_import("socketio.exceptions", "ConnectionRefusedError")
                self._ported.add(id(original))
        handler = self._handler()
        if handler is not None and (
            value in (V.G, V.APP) or V.flask_name(value) in _CONTEXT_NAMES
        ):
            self._report_context(original, updated.value)
        return updated

    def _report_context(self, node: cst.CSTNode, name: str) -> None:
        scope = self.ctx.enclosing_function()
        key = (scope.qualname if scope else "", name)
        if key in self._reported:
            return
        self._reported.add(key)
        self.ctx.report(
            node, self.code, f"`{name}` needs Quart's request or app context, which python-socketio "
            "handlers do not have: wrap the code in `async with app.app_context():` (per-connection data: "
            "`async with socketio.session(sid) as session:`, not the HTTP session)", Severity.ERROR,
        )

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        """Drop the ``flask_socketio`` names every use of which was ported."""
        if not self._active:
            return updated
        done = {
            name for name, uses in self._uses.items() if all(use in self._ported for use in uses)
        } | {name for name, target in self.ctx.facts.imports.items() if target.startswith("flask_socketio") and name not in self._uses}
        body = []
        for statement in updated.body:
            new = _without_names(statement, done)
            if new is not statement:
                self.changed()
            if new is not None:
                body.append(new)
        return updated.with_changes(body=body)

    # --- handlers ---------------------------------------------------------------------------------
    def _handler(self) -> _Handler | None:
        scope = self.ctx.enclosing_function()
        return self._handlers.get(scope.qualname) if scope is not None else None

    def _is_server(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            return self.ctx.resolve(node.value) == _SERVER
        return self.ctx.value(node) == _SERVER

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not self._active:
            return
        for decorator in node.decorators:
            registration = _registration(decorator.decorator)
            if registration is None or not self._is_server(registration[0]):
                continue
            server, event, namespace = registration
            event = event if event is not None else (node.name.value if _is_event(decorator.decorator) else None)
            names = self.ctx.facts.functions.get(self.ctx.scope.qualname)
            taken = names.local_names if names is not None else frozenset()
            handler = _Handler(server, namespace, "sid" if "sid" not in taken else "sid_", event)
            if "*" in (event, _text(namespace)):
                self.ctx.report(
                    node.name, self.code, "catch-all handlers take (event, sid, *args) in python-socketio: "
                    "port this one by hand", Severity.ERROR,
                )
                return
            self._handlers[self.ctx.scope.qualname] = handler
            self._defs[id(node)] = handler
            return

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        handler = self._defs.get(id(original))
        if handler is None:
            return updated
        params = list(updated.params.params)
        new = [cst.Param(cst.Name(handler.sid))]
        if handler.event == "connect":
            new.append(cst.Param(cst.Name("environ")))
        params = [*new, *params]
        params = [
            p.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for p in params[:-1]
        ] + [params[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]
        self.changed()
        return updated.with_changes(params=updated.params.with_changes(params=params))

    def leave_Decorator(self, original: cst.Decorator, updated: cst.Decorator) -> cst.Decorator:
        target = original.decorator.func if isinstance(original.decorator, cst.Call) else original.decorator
        if isinstance(target, cst.Attribute) and self._is_server(target.value):
            message = _UNSUPPORTED_METHODS.get(target.attr.value)
            if message is not None:
                self.ctx.report(original, self.code, message, Severity.ERROR)
        return updated

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        """``request.sid`` and ``request.namespace`` in a handler."""
        if not self._active or self.ctx.value(updated.value) != V.REQUEST or id(original) in self.ctx.stores:
            return updated
        attr = updated.attr.value
        handler = self._handler()
        if handler is None:
            if attr in ("sid", "namespace", "event"):
                self.ctx.report(
                    original, self.code, f"`request.{attr}` only exists in a Flask-SocketIO handler: pass "
                    "the handler's `sid` (and namespace) to this function", Severity.ERROR,
                )
            return updated
        if attr == "sid":
            self.changed()
            return cst.Name(handler.sid)
        if attr == "namespace":
            self.changed()
            return handler.namespace if handler.namespace is not None else cst.SimpleString('"/"')
        self._report_context(original, f"request.{attr}")
        return updated

    # --- calls ------------------------------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if not self._active:
            return updated
        func_value = self.ctx.value(updated.func)
        member = self._member(func_value)
        if member in _CONTEXT_FUNCTIONS:
            return self._context_call(original, updated, member)
        func = original.func
        # by its receiver: ``socketio.test_client`` has a value of its own (a test client's maker)
        if not isinstance(func, cst.Attribute) or not self._is_server(func.value):
            return updated
        name = func.attr.value
        if name in _UNSUPPORTED_METHODS:
            if id(original) not in self._decorator_calls:  # decorators: leave_Decorator
                self.ctx.report(original, self.code, _UNSUPPORTED_METHODS[name], Severity.ERROR)
            return updated
        if name in ("emit", "send"):
            return self._server_emit(original, updated, name)
        if name == "start_background_task":
            self._background_task(original)
        return updated

    def _context_call(self, original: cst.Call, updated: cst.Call, member: str) -> cst.BaseExpression:
        handler = self._handler()
        if handler is None:
            self.ctx.report(
                original, self.code, f"`{member}()` acts on the client of the current Socket.IO event; "
                f"outside a handler pass the sid along and call `await socketio.{'enter_room' if member == 'join_room' else member}(...)`",
                Severity.ERROR,
            )
            return updated
        if any(arg.star for arg in updated.args):
            self.ctx.report(original, self.code, f"`{member}(*args)`: port this call by hand", Severity.ERROR)
            return updated
        positional = [a for a in updated.args if a.keyword is None]
        named = {a.keyword.value: a for a in updated.args if a.keyword is not None}
        server = handler.server
        sid = cst.Name(handler.sid)
        if member in ("emit", "send"):
            call = self._emit(original, server, member, positional, named, handler)
            if call is None:
                return updated
        else:
            room = positional[0].value if positional else named.pop("room").value if "room" in named else None
            who = named.pop("sid").value if "sid" in named else sid
            args: list[cst.Arg] = []
            method = {"join_room": "enter_room"}.get(member, member)
            if member in ("join_room", "leave_room"):
                if room is None:
                    return updated
                args = [cst.Arg(who), cst.Arg(room)]
            elif member == "close_room":
                if room is None:
                    return updated
                args = [cst.Arg(room)]
            elif member in ("rooms", "disconnect"):
                args = [cst.Arg(who)]
            namespace = named.get("namespace")
            ns_value = namespace.value if namespace is not None else handler.namespace
            if ns_value is not None:
                args.append(keyword("namespace", ns_value))
            call = cst.Call(func=cst.Attribute(value=server, attr=cst.Name(method)), args=_commas(args))
        self._ported.add(id(_head(original.func)))
        self.changed()
        if member == "rooms":  # a plain method of AsyncServer
            return call
        return await_node(self, original, call, f"`{member}()`")

    def _emit(
        self,
        original: cst.Call,
        server: cst.BaseExpression,
        member: str,
        positional: list[cst.Arg],
        named: dict[str, cst.Arg],
        handler: _Handler,
    ) -> cst.Call | None:
        """Flask-SocketIO's ``emit``/``send`` in a handler -> ``socketio.emit``/``send`` for its client."""
        broadcast = named.pop("broadcast", None)
        include_self = named.pop("include_self", None)
        as_json = named.pop("json", None)
        for flag, name in ((broadcast, "broadcast"), (include_self, "include_self"), (as_json, "json")):
            if flag is not None and _literal_bool(flag.value) is None:
                self.ctx.report(original, self.code, f"`{name}=` is not a literal: port this call by hand", Severity.ERROR)
                return None
        method = member
        data = positional
        if member == "send" and as_json is not None and _literal_bool(as_json.value):
            method = "emit"
            data = [cst.Arg(cst.SimpleString('"json"')), *positional]
        elif member == "emit" and len(positional) > 2:  # several data arguments: one tuple
            data = [positional[0], cst.Arg(cst.Tuple([cst.Element(a.value) for a in positional[1:]]))]
        args = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in data]
        target = named.pop("to", None) or named.pop("room", None)
        if target is not None:
            args.append(keyword("to", target.value))
        elif not (broadcast is not None and _literal_bool(broadcast.value)):
            args.append(keyword("to", cst.Name(handler.sid)))
        if include_self is not None and _literal_bool(include_self.value) is False and "skip_sid" not in named:
            args.append(keyword("skip_sid", cst.Name(handler.sid)))
        if "namespace" not in named and handler.namespace is not None:
            args.append(keyword("namespace", handler.namespace))
        args.extend(keyword(name, arg.value) for name, arg in named.items())
        return cst.Call(func=cst.Attribute(value=server, attr=cst.Name(method)), args=_commas(args))

    def _server_emit(self, original: cst.Call, updated: cst.Call, name: str) -> cst.BaseExpression:
        """``socketio.emit(event, a, b)`` -> one data tuple; ``send(m, json=True)`` -> the json event."""
        positional = [a for a in updated.args if a.keyword is None]
        named = [a for a in updated.args if a.keyword is not None]
        as_json = next((a for a in named if a.keyword.value == "json"), None)  # type: ignore[union-attr]
        include_self = next((a for a in named if a.keyword.value == "include_self"), None)  # type: ignore[union-attr]
        if include_self is not None and _literal_bool(include_self.value) is not True:
            handler = self._handler()
            if handler is None:
                self.ctx.report(
                    original, self.code, "`include_self=False` skipped the client of the current event: "
                    "pass `skip_sid=<its sid>`", Severity.ERROR,
                )
                return updated
            named = [a for a in named if a is not include_self] + [keyword("skip_sid", cst.Name(handler.sid))]
        args = list(positional)
        func = updated.func
        if name == "send" and as_json is not None:
            named = [a for a in named if a is not as_json]
            if _literal_bool(as_json.value):
                args = [cst.Arg(cst.SimpleString('"json"')), *args]
                func = func.with_changes(attr=cst.Name("emit"))  # type: ignore[attr-defined]
        elif name == "emit" and len(positional) > 2:
            args = [positional[0], cst.Arg(cst.Tuple([cst.Element(a.value) for a in positional[1:]]))]
        if args == positional and named == [a for a in updated.args if a.keyword is not None] and func is updated.func:
            return updated
        new_args = _commas([*args, *named])
        self.changed()
        result = updated.with_changes(func=func, args=new_args)
        self.ctx.set_value(result, self.ctx.value(updated))
        return result

    def _background_task(self, original: cst.Call) -> None:
        target = original.args[0].value if original.args else None
        name = V.project_name(self.ctx.value(target)) if target is not None else None
        if name is not None and name not in self.ctx.analysis.async_functions:
            self.ctx.report(
                original, self.code, f"python-socketio runs `{name.rpartition(':')[2]}` as an asyncio task: "
                "make it `async def` (and `await socketio.sleep(...)` in its loop)", Severity.ERROR,
            )
        if not self.ctx.in_async_function():
            self.ctx.report(
                original, self.code, "AsyncServer.start_background_task needs the running event loop: "
                "start it from a handler or an `@app.before_serving` function", Severity.ERROR,
            )

    # --- the server object ------------------------------------------------------------------------
    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if not self._active or len(updated.body) != 1:
            return updated
        statement = updated.body[0]
        old = original.body[0]
        if (
            isinstance(statement, cst.Assign)
            and isinstance(statement.value, cst.Call)
            and isinstance(old, cst.Assign)
            and self._member(self.ctx.value(old.value.func)) == "SocketIO"  # type: ignore[attr-defined]
        ):
            return self._server(original, updated, statement, old)
        if isinstance(statement, cst.Expr) and isinstance(statement.value, cst.Call) and isinstance(old, cst.Expr):
            call = statement.value
            method = V.extension_method(self.ctx.value(old.value.func))  # type: ignore[attr-defined]
            if method == f"{_SOCKETIO}.init_app":
                return self._init_app(old, updated, call)
            if method == f"{_SOCKETIO}.run":
                return self._run(old, updated, call)
        return updated

    def _server(
        self,
        original: cst.SimpleStatementLine,
        updated: cst.SimpleStatementLine,
        statement: cst.Assign,
        old: cst.Assign,
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        call = statement.value
        assert isinstance(call, cst.Call)
        app = next((a.value for a in call.args if a.keyword is None or a.keyword.value == "app"), None)
        options, path = self._options(old.value, [a for a in call.args if a.keyword is not None and a.keyword.value != "app"])  # type: ignore[arg-type]
        server = cst.Call(
            func=cst.Name(self.ctx.require_import("socketio", "AsyncServer")),
            args=_commas([keyword("async_mode", cst.SimpleString('"asgi"')), *options]),
        )
        self.changed()
        self._ported.add(id(_head(old.value.func)))  # type: ignore[attr-defined]
        new = updated.with_changes(body=[statement.with_changes(value=server)])
        if app is None:
            return new
        mount = self._mount(old, app, statement.targets[0].target, path)
        return new if mount is None else cst.FlattenSentinel([new, mount])

    def _options(self, node: cst.CSTNode, args: list[cst.Arg]) -> tuple[list[cst.Arg], cst.BaseExpression | None]:
        options: list[cst.Arg] = []
        path = None
        for arg in args:
            name = arg.keyword.value if arg.keyword is not None else ""
            if name in ("path", "resource"):
                path = arg.value
            elif name == "manage_session":
                continue  # python-socketio keeps no copy of the HTTP session
            elif name == "async_mode":
                continue
            elif name in _SERVER_OPTIONS:
                options.append(arg)
            else:
                self.ctx.report(
                    node, self.code, f"`{name or '**'}` has no AsyncServer counterpart"
                    + (": use `client_manager=socketio.AsyncRedisManager(url)`" if name in ("message_queue", "channel") else ""),
                    Severity.ERROR,
                )
                options.append(arg)
        return options, path

    def _mount(
        self,
        node: cst.CSTNode,
        app: cst.BaseExpression,
        server: cst.BaseExpression,
        path: cst.BaseExpression | None,
    ) -> cst.SimpleStatementLine | None:
        if not isinstance(app, (cst.Name, cst.Attribute)):
            self.ctx.report(
                node, self.code, "mount the server in front of the app: "
                "`app.asgi_app = ASGIApp(socketio, other_asgi_app=app.asgi_app)`", Severity.ERROR,
            )
            return None
        asgi_app = cst.Attribute(value=app, attr=cst.Name("asgi_app"))
        args = [cst.Arg(server.with_changes(lpar=[], rpar=[])), keyword("other_asgi_app", asgi_app)]
        if path is not None:
            args.append(keyword("socketio_path", path))
        mount = cst.Call(func=cst.Name(self.ctx.require_import("socketio", "ASGIApp")), args=_commas(args))
        self.ctx.report(
            node, self.code, "Socket.IO is now python-socketio's AsyncServer, mounted in front of the app "
            "(`app.asgi_app`): serve the app with Hypercorn as usual", Severity.INFO,
        )
        return cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(asgi_app)], mount)])

    def _init_app(
        self, old: cst.Expr, updated: cst.SimpleStatementLine, call: cst.Call
    ) -> cst.BaseStatement:
        app = next((a.value for a in call.args if a.keyword is None or a.keyword.value == "app"), None)
        options = [a for a in call.args if a.keyword is not None and a.keyword.value not in ("app", "manage_session")]
        path = next((a.value for a in options if a.keyword.value in ("path", "resource")), None)  # type: ignore[union-attr]
        if (options and any(a.keyword.value not in ("path", "resource") for a in options)) or app is None:  # type: ignore[union-attr]
            self.ctx.report(
                old, self.code, "AsyncServer takes its options when it is built: move them to "
                "`AsyncServer(...)`, then mount it: `app.asgi_app = ASGIApp(socketio, other_asgi_app=app.asgi_app)`",
                Severity.ERROR,
            )
            return updated
        assert isinstance(call.func, cst.Attribute)
        mount = self._mount(old, app, call.func.value, path)
        if mount is None:
            return updated
        self.changed()
        return mount.with_changes(leading_lines=updated.leading_lines, trailing_whitespace=updated.trailing_whitespace)

    def _run(self, old: cst.Expr, updated: cst.SimpleStatementLine, call: cst.Call) -> cst.BaseStatement:
        app = call.args[0].value if call.args and call.args[0].keyword is None else None
        named = {a.keyword.value: a for a in call.args if a.keyword is not None}
        if app is None and "app" in named:
            app = named.pop("app").value
        positional = [a for a in call.args[1:] if a.keyword is None]
        unknown = set(named) - {"host", "port", "debug", "use_reloader", "certfile", "keyfile", "log_output", "allow_unsafe_werkzeug"}
        if app is None or unknown or len(positional) > 2:
            self.ctx.report(
                old, self.code, "serve the app with Hypercorn (`hypercorn module:app`) or `app.run(host, port)`: "
                "the Socket.IO server is mounted in it", Severity.ERROR,
            )
            return updated
        args = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in positional]
        kept = {k: a for k, a in named.items() if k not in ("log_output", "allow_unsafe_werkzeug")}
        args.extend(keyword(k, a.value) for k, a in kept.items())
        if "use_reloader" not in kept:  # Flask-SocketIO reloads only in debug mode; Quart always does
            debug = kept["debug"].value if "debug" in kept else cst.Attribute(value=app, attr=cst.Name("debug"))
            args.append(keyword("use_reloader", debug))
        self.changed()
        self.ctx.report(
            old, self.code, "`app.run()` is Quart's development server (Hypercorn) and serves Socket.IO "
            "too; in production run `hypercorn module:app`", Severity.INFO,
        )
        run = cst.Call(func=cst.Attribute(value=app, attr=cst.Name("run")), args=_commas(args))
        return updated.with_changes(body=[cst.Expr(run)])


def _registration(decorator: cst.BaseExpression) -> tuple[cst.BaseExpression, str | None, cst.BaseExpression | None] | None:
    """``@socketio.on("chat", namespace="/x")`` -> (``socketio``, "chat", ``"/x"``); ``@socketio.event``."""
    call = decorator if isinstance(decorator, cst.Call) else None
    target = call.func if call is not None else decorator
    if not isinstance(target, cst.Attribute) or target.attr.value not in ("on", "event"):
        return None
    args = list(call.args) if call is not None else []
    positional = [a.value for a in args if a.keyword is None]
    named = {a.keyword.value: a.value for a in args if a.keyword is not None}
    if target.attr.value == "on":
        if not positional:
            return None
        event = _text(positional[0])
        namespace = positional[1] if len(positional) > 1 else named.get("namespace")
        return target.value, event if event is not None else "", namespace if _text(namespace) != "/" else None
    namespace = named.get("namespace")
    return target.value, None, namespace if _text(namespace) != "/" else None


def _is_event(decorator: cst.BaseExpression) -> bool:
    target = decorator.func if isinstance(decorator, cst.Call) else decorator
    return isinstance(target, cst.Attribute) and target.attr.value == "event"


def _text(node: cst.BaseExpression | None) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _literal_bool(node: cst.BaseExpression) -> bool | None:
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return None


def _commas(args: list[cst.Arg]) -> list[cst.Arg]:
    if not args:
        return args
    spaced = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return [a.with_changes(comma=spaced) for a in args[:-1]] + [args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]


def _head(node: cst.BaseExpression) -> cst.BaseExpression:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node


def _without_names(statement: cst.BaseStatement, names: set[str]) -> cst.BaseStatement | None:
    """The statement without the ``flask_socketio`` imports of ``names`` (``None``: nothing left)."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return statement
    small = statement.body[0]
    if isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None:
        if not dotted(small.module).startswith("flask_socketio") or isinstance(small.names, cst.ImportStar):
            return statement
        kept = [a for a in small.names if (dotted(a.asname.name) if a.asname else dotted(a.name)) not in names]
        if not kept:
            return None
        if len(kept) == len(small.names):
            return statement
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return statement.with_changes(body=[small.with_changes(names=kept)])
    if isinstance(small, cst.Import):
        kept_aliases = [
            a for a in small.names
            if not (dotted(a.name).startswith("flask_socketio") and (dotted(a.asname.name) if a.asname else dotted(a.name).split(".")[0]) in names)
        ]
        if not kept_aliases:
            return None
        if len(kept_aliases) == len(small.names):
            return statement
        kept_aliases[-1] = kept_aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return statement.with_changes(body=[small.with_changes(names=kept_aliases)])
    return statement
