"""F2Q305: Flask-Babel becomes quart-babel.

quart-babel is a port of Flask-Babel 3/4 and nothing in it is a coroutine: ``gettext``/``_``,
``ngettext``, ``pgettext``, the ``lazy_*`` variants, every ``format_*``, ``get_locale``,
``get_timezone``, ``refresh``, ``force_locale`` (a plain context manager), ``Babel(app, ...)``/
``init_app`` and the ``BABEL_*`` configuration keys keep their names and arguments, and the Jinja
``_()``/``gettext()`` callables are installed the same way. This rule:

- moves ``flask_babel`` imports to ``quart_babel`` (``get_translations`` and ``get_domain``, which
  quart-babel only has in ``quart_babel.domain``, are imported from there);
- turns the selectors of Flask-Babel < 3 (``@babel.localeselector``, ``@babel.timezoneselector``)
  into the ``locale_selector=``/``timezone_selector=`` arguments of the ``Babel(app)`` or
  ``babel.init_app(app)`` call in the same module (through a ``lambda`` when the call runs before the
  function is defined), and reports them when no such call is there;
- keeps every selector synchronous: quart-babel calls it without ``await`` (``quart_babel/locale.py``),
  so the project analysis never makes it async and a selector that is ``async def`` is reported
  (one that would need an ``await`` is reported by F2Q103/F2Q105);
- splits ``"a;b"`` in ``BABEL_TRANSLATION_DIRECTORIES``/``BABEL_DOMAIN``/``Domain(domain=...)``
  literals into a list: Flask-Babel splits those strings on ``;``, quart-babel takes a list.

Docs: https://quart-babel.readthedocs.io/ and https://python-babel.github.io/flask-babel/
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from ._extension_config import ConfigKeys
from ._extensions import ExtensionImports, dotted, expression, keyword
from .base import parenthesized

_BABEL = "flask_babel.Babel"
#: Names quart-babel does not export at the top: they live in ``quart_babel.domain``.
_DOMAIN_NAMES = frozenset({"get_translations", "get_domain"})
#: Flask-Babel < 3 decorators -> the keyword argument that replaces them.
_SELECTOR_DECORATORS = {"localeselector": "locale_selector", "timezoneselector": "timezone_selector"}
#: Configuration keys Flask-Babel splits on ``;`` and quart-babel takes as a list.
_SPLIT_KEYS = frozenset({"BABEL_TRANSLATION_DIRECTORIES", "BABEL_DOMAIN"})
_SPLIT_KEYWORDS = frozenset({"default_translation_directories", "default_domain", "domain"})


class FlaskBabel(ConfigKeys, ExtensionImports):
    code = "F2Q305"
    name = "flask-babel"
    priority = 45
    modules = {"flask_babel": "quart_babel", "flask_babel.speaklater": "quart_babel.speaklater"}  # noqa: RUF012
    config_prefix = "BABEL_"
    config_module = "flask_babel"

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        #: Babel object name -> {keyword: selector function name}, from the decorators in the module.
        self._selectors: dict[str, dict[str, str]] = {}
        #: Babel object names that get an app in this module: ``x = Babel(app)``, ``x.init_app(app)``.
        self._initialised: set[str] = set()
        #: ``Babel(app)`` calls -> the name they are assigned to.
        self._assigned: dict[int, str] = {}
        self._defined: set[str] = set()  # selector functions defined so far
        self._module_level: set[str] = set()

    # --- the module's old-style selectors ------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        classes, modules = self._babel_names()
        if not classes and not modules:
            return
        scan = _Scan((classes, modules))
        node.visit(scan)
        self._selectors = scan.selectors
        self._initialised = scan.initialised
        self._assigned = scan.assigned
        self._module_level = scan.module_level

    def _babel_names(self) -> tuple[set[str], set[str]]:
        """Local names of Flask-Babel's ``Babel`` class and of the ``flask_babel`` module."""
        imports = self.ctx.facts.imports
        classes = {name for name, target in imports.items() if target == _BABEL}
        modules = {name for name, target in imports.items() if target == "flask_babel"}
        return classes, modules

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        kept = []
        for decorator in updated.decorators:
            target = decorator.decorator
            attr = target.attr.value if isinstance(target, cst.Attribute) else ""
            if attr not in _SELECTOR_DECORATORS or V.extension_method(self.ctx.value(target)) != f"{_BABEL}.{attr}":
                kept.append(decorator)
                continue
            owner = dotted(target.value)  # type: ignore[attr-defined]
            if owner not in self._initialised:
                self.ctx.report(
                    original.name, self.code, f"`@{owner}.{attr}` is gone in quart-babel (and Flask-Babel "
                    f"3+): pass `{_SELECTOR_DECORATORS[attr]}={updated.name.value}` to the `Babel(app)` or "
                    "`init_app(app)` call of this Babel object", Severity.ERROR,
                )
                kept.append(decorator)
                continue
            self.changed()
        self._defined.add(updated.name.value)
        if original.asynchronous is not None and any(
            updated.name.value in selectors.values() for selectors in self._selectors.values()
        ):
            self._report_async(original.name, updated.name.value)
        if len(kept) == len(updated.decorators):
            return updated
        return updated.with_changes(decorators=kept)

    def _report_async(self, node: cst.CSTNode, name: str) -> None:
        self.ctx.report(
            node, self.code, f"`{name}` is a quart-babel selector: quart-babel calls it without "
            "awaiting, so it must be a plain `def`", Severity.ERROR,
        )

    # --- calls: Babel(app), init_app, Domain ---------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = self.ctx.value(updated.func)
        is_babel = self.member(updated.func) == "Babel"
        is_init = V.extension_method(func) == f"{_BABEL}.init_app"
        if is_babel or is_init:
            for arg in original.args:
                self._check_selector_argument(arg)
        if is_babel or is_init or self.member(updated.func) == "Domain":
            args = [self._split_argument(arg) for arg in updated.args]
            if any(new is not old for new, old in zip(args, updated.args, strict=True)):
                self.changed()
                updated = updated.with_changes(args=args)
        else:
            updated = super().leave_Call(original, updated)  # type: ignore[assignment]
        owner = None
        if is_init and isinstance(original.func, cst.Attribute):
            owner = dotted(original.func.value)
        elif is_babel and _gets_app(original):
            owner = self._assigned.get(id(original))
        if owner is None or owner not in self._selectors:
            return updated
        present = {arg.keyword.value for arg in updated.args if arg.keyword is not None}
        new_args = list(updated.args)
        for keyword_name, function in self._selectors[owner].items():
            if keyword_name in present:
                continue
            value: cst.BaseExpression = cst.Name(function)
            runs_later = self.ctx.function_scope() is not None and function in self._module_level
            if function not in self._defined and not runs_later:  # the call runs before the def
                value = cst.Lambda(params=cst.Parameters(), body=cst.Call(func=cst.Name(function)))
            if new_args and not isinstance(new_args[-1].comma, cst.Comma):
                new_args[-1] = new_args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            new_args.append(keyword(keyword_name, value))
        if len(new_args) == len(updated.args):
            return updated
        self.changed()
        return updated.with_changes(args=new_args)

    def _check_selector_argument(self, arg: cst.Arg) -> None:
        if arg.keyword is None or arg.keyword.value not in ("locale_selector", "timezone_selector"):
            return
        target = V.project_name(self.ctx.value(arg.value))
        if target is not None and target in self.ctx.analysis.async_functions:
            self._report_async(arg.value, target.rpartition(":")[2])

    def _split_argument(self, arg: cst.Arg) -> cst.Arg:
        """``Babel(app, default_domain="a;b")``, ``Domain(domain="a;b")``."""
        if arg.keyword is not None and arg.keyword.value in _SPLIT_KEYWORDS:
            value = _split(arg.value)
            return arg if value is arg.value else arg.with_changes(value=value)
        return arg

    # --- configuration ---------------------------------------------------------------------------
    def check_config(self, key: str, value: cst.BaseExpression, node: cst.CSTNode) -> cst.BaseExpression:
        """``BABEL_TRANSLATION_DIRECTORIES``/``BABEL_DOMAIN``: what Flask-Babel split on ``;``."""
        return _split(value) if key in _SPLIT_KEYS else value

    # --- imports: get_translations/get_domain live in quart_babel.domain ------------------------
    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        statement = updated.body[0] if len(updated.body) == 1 else None
        if (
            not isinstance(statement, cst.ImportFrom)
            or statement.relative
            or statement.module is None
            or dotted(statement.module) != "flask_babel"
            or isinstance(statement.names, cst.ImportStar)
        ):
            return super().leave_SimpleStatementLine(original, updated)
        domain = [a for a in statement.names if _alias_name(a) in _DOMAIN_NAMES]
        rest = [a for a in statement.names if _alias_name(a) not in _DOMAIN_NAMES]
        if not domain:
            return super().leave_SimpleStatementLine(original, updated)
        self.changed()
        domain_import = statement.with_changes(
            module=expression("quart_babel.domain"), names=_without_trailing_comma(domain), lpar=None, rpar=None
        )
        if not rest:
            return updated.with_changes(body=[domain_import])
        moved = super().leave_SimpleStatementLine(
            original,
            updated.with_changes(body=[statement.with_changes(names=_without_trailing_comma(rest))]),
        )
        lines = list(moved.nodes) if isinstance(moved, cst.FlattenSentinel) else [moved]
        return cst.FlattenSentinel([*lines, cst.SimpleStatementLine(body=[domain_import])])

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
        base = self.ctx.value(updated.value)
        if base == "q:flask_babel" and updated.attr.value in _DOMAIN_NAMES:
            self.ctx.report(
                original, self.code, f"quart-babel has `{updated.attr.value}` in `quart_babel.domain` "
                "only: import it from there", Severity.ERROR,
            )
        return super().leave_Attribute(original, updated)


