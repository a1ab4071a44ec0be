"""F2Q308: Flask-HTTPAuth becomes quart-httpauth; its callbacks become ``async def``.

quart-httpauth keeps Flask-HTTPAuth's classes (``HTTPBasicAuth``, ``HTTPTokenAuth``,
``HTTPDigestAuth``, ``MultiAuth``), decorators (``login_required``, ``login_required(role=...,
optional=...)``) and callbacks (``verify_password``, ``verify_token``, ``get_password``,
``get_user_roles``, ``error_handler``, the digest nonce/opaque ones), and ``current_user()`` stays
a plain method. It awaits every callback through ``ensure_async``: a sync callback would run in a
worker thread, away from the request's connection objects on ``g`` (the reason F2Q103 makes hooks
async, porting notes A2). So the project analysis gives each function registered with one of those
decorators the role of a hook: it becomes ``async def``, what it calls that became async is
awaited, and so is every direct call to it. This rule moves the imports, renames
``g.flask_httpauth_user`` (set by ``login_required``) to ``g.quart_httpauth_user``, and reports what
quart-httpauth does not have:

- ``@basic_auth.get_password`` (and ``hash_password``): Flask-HTTPAuth compared the client's
  password with the stored one for ``HTTPBasicAuth``; quart-httpauth only calls
  ``verify_password`` there, so every request would get a 401. Write a ``verify_password`` callback
  (ERROR). ``get_password`` on ``HTTPDigestAuth`` is supported.
- ``auth.username()`` (deprecated in Flask-HTTPAuth): use ``auth.current_user()`` (ERROR).

Docs: https://pypi.org/project/quart-httpauth/ and https://flask-httpauth.readthedocs.io/
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from ._extensions import ExtensionImports

_BASIC = "flask_httpauth.HTTPBasicAuth"
_AUTH_CLASSES = frozenset(
    {"flask_httpauth.HTTPBasicAuth", "flask_httpauth.HTTPTokenAuth", "flask_httpauth.HTTPDigestAuth"}
)
_BASIC_ONLY_VERIFY = (
    "quart-httpauth's HTTPBasicAuth never compares passwords itself (Flask-HTTPAuth did, with "
    "`get_password`/`hash_password`): write `@auth.verify_password` returning the user when "
    "`hmac.compare_digest(stored, password)`, or every request gets a 401"
)


class FlaskHttpAuth(ExtensionImports):
    code = "F2Q308"
    name = "flask-httpauth"
    priority = 45
    modules = {"flask_httpauth": "quart_httpauth"}  # noqa: RUF012 - class-level table of a rule

    def _method(self, node: cst.BaseExpression) -> tuple[str, str] | None:
        """(class, method) when ``node`` is a method of a Flask-HTTPAuth object."""
        method = V.extension_method(self.ctx.value(node))
        if method is None:
            return None
        owner, _, name = method.rpartition(".")
        return (owner, name) if owner in _AUTH_CLASSES else None

    def leave_Decorator(self, original: cst.Decorator, updated: cst.Decorator) -> cst.Decorator:
        method = self._method(original.decorator)
        if method is not None and method[0] == _BASIC and method[1] in ("get_password", "hash_password"):
            self.ctx.report(original, self.code, _BASIC_ONLY_VERIFY, Severity.ERROR)
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        method = self._method(original.func)
        if method is not None and method[1] == "username" and not original.args:
            self.ctx.report(
                original, self.code, "quart-httpauth has no `username()`: use `auth.current_user()` "
                "(the username when the verify callback returned True)", Severity.ERROR,
            )
        return updated

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
        if updated.attr.value == "flask_httpauth_user" and self.ctx.value(updated.value) == V.G:
            self.changed()
            renamed = updated.with_changes(attr=cst.Name("quart_httpauth_user"))
            self.ctx.set_value(renamed, self.ctx.value(updated))
            return renamed
        return super().leave_Attribute(original, updated)
