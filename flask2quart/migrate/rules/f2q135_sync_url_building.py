"""F2Q135: URLs built inside ``test_request_context()`` in code that stays sync.

Flask code often builds a URL outside a request by pushing a throwaway request context::

    @property
    def upload(self):
        with current_app.test_request_context():
            return url_for("api.items")

Quart's ``test_request_context`` is ``async with`` only, impossible in a function that must stay
sync (a property, a ``__init__``, a callback called synchronously), and Quart's ``url_for`` under
an app context alone needs ``SERVER_NAME`` and gives absolute URLs. When the block only builds
URLs (``url_for(...)`` or ``<app>.url_for(...)``; no ``request``, ``session``, ``g``, other Flask
helpers or project calls that could read the request), the context becomes a generated sync
``_f2q_request_urls(app, ...)``, which takes ``test_request_context``'s own arguments, builds the
same request Flask would (host from ``SERVER_NAME`` or ``localhost``, script root from
``APPLICATION_ROOT``, the preferred scheme, the path's blueprint for ``.endpoint`` names), and whose
``url_for`` answers as Flask's does there: relative URLs unless ``_external``, ``_scheme``,
``_anchor``, ``_method``, URL defaults and build-error handlers kept. Any other such block stays an
F2Q107 finding.

Docs: https://flask.palletsprojects.com/en/stable/api/#flask.Flask.test_request_context
"""

from __future__ import annotations

import libcst as cst

from .. import flask_api
from .. import values as V
from .base import Rule

HELPER = "_f2q_request_urls"
URLS = "_f2q_urls"
HELPER_SOURCE = '''

class _f2q_request_urls:
    """`url_for` as Flask's answers inside `app.test_request_context(*args, **kwargs)`, in sync code
    (Quart's request contexts are `async with` only): the URL map bound to the request Flask would
    build, relative URLs unless `_external` (added by flask2quart, F2Q135)."""

    def __init__(self, app, path="/", base_url=None, subdomain=None, url_scheme=None, *args, **kwargs):
        from urllib.parse import urlsplit

        from werkzeug.exceptions import HTTPException
        from werkzeug.test import EnvironBuilder

        if base_url is None:  # as Flask's testing.EnvironBuilder
            host = app.config.get("SERVER_NAME") or "localhost"
            if subdomain:
                host = f"{subdomain}.{host}"
            if url_scheme is None:
                # the port's PREFER_SECURE_URLS stands for Flask's PREFERRED_URL_SCHEME="https"
                secure = app.config.get("PREFER_SECURE_URLS")
                url_scheme = "https" if secure else app.config.get("PREFERRED_URL_SCHEME") or "http"
            url = urlsplit(path)
            root = app.config.get("APPLICATION_ROOT") or "/"
            base_url = f"{url.scheme or url_scheme}://{url.netloc or host}/{root.lstrip('/')}"
            path = url.path + (f"?{url.query}" if url.query else "")
        builder = EnvironBuilder(path, base_url, *args, **kwargs)
        try:
            environ = builder.get_environ()
        finally:
            builder.close()
        server_name, subdomain = app.config.get("SERVER_NAME"), None
        if app.url_map.host_matching:
            server_name = None
        elif not app.subdomain_matching:
            subdomain = app.url_map.default_subdomain or ""
        self.app = app
        self.adapter = app.url_map.bind_to_environ(environ, server_name=server_name, subdomain=subdomain)
        try:
            endpoint = self.adapter.match(return_rule=True)[0].endpoint
        except HTTPException:
            endpoint = None
        self.blueprint = endpoint.rpartition(".")[0] if endpoint and "." in endpoint else None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None

    def url_for(self, endpoint, *, _anchor=None, _method=None, _scheme=None, _external=None, **values):
        from urllib.parse import quote

        from werkzeug.routing import BuildError

        if endpoint[:1] == ".":
            endpoint = f"{self.blueprint}{endpoint}" if self.blueprint is not None else endpoint[1:]
        if _external is None:
            _external = _scheme is not None
        if _scheme is not None and not _external:
            raise ValueError("When specifying '_scheme', '_external' must be True.")
        self.app.inject_url_defaults(endpoint, values)
        try:
            url = self.adapter.build(endpoint, values, method=_method, url_scheme=_scheme, force_external=_external)
        except BuildError as error:
            values.update(_anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external)
            return self.app.handle_url_build_error(error, endpoint, values)
        if _anchor is not None:
            url = url + "#" + quote(_anchor, safe="%!#$&'()*+,/:;=?@")
        return url
'''

#: Code in a block that runs later, outside it.
_DEFERRED = (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.GeneratorExp)


