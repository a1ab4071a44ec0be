"""F2Q109: ``send_file``/``send_from_directory`` keyword renames.

Quart kept the pre-2.0 Flask keywords: ``download_name`` is ``attachment_filename``, ``max_age`` is
``cache_timeout`` and ``etag`` is ``add_etags``; ``send_from_directory(directory, path=...)`` takes
``file_name=`` (reference §1.1). Quart's ``send_file`` also defaults to ``conditional=False`` where
Flask's is ``True`` (Range and ``If-None-Match`` answered with 206/304), so ``conditional=True`` is
made explicit. Both are coroutines, awaited by F2Q104.

Docs: https://quart.palletsprojects.com/en/latest/reference/source/quart.helpers.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from .base import Rule

_RENAMES = {"download_name": "attachment_filename", "max_age": "cache_timeout", "etag": "add_etags"}


class SendFileKeywords(Rule):
    code = "F2Q109"
    name = "send-file-keywords"
    priority = 40

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        member = V.flask_name(self.ctx.value(updated.func))
        if member not in ("send_file", "send_from_directory"):
            return updated
        renames = dict(_RENAMES)
        if member == "send_from_directory":
            renames["path"] = "file_name"
        args = []
        names = {a.keyword.value for a in updated.args if a.keyword is not None}
        if member == "send_file" and "conditional" not in names:
            # Flask answers Range/If-None-Match by default; Quart only with conditional=True.
            last = updated.args[-1] if updated.args else None
            conditional = cst.Arg(
                cst.Name("True"), keyword=cst.Name("conditional"),
                equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
            )
            if last is not None:
                conditional = conditional.with_changes(comma=last.comma, whitespace_after_arg=last.whitespace_after_arg)
                # the old last argument takes the separator its neighbours use (one per line...)
                separator = (
                    updated.args[-2].comma
                    if len(updated.args) > 1
                    else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                )
                updated = updated.with_changes(
                    args=[*updated.args[:-1], last.with_changes(comma=separator, whitespace_after_arg=cst.SimpleWhitespace(""))]
                )
            updated = updated.with_changes(args=[*updated.args, conditional])
            self.changed()
        for arg in updated.args:
            keyword = arg.keyword.value if arg.keyword is not None else None
            if keyword in renames:
                arg = arg.with_changes(keyword=cst.Name(renames[keyword]))
                self.changed()
                if keyword == "etag" and not isinstance(arg.value, cst.Name):
                    self.ctx.report(original, self.code, "Quart's `add_etags` takes a bool only", Severity.WARNING)
            args.append(arg)
        result = updated.with_changes(args=args)
        self.ctx.set_value(result, self.ctx.value(updated))
        self.ctx.set_step(result, self.ctx.step(updated))
        return result
