"""Shared by the extension rules that check configuration keys (F2Q306 ``SESSION_*``, F2Q309
``COMPRESS_*``): find where a key of the extension is set, whatever the spelling.

A key is set by ``app.config["KEY"] = value``, ``app.config.update(KEY=value)``/``from_mapping``/
``setdefault("KEY", value)``, a ``{"KEY": value}`` dict literal, or ``KEY = value`` in a class body
or at module level (a config object for ``config.from_object``). Keys are only read when the
project imports the extension somewhere: ``SESSION_TYPE`` means nothing in a project without
Flask-Session. A config module that never mentions Flask is not
rewritten at all (the pre-filter skips it): its keys are not seen.

:func:`config_key` and :func:`config_method` (which key of ``X.config`` a subscript or call is
about) serve F2Q115 too.

A rule mixes :class:`ConfigKeys` in before its other bases and implements :meth:`check_config`,
which may return a new value expression.
"""

from __future__ import annotations

import weakref
from typing import ClassVar

import libcst as cst

from ..analysis import ProjectAnalysis
from .base import Rule

_USES: list[tuple[weakref.ReferenceType[ProjectAnalysis], dict[str, bool]]] = []


def project_imports(analysis: ProjectAnalysis, module: str) -> bool:
    """Some module of the project imports ``module`` (or one of its submodules)."""
    if not _USES or _USES[0][0]() is not analysis:
        _USES[:] = [(weakref.ref(analysis), {})]
    known = _USES[0][1]
    if module not in known:
        known[module] = any(
            target == module or target.startswith(module + ".")
            for facts in analysis.modules.values()
            for target in facts.imports.values()
        )
    return known[module]


def config_key(target: cst.BaseExpression) -> str | None:
    """``X.config["KEY"]`` -> ``"KEY"``; ``None`` for anything else."""
    if not (isinstance(target, cst.Subscript) and isinstance(target.value, cst.Attribute)):
        return None
    if target.value.attr.value != "config" or len(target.slice) != 1:
        return None
    index = target.slice[0].slice
    if isinstance(index, cst.Index) and isinstance(index.value, cst.SimpleString):
        key = index.value.evaluated_value
        return key if isinstance(key, str) else None
    return None


def config_method(func: cst.BaseExpression) -> str | None:
    """``X.config.update`` (a call's ``func``) -> ``"update"``; ``None`` for anything else."""
    if (
        isinstance(func, cst.Attribute)
        and isinstance(func.value, cst.Attribute)
        and func.value.attr.value == "config"
    ):
        return func.attr.value
    return None


def string(node: cst.BaseExpression) -> str | None:
    """The text of a plain string literal, else ``None``."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


class ConfigKeys(Rule):
    #: Keys of the extension start with this (``"SESSION_"``).
    config_prefix: ClassVar[str]
    #: The Flask extension's module: keys count when the project imports it.
    config_module: ClassVar[str]

    def check_config(self, key: str, value: cst.BaseExpression, node: cst.CSTNode) -> cst.BaseExpression:
        """Look at one key being set (``node`` is the original node to report on); return the value
        to write (``value`` itself when nothing changes)."""
        raise NotImplementedError

    def _check(self, key: str | None, value: cst.BaseExpression, node: cst.CSTNode) -> cst.BaseExpression:
        if key is None or not key.startswith(self.config_prefix):
            return value
        if not project_imports(self.ctx.analysis, self.config_module):
            return value
        new = self.check_config(key, value, node)
        if new is not value:
            self.changed()
        return new

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        if len(updated.targets) != 1:
            return updated
        target = updated.targets[0].target
        key = config_key(target)
        if key is None and isinstance(target, cst.Name) and self.ctx.function_scope() is None:
            key = target.value  # in a config class or module
        value = self._check(key, updated.value, original)
        return updated if value is updated.value else updated.with_changes(value=value)

    def leave_DictElement(self, original: cst.DictElement, updated: cst.DictElement) -> cst.DictElement:
        value = self._check(string(updated.key), updated.value, original)
        return updated if value is updated.value else updated.with_changes(value=value)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        method = config_method(updated.func)
        if method is None:
            return updated
        args = list(updated.args)
        if method in ("update", "from_mapping"):
            for index, (arg, old) in enumerate(zip(updated.args, original.args, strict=True)):
                if arg.keyword is not None:
                    value = self._check(arg.keyword.value, arg.value, old)
                    args[index] = arg if value is arg.value else arg.with_changes(value=value)
        elif method == "setdefault" and len(args) == 2 and args[0].keyword is None:
            value = self._check(string(args[0].value), args[1].value, original.args[1])
            args[1] = args[1] if value is args[1].value else args[1].with_changes(value=value)
        if all(new is old for new, old in zip(args, updated.args, strict=True)):
            return updated
        result = updated.with_changes(args=args)
        self.ctx.set_value(result, self.ctx.value(updated))
        return result
