"""F2Q127: optional imports of Flask-only extensions take their fallback.

Apps guard optional extensions with ``try: from flasgger import Swagger`` / ``except ImportError:
Swagger = None``. Under Quart such an extension is still importable (Quart installs Flask), so the
``try`` succeeds and the app hands its Quart app to code written for Flask's: it fails at start-up
or in the middle of a request. Where every import in the ``try`` body is from a Flask extension
that does not run under Quart (flasgger, Flask-RESTX, flask-smorest, Flask-DebugToolbar: those an
F2Q3xx rule reports, not those it ports or bridges), and the ``try`` has one ``except`` catching
``ImportError`` (or ``ModuleNotFoundError``, ``Exception``, bare), the statement becomes its
``except`` body, as if the package were not installed: the app runs the way its authors made it
run without the extension. A warning says what is lost and what to port it to.

Docs: https://quart.palletsprojects.com/en/latest/how_to_guides/flask_extensions.html
"""

from __future__ import annotations

import functools

import libcst as cst

from ...findings import Severity
from .. import flask_api
from ._extensions import dotted
from .base import Rule

_CATCHES_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
#: What each Flask-only extension gave the app, and its Quart counterpart. Besides these, the
#: extensions an F2Q3xx rule reports as not running under Quart count (their rule's ``modules``).
_LOST = {
    "flasgger": "its Swagger UI and /apispec JSON are not served; quart-schema gives both (`QuartSchema(app)`)",
    "flask_restx": "its API routes and Swagger docs are not registered; port them to quart-schema",
    "flask_restplus": "its API routes and Swagger docs are not registered; port them to quart-schema",
    "flask_smorest": "its API routes and OpenAPI docs are not registered; port them to quart-schema",
    "flask_debugtoolbar": "the debug toolbar is not shown (it is WSGI-only)",
}


def _top(module: str) -> str:
    return module.partition(".")[0]


@functools.cache
def _flask_only() -> frozenset[str]:
    """Extensions that do not run under Quart: known ones, and those a report rule names, minus
    what is ported or runs through the context bridge (F2Q327: other Flask extensions go there)."""
    from . import PYTHON_RULES  # the rules package imports this module first
    from ._report_extension import ExtensionReport
    from .f2q327_flask_bridge import _PORTED_ELSEWHERE, BRIDGED

    reported = {m for rule in PYTHON_RULES if issubclass(rule, ExtensionReport) for m in rule.modules}
    ported = {_top(m) for m in flask_api.EXTENSION_MODULES} | set(BRIDGED) | set(_PORTED_ELSEWHERE)
    return frozenset((reported | set(_LOST)) - ported)


def flask_only(module: str) -> bool:
    """An extension package nothing ports to Quart (it would run against Flask's API)."""
    return _top(module) in _flask_only()


def _imported_modules(body: cst.BaseSuite) -> list[str] | None:
    """The modules the ``try`` body imports; ``None`` if it does more than import and assign."""
    modules: list[str] = []
    if not isinstance(body, cst.IndentedBlock):
        return None
    for statement in body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            return None
        for small in statement.body:
            if isinstance(small, cst.ImportFrom) and small.module is not None and not small.relative:
                modules.append(dotted(small.module))
            elif isinstance(small, cst.Import):
                modules.extend(dotted(alias.name) for alias in small.names)
            elif not isinstance(small, (cst.Assign, cst.Pass)):
                return None
    return modules


def _catches_import_errors(handler: cst.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    names = handler.type.elements if isinstance(handler.type, cst.Tuple) else [cst.Element(handler.type)]
    return any(isinstance(e.value, cst.Name) and e.value.value in _CATCHES_IMPORT_ERRORS for e in names)


class OptionalFlaskImports(Rule):
    code = "F2Q127"
    name = "optional-flask-imports"
    priority = 40

    def leave_Try(self, original: cst.Try, updated: cst.Try) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if updated.orelse is not None or updated.finalbody is not None or len(updated.handlers) != 1:
            return updated
        handler = updated.handlers[0]
        modules = _imported_modules(updated.body)
        if not modules or not all(flask_only(m) for m in modules) or not _catches_import_errors(handler):
            return updated
        if handler.name is not None or not isinstance(handler.body, cst.IndentedBlock):
            return updated  # ``except ImportError as e``: the body may read the exception
        packages = list(dict.fromkeys(_top(m) for m in modules))
        lost = "; ".join(_LOST.get(p, f"what `{p}` added to the app is gone") for p in packages)
        names, runs = ", ".join(packages), "runs" if len(packages) == 1 else "run"
        self.ctx.report(
            original, self.code, f"{names} only {runs} on Flask: this optional import now takes its `except` "
            f"branch, as if not installed ({lost}); port it by hand to get it back", Severity.WARNING,
        )
        self.changed()
        statements = list(handler.body.body)
        comment = cst.EmptyLine(comment=cst.Comment(
            f"# flask2quart: {names} only {runs} on Flask, the app runs without it (F2Q127)"
        ))
        first = statements[0]
        statements[0] = first.with_changes(leading_lines=[*updated.leading_lines, comment])
        return cst.FlattenSentinel(statements)
