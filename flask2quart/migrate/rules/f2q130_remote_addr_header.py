"""F2Q130: request headers as the client sent them, without the ``Remote-Addr`` Quart adds.

Quart builds every request's headers with a ``Remote-Addr`` entry first (the client address of the
ASGI scope, ``quart/asgi.py``), then the client's own headers; Werkzeug never adds one. A Flask app
that echoes or forwards its request headers (``dict(request.headers)``, a loop over
``request.headers.items()``, ``requests.get(url, headers=request.headers)``, a look-up of
``Remote-Addr``) shows, once ported, a header the client never sent, or a second value next to the
one it did send. The port registers a ``before_request`` hook, written into the module, that takes
out the entry Quart added and only that one: the hook counts the ``Remote-Addr`` headers of the
ASGI scope (what the client sent, which the app sees as under Flask) and removes the first entry
when the request has one more. ``request.remote_addr`` is unchanged: Quart reads it from that entry
when it builds the request, before any hook runs. A request built by ``test_request_context`` has
no added entry and is left alone.

The hook is generated only where the project uses ``request.headers`` as a whole (the analysis
records every use that is not a look-up of one constant header name other than ``Remote-Addr``):
an app that only reads ``request.headers.get("Authorization")`` never sees the extra entry, and
pays nothing. It is registered where the app is built (``app = Flask(...)`` at module level, in a
factory, as ``self.app``, or an instance of a project subclass of ``Flask``), first among the app's
hooks so every other hook sees the client's headers. A project that builds no app (blueprints
only, the app is built elsewhere) registers it on each of its blueprints with
``before_app_request``: registered twice, it removes nothing the second time. Test modules get it
on the apps they build only when they use ``request.headers`` as a whole themselves. Not covered:
a third-party package that reads ``request.headers`` as a whole on the project's behalf, and
websocket handlers (``websocket.headers`` has the entry too; Flask has no websockets).

Docs: https://github.com/pallets/quart/blob/main/src/quart/asgi.py (``_create_request_from_scope``)
"""

from __future__ import annotations

import functools

import libcst as cst

from .. import values as V
from ..analysis import ModuleFacts, ProjectAnalysis
from ..facts import based_on
from .base import Rule

HOOK = "drop_quart_remote_addr"
HOOK_SOURCE = '''

async def drop_quart_remote_addr():
    """Quart adds a Remote-Addr request header (the client's address) before the client's own
    headers; Flask apps never see it. Remove Quart's entry, keeping one the client sent
    (request.remote_addr is already set). Added by flask2quart, F2Q130."""
    names = [name.lower() for name, _ in {request}.headers]
    sent = sum(name.lower() == b"remote-addr" for name, _ in {request}.scope.get("headers", ()))
    if names.count("remote-addr") > sent:
        del {request}.headers[names.index("remote-addr")]
'''

_APP_BASES = frozenset({"q:flask.Flask", "q:flask.app.Flask", "q:quart.Quart", "q:quart.app.Quart"})


def app_classes(analysis: ProjectAnalysis) -> set[str]:
    """``q:module:Class`` of the project's subclasses of ``Flask``/``Quart``, through project bases."""
    return {f"q:{name}" for name in analysis.classes if based_on(name, analysis.classes, _APP_BASES.__contains__)}


def built_by_call(line: cst.SimpleStatementLine) -> tuple[cst.BaseExpression, cst.Call] | None:
    """``target = Something(...)`` (a name or an attribute, ``x: T = ...`` too): the target and the
    call, where a rule registers something on what was just built (F2Q130, F2Q136)."""
    if len(line.body) != 1:
        return None
    statement = line.body[0]
    if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
        target: cst.BaseExpression = statement.targets[0].target
    elif isinstance(statement, cst.AnnAssign) and statement.value is not None:
        target = statement.target
    else:
        return None
    value = statement.value
    if isinstance(target, (cst.Name, cst.Attribute)) and isinstance(value, cst.Call):
        return target, value
    return None


def _uses_headers(analysis: ProjectAnalysis, facts: ModuleFacts) -> bool:
    """The app code uses ``request.headers`` as a whole; for a test module's own apps, that module."""
    if facts.is_test:
        return facts.reads_request_headers
    return any(m.reads_request_headers for m in analysis.modules.values() if not m.is_test)


def _builds_app(analysis: ProjectAnalysis, app_classes: set[str]) -> bool:
    defining = {name[2:].partition(":")[0] for name in app_classes}
    return any(m.creates_app or m.module in defining for m in analysis.modules.values() if not m.is_test)


class RemoteAddrHeader(Rule):
    code = "F2Q130"
    name = "remote-addr-header"

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.BaseStatement]:
        built = built_by_call(updated)
        if built is None or HOOK in self.ctx.facts.functions:
            return updated  # the hook is there already: a second run adds nothing
        target, value = built
        registration = self._registration(self.ctx.value(value.func))
        if registration is None or not _uses_headers(self.ctx.analysis, self.ctx.facts):
            return updated
        request = self.ctx.require_import("quart", "request")
        self.ctx.add_helper(HOOK, HOOK_SOURCE.replace("{request}", request))
        self.changed()
        owner = cst.Module([]).code_for_node(target)
        hook = cst.parse_statement(f"{owner}.{registration}({HOOK})\n")
        return cst.FlattenSentinel([updated, hook])

    @functools.cached_property
    def app_classes(self) -> set[str]:
        return app_classes(self.ctx.analysis)

    def _registration(self, built: V.Value) -> str | None:
        """``before_request`` after an app is built, ``before_app_request`` after a blueprint when
        the project builds no app of its own; ``None`` for anything else."""
        if V.flask_name(built) == "Flask" or (built and built in self.app_classes):
            return "before_request"
        if (
            V.flask_name(built) == "Blueprint"
            and not self.ctx.in_tests
            and not _builds_app(self.ctx.analysis, self.app_classes)
        ):
            return "before_app_request"
        return None
