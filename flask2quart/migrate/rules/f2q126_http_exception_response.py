"""F2Q126: ``HTTPException.get_response`` overrides callable without an environ.

Werkzeug calls ``get_response(environ)`` with the WSGI environ; Quart calls ``error.get_response()``
with no argument (it has no environ). A project ``HTTPException`` subclass (directly or through
project bases, in any module) overriding ``get_response(self, environ)`` with a required
``environ`` failed every time it was raised ("missing 1 required positional argument"): its
``environ`` parameter gets a ``None`` default, which Werkzeug's own ``get_response``, ``get_body``
and ``get_headers`` accept. Where the override reads the environ itself (``environ["PATH_INFO"]``)
rather than handing it on, that read is reported: under Quart it is ``None``, read the request from
``quart.request`` instead. ``abort(response)`` needs nothing: Quart raises the response as Flask does.

Docs: https://werkzeug.palletsprojects.com/en/stable/exceptions/#werkzeug.exceptions.HTTPException.get_response
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from ..flow import _http_exception
from .base import Rule


class HttpExceptionResponse(Rule):
    code = "F2Q126"
    name = "http-exception-response"
    priority = 40

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        if updated.name.value != "get_response" or len(self.ctx.scopes) < 2 or self.ctx.scopes[-2].kind != "class":
            return updated
        klass = self.ctx.project_qualname(self.ctx.scopes[-2].qualname)
        if not _http_exception(klass, self.ctx.analysis.classes):
            return updated
        params = list(updated.params.params)
        if len(params) < 2:
            return updated
        environ = params[1]
        self._report_reads(original, environ.name.value)
        if environ.default is not None:
            return updated
        if any(p.default is None for p in params[2:]):
            self.ctx.report(
                original.name, self.code, "Quart calls `get_response()` without arguments: give this "
                "override's parameters defaults (`environ=None`)", Severity.ERROR,
            )
            return updated
        self.changed()
        params[1] = environ.with_changes(
            default=cst.Name("None"),
            equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
        )
        return updated.with_changes(params=updated.params.with_changes(params=params))

    def _report_reads(self, function: cst.FunctionDef, name: str) -> None:
        """``environ[...]``/``environ.get(...)`` in the body: ``None`` under Quart."""

        class Reads(cst.CSTVisitor):
            found: cst.CSTNode | None = None

            def visit_Subscript(self, node: cst.Subscript) -> None:
                if isinstance(node.value, cst.Name) and node.value.value == name and self.found is None:
                    self.found = node

            def visit_Attribute(self, node: cst.Attribute) -> None:
                if isinstance(node.value, cst.Name) and node.value.value == name and self.found is None:
                    self.found = node

        reads = Reads()
        function.body.visit(reads)
        if reads.found is not None:
            self.ctx.report(
                reads.found, self.code, f"Quart calls `get_response()` without an environ: `{name}` is None "
                "here; read the request from `quart.request` (headers, path, remote_addr) instead", Severity.ERROR,
            )
