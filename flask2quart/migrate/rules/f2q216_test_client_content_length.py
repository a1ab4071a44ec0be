"""F2Q216: test requests carry ``Content-Length`` as Werkzeug's test client sends it.

Werkzeug's client (Flask's) always sends the body's length as ``Content-Length`` when there is a
body, replacing any ``Content-Length`` the test put in ``headers=``, and sends none without a body
(a header ``{"Content-Length": "0"}`` on a bodiless request is dropped). Quart's client sends the
test's headers as given and no ``Content-Length`` of its own, so an app that checks the advertised
size (``request.content_length``, ``request.headers["Content-Length"]``) answers differently: a
missing length is no longer refused, a declared one no longer matches the body. Where the project
names that header or reads ``.content_length``, every ``app.test_client()`` of its tests becomes
``_f2q_content_length(app.test_client())``, a generated helper that encodes the body as Quart's
client does (``data``/``form``/``files``/``json``, the app's JSON provider) and sets
``Content-Length`` as Werkzeug does.

Docs: https://werkzeug.palletsprojects.com/en/stable/test/#werkzeug.test.EnvironBuilder
"""

from __future__ import annotations

import libcst as cst

from .. import values as V
from .base import Rule

HELPER = "_f2q_content_length"
HELPER_SOURCE = '''

def _f2q_content_length(client):
    """Quart's test client sending Content-Length as Werkzeug's client does: the body's length when
    there is a body (a Content-Length given in `headers` is replaced), none without one (added by
    flask2quart, F2Q216)."""
    from collections.abc import Mapping

    from quart.testing.utils import make_test_body_with_headers
    from werkzeug.datastructures import Headers

    send = client.open

    async def open(*args, **kwargs):
        body_args = {key: kwargs.pop(key) for key in ("data", "form", "files", "json") if key in kwargs}
        body, body_headers = make_test_body_with_headers(**body_args, app=client.app)
        given = kwargs.pop("headers", None)
        headers = Headers(given or ())
        for key, value in body_headers.items():  # as Quart's client: the body's Content-Type wins
            headers[key] = value
        headers.remove("Content-Length")
        if body:
            headers["Content-Length"] = str(len(body))
        # not the Headers object: Quart's client adds cookies to a Headers it is given, again on each
        # redirect it follows; a mapping where the test gave one (or none), as a client subclass's
        # own open() may merge it into its defaults ({**self.headers, **headers})
        mapping = given is None or (isinstance(given, Mapping) and not isinstance(given, Headers))
        mapping = mapping and len({key.lower() for key in headers.keys()}) == len(headers)  # no repeats
        kwargs.update(headers=dict(headers.items()) if mapping else list(headers.items()), data=body)
        return await send(*args, **kwargs)

    client.open = open
    return client
'''


class TestClientContentLength(Rule):
    code = "F2Q216"
    name = "test-client-content-length"
    #: After F2Q207, so its ``_f2q_raising_client(app.test_client())`` is wrapped as a whole.
    priority = 11

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self.wrapped: set[int] = set()  # ``test_client()`` calls already in ``_f2q_content_length(...)``
        self.enabled = ctx.in_tests and any(facts.content_length for facts in ctx.analysis.modules.values())

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == HELPER and node.args:
            inner = node.args[0].value  # through the other generated wrappers to ``app.test_client()``
            while isinstance(inner, cst.Call) and isinstance(inner.func, cst.Name) and inner.func.value.startswith("_f2q_") and inner.args:
                inner = inner.args[0].value
            self.wrapped.add(id(inner))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if not self.enabled or id(original) in self.wrapped:
            return updated
        func = self.ctx.value(original.func)
        if not (func and func.startswith("b:") and func.endswith("|test_client")):
            return updated
        if self.ctx.value(original) != V.TEST_CLIENT:
            return updated
        self.ctx.add_helper(HELPER, HELPER_SOURCE)
        self.changed()
        result = cst.Call(func=cst.Name(HELPER), args=[cst.Arg(updated)])
        self.ctx.set_value(result, V.TEST_CLIENT)
        return result
