"""F2Q218: a test client's ``.application`` is Quart's ``.app``.

Flask's test client is Werkzeug's ``Client``, which keeps the application it calls as
``client.application``: a test reaches the Flask app through it (``client.application.config``,
``patch.object(client.application.some_service, ...)``), which is handy where a fixture hands out
only the client. Quart's ``QuartClient`` keeps the same object as ``client.app`` and has no
``application``: the ported test fails with ``AttributeError`` at that line. Where the analysis
knows the expression is a test client (``app.test_client()``, a name or fixture bound to one), the
attribute is renamed; both are the app object the client was made from.

Docs: https://werkzeug.palletsprojects.com/en/stable/test/#werkzeug.test.Client,
https://quart.palletsprojects.com/en/latest/reference/source/quart.testing.html
"""

from __future__ import annotations

import libcst as cst

from .. import values as V
from .base import Rule


class TestClientApplication(Rule):
    code = "F2Q218"
    name = "test-client-application"

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self.enabled = ctx.in_tests

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        if not self.enabled or original.attr.value != "application":
            return updated
        if self.ctx.value(original.value) != V.TEST_CLIENT:
            return updated
        self.changed()
        return updated.with_changes(attr=cst.Name("app"))
