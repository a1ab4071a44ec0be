"""F2Q123: Werkzeug's ``Response`` class in a Flask app becomes Quart's.

Flask apps may build responses with ``werkzeug.wrappers.Response`` (Flask's own ``Response`` is a
subclass, and old apps import ``BaseResponse``). Quart serves such an object through its WSGI-style
path, iterating the body synchronously: an async generator body (a streamed view, once ported)
fails with ``TypeError: 'async_generator' object is not iterable``, and body reads are not
awaitable. In a module that uses Flask, ``from werkzeug.wrappers import Response`` (or
``BaseResponse``, or from ``werkzeug.wrappers.response``) becomes ``from quart import Response``
under the same local name.

Docs: https://quart.palletsprojects.com/en/latest/reference/source/quart.wrappers.response.html
"""

from __future__ import annotations

import libcst as cst

from .base import Rule

_MODULES = frozenset({"werkzeug.wrappers", "werkzeug.wrappers.response", "werkzeug"})
_NAMES = frozenset({"Response", "BaseResponse"})


class WerkzeugResponse(Rule):
    code = "F2Q123"
    name = "werkzeug-response"
    priority = 40

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom) -> cst.ImportFrom:
        if not self.ctx.facts.uses_flask or updated.relative or updated.module is None:
            return updated
        if cst.Module([]).code_for_node(updated.module) not in _MODULES or isinstance(updated.names, cst.ImportStar):
            return updated
        names = list(updated.names)
        if not names or any(not isinstance(a.name, cst.Name) or a.name.value not in _NAMES for a in names):
            return updated  # other names too: leave the import whole
        aliases = []
        for alias in names:
            local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else alias.name.value  # type: ignore[union-attr]
            as_name = None if local == "Response" else cst.AsName(cst.Name(local))
            aliases.append(alias.with_changes(name=cst.Name("Response"), asname=as_name))
        self.changed()
        return updated.with_changes(module=cst.Name("quart"), names=aliases)
