"""F2Q101: import Quart instead of Flask.

``flask`` and ``flask.<module>`` imports become ``quart`` and ``quart.<module>``; ``Flask``,
``FlaskGroup``, ``FlaskClient`` and ``FlaskCliRunner`` become their Quart names wherever the name
resolves to Flask's (an alias such as ``import flask as f`` keeps its alias). Quart >= 0.19 is built
on Flask's sansio core, so every other public name keeps its spelling. Each Flask module maps to one
that exists where Quart is installed (``flask_api.MODULE_TARGETS``): ``flask.sansio.*`` and
``flask.debughelpers`` stay Flask's (Quart depends on Flask and subclasses its sansio classes), Flask
2's ``flask.scaffold`` becomes ``flask.sansio.scaffold``. A module with no counterpart is reported.

Docs: https://quart.palletsprojects.com/en/latest/how_to_guides/flask_migration.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import flask_api
from .. import values as V
from ._extensions import dotted, expression
from .base import Rule


def _is_flask_module(name: str) -> bool:
    return name == "flask" or name.startswith("flask.")


class ImportQuart(Rule):
    code = "F2Q101"
    name = "import-quart"

    def leave_Import(self, original: cst.Import, updated: cst.Import) -> cst.Import:
        names = []
        for alias in updated.names:
            module = dotted(alias.name)
            target = flask_api.quart_module(module) if _is_flask_module(module) else module
            if target is None:
                self._unknown(original, module)
            elif target != module:
                alias = alias.with_changes(name=expression(target))
                self.changed()
            names.append(alias)
        return updated.with_changes(names=names)

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom) -> cst.ImportFrom:
        if updated.relative or updated.module is None:
            return updated
        module = dotted(updated.module)
        if not _is_flask_module(module):
            return updated
        target = flask_api.quart_module(module)
        if target is None:
            self._unknown(original, module)
            return updated
        changes: dict[str, object] = {"module": expression(target)} if target != module else {}
        if not isinstance(updated.names, cst.ImportStar):
            names = []
            for alias in updated.names:
                old = alias.name.value if isinstance(alias.name, cst.Name) else ""
                if old in flask_api.RENAMED_NAMES:
                    alias = alias.with_changes(name=cst.Name(flask_api.RENAMED_NAMES[old]))
                    changes["names"] = names
                names.append(alias)
        if not changes:
            return updated
        self.changed()
        return updated.with_changes(**changes)

    def _unknown(self, node: cst.CSTNode, module: str) -> None:
        self.ctx.report(
            node, self.code, f"`{module}` is not a module of the Flask Quart installs and has no Quart "
            "counterpart: import what it provided from `quart` (or its new place in Flask >= 3) by hand",
            Severity.ERROR,
        )

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        target = self.ctx.facts.imports.get(updated.value)
        if target is None or not _binding_is_import(self.ctx, updated.value):
            return updated
        if target == "flask" and updated.value == "flask":  # ``import flask``
            self.changed()
            return updated.with_changes(value="quart")
        member = V.flask_name("q:" + target)
        if member in flask_api.RENAMED_NAMES and updated.value == member:
            self.changed()
            return updated.with_changes(value=flask_api.RENAMED_NAMES[member])
        return updated

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        base = self.ctx.value(updated.value)
        attr = updated.attr.value
        if isinstance(original.value, cst.Name) and original.value.value == "flask":
            # ``flask.sansio.scaffold.x`` after ``import flask.sansio.scaffold``: a module that stays
            # Flask's keeps its spelling (``import flask`` alone does not bind it)
            target = flask_api.quart_module(f"flask.{attr}") or ""
            if target.startswith("flask.") and self.ctx.facts.imports.get("flask") == "flask":
                if target != f"flask.{attr}":
                    self.changed()
                return expression(target)
        if attr in flask_api.RENAMED_NAMES and V.flask_name(f"{base}.{attr}") == attr:
            self.changed()
            renamed = updated.with_changes(attr=cst.Name(flask_api.RENAMED_NAMES[attr]))
            self.ctx.set_value(renamed, self.ctx.value(updated))
            return renamed
        return updated


def _binding_is_import(ctx, name: str) -> bool:  # type: ignore[no-untyped-def]
    """The name is not rebound by a function scope we are in."""
    for scope in ctx.scopes:
        if scope.kind in ("function", "lambda", "genexp") and name in scope.local_names:
            return False
    return True
