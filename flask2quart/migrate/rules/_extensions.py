"""Shared by the extension rules (``F2Q3xx``): move a Flask extension's imports to its Quart port.

An :class:`ExtensionImports` subclass names the extension's modules (``flask_login`` ->
``quart_auth``) and the names that are spelt differently (``LoginManager`` -> ``QuartAuth``) or
have no counterpart. It rewrites ``from flask_x import A, B as C``, ``import flask_x`` and the
uses of renamed names; a name with no counterpart stays imported from the Flask extension, on a
line of its own, and is reported (the code keeps working where the Flask extension still imports,
and a human sees exactly what is left).

Values are not changed: a renamed ``LoginManager`` still *is* ``q:flask_login.LoginManager`` for
every rule, so each rule matches the Flask spelling whatever was rewritten before it.

Also here, for the rules that port an extension object's uses (F2Q301 Flask-CORS, F2Q304
Flask-Limiter): which extension an object is, in any module of the project
(:func:`extension_instance`); arguments rejoined as they were laid out (:func:`join_args`);
imports of objects no longer used dropped (:func:`drop_unused_imports`); config keys renamed
wherever a config is written or read (:class:`ConfigKeyRenamer`, :class:`RenamesConfigKeys`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from typing import ClassVar

import libcst as cst

from ...findings import Severity
from .. import flask_api
from .. import values as V
from ..analysis import ModuleFacts
from ..context import FileContext
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


# --- extension objects, their calls and imports (F2Q301, F2Q304) ---------------------------------


def code_of(node: cst.CSTNode) -> str:
    """The source of ``node``."""
    return cst.Module([]).code_for_node(node)


def string_value(node: cst.BaseExpression) -> str | None:
    """The value of a plain string literal (no f-string), else ``None``."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def bool_value(node: cst.BaseExpression) -> bool | None:
    """``True``/``False`` for those names, else ``None``."""
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return None


def extension_instance(ctx: FileContext, node: cst.CSTNode) -> str | None:
    """The extension class (``'flask_cors.CORS'``) whose object ``node`` is, in any module.

    An object built in this module has the value ``k:ext:<class>``; one imported from another
    project module is found in that module's ``instances`` (its module-level extension objects).
    """
    value = ctx.value(node)
    if not value:
        return None
    if value.startswith(V.EXTENSION_OBJECT):
        return value[len(V.EXTENSION_OBJECT) :]
    module, _, attr = (V.project_name(value) or "").partition(":")
    if not attr or "." in attr:
        return None
    facts = project_module(ctx, module)
    return facts.instances.get(attr) if facts is not None else None


def project_module(ctx: FileContext, module: str) -> ModuleFacts | None:
    """What the analysis knows of the project's module named ``module`` (dotted), if it is one."""
    return next((facts for facts in ctx.analysis.modules.values() if facts.module == module), None)


def join_args(args: Sequence[cst.Arg], like: Sequence[cst.Arg]) -> list[cst.Arg]:
    """``args`` separated the way the call's original arguments ``like`` were (one per line...).

    Each argument keeps its own comma (and the comment after it) unless it is now last (it takes
    the original last comma: a trailing comma stays) or was last (it takes a separator between).
    """
    if not args:
        return []
    last_comma = like[-1].comma if like else cst.MaybeSentinel.DEFAULT
    between = next(
        (a.comma for a in like[:-1] if isinstance(a.comma, cst.Comma)),
        cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
    )
    out = []
    for index, arg in enumerate(args):
        if index == len(args) - 1:
            out.append(arg.with_changes(comma=last_comma))
        elif isinstance(arg.comma, cst.Comma) and arg.comma is not last_comma:
            out.append(arg)
        else:
            out.append(arg.with_changes(comma=between))
    return out


def positional(arg: cst.Arg) -> cst.Arg:
    """``app=app`` -> ``app``."""
    return arg.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)


def blueprints_defined(tree: ast.Module) -> dict[str, str]:
    """Module-level ``name = Blueprint(...)``: name -> its literal ``url_prefix`` ("" when none)."""
    found: dict[str, str] = {}
    for statement in tree.body:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
            continue
        target, value = statement.targets[0], statement.value
        if not (isinstance(target, ast.Name) and isinstance(value, ast.Call)):
            continue
        func = value.func
        called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if called != "Blueprint":
            continue
        prefixes = [kw.value for kw in value.keywords if kw.arg == "url_prefix"]
        if not prefixes:
            found[target.id] = ""
        elif isinstance(prefixes[0], ast.Constant) and isinstance(prefixes[0].value, str):
            found[target.id] = prefixes[0].value
    return found


