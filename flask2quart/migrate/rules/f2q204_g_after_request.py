"""F2Q204: ``g`` read after a request in a ``with client:`` block.

Flask keeps the last request's ``g`` readable inside ``with client:``; Quart does not (0.22 raises
"Not within an app context", 0.23 gives a fresh ``g``; porting notes T8). The same holds for
Flask-Login's ``current_user`` (kept on ``g``): in such a block it reads the user quart-auth left
on the captured ``g``. In such a block ``g`` is
rewritten to read a small capture object, filled from Quart's public ``request_finished`` signal,
which the rewrite adds to the test module once. ``g`` read after a request anywhere else in a
test (a client from a fixture, say) is reported.

Docs: https://quart.palletsprojects.com/en/latest/reference/source/quart.signals.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from .base import Rule

CAPTURE_NAME = "_f2q_g"
HELPER_NAME = "_F2QLastRequestG"
HELPER_SOURCE = '''

class _F2QLastRequestG:
    """`g` as the last request through a test client left it (added by flask2quart, F2Q204).

    Flask keeps `g` readable after a request made inside `with client:`; Quart does not, so the
    request's `g` is captured when Quart sends `request_finished`.
    """

    def __init__(self, client):
        self._app = client.app
        self._g = None

    async def _capture(self, sender, **extra):
        from quart import g

        self._g = g._get_current_object()

    async def __aenter__(self):
        from quart import request_finished

        request_finished.connect(self._capture, self._app)
        return self

    async def __aexit__(self, *exc_info):
        from quart import request_finished

        request_finished.disconnect(self._capture, self._app)

    def __getattr__(self, name):
        return getattr(self._g, name)

    def __contains__(self, name):
        return name in self._g
'''


#: Flask-Login's ``current_user``: after a request in ``with client:`` it is that request's user.
_CURRENT_USER = frozenset({"q:flask_login.current_user", "q:flask_login.utils.current_user"})

#: The same helper for a test module that reads Flask-Login's ``current_user`` in a client block.
HELPER_SOURCE_WITH_USER = HELPER_SOURCE.replace(
    "        self._g = None\n",
    "        self._g = None\n        self.current_user = None\n",
).replace(
    "        self._g = g._get_current_object()\n",
    "        self._g = g._get_current_object()\n"
    "        # quart-auth keeps the request's user on `g` (Flask-Login's `current_user`)\n"
    '        self.current_user = getattr(self._g, "_quart_auth_user", None)\n',
)


class GAfterRequest(Rule):
    code = "F2Q204"
    name = "g-after-request"

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self.blocks: list[tuple[cst.With, str | None, bool]] = []
        self.requested: set[str] = set()  # functions that made a test-client request
        self.reported: set[str] = set()
        self.reads_user = False  # a client block reads Flask-Login's current_user
        self.contexts = 0  # depth of ``with app.app_context()``/``test_request_context()`` blocks

    def visit_With(self, node: cst.With) -> None:
        client = None
        for item in node.items:
            if isinstance(item.item, cst.Name) and self.ctx.resolve(item.item.value) == V.TEST_CLIENT:
                client = item.item.value
            elif (  # ``with app.test_client() as c:``
                isinstance(item.item, cst.Call)
                and isinstance(item.item.func, cst.Attribute)
                and item.item.func.attr.value == "test_client"
                and item.asname is not None
                and isinstance(item.asname.name, cst.Name)
            ):
                client = item.asname.name.value
        self.blocks.append((node, client, False))
        self.contexts += self._opens_context(node)

    def _opens_context(self, node: cst.With) -> int:
        return int(
            any(
                isinstance(item.item, cst.Call)
                and isinstance(item.item.func, cst.Attribute)
                and item.item.func.attr.value in ("app_context", "test_request_context")
                for item in node.items
            )
        )

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        func = self.ctx.value(updated.func)
        if func and func.startswith(f"b:{V.TEST_CLIENT}|"):
            scope = self.ctx.enclosing_function()
            if scope is not None:
                self.requested.add(scope.qualname)
        return updated

    def _outside_block(self, original: cst.Name) -> None:
        """``g`` after a request, but not in a client block we can rewrite: say so."""
        scope = self.ctx.enclosing_function()
        if scope is None or scope.role.value not in ("test", "fixture") or scope.qualname not in self.requested:
            return
        if self.contexts or scope.qualname in self.reported:
            return  # inside ``with app.app_context()``: that context's own ``g``
        self.reported.add(scope.qualname)
        self.ctx.report(
            original, self.code, "`g` read after a test-client request: Quart does not keep the request's "
            "`g` (use `with client:` so the rewrite can capture it, or read the value another way)",
            Severity.ERROR,
        )

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        value = self.ctx.value(updated)
        if value in _CURRENT_USER:
            return self._current_user(updated)
        if value != V.G:
            return updated
        if not any(client for _, client, _ in self.blocks):
            self._outside_block(original)
            return updated
        for index in range(len(self.blocks) - 1, -1, -1):
            node, client, _ = self.blocks[index]
            if client is not None:
                self.blocks[index] = (node, client, True)
                self.changed()
                return updated.with_changes(value=CAPTURE_NAME)
        return updated

    def _current_user(self, updated: cst.Name) -> cst.BaseExpression:
        """Flask-Login's ``current_user`` in a client block: the user of the block's last request."""
        scope = self.ctx.enclosing_function()
        if scope is None or scope.role.value not in ("test", "fixture"):
            return updated  # (in a client block it can only mean a request's user: Flask has no other)
        for index in range(len(self.blocks) - 1, -1, -1):
            node, client, _ = self.blocks[index]
            if client is not None:
                self.blocks[index] = (node, client, True)
                self.changed()
                self.reads_user = True
                return cst.Attribute(value=cst.Name(CAPTURE_NAME), attr=cst.Name("current_user"))
        return updated

    def leave_With(self, original: cst.With, updated: cst.With) -> cst.With:
        _, client, used = self.blocks.pop()
        self.contexts -= self._opens_context(original)
        if client is None or not used:
            return updated
        if self.reads_user:
            self.ctx.helpers[HELPER_NAME] = HELPER_SOURCE_WITH_USER
        else:
            self.ctx.add_helper(HELPER_NAME, HELPER_SOURCE)
        items = list(updated.items)
        items[-1] = items[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        capture = cst.WithItem(
            item=cst.Call(func=cst.Name(HELPER_NAME), args=[cst.Arg(cst.Name(client))]),
            asname=cst.AsName(name=cst.Name(CAPTURE_NAME)),
        )
        return updated.with_changes(items=[*items, capture])
