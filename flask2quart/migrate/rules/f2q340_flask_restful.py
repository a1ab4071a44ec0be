"""F2Q340: Flask-RESTful keeps its API, from a generated module on Quart's ``MethodView``.

Flask-RESTful runs on Flask's request, views and app (and replaces the app's
``handle_exception``/``handle_user_exception``): under Quart it fails at the first request. Its
resources are already class-based views, so the port keeps them as they are: every
``flask_restful`` import (``Api``, ``Resource``, ``abort``, ``marshal``, ``marshal_with``,
``fields``, ``reqparse``...) moves to a generated module, ``restful.py`` beside the first module of
the project that imports Flask-RESTful (``templates/restful.py``, owned like F2Q117's
``http_client.py``), and nothing else changes. That module implements the API on Quart:
``Resource`` is a ``quart.views.MethodView`` whose methods (plain or ``async def``) and
``method_decorators`` run as under Flask-RESTful; ``Api`` registers them on the app or a
blueprint, writes results with its representations (JSON with ``RESTFUL_JSON``'s settings) and,
as Flask-RESTful's ``error_router``, answers in JSON (``abort(code, **data)``, ``errors=``) every
error on its own routes (in a resource, a ``before_request`` hook, a 405) while the app's handlers
keep answering for the rest of the app; ``reqparse`` parses the body the dispatch read
first, so ``parse_args()`` stays a plain call. The tests compare the Flask-RESTful original and the
port request by request.

Why not quart-schema: it is a different paradigm (pydantic models and per-route validation
decorators instead of resources, ``fields`` and ``reqparse``), so moving to it rewrites the API by
hand (reference §5); F2Q325 still reports Flask-RESTX, flasgger and flask-smorest that way.

Flask-RESTX's core runs on the same API: ``flask_restx`` imports move to the same module under
their own local names (``from .restful import RestxApi as Api, restx_fields as fields``), which adds
``Namespace``/``add_namespace``, ``@ns.route``, models, ``marshal_with(skip_none=)``, ``payload``,
``abort(code, message)``, Flask-RESTX's ``reqparse`` errors, its error handlers and default endpoints;
F2Q325 reports what it lacks (the Swagger UI and ``swagger.json``, ``validate=True``).

Not kept: ``flask_restful.inputs``, ``flask_restful.representations``, ``flask_restx.inputs`` and
Flask-RESTX's other submodules (reported).

Docs: https://flask-restful.readthedocs.io/en/latest/; docs/extensions.md#flask-restful
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import libcst as cst

from ...findings import Finding, Severity
from .. import analysis as A
from ..context import FileContext
from ._extensions import dotted
from ._generated_imports import moved_import
from .base import Rule
from .f2q206_pytest_asyncio_config import ConfigEdit

CODE = "F2Q340"
TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "restful.py"
MODULE_NAME = "restful"
#: What the generated module defines, by Flask-RESTful's names (its submodules' names included).
PROVIDED = frozenset({
    "Api", "Resource", "abort", "marshal", "marshal_with", "marshal_with_field", "fields", "reqparse",
    "unpack", "output_json", "MarshallingException", "Raw", "Nested", "List", "String", "Integer", "Boolean",
    "Float", "Arbitrary", "Fixed", "Price", "DateTime", "FormattedString", "Url", "Argument", "RequestParser",
    "Namespace",
})
#: Submodules whose names the generated module has (others are reported).
_SUBMODULES = frozenset({"flask_restful", "flask_restful.fields", "flask_restful.reqparse"})
#: Flask-RESTX's names -> the generated module's (its RESTX section, built on the same API).
RESTX_PROVIDED = {
    "Api": "RestxApi", "Namespace": "RestxNamespace", "Resource": "RestxResource", "Model": "Model",
    "fields": "restx_fields", "marshal": "restx_marshal", "marshal_with": "restx_marshal_with",
    "abort": "restx_abort", "reqparse": "restx_reqparse", "RequestParser": "RestxRequestParser",
    "Argument": "RestxArgument",
}
_RESTX_SUBMODULES = frozenset({"flask_restx", "flask_restx.reqparse"})
#: Top-level packages whose imports move to the generated module.
PACKAGES = frozenset({"flask_restful", "flask_restx"})

_plans: list[tuple[A.ProjectAnalysis, str | None]] = []


def generated_module(analysis: A.ProjectAnalysis) -> str | None:
    """Dotted name of the generated module when the project imports Flask-RESTful (once per process)."""
    for seen, found in _plans:
        if seen is analysis:
            return found
    found = _plan(analysis)
    _plans[:] = [(analysis, found)]
    return found


def _importers(analysis: A.ProjectAnalysis) -> list[A.ModuleFacts]:
    return sorted(
        (facts for facts in analysis.modules.values() if not facts.is_test and any(
            target.split(":")[0].split(".")[0] in PACKAGES for target in facts.imports.values()
        )),
        key=lambda facts: (facts.module.count("."), facts.path),
    )


def _plan(analysis: A.ProjectAnalysis) -> str | None:
    importers = _importers(analysis)
    if not importers:
        return None
    first = importers[0]
    package = first.module if Path(first.path).name == "__init__.py" else first.module.rpartition(".")[0]
    taken = Path(first.path).resolve().parent / f"{MODULE_NAME}.py"
    name = f"f2q_{MODULE_NAME}" if taken.exists() and not _generated(taken) else MODULE_NAME
    return f"{package}.{name}" if package else name


def _generated(path: Path) -> bool:
    with contextlib.suppress(OSError):
        return path.read_bytes().split(b"\n", 1)[0] == TEMPLATE.read_bytes().split(b"\n", 1)[0]
    return False


def module_edit(analysis: A.ProjectAnalysis) -> tuple[ConfigEdit, Finding] | None:
    """The generated module, new or brought up to date (``None``: not needed, current, or the user's)."""
    dotted_name = generated_module(analysis)
    if dotted_name is None:
        return None
    path = Path(_importers(analysis)[0].path).resolve().parent / f"{dotted_name.rpartition('.')[2]}.py"
    after = TEMPLATE.read_bytes()
    before = path.read_bytes() if path.exists() else None
    if before == after or (before is not None and not _generated(path)):
        return None
    finding = Finding(
        str(path), 1, 1, CODE, f"{'wrote' if before is None else 'updated'} {path.name}: Flask-RESTful's API on "
        "Quart's MethodView (resources, Api, abort, marshal, fields, reqparse; docs/extensions.md#flask-restful)",
        Severity.INFO,
    )
    return ConfigEdit(path, before, after), finding


class FlaskRestful(Rule):
    """Moves ``flask_restful`` imports to the generated module."""

    code = CODE
    name = "flask-restful"
    priority = 45

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.module = generated_module(ctx.analysis)


    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        if self.module is None or len(updated.body) != 1:
            return updated
        statement = updated.body[0]
        if isinstance(statement, cst.Import):
            return self._import(original, updated, statement)
        if not isinstance(statement, cst.ImportFrom) or statement.relative or statement.module is None:
            return updated
        module = dotted(statement.module)
        if module.split(".")[0] == "flask_restx":
            return self._restx(original, updated, statement, module)
        if module.split(".")[0] != "flask_restful":
            return updated
        if isinstance(statement.names, cst.ImportStar) or module not in _SUBMODULES:
            self.ctx.report(original, self.code, f"`{module}` is not part of the generated {self.module} module: "
                            "port its use by hand", Severity.ERROR)
            return updated
        moved = [a for a in statement.names if dotted(a.name) in PROVIDED]
        kept = [a for a in statement.names if dotted(a.name) not in PROVIDED]
        for alias in kept:
            self.ctx.report(original, self.code, f"`{module}.{dotted(alias.name)}` is not part of the generated "
                            f"{self.module} module: port its use by hand", Severity.ERROR)
        if not moved:
            return updated
        self.changed()
        self.ctx.report(original, self.code, f"Flask-RESTful's API kept: imported from the generated {self.module} "
                        "(resources on Quart's MethodView); see docs/extensions.md#flask-restful", Severity.INFO)
        return moved_import(self.ctx, self.module, updated, statement, moved, kept)

    def _restx(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine, statement: cst.ImportFrom,
        module: str,
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        """``from flask_restx import Api, fields`` -> ``from .restful import RestxApi as Api, restx_fields as
        fields``: the local names stay."""
        if isinstance(statement.names, cst.ImportStar) or module not in _RESTX_SUBMODULES:
            self.ctx.report(original, self.code, f"`{module}` is not part of the generated {self.module} module: "
                            "port its use by hand", Severity.ERROR)
            return updated
        moved: list[cst.ImportAlias] = []
        kept: list[cst.ImportAlias] = []
        for alias in statement.names:
            name = dotted(alias.name)
            if name not in RESTX_PROVIDED:
                kept.append(alias)
                self.ctx.report(original, self.code, f"`{module}.{name}` is not part of the generated "
                                f"{self.module} module: port its use by hand", Severity.ERROR)
                continue
            local = alias.asname.name if alias.asname is not None else cst.Name(name)
            same = RESTX_PROVIDED[name] == (local.value if isinstance(local, cst.Name) else None)
            moved.append(alias.with_changes(
                name=cst.Name(RESTX_PROVIDED[name]), asname=None if same else cst.AsName(local),
            ))
        if not moved:
            return updated
        self.changed()
        self.ctx.report(original, self.code, f"Flask-RESTX's API kept: imported from the generated {self.module} "
                        "(resources on Quart's MethodView; no Swagger UI); see docs/extensions.md#flask-restx",
                        Severity.INFO)
        return moved_import(self.ctx, self.module, updated, statement, moved, kept)

    def _import(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine, statement: cst.Import
    ) -> cst.SimpleStatementLine:
        """``import flask_restful`` -> ``from pkg import restful as flask_restful``."""
        assert self.module is not None
        names = [dotted(alias.name) for alias in statement.names]
        if names not in (["flask_restful"], ["flask_restx"]):
            if any(name.split(".")[0] in PACKAGES for name in names):
                self.ctx.report(original, self.code, f"import the generated {self.module} module instead",
                                Severity.ERROR)
            return updated
        alias = statement.names[0]
        local = alias.asname.name if alias.asname is not None else cst.Name(names[0])
        package, _, name = self.module.rpartition(".")
        if names == ["flask_restx"]:  # its RESTX section, as a namespace of Flask-RESTX's names
            new: cst.BaseSmallStatement = cst.ImportFrom(
                module=cst.parse_expression(self.module),
                names=[cst.ImportAlias(cst.Name("restx"), asname=cst.AsName(local))],
            )
        elif not package:
            new = cst.Import(
                names=[cst.ImportAlias(cst.Name(name), asname=cst.AsName(local))]
            )
        else:
            new = cst.ImportFrom(
                module=cst.parse_expression(package),
                names=[cst.ImportAlias(cst.Name(name), asname=cst.AsName(local))],
            )
        self.changed()
        return updated.with_changes(body=[new])



__all__ = ["CODE", "FlaskRestful", "generated_module", "module_edit"]