class _Scan(cst.CSTVisitor):
    """What the module says about its Babel objects before the rewrite pass reaches them."""

    def __init__(self, babel_names: tuple[set[str], set[str]]) -> None:
        super().__init__()
        self.classes, self.modules = babel_names
        self.selectors: dict[str, dict[str, str]] = {}
        self.initialised: set[str] = set()
        self.assigned: dict[int, str] = {}
        self.module_level: set[str] = set()  # functions defined at module level
        self._depth = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self._depth == 0:
            self.module_level.add(node.name.value)
        self._depth += 1
        for decorator in node.decorators:
            target = decorator.decorator
            if isinstance(target, cst.Attribute) and target.attr.value in _SELECTOR_DECORATORS:
                owner = dotted(target.value)
                keyword_name = _SELECTOR_DECORATORS[target.attr.value]
                self.selectors.setdefault(owner, {})[keyword_name] = node.name.value

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._depth -= 1

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value
        if len(node.targets) != 1 or not isinstance(value, cst.Call):
            return
        func = dotted(value.func)
        head, _, tail = func.rpartition(".")
        if func in self.classes or (head in self.modules and tail == "Babel"):
            owner = dotted(node.targets[0].target)
            self.assigned[id(value)] = owner
            if _gets_app(value):
                self.initialised.add(owner)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "init_app" and node.args:
            self.initialised.add(dotted(node.func.value))


