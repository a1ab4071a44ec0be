"""F2Q123: Werkzeug's ``Response`` class in a Flask app becomes Quart's.

Flask apps may build responses with ``werkzeug.wrappers.Response`` (Flask's own ``Response`` is a
subclass, and old apps import ``BaseResponse``). Quart serves such an object through its WSGI-style
path, iterating the body synchronously: an async generator body (a streamed view, once ported)
fails with ``TypeError: 'async_generator' object is not iterable``, and body reads are not
awaitable. In a module that uses Flask, ``from werkzeug.wrappers import Response`` (or
``BaseResponse``, or from ``werkzeug.wrappers.response``) becomes ``from quart import Response``
under the same local name.

Werkzeug's ``Response`` sends ``text/plain`` when it is given no type (Flask's and Quart's send
``text/html``): ``Response("Invalid status code", status=400)`` would reach clients, once ported,
as HTML, which also turns echoed user input into markup. Such calls get ``mimetype="text/plain"``
where the call shows it sets no type: no ``mimetype``/``content_type``, and headers (if any) a dict
literal without ``Content-Type``. A call whose headers are not a literal (``headers=headers``), or
a project subclass of Werkzeug's ``Response``, keeps Quart's default.

Docs: https://quart.palletsprojects.com/en/latest/reference/source/quart.wrappers.response.html,
https://werkzeug.palletsprojects.com/en/stable/wrappers/#werkzeug.wrappers.Response.default_mimetype
"""

from __future__ import annotations

import libcst as cst

from .base import Rule

_MODULES = frozenset({"werkzeug.wrappers", "werkzeug.wrappers.response", "werkzeug"})
_NAMES = frozenset({"Response", "BaseResponse"})
_CLASSES = frozenset(f"q:{module}.{name}" for module in _MODULES for name in _NAMES)
#: ``Response(response, status, headers, mimetype, content_type)``: the type's positions and names
_TYPE_KEYWORDS = frozenset({"mimetype", "content_type"})


def _sets_no_type(call: cst.Call) -> bool:
    """The call gives no type: Werkzeug would send ``text/plain``. Unknown (``**kwargs``,
    ``headers=headers``): ``False``."""
    positional = [arg for arg in call.args if arg.keyword is None]
    if any(arg.star for arg in call.args) or len(positional) > 3:
        return False
    if any(arg.keyword is not None and arg.keyword.value in _TYPE_KEYWORDS for arg in call.args):
        return False
    headers = [arg.value for arg in call.args if arg.keyword is not None and arg.keyword.value == "headers"]
    headers += [arg.value for arg in positional[2:3]]
    for value in headers:
        if not isinstance(value, cst.Dict):
            return False
        for element in value.elements:
            if not isinstance(element, cst.DictElement) or not isinstance(element.key, cst.SimpleString):
                return False
            name = element.key.evaluated_value
            if not isinstance(name, str) or name.lower() == "content-type":
                return False
    return True


def _with_keyword(call: cst.Call, arg: cst.Arg) -> cst.Call:
    """``arg`` after the call's last argument, on its own line when the call has one per line."""
    if not call.args:
        return call.with_changes(args=[arg])
    *rest, last = call.args
    if isinstance(last.comma, cst.Comma):  # a trailing comma: one argument per line
        indent = call.whitespace_before_args
        separator = cst.Comma(whitespace_after=indent)
        return call.with_changes(args=[*rest, last.with_changes(comma=separator), arg.with_changes(comma=last.comma)])
    separator = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return call.with_changes(args=[*rest, last.with_changes(comma=separator), arg])


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

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        if not self.ctx.facts.uses_flask or self.ctx.value(original.func) not in _CLASSES:
            return updated
        if not _sets_no_type(updated):
            return updated
        self.changed()
        mimetype = cst.Arg(
            value=cst.SimpleString('"text/plain"'),
            keyword=cst.Name("mimetype"),
            equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
        )
        return _with_keyword(updated, mimetype)
