"""F2Q207: tests that expect a view's exception out of the test client are reported.

With ``TESTING=True`` Flask re-raises a view's exception in the test; Quart's test client answers a
500 page instead (reference §1.6, porting notes T11), and 0.23 wraps what does propagate in an
``ExceptionGroup``. A ``pytest.raises`` (or ``self.assertRaises``) block around a test-client
request is reported: set
``testing=False`` and ``PROPAGATE_EXCEPTIONS=True`` for that test, and expect an ``ExceptionGroup``
on Quart 0.23.

Docs: https://quart.palletsprojects.com/en/latest/how_to_guides/testing.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from .base import Rule


class TestClientExceptions(Rule):
    code = "F2Q207"
    name = "test-client-exceptions"
    priority = 10

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self.requests = 0
        self.marks: list[int] = []

    def visit_With(self, node: cst.With) -> None:
        self.marks.append(self.requests)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        func = self.ctx.value(updated.func)
        if func and func.startswith(f"b:{V.TEST_CLIENT}|"):
            self.requests += 1
        return updated

    def leave_With(self, original: cst.With, updated: cst.With) -> cst.With:
        before = self.marks.pop()
        if self.requests == before:
            return updated
        for item in updated.items:
            expr = item.item
            func = expr.func if isinstance(expr, cst.Call) else None
            raises = self.ctx.value(func) == "q:pytest.raises" or (
                isinstance(func, cst.Attribute) and func.attr.value in ("assertRaises", "assertRaisesRegex")
            )
            if func is not None and raises:
                self.ctx.report(
                    original, self.code,
                    "Quart's test client answers 500 instead of raising the view's exception: run this "
                    "test with testing=False and PROPAGATE_EXCEPTIONS=True (ExceptionGroup on Quart 0.23)",
                    Severity.ERROR,
                )
        return updated
