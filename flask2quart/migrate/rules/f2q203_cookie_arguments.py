"""F2Q203: test-client ``set_cookie``/``delete_cookie`` argument order.

Werkzeug >= 2.3 spells it ``client.set_cookie(key, value, domain="localhost")``; Quart kept the old
``client.set_cookie(server_name, key, value)``. ``set_cookie("theme", "dark")`` is **silently
misread** by Quart as a cookie named ``dark`` for host ``theme`` (reference §1.6). The domain (or
``"localhost"``) moves to the front.

Docs: https://quart.palletsprojects.com/en/latest/reference/source/quart.testing.html
"""

from __future__ import annotations

import libcst as cst

from .. import values as V
from .base import Rule

_LIMITS = {"set_cookie": 2, "delete_cookie": 1}


def _werkzeug_order(method: str, positional: int, keywords: set[str]) -> bool:
    """Is this call spelt the Werkzeug >= 2.3 way, ``(key, value="", *, domain=...)``?

    Quart's ``(server_name, key, value="")`` has one more leading argument, which is how a call
    that was already ported is told apart (a second run must change nothing).
    """
    if "server_name" in keywords:
        return False
    if "key" in keywords:
        return positional == 0
    limit = _LIMITS[method] - (1 if "value" in keywords else 0)
    return 1 <= positional <= limit


class CookieArguments(Rule):
    code = "F2Q203"
    name = "cookie-arguments"
    priority = 40

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        func = self.ctx.value(updated.func)
        if not func or not func.startswith(f"b:{V.TEST_CLIENT}|"):
            return updated
        method = func.rpartition("|")[2]
        if method not in _LIMITS:
            return updated
        positional = [a for a in updated.args if a.keyword is None and not a.star]
        keywords = [a for a in updated.args if a.keyword is not None]
        names = {a.keyword.value for a in keywords}  # type: ignore[union-attr]
        if not _werkzeug_order(method, len(positional), names):
            return updated  # already Quart's (server_name, key, ...) or a shape we do not know
        domain: cst.BaseExpression = cst.SimpleString('"localhost"')
        rest = []
        for arg in keywords:
            if arg.keyword.value == "domain":  # type: ignore[union-attr]
                domain = arg.value
            else:
                rest.append(arg)
        args = [cst.Arg(domain), *positional, *rest]
        space = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        args = [a.with_changes(comma=space) for a in args[:-1]] + [args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]
        self.changed()
        return updated.with_changes(args=args)
