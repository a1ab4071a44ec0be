"""F2Q109: ``send_file``/``send_from_directory`` keyword renames.

Quart kept the pre-2.0 Flask keywords: ``download_name`` is ``attachment_filename``, ``max_age`` is
``cache_timeout`` and ``etag`` is ``add_etags``; ``send_from_directory(directory, path=...)`` takes
``file_name=`` (reference §1.1). Both are coroutines, awaited by F2Q104.

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