class SyncUrlBuilding(Rule):
    code = "F2Q135"
    name = "sync-url-building"
    #: Decides before F2Q107 reports the ``with`` (see ``FileContext.sync_url_blocks``).
    priority = 40

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is not None or self.ctx.can_await() or len(node.items) != 1:
            return
        item = node.items[0]
        call = item.item
        if item.asname is not None or not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
            return
        if call.func.attr.value != "test_request_context" or any(arg.star for arg in call.args):
            return
        receiver_is_current_app = self._is_current_app(call.func.value)
        check = _UrlOnly(self, receiver_is_current_app)
        node.body.visit(check)
        for arg in call.args:
            arg.value.visit(check)
        if check.ok and check.urls:
            self.ctx.sync_url_blocks.add(id(node))
            self.ctx.sync_url_blocks.add(id(call))

    def leave_With(self, original: cst.With, updated: cst.With) -> cst.With:
        if id(original) not in self.ctx.sync_url_blocks:
            return updated
        self.changed()
        self.ctx.add_helper(HELPER, HELPER_SOURCE)
        item = updated.items[0]
        call = item.item
        assert isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
        app = cst.Arg(call.func.value, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if call.args else cst.MaybeSentinel.DEFAULT)
        helper = cst.Call(cst.Name(HELPER), args=[app, *call.args])
        new_item = item.with_changes(item=helper, asname=cst.AsName(cst.Name(URLS)))
        return updated.with_changes(items=[new_item], body=updated.body.visit(_ToHelper(self)))

    # --- what the block uses ------------------------------------------------------------------
    def value(self, node: cst.BaseExpression) -> V.Value:
        """What a name or a dotted name is, from the scopes at this point (``flask.request``)."""
        if isinstance(node, cst.Name):
            return self.ctx.resolve(node.value)
        if isinstance(node, cst.Attribute):
            base = self.value(node.value)
            if base and base.startswith("q:") and ":" not in base[2:]:  # a module: ``flask.request``
                return V.normalise(f"{base}.{node.attr.value}")
        return None

    def _is_current_app(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            return self.is_current_app_name(node)
        if isinstance(node, cst.Attribute):
            return node.attr.value == "current_app" and self.value(node) == V.APP
        return False

    def is_current_app_name(self, name: cst.Name) -> bool:
        target = self.ctx.facts.imports.get(name.value)
        return self.ctx.resolve(name.value) == V.APP and framework_member("q:" + target if target else None) == "current_app"

    def is_url_for(self, call: cst.Call) -> bool:
        """``url_for(...)`` (Flask's) or ``<app>.url_for(...)``."""
        func = call.func
        if any(arg.star for arg in call.args):
            return False
        if isinstance(func, cst.Attribute) and func.attr.value == "url_for" and not isinstance(func.value, cst.Call):
            value = self.value(func.value)
            if value == V.APP:
                return True
        return framework_member(self.value(func)) == "url_for"

    def project_call(self, func: cst.BaseExpression) -> bool:
        """A call that may run project code, which may read the request: a project function, or a
        method of ``self``/a project object."""
        root = func
        while isinstance(root, (cst.Attribute, cst.Call, cst.Subscript)):
            root = root.func if isinstance(root, cst.Call) else root.value
        if not isinstance(root, cst.Name):
            return True
        value = self.value(func) if isinstance(func, (cst.Name, cst.Attribute)) else None
        if V.is_project(value) or V.is_project(self.ctx.resolve(root.value)):
            return True
        if (self.ctx.resolve(root.value) or "").startswith("k:obj:"):
            return True
        scope = self.ctx.enclosing_function()
        return root is not func and scope is not None and scope.params[:1] == (root.value,)


def framework_member(value: V.Value) -> str | None:
    """``q:flask.session`` or (a second run) ``q:quart.session`` -> ``session``."""
    if value and value.startswith("q:") and ":" not in value[2:]:
        module, _, member = value[2:].rpartition(".")
        if flask_api.flask_member(value[2:]) or module.split(".")[0] == "quart":
            return member
    return None


class _UrlOnly(cst.CSTVisitor):
    """Does a block only build URLs? ``urls`` counts the ``url_for`` calls; ``ok`` turns False at
    anything that could need the request context."""

    def __init__(self, rule: SyncUrlBuilding, receiver_is_current_app: bool) -> None:
        self.rule = rule
        self.receiver_is_current_app = receiver_is_current_app
        self.ok = True
        self.urls = 0

    def on_visit(self, node: cst.CSTNode) -> bool:
        if not self.ok:
            return False
        if isinstance(node, _DEFERRED):
            self.ok = False  # runs later, outside the block
            return False
        if isinstance(node, (cst.Await, cst.Yield, cst.With)):
            self.ok = False
            return False
        return super().on_visit(node)

    def visit_Call(self, node: cst.Call) -> bool:
        if self.rule.is_url_for(node):
            self.urls += 1
            for arg in node.args:
                arg.value.visit(self)
            if isinstance(node.func, cst.Attribute):
                node.func.value.visit(self)
            return False
        if self.rule.project_call(node.func):
            self.ok = False
        return True

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if not self._allowed(self.rule.value(node)):
            self.ok = False
            return False
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False

    def visit_Name(self, node: cst.Name) -> bool:
        if not self._allowed(self.rule.value(node), node):
            self.ok = False
        return False

    def _allowed(self, value: V.Value, name: cst.Name | None = None) -> bool:
        if value in (V.REQUEST, V.G, V.ENVIRON):
            return False
        if value == V.APP and name is not None:  # ``current_app`` is there only if it was before
            return not self.rule.is_current_app_name(name) or self.receiver_is_current_app
        return framework_member(value) is None  # ``session``, ``flash``, a bare ``url_for``...


class _ToHelper(cst.CSTTransformer):
    """``url_for(...)`` and ``<app>.url_for(...)`` -> ``_f2q_urls.url_for(...)``."""

    def __init__(self, rule: SyncUrlBuilding) -> None:
        super().__init__()
        self.rule = rule

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        if self.rule.is_url_for(original):
            return updated.with_changes(func=cst.Attribute(cst.Name(URLS), cst.Name("url_for")))
        return updated
