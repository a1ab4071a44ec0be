"""F2Q212: a test response's ``content_length`` is the length of the body Quart's client read.

Werkzeug's test client hands back the headers the app sent: a streamed response declaring its
length (``Content-Length`` set from an estimate, a file size, a transcoder's bitrate) keeps that
value whatever the body turns out to be, and so does a ``HEAD`` response. Quart's test client
builds its response from the body it received, and setting that body sets ``Content-Length`` to
its length: ``rv.content_length`` is then the number of bytes read, not what the app declared.
The read is reported (a warning: when the app sends the body's true length the two agree): to test
the declared length, serve the app (Hypercorn) and read the header there, or test the view's
response object itself (``await app.make_response(...)``).

Docs: https://quart.palletsprojects.com/en/latest/reference/source/quart.testing.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from .base import Rule


class TestResponseContentLength(Rule):
    code = "F2Q212"
    name = "test-response-content-length"

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
        if updated.attr.value != "content_length" or self.ctx.value(updated.value) != V.TEST_RESPONSE:
            return updated
        if id(original) in self.ctx.stores:  # type: ignore[attr-defined]
            return updated
        self.ctx.report(
            original, self.code, "Quart's test client sets `Content-Length` to the length of the body it "
            "read, not to what the app sent: a streamed response declaring its length (or a HEAD response) "
            "reads differently than under Flask; to test the declared length, serve the app and read the "
            "header there", Severity.WARNING,
        )
        return updated
