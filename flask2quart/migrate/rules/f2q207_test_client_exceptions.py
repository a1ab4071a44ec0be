"""F2Q207: a view's exception fails the test, as with Flask's test client.

With ``TESTING=True`` Flask re-raises a view's exception in the test; Quart's test client answers a
500 page instead (reference §1.6, porting notes T11), and 0.23 wraps what does propagate in an
``ExceptionGroup``. So an assertion in a signal receiver a test connects (``template_rendered``)
would no longer fail the test. In a suite that uses Flask's signals, every ``app.test_client()``
becomes ``_f2q_raising_client(app.test_client())``, a generated helper that re-raises in the test
the exception the app reported through ``got_request_exception``, when the app propagates
exceptions (``PROPAGATE_EXCEPTIONS``, else testing or debug mode), as Flask does. A ``pytest.raises`` (or
``self.assertRaises``) block around a test-client request is still reported: on Quart 0.23 what
propagates out of the app itself comes as an ``ExceptionGroup``.

Docs: https://quart.palletsprojects.com/en/latest/how_to_guides/testing.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from .base import Rule

#: Flask's signals: a suite that connects receivers (with assertions) to them needs the exceptions.
_SIGNALS = frozenset(
    {
        "template_rendered", "before_render_template", "request_started", "request_finished",
        "request_tearing_down", "got_request_exception", "appcontext_tearing_down", "appcontext_pushed",
        "appcontext_popped", "message_flashed",
    }
)
RAISING_HELPER = "_f2q_raising_client"
RAISING_SOURCE = '''

def _f2q_raising_client(client):
    """Quart's test client with Flask's behaviour when the app propagates exceptions (testing): an
    exception a view, a hook or a signal receiver raised fails the request in the test instead of
    becoming a 500 page (added by flask2quart, F2Q207)."""
    from quart import got_request_exception

    app = client.app
    request = client.open

    async def open(*args, **kwargs):
        raised = []

        def keep(sender, exception, **extra):
            raised.append(exception)

        with got_request_exception.connected_to(keep, app):
            response = await request(*args, **kwargs)
        propagate = app.config.get("PROPAGATE_EXCEPTIONS")
        if raised and (propagate if propagate is not None else app.testing or app.debug):
            raise raised[0]
        return response

    client.open = open
    return client
'''


class TestClientExceptions(Rule):
    code = "F2Q207"
    name = "test-client-exceptions"
    priority = 10

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self.requests = 0
        self.marks: list[int] = []
        self.wrapped: set[int] = set()  # clients already in ``_f2q_raising_client(...)``
        self.signals = _suite_uses_signals(ctx.analysis)

    def visit_With(self, node: cst.With) -> None:
        self.marks.append(self.requests)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == RAISING_HELPER and node.args:
            self.wrapped.add(id(node.args[0].value))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = self.ctx.value(updated.func)
        if func and func.startswith(f"b:{V.TEST_CLIENT}|"):
            self.requests += 1
        if (
            self.signals
            and func
            and func.startswith("b:")
            and func.endswith("|test_client")
            and self.ctx.value(updated) == V.TEST_CLIENT
            and id(original) not in self.wrapped
        ):
            self.ctx.add_helper(RAISING_HELPER, RAISING_SOURCE)
            self.changed()
            result = cst.Call(func=cst.Name(RAISING_HELPER), args=[cst.Arg(updated)])
            self.ctx.set_value(result, V.TEST_CLIENT)
            return result
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


def _suite_uses_signals(analysis) -> bool:  # type: ignore[no-untyped-def]
    """A test module of the project imports one of Flask's signals (js_example's ``template_rendered``
    receiver, its client made in ``conftest.py``)."""
    return any(
        facts.is_test and any(V.flask_name("q:" + target) in _SIGNALS for target in facts.imports.values())
        for facts in analysis.modules.values()
    )
