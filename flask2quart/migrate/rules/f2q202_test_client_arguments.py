"""F2Q202: test-client request arguments in Quart's spelling.

Quart's test client takes form fields as ``form={...}`` and uploads as
``files={"f": FileStorage(stream, filename=...)}``; its ``data=`` accepts only ``str``/``bytes`` and
**silently drops a dict** (reference §1.6). ``data={...}`` is split into ``form=`` and ``files=``,
with literal ``None`` values dropped as Werkzeug drops them (porting notes T5). Quart has no
``content_type=``: a form content type is implied, any other moves into ``headers``. A ``data=``
that is not a literal is reported, since it may be a dict.

Docs: https://quart.palletsprojects.com/en/latest/reference/source/quart.testing.html
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import flask_api
from .. import values as V
from .base import Rule

_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
FORM_FILES_HELPER = "_f2q_form_files"
FORM_FILES_SOURCE = '''

def _f2q_form_files(data):
    """A Flask test-client `data=` dict as Quart's `form=`/`files=` (added by flask2quart, F2Q202)."""
    from quart.datastructures import FileStorage

    form, files = {}, {}
    for key, value in data.items():
        if isinstance(value, tuple):
            content_type = value[2] if len(value) > 2 else None
            files[key] = FileStorage(value[0], filename=value[1], content_type=content_type)
        elif value is not None:
            form[key] = value
    return {"form": form, "files": files}
'''
_UNSUPPORTED = ("environ_base", "environ_overrides", "base_url", "buffered")
_SPACE = cst.SimpleWhitespace(" ")
_NO_SPACE = cst.SimpleWhitespace("")


def _kwarg(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value=value, keyword=cst.Name(name), equal=cst.AssignEqual(_NO_SPACE, _NO_SPACE))


def _is_upload(value: cst.BaseExpression) -> bool:
    """``(BytesIO(b".."), "name.txt")`` or ``(stream, "name", "text/plain")``."""
    return (
        isinstance(value, cst.Tuple)
        and len(value.elements) in (2, 3)
        and isinstance(value.elements[1].value, (cst.SimpleString, cst.FormattedString, cst.Name))
        and not isinstance(value.elements[0].value, (cst.SimpleString, cst.Integer))
    )


class TestClientArguments(Rule):
    code = "F2Q202"
    name = "test-client-arguments"
    priority = 40

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        func = self.ctx.value(updated.func)
        if not func or not func.startswith(f"b:{V.TEST_CLIENT}|"):
            return updated
        if func.rpartition("|")[2] not in flask_api.CLIENT_METHODS:
            return updated
        args: list[cst.Arg] = []
        extra: list[cst.Arg] = []
        content_type: cst.BaseExpression | None = None
        touched = False
        has_headers = any(a.keyword is not None and a.keyword.value == "headers" for a in updated.args)
        form_typed = any(
            a.keyword is not None
            and a.keyword.value == "content_type"
            and isinstance(a.value, cst.SimpleString)
            and str(a.value.evaluated_value).startswith(_FORM_TYPES)
            for a in updated.args
        )
        for arg in updated.args:
            keyword = arg.keyword.value if arg.keyword is not None else None
            if keyword == "data":
                if isinstance(arg.value, cst.Dict):
                    replacement = self._split_form(arg.value)
                    # The first new argument takes the old one's place (and its spacing).
                    replacement[0] = arg.with_changes(keyword=replacement[0].keyword, value=replacement[0].value)
                    if len(replacement) > 1:
                        replacement[0] = replacement[0].with_changes(
                            comma=cst.Comma(whitespace_after=_SPACE), whitespace_after_arg=_NO_SPACE
                        )
                        replacement[1] = replacement[1].with_changes(
                            comma=arg.comma, whitespace_after_arg=arg.whitespace_after_arg
                        )
                    args.extend(replacement)
                    touched = True
                    self.changed()
                    continue
                if form_typed and not isinstance(arg.value, (cst.SimpleString, cst.ConcatenatedString)):
                    # A form content type says the value is a field/upload mapping.
                    self.ctx.add_helper(FORM_FILES_HELPER, FORM_FILES_SOURCE)
                    call = cst.Call(func=cst.Name(FORM_FILES_HELPER), args=[cst.Arg(arg.value)])
                    args.append(arg.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT, star="**", value=call))
                    touched = True
                    self.changed()
                    continue
                if not isinstance(arg.value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
                    self.ctx.report(
                        original, self.code, "Quart's test client drops a dict passed as `data=`: "
                        "pass form fields as `form=` and uploads as `files=`", Severity.WARNING,
                    )
            elif keyword == "content_type":
                content_type = arg.value
                touched = True
                self.changed()
                continue
            elif keyword in _UNSUPPORTED:
                self.ctx.report(original, self.code, f"Quart's test client has no `{keyword}=`", Severity.ERROR)
            args.append(arg)
        if content_type is not None:
            value = content_type.evaluated_value if isinstance(content_type, cst.SimpleString) else None
            if not (isinstance(value, str) and value.startswith(_FORM_TYPES)):
                if has_headers:
                    self.ctx.report(
                        original, self.code, "move `content_type=` into the `headers=` mapping", Severity.ERROR
                    )
                else:
                    header = cst.Dict([cst.DictElement(cst.SimpleString('"Content-Type"'), content_type)])
                    extra.append(_kwarg("headers", header))
        if not touched and not extra:
            return updated
        if extra and args and args[-1].comma is cst.MaybeSentinel.DEFAULT:
            args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=_SPACE))
        args.extend(extra)
        args = [
            a.with_changes(comma=cst.Comma(whitespace_after=_SPACE))
            if i < len(args) - 1 and a.comma is cst.MaybeSentinel.DEFAULT
            else a
            for i, a in enumerate(args)
        ]
        result = updated.with_changes(args=args)
        self.ctx.set_value(result, self.ctx.value(updated))
        self.ctx.set_step(result, self.ctx.step(updated))
        return result

    def _split_form(self, data: cst.Dict) -> list[cst.Arg]:
        form: list[cst.BaseDictElement] = []
        files: list[cst.BaseDictElement] = []
        for element in data.elements:
            if isinstance(element, cst.DictElement) and isinstance(element.value, cst.Name) and element.value.value == "None":
                continue  # Werkzeug leaves None values out; Quart would send "None"
            if isinstance(element, cst.DictElement) and _is_upload(element.value):
                files.append(element.with_changes(value=self._file_storage(element.value)))  # type: ignore[arg-type]
            else:
                form.append(element)
        result = []
        if form or not files:
            result.append(_kwarg("form", data.with_changes(elements=_fix_commas(form))))
        if files:
            result.append(_kwarg("files", cst.Dict(_fix_commas(files))))
        return result

    def _file_storage(self, upload: cst.Tuple) -> cst.Call:
        name = self.ctx.require_import("quart.datastructures", "FileStorage")
        stream, filename, *rest = (e.value for e in upload.elements)
        args = [
            cst.Arg(stream, comma=cst.Comma(whitespace_after=_SPACE)),
            _kwarg("filename", filename),
        ]
        if rest:
            args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=_SPACE))
            args.append(_kwarg("content_type", rest[0]))
        return cst.Call(func=cst.Name(name), args=args)


def _fix_commas(elements: list[cst.BaseDictElement]) -> list[cst.BaseDictElement]:
    """Every element but the last needs its comma; a trailing comma is kept as written."""
    return [
        element.with_changes(comma=cst.Comma(whitespace_after=_SPACE))
        if index < len(elements) - 1 and element.comma is cst.MaybeSentinel.DEFAULT
        else element
        for index, element in enumerate(elements)
    ]
