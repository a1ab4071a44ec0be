"""F2Q125: Werkzeug's file wrappers and ``direct_passthrough`` in Quart responses.

Flask apps stream a file object with ``Response(wrap_file(request.environ, f), direct_passthrough=True)``
(or ``FileWrapper(f, buffer_size)``). Quart's ``Response`` has no ``direct_passthrough`` (every call
raised ``TypeError``), and its request has no WSGI environ for ``wrap_file`` to look in. The keyword
is dropped from ``Response(...)``/``app.response_class(...)`` (it only told Werkzeug not to wrap the
body again: Quart never does), and ``wrap_file(environ, f[, size])``/``FileWrapper(f[, size])``
become a generator written into the module that reads the file in blocks of the same size and
closes it at the end, as Werkzeug's wrapper does; Quart iterates such a body in a worker thread, so
the blocking reads stay off the event loop.

Docs: https://quart.palletsprojects.com/en/latest/reference/source/quart.wrappers.response.html
"""

from __future__ import annotations

import libcst as cst

from .. import values as V
from .base import Rule
from .f2q119_request_environ import HELPER as ENVIRON_HELPER

HELPER = "_f2q_file_body"
HELPER_SOURCE = '''

def _f2q_file_body(file, buffer_size=8192):
    """Werkzeug's `wrap_file`/`FileWrapper` as a Quart body: the file read in blocks, closed at the
    end (added by flask2quart, F2Q125)."""
    try:
        while True:
            block = file.read(buffer_size)
            if not block:
                return
            yield block
    finally:
        close = getattr(file, "close", None)
        if close is not None:
            close()
'''

_WRAP_FILE = frozenset({"q:werkzeug.wsgi.wrap_file", "q:werkzeug.wrap_file"})
_FILE_WRAPPER = frozenset({"q:werkzeug.wsgi.FileWrapper", "q:werkzeug.FileWrapper"})
#: What builds a response and took ``direct_passthrough`` under Flask.
_RESPONSE_CLASSES = frozenset(
    {"flask.Response", "flask.wrappers.Response", "werkzeug.wrappers.Response", "werkzeug.Response",
     "werkzeug.wrappers.response.Response", "werkzeug.wrappers.BaseResponse"}
)


def _builds_response(ctx, func: cst.BaseExpression) -> bool:  # type: ignore[no-untyped-def]
    value = ctx.value(func) or ""
    if (value.startswith("q:") and value[2:] in _RESPONSE_CLASSES) or V.flask_name(value) == "Response":
        return True
    # ``app.response_class(...)``/``current_app.response_class(...)``
    return isinstance(func, cst.Attribute) and func.attr.value == "response_class" and ctx.value(func.value) == V.APP


class FileWrapper(Rule):
    code = "F2Q125"
    name = "file-wrapper"
    priority = 40

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self._dropped_environ = False

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        # the environ F2Q119 built for ``wrap_file`` is no longer passed: no helper for it then
        if self._dropped_environ and ENVIRON_HELPER + "(" not in updated.code:
            self.ctx.helpers.pop(ENVIRON_HELPER, None)
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        func = self.ctx.value(updated.func)
        if func in _WRAP_FILE or func in _FILE_WRAPPER:
            args = list(updated.args[1:] if func in _WRAP_FILE else updated.args)
            if not args or any(a.star for a in updated.args):
                return updated
            self._dropped_environ |= func in _WRAP_FILE
            args = [a.with_changes(keyword=cst.Name("buffer_size")) if a.keyword and a.keyword.value == "buffer_size" else a for a in args]
            self.ctx.add_helper(HELPER, HELPER_SOURCE)
            self.changed()
            return updated.with_changes(func=cst.Name(HELPER), args=args)
        if not self.ctx.facts.uses_flask or not _builds_response(self.ctx, updated.func):
            return updated
        kept = [a for a in updated.args if not (a.keyword is not None and a.keyword.value == "direct_passthrough")]
        if len(kept) == len(updated.args):
            return updated
        if kept:
            last = kept[-1]
            kept[-1] = last.with_changes(comma=cst.MaybeSentinel.DEFAULT) if not isinstance(updated.args[-1].comma, cst.Comma) else last
        self.changed()
        return updated.with_changes(args=kept)
