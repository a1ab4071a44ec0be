"""Shared by the extension rules (``F2Q3xx``): move a Flask extension's imports to its Quart port.

An :class:`ExtensionImports` subclass names the extension's modules (``flask_login`` ->
``quart_auth``) and the names that are spelt differently (``LoginManager`` -> ``QuartAuth``) or
have no counterpart. It rewrites ``from flask_x import A, B as C``, ``import flask_x`` and the
uses of renamed names; a name with no counterpart stays imported from the Flask extension, on a
line of its own, and is reported (the code keeps working where the Flask extension still imports,
and a human sees exactly what is left).

Values are not changed: a renamed ``LoginManager`` still *is* ``q:flask_login.LoginManager`` for
every rule, so each rule matches the Flask spelling whatever was rewritten before it.
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from ...findings import Severity
from .. import flask_api
from .base import Rule


def dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        prefix = dotted(node.value)
        return f"{prefix}.{node.attr.value}" if prefix else ""
    return ""


def expression(path: str) -> cst.Attribute | cst.Name:
    """``'a.b.c'`` as an expression."""
    head, _, tail = path.rpartition(".")
    if not head:
        return cst.Name(tail)
    return cst.Attribute(value=expression(head), attr=cst.Name(tail))


def extension_member(value: str | None, modules: frozenset[str] | dict[str, str]) -> str | None:
    """``'q:flask_login.utils.login_user'`` -> ``'login_user'`` when the module is one of ``modules``."""
    if not value or not value.startswith("q:"):
        return None
    module, _, member = value[2:].rpartition(".")
    return member if module in modules else None


def keyword(name: str, value: cst.BaseExpression, like: cst.Arg | None = None) -> cst.Arg:
    """``name=value``, spaced like ``like`` when given."""
    arg = cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )
    if like is not None:
        arg = arg.with_changes(comma=like.comma, whitespace_after_arg=like.whitespace_after_arg)
    return arg


class ExtensionImports(Rule):
    """Base class: set ``modules``, ``renames`` and ``unsupported``; call super() in overrides."""

    #: Flask extension module -> Quart module (every submodule that user code imports).
    modules: ClassVar[dict[str, str]]
    #: Names spelt differently in the Quart port.
    renames: ClassVar[dict[str, str]] = {}
    #: Names with no counterpart -> what to do instead (the finding's message).
    unsupported: ClassVar[dict[str, str]] = {}
    #: Severity of a use of an unsupported name.
    unsupported_severity: ClassVar[Severity] = Severity.ERROR

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        # so that ``ctx.require_import("quart_auth", "AuthUser")`` sees a rewritten import
        for flask_module, quart_module in cls.modules.items():
            flask_api.EXTENSION_MODULES[flask_module] = quart_module
        for flask_name, quart_name in cls.renames.items():
            flask_api.EXTENSION_RENAMES[flask_name] = quart_name

    def _module_member(self, name: str) -> str | None:
        module, _, member = name.rpartition(".")
        return member if module in self.modules else None

    # --- import statements ------------------------------------------------------------------
    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        """Split ``from flask_x import Supported, Unsupported`` into two imports."""
        if len(updated.body) != 1 or not isinstance(updated.body[0], cst.ImportFrom):
            return updated
        statement = updated.body[0]
        module = dotted(statement.module) if statement.module is not None else ""
        if statement.relative or module not in self.modules or isinstance(statement.names, cst.ImportStar):
            return updated
        kept = [a for a in statement.names if _alias_name(a) in self.unsupported]
        moved = [a for a in statement.names if _alias_name(a) not in self.unsupported]
        for alias in kept:
            name = _alias_name(alias)
            self.ctx.report(original, self.code, f"`{module}.{name}` has no Quart counterpart: {self.unsupported[name]}",
                            self.unsupported_severity)
        if not moved:
            return updated
        self.changed()
        if not kept:
            renamed = [self._renamed_alias(a) for a in moved]
            new = statement.with_changes(module=expression(self.modules[module]), names=renamed)
            return updated.with_changes(body=[new])
        new = statement.with_changes(
            module=expression(self.modules[module]),
            names=[self._renamed_alias(a) for a in _without_trailing_comma(moved)],
            lpar=statement.lpar if len(moved) > 1 else None,
            rpar=statement.rpar if len(moved) > 1 else None,
        )
        old = statement.with_changes(names=_without_trailing_comma(kept), lpar=None, rpar=None)
        return cst.FlattenSentinel(
            [updated.with_changes(body=[new]), cst.SimpleStatementLine(body=[old], leading_lines=[])]
        )

    def _renamed_alias(self, alias: cst.ImportAlias) -> cst.ImportAlias:
        name = _alias_name(alias)
        if name in self.renames:
            return alias.with_changes(name=cst.Name(self.renames[name]))
        return alias

    def leave_Import(self, original: cst.Import, updated: cst.Import) -> cst.Import:
        names = []
        for alias in updated.names:
            module = dotted(alias.name)
            if module in self.modules:
                alias = alias.with_changes(name=expression(self.modules[module]))
                self.changed()
            names.append(alias)
        return updated.with_changes(names=names)

    # --- uses -------------------------------------------------------------------------------
    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        target = self.ctx.facts.imports.get(updated.value)
        if target is None or id(original) in self.ctx.non_use or not _binding_is_import(self.ctx, updated.value):
            return updated
        if target in self.modules and updated.value == target:  # ``import flask_x``; ``flask_x.Y``
            self.changed()
            return updated.with_changes(value=self.modules[target])
        member = self._module_member(target)
        if member is None:
            return updated
        if member in self.unsupported:
            self.ctx.report(original, self.code, f"`{member}` has no Quart counterpart: {self.unsupported[member]}",
                            self.unsupported_severity)
        elif member in self.renames and updated.value == member:
            self.changed()
            return updated.with_changes(value=self.renames[member])
        return updated

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
        base = self.ctx.value(updated.value)
        if not base or not base.startswith("q:") or base[2:] not in self.modules:
            return updated
        attr = updated.attr.value
        if attr in self.unsupported:
            self.ctx.report(original, self.code, f"`{attr}` has no Quart counterpart: {self.unsupported[attr]}",
                            self.unsupported_severity)
            return updated
        if attr in self.renames:
            self.changed()
            renamed = updated.with_changes(attr=cst.Name(self.renames[attr]))
            self.ctx.set_value(renamed, self.ctx.value(updated))
            return renamed
        return updated

    # --- helpers for subclasses -------------------------------------------------------------
    def member(self, node: cst.CSTNode) -> str | None:
        """The extension's name this expression is (``'LoginManager'``), by its Flask spelling."""
        return extension_member(self.ctx.value(node), self.modules)


def _alias_name(alias: cst.ImportAlias) -> str:
    return alias.name.value if isinstance(alias.name, cst.Name) else dotted(alias.name)


def _without_trailing_comma(aliases: list[cst.ImportAlias]) -> list[cst.ImportAlias]:
    if not aliases:
        return aliases
    return [*aliases[:-1], aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]


def _binding_is_import(ctx, name: str) -> bool:  # type: ignore[no-untyped-def]
    for scope in ctx.scopes:
        if scope.kind in ("function", "lambda", "genexp") and name in scope.local_names:
            return False
    return True


__all__ = ["ExtensionImports", "dotted", "expression", "extension_member", "flask_api", "keyword"]
