"""F2Q107: ``with`` becomes ``async with`` for Quart's async context managers.

``app.app_context()``, ``app.test_request_context(...)``, ``client.session_transaction()``,
``with client:`` and ``with app.test_client() as c:`` are async-only in Quart: a sync ``with`` raises
``TypeError``/``AttributeError: __enter__`` (reference §1.5, §1.6). ``test_request_context`` needs an
explicit path in Quart, so ``"/"`` is added where Flask used its default. A ``with`` that mixes
them with sync context managers (``with patch(...), client as c:``) becomes the nested statements
Python defines it as: ``with patch(...):`` around ``async with client as c:``.

Docs: https://quart.palletsprojects.com/en/latest/reference/source/quart.app.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from ..analysis import Role
from ._awaiting import why_not
from .base import Rule


def item_is_async(ctx, item: cst.WithItem) -> bool:  # type: ignore[no-untyped-def]
    expr = item.item
    if isinstance(expr, cst.Await):
        return True  # ``async with await app.open_resource(...)`` (F2Q108)
    if ctx.value(expr) in (V.TEST_CLIENT, V.APP_CONTEXT):
        return True  # also a context the project's own helper made (``with self.request_context():``)
    if isinstance(expr, cst.Call):
        return V.context_manager_is_async(ctx.value(expr.func))
    return False


class AsyncContextManagers(Rule):
    code = "F2Q107"
    name = "async-context-managers"

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        if id(original) in self.ctx.sync_url_blocks:
            return updated  # F2Q135 passes its Flask arguments to a sync URL builder
        func = self.ctx.value(updated.func)
        if func and func.endswith("|test_request_context"):
            updated = self._request_context_arguments(original, updated)
        if func and func.endswith("|test_request_context") and not _has_path(updated):
            self.changed()
            path = cst.Arg(cst.SimpleString('"/"'))
            if updated.args:
                path = path.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            result = updated.with_changes(args=[path, *updated.args])
            self.ctx.set_value(result, self.ctx.value(updated))
            return result
        return updated

    def leave_With(self, original: cst.With, updated: cst.With) -> cst.With:
        if updated.asynchronous is not None or id(original) in self.ctx.sync_url_blocks:
            return updated
        flags = [item_is_async(self.ctx, item) for item in updated.items]
        if not any(flags):
            return updated
        if not self.ctx.can_await():
            self.ctx.report(
                original, self.code,
                f"this `with` needs `async with` in Quart, impossible {why_not(self.ctx)}: {_remedy(self.ctx)}",
                Severity.ERROR,
            )
            return updated
        self.changed()
        if not all(flags):
            return _split(updated, flags)
        return updated.with_changes(asynchronous=cst.Asynchronous())


    def _request_context_arguments(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        """Quart's ``test_request_context`` takes form fields as ``form=``, and has no ``base_url``."""
        args = []
        for arg in updated.args:
            keyword = arg.keyword.value if arg.keyword is not None else None
            if keyword == "data" and isinstance(arg.value, cst.Dict):
                arg = arg.with_changes(keyword=cst.Name("form"))
                self.changed()
            elif keyword in ("base_url", "environ_base", "environ_overrides", "content_type"):
                self.ctx.report(original, self.code, f"Quart's test_request_context has no `{keyword}=`", Severity.ERROR)
            args.append(arg)
        result = updated.with_changes(args=args)
        self.ctx.set_value(result, self.ctx.value(updated))
        return result


def _split(node: cst.With, flags: list[bool]) -> cst.With:
    """``with patch(...), client as c:`` -> ``with patch(...):`` around ``async with client as c:``:
    Python defines a ``with`` of several items as these nested ones (entered left to right, left in
    reverse), and one statement cannot be both. Consecutive items of one kind stay together."""
    groups: list[tuple[bool, list[cst.WithItem]]] = []
    for item, is_async in zip(node.items, flags, strict=True):
        if groups and groups[-1][0] == is_async:
            groups[-1][1].append(item)
        else:
            groups.append((is_async, [item]))
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    closing = _closing(node)
    body: cst.BaseSuite = node.body
    for is_async, items in reversed(groups):
        lpar: cst.LeftParen | cst.MaybeSentinel = cst.MaybeSentinel.DEFAULT
        rpar: cst.RightParen | cst.MaybeSentinel = cst.MaybeSentinel.DEFAULT
        if closing is None:
            items = [i.with_changes(comma=comma) for i in items[:-1]] + [items[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]
        else:  # one item a line in brackets: kept as written (comments too), each group closed as the last was
            lpar, rpar = node.lpar, node.rpar  # type: ignore[assignment]
            last = items[-1].comma
            if items[-1] is not node.items[-1] and isinstance(last, cst.Comma):
                ending = last.whitespace_after.with_changes(indent=closing.indent, last_line=closing.last_line)  # type: ignore[union-attr]
                items = [*items[:-1], items[-1].with_changes(comma=last.with_changes(whitespace_after=cst.SimpleWhitespace("")))]
                rpar = cst.RightParen(whitespace_before=ending)
        inner = cst.With(items=items, body=body, asynchronous=cst.Asynchronous() if is_async else None, lpar=lpar, rpar=rpar)
        body = cst.IndentedBlock(body=[inner])
    return inner.with_changes(leading_lines=node.leading_lines)


def _closing(node: cst.With) -> cst.ParenthesizedWhitespace | None:
    """For ``with (`` one item a line ``)``: the line break before the ``)``; ``None`` for any
    other layout (then written on one line)."""
    if not isinstance(node.lpar, cst.LeftParen) or not isinstance(node.rpar, cst.RightParen):
        return None
    inside = [item.comma.whitespace_after for item in node.items[:-1] if isinstance(item.comma, cst.Comma)]
    if len(inside) != len(node.items) - 1 or not all(isinstance(w, cst.ParenthesizedWhitespace) for w in inside):
        return None
    closing = node.rpar.whitespace_before
    return closing if isinstance(closing, cst.ParenthesizedWhitespace) else None


def _has_path(call: cst.Call) -> bool:
    return any(arg.keyword is None or arg.keyword.value == "path" for arg in call.args if not arg.star)


def _remedy(ctx) -> str:  # type: ignore[no-untyped-def]
    """What a human does where the ``with`` cannot become ``async with``."""
    scope = ctx.function_scope()
    if scope is None:
        return "move the block into an async function (run it with `asyncio.run()` or from async code)"
    if scope.kind != "function":
        return "move the block into an async function and await it there"
    if scope.role is Role.ENTRY:  # a console script's function: no event loop runs there yet
        return "move the block into an async function and run it from here with `asyncio.run()`"
    return (
        f"make `{scope.qualname}` async and await it where it is called, or move the block into the "
        "async code that calls it"
    )
