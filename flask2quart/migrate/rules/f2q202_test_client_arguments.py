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

from collections.abc import Sequence

import libcst as cst

from ...findings import Severity
from .. import flask_api
from .. import values as V
from .base import Rule

_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
FORM_FILES_HELPER = "_f2q_form_files"
FORM_FILES_SOURCE = '''

def _f2q_form_files(data):
    """A Flask test-client `data=` mapping as Quart's `form=`/`files=`, encoded as Werkzeug's
    EnvironBuilder does: list values are repeated fields, other values `str()`'d, tuples and
    readable objects are files (content type guessed from the file name); no files, no multipart
    (added by flask2quart, F2Q202)."""
    import mimetypes

    from quart.datastructures import FileStorage
    from werkzeug.datastructures import MultiDict

    class Fields(list):
        """Form pairs, repeated names kept: Quart's test client reads them with `.items()`."""

        def items(self):
            return list(self)

    if data is None or isinstance(data, (str, bytes)):
        return {"data": data}  # a raw body: Quart takes it as Flask did
    if hasattr(data, "read"):
        return {"data": data.read()}
    if not hasattr(data, "items"):
        raise TypeError(f"data= of type {type(data).__name__}: pass a dict, str or bytes (flask2quart, F2Q202)")
    form, files = [], MultiDict()
    items = data.items(multi=True) if isinstance(data, MultiDict) else data.items()
    for key, value in items:
        for item in value if isinstance(value, list) and not isinstance(data, MultiDict) else [value]:
            if isinstance(item, FileStorage):
                files.add(key, item)
            elif isinstance(item, tuple) or hasattr(item, "read"):
                stream, filename, content_type = (*item, None, None)[:3] if isinstance(item, tuple) else (item, None, None)
                if isinstance(stream, str):
                    filename = filename or stream
                    stream = open(stream, "rb")  # noqa: SIM115 - read by the request, as in Werkzeug
                if filename and content_type is None:
                    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
                files.add(key, FileStorage(stream, filename=filename, name=key, content_type=content_type))
            else:
                form.append((key, item))
    if not files:  # urlencoded: Werkzeug leaves out None values
        return {"form": Fields((k, v if isinstance(v, str) else str(v)) for k, v in form if v is not None)}
    return {"form": Fields((k, v if isinstance(v, str) else str(v)) for k, v in form), "files": files}
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
        by_name = {a.keyword.value: a for a in updated.args if a.keyword is not None}
        content_type = by_name.get("content_type")
        form_typed = (
            content_type is not None
            and isinstance(content_type.value, cst.SimpleString)
            and str(content_type.value.evaluated_value).startswith(_FORM_TYPES)
        )
        headers = by_name.get("headers")
        args: list[cst.Arg] = []
        touched = False
        for arg in updated.args:
            keyword = arg.keyword.value if arg.keyword is not None else None
            if keyword == "data" and isinstance(arg.value, cst.Dict):
                args.extend(self._form_and_files(arg, original))
                touched = True
            elif keyword == "data" and not isinstance(
                arg.value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)
            ):
                # A variable, a call's result...: it may hold a mapping of fields and uploads or a
                # raw body; the helper tells them apart when the test runs, as Werkzeug does.
                self.ctx.add_helper(FORM_FILES_HELPER, FORM_FILES_SOURCE)
                call = cst.Call(func=cst.Name(FORM_FILES_HELPER), args=[cst.Arg(arg.value)])
                args.append(arg.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT, star="**", value=call))
                touched = True
            elif keyword == "content_type":
                if form_typed:
                    touched = True  # Quart sets the form content type itself
                elif headers is None:
                    header = cst.Dict([cst.DictElement(cst.SimpleString('"Content-Type"'), arg.value)])
                    args.append(arg.with_changes(keyword=cst.Name("headers"), value=header))
                    touched = True
                elif isinstance(headers.value, cst.Dict):
                    touched = True  # merged into the headers literal below
                else:
                    self.ctx.report(
                        original, self.code, "Quart's test client has no `content_type=`: add it to "
                        "`headers`", Severity.ERROR,
                    )
                    args.append(arg)
            elif keyword == "headers" and content_type is not None and not form_typed and isinstance(arg.value, cst.Dict):
                element = cst.DictElement(cst.SimpleString('"Content-Type"'), content_type.value)
                args.append(arg.with_changes(value=arg.value.with_changes(elements=_append(arg.value.elements, element))))
            else:
                if keyword in _UNSUPPORTED:
                    self.ctx.report(original, self.code, f"Quart's test client has no `{keyword}=`", Severity.ERROR)
                args.append(arg)
        if not touched:
            return updated
        self.changed()
        last = updated.args[-1]
        args = [
            a.with_changes(comma=cst.Comma(whitespace_after=_SPACE))
            if i < len(args) - 1 and a.comma is cst.MaybeSentinel.DEFAULT
            else a
            for i, a in enumerate(args)
        ]
        if args and args[-1] is not last:  # the old last argument went: keep the closing layout
            args[-1] = args[-1].with_changes(comma=last.comma, whitespace_after_arg=last.whitespace_after_arg)
        result = updated.with_changes(args=args)
        self.ctx.set_value(result, self.ctx.value(updated))
        self.ctx.set_step(result, self.ctx.step(updated))
        return result

    def _form_and_files(self, arg: cst.Arg, call: cst.Call) -> list[cst.Arg]:
        """``data={...}`` -> ``form={...}`` and/or ``files={...}``, in the old argument's place."""
        data = arg.value
        assert isinstance(data, cst.Dict)
        form: list[cst.BaseDictElement] = []
        files: list[cst.BaseDictElement] = []
        for element in data.elements:
            if isinstance(element, cst.DictElement) and isinstance(element.value, cst.Name) and element.value.value == "None":
                continue  # Werkzeug leaves None values out; Quart would send "None"
            if isinstance(element, cst.DictElement) and isinstance(element.value, (cst.List, cst.Tuple)) and not _is_upload(element.value):
                self.ctx.report(
                    call, self.code, "several values for one field: Quart's test client sends one value "
                    "(or one file) per key; send them as a urlencoded `data=` string", Severity.ERROR,
                )
            if isinstance(element, cst.DictElement) and _is_upload(element.value):
                files.append(element.with_changes(value=self._file_storage(element.value)))  # type: ignore[arg-type]
            else:
                form.append(element)
        pairs: list[tuple[str, cst.BaseExpression]] = []
        if form or not files:
            pairs.append(("form", data.with_changes(elements=_keep_layout(data.elements, form))))
        if files:
            elements = [
                e.with_changes(comma=cst.Comma(whitespace_after=_SPACE) if i < len(files) - 1 else cst.MaybeSentinel.DEFAULT)
                for i, e in enumerate(files)
            ]
            pairs.append(("files", cst.Dict(elements)))
        # The new arguments take the old one's place: the last keeps its comma and spacing.
        result = [arg.with_changes(keyword=cst.Name(name), value=value) for name, value in pairs]
        if len(result) == 2:
            result[0] = result[0].with_changes(comma=cst.Comma(whitespace_after=_SPACE), whitespace_after_arg=_NO_SPACE)
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


def _keep_layout(
    original: Sequence[cst.BaseDictElement], kept: list[cst.BaseDictElement]
) -> list[cst.BaseDictElement]:
    """Elements left after some were dropped, with the separators and closing layout as written."""
    if not kept:
        return []
    result = _fix_commas(kept)
    if kept[-1] is not original[-1]:
        result[-1] = result[-1].with_changes(comma=original[-1].comma)
    return result


def _append(elements: Sequence[cst.BaseDictElement], element: cst.DictElement) -> list[cst.BaseDictElement]:
    items = list(elements)
    if items:
        last = items[-1]
        items[-1] = last.with_changes(comma=cst.Comma(whitespace_after=_SPACE)) if last.comma is cst.MaybeSentinel.DEFAULT else last
    return [*items, element]


def _fix_commas(elements: list[cst.BaseDictElement]) -> list[cst.BaseDictElement]:
    """Every element but the last needs its comma; a trailing comma is kept as written."""
    return [
        element.with_changes(comma=cst.Comma(whitespace_after=_SPACE))
        if index < len(elements) - 1 and element.comma is cst.MaybeSentinel.DEFAULT
        else element
        for index, element in enumerate(elements)
    ]
