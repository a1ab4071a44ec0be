"""F2Q115: configuration Flask and Quart read differently.

Quart has no ``PREFERRED_URL_SCHEME``: it reads ``PREFER_SECURE_URLS`` (a bool), so
``PREFERRED_URL_SCHEME="https"`` becomes ``PREFER_SECURE_URLS=True``; a value that is not a literal
is reported. ``TRUSTED_HOSTS`` and ``USE_X_SENDFILE`` are ignored by Quart and reported. Defaults
that differ are not rewritten (set them where the old behaviour matters): Quart caps request bodies
at 16 MiB (``MAX_CONTENT_LENGTH``, unlimited in Flask), waits 60 s for a body or a response
(``BODY_TIMEOUT``, ``RESPONSE_TIMEOUT``; long streams need ``response.timeout = None``) and caches
static files for 12 h (reference §0.6, §0.7).

Docs: https://quart.palletsprojects.com/en/latest/reference/configuration.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from ._extension_config import config_key, config_method
from .base import Rule

_UNSUPPORTED = {
    "TRUSTED_HOSTS": "Quart ignores TRUSTED_HOSTS: check the Host header in a before_request hook or a proxy",
    "USE_X_SENDFILE": "Quart ignores USE_X_SENDFILE: files are always sent by the app",
}


def _scheme_value(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString) and node.evaluated_value in ("http", "https"):
        return "True" if node.evaluated_value == "https" else "False"
    return None


class ConfigDifferences(Rule):
    code = "F2Q115"
    name = "config-differences"
    priority = 40

    def _key(self, original: cst.CSTNode, key: str) -> None:
        if key in _UNSUPPORTED:
            self.ctx.report(original, self.code, _UNSUPPORTED[key], Severity.WARNING)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if config_method(updated.func) not in ("update", "from_mapping"):
            return updated
        args = []
        for arg, old in zip(updated.args, original.args, strict=True):
            keyword = arg.keyword.value if arg.keyword is not None else None
            if keyword == "PREFERRED_URL_SCHEME":
                value = _scheme_value(arg.value)
                if value is None:
                    self.ctx.report(old, self.code, "Quart reads PREFER_SECURE_URLS (a bool), not PREFERRED_URL_SCHEME", Severity.ERROR)
                else:
                    arg = arg.with_changes(keyword=cst.Name("PREFER_SECURE_URLS"), value=cst.Name(value))
                    self.changed()
            elif keyword is not None:
                self._key(old, keyword)
            args.append(arg)
        result = updated.with_changes(args=args)
        self.ctx.set_value(result, self.ctx.value(updated))
        return result

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        """``app.config["PREFERRED_URL_SCHEME"] = "https"``."""
        if len(updated.targets) != 1:
            return updated
        target = updated.targets[0].target
        key = config_key(target)
        if key is None:
            return updated
        if key != "PREFERRED_URL_SCHEME":
            self._key(original, key)
            return updated
        value = _scheme_value(updated.value)
        if value is None:
            self.ctx.report(original, self.code, "Quart reads PREFER_SECURE_URLS (a bool), not PREFERRED_URL_SCHEME", Severity.ERROR)
            return updated
        assert isinstance(target, cst.Subscript)
        element = target.slice[0]
        index = element.slice
        assert isinstance(index, cst.Index) and isinstance(index.value, cst.SimpleString)
        quote = index.value.quote
        new_key = index.value.with_changes(value=f"{index.value.prefix}{quote}PREFER_SECURE_URLS{quote}")
        new_target = target.with_changes(slice=[element.with_changes(slice=index.with_changes(value=new_key))])
        self.changed()
        return updated.with_changes(
            targets=[updated.targets[0].with_changes(target=new_target)], value=cst.Name(value)
        )

