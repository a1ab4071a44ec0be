"""F2Q201: await test-client requests and read responses with the awaited accessors.

``client.get(...)`` (and ``post``, ``put``, ``open``...) is a coroutine in Quart's test client, and
a test response's body is only available through ``await response.get_data()``. ``rv.data``,
``rv.json`` and ``rv.text`` become ``await rv.get_data()``, ``await rv.get_json()`` and
``await rv.get_data(as_text=True)``; ``rv.get_json()`` is awaited. A test that awaits becomes
``async def`` (F2Q103), and so does every helper that calls the client (porting notes T4, T9).

Docs: https://quart.palletsprojects.com/en/latest/how_to_guides/testing.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from .f2q104_await_quart_api import AwaitQuartApi

MISSING = {
    "request": "Quart's test response has no `.request`: check the redirect (`follow_redirects=False`) "
    "and its Location header, or the page content",
    "history": "Quart's test response has no `.history`: follow the redirects one request at a time",
}


class AwaitTestClient(AwaitQuartApi):
    """Test-client requests and response reads; also drops ``response.close()`` (nothing to close)."""

    code = "F2Q201"
    name = "await-test-client"
    test_side = True

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        if (
            self.ctx.value(updated.value) == V.TEST_RESPONSE
            and updated.attr.value in MISSING
            and "F2Q129" not in self.ctx.enabled  # which gives them, or reports where it cannot
        ):
            self.ctx.report(original, self.code, MISSING[updated.attr.value], Severity.ERROR)
        return super().leave_Attribute(original, updated)

    def leave_Expr(self, original: cst.Expr, updated: cst.Expr) -> cst.Expr | cst.RemovalSentinel:
        call = updated.value
        if (
            isinstance(call, cst.Call)
            and not call.args
            and self.ctx.value(call.func) == f"b:{V.TEST_RESPONSE}|close"
        ):
            self.changed()  # Quart's test response holds no open file: nothing to close
            return cst.RemovalSentinel.REMOVE
        return updated
