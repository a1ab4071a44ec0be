"""F2Q108: ``open_resource`` in Quart is async.

``app.open_resource(path)`` returns an awaitable aiofiles file in Quart. In code that is async,
``with app.open_resource(p) as f: f.read()`` becomes
``async with await app.open_resource(p) as f: await f.read()``. In code that stays sync (a CLI
command's helper, say) it becomes exactly what Flask does underneath,
``open(os.path.join(app.root_path, p), "rb")``, so that callers need not turn async (porting notes
A6; a sync fake in a monkeypatched test keeps working, T10).

Docs: https://quart.palletsprojects.com/en/latest/reference/source/quart.app.html
"""

from __future__ import annotations

import libcst as cst

from .. import values as V
from .base import Rule, awaited

_ROOTS = {"open_resource": "root_path", "open_instance_resource": "instance_path"}


class OpenResource(Rule):
    code = "F2Q108"
    name = "open-resource"
    priority = 40

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = self.ctx.value(updated.func)
        method = func.rpartition("|")[2] if func and func.startswith("b:") else ""
        if method not in _ROOTS or not isinstance(updated.func, cst.Attribute):
            return updated
        self.changed()
        if self.ctx.can_await():
            if id(original) in self.ctx.awaited:
                self.ctx.set_value(updated, V.AIOFILE)
                return updated
            result = awaited(updated)
            self.ctx.set_value(result, V.AIOFILE)
            return result
        os_name = self.ctx.require_import("os")
        positional = [a for a in updated.args if a.keyword is None and not a.star]
        keywords = {a.keyword.value: a for a in updated.args if a.keyword is not None}
        resource = positional[0] if positional else keywords.get("resource")
        if resource is None:
            return updated
        mode = positional[1] if len(positional) > 1 else keywords.get("mode")
        join = cst.Call(
            func=cst.Attribute(cst.Attribute(cst.Name(os_name), cst.Name("path")), cst.Name("join")),
            args=[
                cst.Arg(
                    cst.Attribute(updated.func.value, cst.Name(_ROOTS[method])),
                    comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
                ),
                cst.Arg(resource.value),
            ],
        )
        mode_value = mode.value if mode is not None else cst.SimpleString('"rb"')
        args = [
            cst.Arg(join, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
            cst.Arg(mode_value),
        ]
        if "encoding" in keywords:
            args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            args.append(keywords["encoding"].with_changes(comma=cst.MaybeSentinel.DEFAULT))
        return cst.Call(func=cst.Name("open"), args=args)
