"""F2Q211: test responses are read to their end: nothing to close, no WSGI iterable to walk.

Flask's test client hands back the app's response iterable unread (``buffered=False``): a test may
walk ``rv.response`` chunk by chunk, stop half way and ``rv.close()`` it (a streamed body's
generator then runs its ``finally``), usually through ``with closing(client.get(...)) as rv``.
Quart's test client has read the whole body before it returns: its response has no ``close()``
and its ``response`` is Quart's body object, not the app's iterable. ``closing(rv)`` becomes
``nullcontext(rv)``, and so does ``with client.get(...) as rv`` (a Werkzeug response is its own
context manager; Quart's is not): the body is complete, there is nothing to close (F2Q201 drops a
lone ``rv.close()``). A read of ``rv.response`` is reported: what it tested (a partly read stream)
cannot be observed through Quart's test client; read ``await rv.get_data()`` or serve the app.

Docs: https://quart.palletsprojects.com/en/latest/reference/source/quart.testing.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from .base import Rule

_CLOSING = frozenset({"q:contextlib.closing"})
#: Attributes of Werkzeug's test responses tied to the unread WSGI iterable.
#: (``rv.close()`` alone is dropped by F2Q201: there is nothing to close.)
_STREAM_ATTRIBUTES = frozenset({"response", "iter_encoded", "call_on_close"})


class TestResponseStream(Rule):
    code = "F2Q211"
    name = "test-response-stream"
    priority = 40

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        if self.ctx.value(updated.func) not in _CLOSING or len(updated.args) != 1:
            return updated
        if self.ctx.value(updated.args[0].value) != V.TEST_RESPONSE:
            return updated
        name = self.ctx.require_import("contextlib", "nullcontext")
        self.changed()
        result = updated.with_changes(func=cst.Name(name))
        self.ctx.set_value(result.func, "q:contextlib.nullcontext")  # ``as rv`` still binds the response
        self.ctx.set_value(result, self.ctx.value(updated))
        return result

    def leave_WithItem(self, original: cst.WithItem, updated: cst.WithItem) -> cst.WithItem:
        """``with client.get(...) as rv``: Werkzeug's response closes itself at the end; Quart's has
        no context manager (and no need of one)."""
        if self.ctx.value(updated.item) != V.TEST_RESPONSE:
            return updated
        name = self.ctx.require_import("contextlib", "nullcontext")
        self.changed()
        item = cst.Call(func=cst.Name(name), args=[cst.Arg(updated.item.with_changes(lpar=[], rpar=[]))])
        self.ctx.set_value(item.func, "q:contextlib.nullcontext")
        self.ctx.set_value(item, V.TEST_RESPONSE)
        return updated.with_changes(item=item)

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
        attr = updated.attr.value
        if attr not in _STREAM_ATTRIBUTES or self.ctx.value(updated.value) != V.TEST_RESPONSE:
            return updated
        if id(original) in self.ctx.stores:  # type: ignore[attr-defined]
            return updated
        self.ctx.report(
            original, self.code, f"`.{attr}` of a test response: Quart's test client has read the whole "
            "body already (no WSGI iterable to walk); read `await response.get_data()`, or "
            "serve the app to test a partly read stream", Severity.ERROR,
        )
        return updated
