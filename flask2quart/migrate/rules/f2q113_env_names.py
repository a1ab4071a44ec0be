"""F2Q113: ``FLASK_*`` environment variable names become ``QUART_*``.

Quart reads ``QUART_APP``, ``QUART_DEBUG``, ``QUART_RUN_*`` and ``QUART_SKIP_DOTENV`` and its
``from_prefixed_env()`` defaults to the ``QUART`` prefix (reference §1.9). A string naming a
``FLASK_*`` variable where code reads or sets the environment (``os.environ[...]``,
``os.environ.get``, ``os.getenv``, ``config.from_envvar``, ``monkeypatch.setenv``) is renamed; a
name that is the app's own (not one Flask reads) is also reported so the deployment is updated too.

Docs: https://quart.palletsprojects.com/en/latest/how_to_guides/configuration.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import flask_api
from .base import Rule

_ENV_FUNCTIONS = frozenset(
    {"q:os.environ.get", "q:os.getenv", "q:os.environ.setdefault", "q:os.environ.pop", "q:os.putenv", "q:os.unsetenv"}
)
_ENV_METHODS = frozenset({"from_envvar", "setenv", "delenv"})
_FLASK_OWN = frozenset({"FLASK_APP", "FLASK_DEBUG", "FLASK_ENV", "FLASK_SKIP_DOTENV"})


_QUART_SPELLING = {"FLASK_RUN_CERT": "QUART_RUN_CERTFILE", "FLASK_RUN_KEY": "QUART_RUN_KEYFILE"}


class EnvNames(Rule):
    code = "F2Q113"
    name = "env-names"
    priority = 40

    def _rename(self, node: cst.BaseExpression, original: cst.CSTNode) -> cst.BaseExpression:
        if not isinstance(node, cst.SimpleString):
            return node
        quote = node.prefix + node.quote
        body = node.value[len(quote) : -len(node.quote)]
        if not flask_api.FLASK_ENV_NAME_RE.match(body):
            return node
        # ``quart run`` names its TLS options --certfile/--keyfile (Flask: --cert/--key)
        new = _QUART_SPELLING.get(body, "QUART_" + body[len("FLASK_") :])
        self.changed()
        if body not in _FLASK_OWN and not body.startswith("FLASK_RUN_"):
            self.ctx.report(
                original, self.code, f"renamed the app's own variable {body} to {new}: set it under the "
                "new name where the app is deployed", Severity.INFO,
            )
        return node.with_changes(value=f"{quote}{new}{node.quote}")

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        if not updated.args:
            return updated
        func = self.ctx.value(updated.func)
        method = updated.func.attr.value if isinstance(updated.func, cst.Attribute) else None
        if func in _ENV_FUNCTIONS or method in _ENV_METHODS:
            first = updated.args[0]
            renamed = self._rename(first.value, original.args[0].value)
            if renamed is not first.value:
                result = updated.with_changes(args=[first.with_changes(value=renamed), *updated.args[1:]])
                self.ctx.set_value(result, self.ctx.value(updated))
                self.ctx.set_step(result, self.ctx.step(updated))
                return result
        if method == "from_prefixed_env":
            if not any(a.keyword is not None and a.keyword.value == "prefix" for a in updated.args) and not updated.args:
                self.ctx.report(
                    original, self.code, "`from_prefixed_env()` reads QUART_* variables in Quart "
                    "(FLASK_* in Flask): rename them where the app is deployed", Severity.INFO,
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

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript) -> cst.Subscript:
        if self.ctx.value(updated.value) != "q:os.environ" or len(updated.slice) != 1:
            return updated
        element = updated.slice[0]
        if not isinstance(element.slice, cst.Index):
            return updated
        renamed = self._rename(element.slice.value, original.slice[0])
        if renamed is element.slice.value:
            return updated
        return updated.with_changes(slice=[element.with_changes(slice=element.slice.with_changes(value=renamed))])