def _gets_app(call: cst.Call) -> bool:
    """``Babel(app)``/``Babel(app=app)``: the constructor runs ``init_app`` itself."""
    return any(arg.keyword is None or arg.keyword.value == "app" for arg in call.args[:1]) or any(
        arg.keyword is not None and arg.keyword.value == "app" for arg in call.args
    )


def _split(value: cst.BaseExpression) -> cst.BaseExpression:
    """What Flask-Babel does to the string: ``"a;b"`` -> ``["a", "b"]``, and an expression built
    with a ``";"`` (``"extra;" + path``) -> ``(...).split(";")``. Anything else: the same node."""
    if isinstance(value, cst.SimpleString):
        text = value.evaluated_value
        if not isinstance(text, str) or ";" not in text:
            return value
        quote = value.quote
        return cst.List([cst.Element(cst.SimpleString(f"{quote}{part}{quote}")) for part in text.split(";")])
    if isinstance(value, (cst.List, cst.Tuple)) or _splits(value) or not _mentions_semicolon(value):
        return value
    atom = isinstance(value, (cst.Name, cst.Attribute, cst.Call, cst.Subscript))
    return cst.Call(
        func=cst.Attribute(value=value if atom else parenthesized(value), attr=cst.Name("split")),
        args=[cst.Arg(cst.SimpleString('";"'))],
    )


def _splits(value: cst.BaseExpression) -> bool:
    return isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value == "split"


def _mentions_semicolon(value: cst.BaseExpression) -> bool:
    found = False

    class Finder(cst.CSTVisitor):
        def visit_SimpleString(self, node: cst.SimpleString) -> None:
            nonlocal found
            found = found or ";" in str(node.evaluated_value)

    value.visit(Finder())
    return found


def _alias_name(alias: cst.ImportAlias) -> str:
    return alias.name.value if isinstance(alias.name, cst.Name) else dotted(alias.name)


def _without_trailing_comma(aliases: list[cst.ImportAlias]) -> list[cst.ImportAlias]:
    return [*aliases[:-1], aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)] if aliases else aliases
