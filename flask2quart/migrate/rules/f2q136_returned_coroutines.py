"""F2Q136: a coroutine a view or an error handler returns is awaited, as Flask used the call's result.

A dispatcher that returns what a handler gives (``endpoint = server.get_endpoint(path); return
endpoint()``) runs the handler under Flask and returns its response. Once the handler is
``async def``, the call gives a coroutine: awaited where the analysis follows the value (F2Q105:
``functools.partial(f, ...)`` and a method a function returns are ``f`` for it), returned unawaited
where it cannot (the object the method was taken from is one of several classes, a table filled at
run time), and Quart answers 500 ("coroutine ... was never awaited"), with no finding to point at.

Where the app's async functions are handed on that way (bound by ``functools.partial`` or
returned by another function: ``ProjectAnalysis.handed_on_async``), the app gets a generated
``await_returned_coroutines(app)`` right after it is built. It wraps the app's
``dispatch_request`` and ``handle_user_exception``: a coroutine they return (alone or first in a
``(body, status)`` tuple) is awaited, again while the result is one, before Quart makes the response, so the handler runs where Flask ran it
and its exceptions still reach the app's error handlers. A coroutine used any other way (read,
stored) is not covered: that needs the ``await`` in the code (F2Q105 reports what it can see).
Reported as INFO on the registration.

Docs: https://quart.palletsprojects.com/en/latest/reference/source/quart.app.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from .base import Rule
from .f2q130_remote_addr_header import app_classes, built_by_call

HELPER = "await_returned_coroutines"
HELPER_SOURCE = '''

def await_returned_coroutines(app):
    """Await a coroutine a view or an error handler returns (a call of a handler that became
    async, made where flask2quart could not follow it), as Flask used the call's result; its
    exceptions reach the error handlers as they did. Added by flask2quart, F2Q136."""
    import functools
    import inspect

    def awaiting(method):
        @functools.wraps(method)
        async def wrapper(*args, **kwargs):
            result = await method(*args, **kwargs)
            while True:  # a coroutine, or one first in a (body, status, headers) tuple
                if inspect.iscoroutine(result):
                    result = await result
                elif isinstance(result, tuple) and result and inspect.iscoroutine(result[0]):
                    result = (await result[0], *result[1:])
                else:
                    return result

        return wrapper

    app.dispatch_request = awaiting(app.dispatch_request)
    app.handle_user_exception = awaiting(app.handle_user_exception)
    return app
'''


class ReturnedCoroutines(Rule):
    code = "F2Q136"
    name = "returned-coroutines"

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.BaseStatement]:
        analysis = self.ctx.analysis
        if self.ctx.in_tests or HELPER in self.ctx.facts.functions or not analysis.handed_on_async:
            return updated  # a second run adds nothing
        assignment = built_by_call(updated)
        if assignment is None:
            return updated
        target, value = assignment
        built = self.ctx.value(value.func)
        if not (V.flask_name(built) == "Flask" or (built and built in app_classes(analysis))):
            return updated
        self.ctx.add_helper(HELPER, HELPER_SOURCE)
        self.changed()
        owner = cst.Module([]).code_for_node(target)
        names = sorted(analysis.handed_on_async)
        handed = ", ".join(f"`{name.rpartition(':')[2]}`" for name in names[:3]) + (", ..." if len(names) > 3 else "")
        self.ctx.report(
            original, self.code, f"{handed} became async and {'is' if len(names) == 1 else 'are'} handed on as a "
            "value (functools.partial, returned by another function): a coroutine a view or an error handler "
            "returns is awaited by the generated await_returned_coroutines; any other use of such a call still "
            "needs its await",
            Severity.INFO,
        )
        return cst.FlattenSentinel([updated, cst.parse_statement(f"{HELPER}({owner})\n")])
