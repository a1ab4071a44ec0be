"""F2Q113: ``FLASK_*`` environment variables are read under the ``QUART_*`` name first.

Quart reads ``QUART_APP``, ``QUART_DEBUG``, ``QUART_RUN_*`` and ``QUART_SKIP_DOTENV`` and its
``from_prefixed_env()`` defaults to the ``QUART`` prefix (reference §1.9). Where code reads a
``FLASK_*`` variable (``os.environ.get``, ``os.getenv``, ``os.environ[...]``,
``config.from_envvar``, ``"FLASK_X" in os.environ``), it reads the ``QUART_*`` name with the old
one as the fallback (``os.environ.get("QUART_X", os.environ.get("FLASK_X", default))``), so a
deployment that still sets ``FLASK_X`` keeps working: the variable an app reads never changes
silently. Writes of a variable Quart itself reads (``os.environ["FLASK_APP"] = ...``,
``monkeypatch.setenv("FLASK_DEBUG", ...)``) take the new name; writes of the app's own variables
keep theirs (the fallback reads them). Each read of an app's own variable is a warning: set it
under the new name where the app is deployed.

Docs: https://quart.palletsprojects.com/en/latest/how_to_guides/configuration.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import flask_api
from .base import Rule

_READ_FUNCTIONS = frozenset({"q:os.environ.get", "q:os.getenv"})
_WRITE_FUNCTIONS = frozenset({"q:os.environ.setdefault", "q:os.environ.pop", "q:os.putenv", "q:os.unsetenv"})
_WRITE_METHODS = frozenset({"setenv", "delenv"})
_FLASK_OWN = frozenset({"FLASK_APP", "FLASK_DEBUG", "FLASK_ENV", "FLASK_SKIP_DOTENV"})


_QUART_SPELLING = {"FLASK_RUN_CERT": "QUART_RUN_CERTFILE", "FLASK_RUN_KEY": "QUART_RUN_KEYFILE"}


def _flask_name(node: cst.BaseExpression) -> str | None:
    """``"FLASK_X"`` -> ``FLASK_X``; ``None`` for anything else."""
    if not isinstance(node, cst.SimpleString):
        return None
    value = node.evaluated_value
    return value if isinstance(value, str) and flask_api.FLASK_ENV_NAME_RE.match(value) else None


def _is_quarts(name: str) -> bool:
    """A variable Flask reads itself (and Quart under its own name)."""
    return name in _FLASK_OWN or name.startswith("FLASK_RUN_")


def _new_name(name: str) -> str:
    # ``quart run`` names its TLS options --certfile/--keyfile (Flask: --cert/--key)
    return _QUART_SPELLING.get(name, "QUART_" + name[len("FLASK_") :])


def _renamed(node: cst.SimpleString, new: str) -> cst.SimpleString:
    quote = node.prefix + node.quote
    return node.with_changes(value=f"{quote}{new}{node.quote}")


class EnvNames(Rule):
    code = "F2Q113"
    name = "env-names"
    priority = 40

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self._written: set[int] = set()  # subscripts assigned to or deleted

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._written.add(id(node.target))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._written.add(id(node.target))

    def visit_Del(self, node: cst.Del) -> None:
        self._written.add(id(node.target))

    def visit_Call(self, node: cst.Call) -> None:
        # ``get("QUART_X", get("FLASK_X", d))`` is this rule's own output: the inner read stays
        if len(node.args) == 2 and isinstance(inner := node.args[1].value, cst.Call) and inner.args:
            new, old = node.args[0].value, _flask_name(inner.args[0].value)
            if old is not None and isinstance(new, cst.SimpleString) and new.evaluated_value == _new_name(old):
                self._written.add(id(inner))

    def _read(self, original: cst.CSTNode, name: str) -> None:
        self.changed()
        if not _is_quarts(name):
            new = _new_name(name)
            self.ctx.report(
                original, self.code, f"the app's own variable {name} is read as {new} first, then {name} as "
                f"before: set {new} where the app is deployed (and in its CI) to finish the rename",
                Severity.WARNING,
            )

    def _first_of(self, environ: cst.BaseExpression, node: cst.SimpleString, name: str) -> cst.IfExp:
        """``"QUART_X" if "QUART_X" in os.environ else "FLASK_X"``: the name a read uses."""
        new = _renamed(node, _new_name(name))
        test = cst.Comparison(left=new, comparisons=[cst.ComparisonTarget(cst.In(), environ)])
        return cst.IfExp(test=test, body=new, orelse=node)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if not updated.args:
            return updated
        func = self.ctx.value(updated.func)
        method = updated.func.attr.value if isinstance(updated.func, cst.Attribute) else None
        first = updated.args[0]
        name = _flask_name(first.value) if first.keyword is None else None
        if name is not None and isinstance(first.value, cst.SimpleString):
            if func in _READ_FUNCTIONS and id(original) not in self._written:
                # f("QUART_X", f("FLASK_X", default)): the old variable is the new one's default
                new = _renamed(first.value, _new_name(name))
                comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                self._read(original.args[0].value, name)
                return updated.with_changes(args=[cst.Arg(new, comma=comma), cst.Arg(updated)])
            if method == "from_envvar":
                environ = cst.Attribute(value=cst.Name(self.ctx.require_import("os")), attr=cst.Name("environ"))
                self._read(original.args[0].value, name)
                return updated.with_changes(args=[first.with_changes(value=self._first_of(environ, first.value, name)), *updated.args[1:]])
            if func in _READ_FUNCTIONS:
                return updated
            if (func in _WRITE_FUNCTIONS or method in _WRITE_METHODS) and _is_quarts(name):
                self.changed()
                renamed = _renamed(first.value, _new_name(name))
                return updated.with_changes(args=[first.with_changes(value=renamed), *updated.args[1:]])
            return updated
        if method == "from_prefixed_env":
            if not any(a.keyword is not None and a.keyword.value == "prefix" for a in updated.args) and not updated.args:
                self.ctx.report(
                    original, self.code, "`from_prefixed_env()` reads QUART_* variables in Quart "
                    "(FLASK_* in Flask): rename them where the app is deployed", Severity.WARNING,
                )
            args = []
            for arg in updated.args:
                if (
                    arg.keyword is not None
                    and arg.keyword.value == "prefix"
                    and isinstance(arg.value, cst.SimpleString)
                    and arg.value.evaluated_value == "FLASK"
                ):
                    arg = arg.with_changes(value=arg.value.with_changes(value=arg.value.value.replace("FLASK", "QUART")))
                    self.changed()
                args.append(arg)
            return updated.with_changes(args=args)
        return updated

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        # ``"QUART_X" in os.environ or "FLASK_X" in os.environ`` is this rule's own output
        left, right = node.left, node.right
        if isinstance(left, cst.Comparison) and isinstance(right, cst.Comparison) and len(right.comparisons) == 1:
            old = _flask_name(right.left)
            if old is not None and isinstance(left.left, cst.SimpleString) and left.left.evaluated_value == _new_name(old):
                self._written.add(id(right))

    def leave_Comparison(self, original: cst.Comparison, updated: cst.Comparison) -> cst.BaseExpression:
        """``"FLASK_X" in os.environ`` -> ``("QUART_X" in os.environ or "FLASK_X" in os.environ)``."""
        if len(updated.comparisons) != 1 or id(original) in self._written:
            return updated
        target = updated.comparisons[0]
        name = _flask_name(updated.left)
        if name is None or self.ctx.value(target.comparator) != "q:os.environ" or not isinstance(updated.left, cst.SimpleString):
            return updated
        if not isinstance(target.operator, (cst.In, cst.NotIn)):
            return updated
        self._read(original.left, name)
        new = updated.with_changes(left=_renamed(updated.left, _new_name(name)), lpar=[], rpar=[])
        old = updated.with_changes(lpar=[], rpar=[])
        operator = cst.Or() if isinstance(target.operator, cst.In) else cst.And()
        return cst.BooleanOperation(
            left=new, operator=operator, right=old, lpar=[cst.LeftParen()], rpar=[cst.RightParen()],
        )

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript) -> cst.Subscript:
        if self.ctx.value(updated.value) != "q:os.environ" or len(updated.slice) != 1:
            return updated
        element = updated.slice[0]
        if not isinstance(element.slice, cst.Index) or not isinstance(element.slice.value, cst.SimpleString):
            return updated
        key = element.slice.value
        name = _flask_name(key)
        if name is None:
            return updated
        if id(original) in self._written:
            if not _is_quarts(name):
                return updated
            self.changed()
            new_key: cst.BaseExpression = _renamed(key, _new_name(name))
        else:
            self._read(original.slice[0], name)
            new_key = self._first_of(updated.value, key, name)
        return updated.with_changes(slice=[element.with_changes(slice=element.slice.with_changes(value=new_key))])