def drop_unused_imports(ctx: FileContext, module: cst.Module, classes: frozenset[str]) -> cst.Module:
    """Drop ``from <project module> import obj`` where ``obj`` (an instance of one of ``classes``)
    is no longer used in ``module``: its uses were ported to functions (``limiter.limit`` ->
    ``rate_limit``). A module with ``__all__`` may re-export it: left alone."""
    candidates = set()
    for local, target in ctx.facts.imports.items():
        owner, _, name = target.partition(":")
        if not name or "." in name:
            continue
        for facts in ctx.analysis.modules.values():
            if facts.module == owner and facts.instances.get(name) in classes:
                candidates.add(local)
    if not candidates or _defines_all(module):
        return module
    return drop_imported_names(module, candidates - names_used(module))


def drop_imported_names(module: cst.Module, names: set[str], *, source: str | None = None) -> cst.Module:
    """Remove ``names`` from the module's ``from ... import`` statements (only those from
    ``source`` when given); a statement left with nothing goes."""
    if not names:
        return module

    class Drop(cst.CSTTransformer):
        def leave_ImportFrom(
            self, original: cst.ImportFrom, updated: cst.ImportFrom
        ) -> cst.ImportFrom | cst.RemovalSentinel:
            if isinstance(updated.names, cst.ImportStar):
                return updated
            if source is not None and (updated.relative or updated.module is None or code_of(updated.module) != source):
                return updated
            kept = [a for a in updated.names if _local_name(a) not in names]
            if len(kept) == len(updated.names):
                return updated
            if not kept:
                return cst.RemovalSentinel.REMOVE
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return updated.with_changes(names=kept)

    return module.visit(Drop())


def _local_name(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return _alias_name(alias)


def _defines_all(module: cst.Module) -> bool:
    return "__all__" in names_used(module, imports=True)


def names_used(module: cst.Module, *, imports: bool = False) -> set[str]:
    """Names the module uses (and, with ``imports``, those its import statements bind too)."""

    class Names(cst.CSTVisitor):
        def __init__(self) -> None:
            self.found: set[str] = set()

        def visit_Import(self, node: cst.Import) -> bool:
            return imports

        def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
            return imports

        def visit_Name(self, node: cst.Name) -> None:
            self.found.add(node.value)

    names = Names()
    module.visit(names)
    return names.found


# --- config keys renamed (F2Q301, F2Q304) --------------------------------------------------------


class ConfigKeyRenamer:
    """Renames an extension's config keys wherever a Flask config is written or read.

    ``app.config["K"]``, ``app.config.get/setdefault/pop("K")``, ``update``/``from_mapping``
    keywords, string keys of dict literals (test configs handed to ``create_app``) and
    assignments in class bodies (config classes for ``from_object``). ``value`` translates the
    value written with a key (``str`` -> ``[str]``...); a key of ``reports`` written with its
    value in ``harmless`` is only said (INFO).
    """

    def __init__(
        self,
        rule: Rule,
        renames: dict[str, str],
        reports: dict[str, tuple[Severity, str]],
        value: Callable[[str, cst.BaseExpression], cst.BaseExpression] | None = None,
        harmless: dict[str, object] | None = None,
    ) -> None:
        self.rule = rule
        self.renames = renames
        self.reports = reports
        self.harmless = harmless or {}
        self.value = value or (lambda key, node: node)
        #: keys renamed in this module, in order
        self.renamed: list[str] = []
        self._prefixed_env: list[cst.Call] = []

    def _new_name(
        self, key: str, where: cst.CSTNode, *, written: bool = True, value: cst.BaseExpression | None = None
    ) -> str | None:
        """The new name of ``key``, or ``None`` to leave it; a key with none is reported where it
        is written (reading it does no harm)."""
        if written:
            self._report(key, where, value)
        if key not in self.renames:
            return None
        self.renamed.append(key)
        self.rule.changed()
        return self.renames[key]

    def _report(self, key: str, where: cst.CSTNode, value: cst.BaseExpression | None) -> None:
        if key not in self.reports:
            return
        severity, message = self.reports[key]
        if value is not None and key in self.harmless and string_value(value) == self.harmless[key]:
            severity, message = Severity.INFO, f"{message} (this value is the default there)"
        self.rule.ctx.report(where, self.rule.code, f"config `{key}`: {message}", severity)

    def _string(
        self,
        node: cst.BaseExpression,
        where: cst.CSTNode,
        *,
        written: bool = True,
        value: cst.BaseExpression | None = None,
    ) -> tuple[cst.BaseExpression, str | None]:
        key = string_value(node)
        if key is None or not isinstance(node, cst.SimpleString):
            return node, None
        new = self._new_name(key, where, written=written, value=value)
        if new is None:
            return node, None
        return node.with_changes(value=f"{node.prefix}{node.quote}{new}{node.quote}"), key

    def subscript(self, original: cst.Subscript, updated: cst.Subscript) -> cst.Subscript:
        """``app.config["K"]``, read or written."""
        if not (is_config(updated.value) and len(updated.slice) == 1):
            return updated
        element = updated.slice[0]
        index = element.slice
        if not isinstance(index, cst.Index):
            return updated
        new_key, key = self._string(index.value, original, written=False)
        if key is None:
            return updated
        return updated.with_changes(slice=[element.with_changes(slice=index.with_changes(value=new_key))])

    def assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        """``app.config["K"] = <value>`` (the key is renamed by :meth:`subscript`) and
        ``K = <value>`` in a class body."""
        if len(updated.targets) != 1:
            return updated
        target = original.targets[0].target
        if isinstance(target, cst.Subscript) and is_config(target.value) and len(target.slice) == 1:
            index = target.slice[0].slice
            key = string_value(index.value) if isinstance(index, cst.Index) else None
            if key is not None:
                self._report(key, original, updated.value)
            if key in self.renames:
                return updated.with_changes(value=self.value(key, updated.value))
            return updated
        if self.rule.ctx.scope.kind != "class" or not isinstance(target, cst.Name):
            return updated
        new = self._new_name(target.value, original, value=updated.value)
        if new is None:
            return updated
        return updated.with_changes(
            targets=[updated.targets[0].with_changes(target=cst.Name(new))],
            value=self.value(target.value, updated.value),
        )

    def call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        """``app.config.get/setdefault/pop("K", ...)`` and ``update``/``from_mapping(K=...)``."""
        func = updated.func
        if not (isinstance(func, cst.Attribute) and is_config(func.value)):
            return updated
        method = func.attr.value
        if method == "from_prefixed_env":
            self._prefixed_env.append(original)
            return updated
        args = list(updated.args)
        changed = False
        if method in ("get", "setdefault", "pop") and args and args[0].keyword is None:
            new_key, key = self._string(args[0].value, original, written=method == "setdefault")
            if key is not None:
                changed = True
                args[0] = args[0].with_changes(value=new_key)
                if method == "setdefault" and len(args) > 1 and key in self.renames:
                    args[1] = args[1].with_changes(value=self.value(key, args[1].value))
        elif method in ("update", "from_mapping"):
            for index, arg in enumerate(args):
                if arg.keyword is None:
                    continue  # a dict literal: its keys are renamed by :meth:`dict_element`
                new = self._new_name(arg.keyword.value, original, value=arg.value)
                if new is not None:
                    changed = True
                    args[index] = arg.with_changes(
                        keyword=cst.Name(new), value=self.value(arg.keyword.value, arg.value)
                    )
        return updated.with_changes(args=args) if changed else updated

    def dict_element(self, original: cst.DictElement, updated: cst.DictElement) -> cst.DictElement:
        """``{"K": <value>}``: a config handed over as a dict (``create_app({...})``)."""
        new_key, key = self._string(updated.key, original, value=updated.value)
        if key is None:
            return updated
        return updated.with_changes(key=new_key, value=self.value(key, updated.value))

    def report_prefixed_env(self) -> None:
        """``from_prefixed_env("APP")`` sets ``K`` from ``APP_K``: those variables are renamed too."""
        if not self.renamed:
            return
        for call in self._prefixed_env:
            prefix = string_value(call.args[0].value) if call.args else "FLASK"
            names = ", ".join(f"{prefix}_{key} -> {prefix}_{self.renames[key]}" for key in dict.fromkeys(self.renamed))
            self.rule.ctx.report(call, self.rule.code, "config keys were renamed: set their environment "
                                 f"variables by the new names ({names})", Severity.WARNING)


def is_config(node: cst.BaseExpression) -> bool:
    """``app.config`` or ``current_app.config`` (any ``<expr>.config``)."""
    return isinstance(node, cst.Attribute) and node.attr.value == "config"


class RenamesConfigKeys(Rule):
    """Mixin (before the other bases) for a rule whose ``config`` renames its extension's config
    keys: every config write and read goes through it. A rule's own ``leave_Call`` calls
    ``self.config.call`` and its ``leave_Module`` ``super().leave_Module``."""

    config: ConfigKeyRenamer

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        return self.config.assign(original, updated)

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript) -> cst.Subscript:
        return self.config.subscript(original, updated)

    def leave_DictElement(
        self, original: cst.DictElement, updated: cst.DictElement
    ) -> cst.DictElement:
        return self.config.dict_element(original, updated)

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        self.config.report_prefixed_env()
        return updated


__all__ = [
    "ConfigKeyRenamer",
    "ExtensionImports",
    "RenamesConfigKeys",
    "blueprints_defined",
    "bool_value",
    "code_of",
    "dotted",
    "drop_imported_names",
    "drop_unused_imports",
    "expression",
    "extension_instance",
    "extension_member",
    "flask_api",
    "is_config",
    "join_args",
    "keyword",
    "names_used",
    "positional",
    "project_module",
    "string_value",
]
