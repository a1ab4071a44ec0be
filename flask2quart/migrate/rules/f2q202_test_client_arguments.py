"""F2Q202: test-client request arguments in Quart's spelling.

Quart's test client takes form fields as ``form={...}`` and uploads as
``files={"f": FileStorage(stream, filename=...)}``; its ``data=`` accepts only ``str``/``bytes`` and
**silently drops a dict** (reference §1.6). ``data={...}`` is split into ``form=`` and ``files=``,
with literal ``None`` values dropped as Werkzeug drops them (porting notes T5), when every value is
a constant or an upload. A value that may be a list (``{"tag": ["a", "b"]}``, ``{"tag": tags}``, a
list of uploads) is several fields for Werkzeug and one ``str()`` for Quart's client, so such a
literal goes through the helper below as a whole. Quart has no
``content_type=``: a form content type is implied, any other is set in ``headers`` (a dict, a list
or tuple of pairs, or, for any other value, a copy made by a generated ``_f2q_headers``). Any
non-literal ``data=`` goes through a generated ``_f2q_form_files`` that encodes it as Werkzeug's
``EnvironBuilder`` does, and keyword arguments forwarded through ``**kwargs`` (a test helper's
``send(client, "post", url, **kwargs)``) go through a generated ``_f2q_client_kwargs`` that makes
the same translations when the test runs. Quart's client ignores the scheme and host of an absolute URL
(``client.get("https://example.com/x")``) and has no ``base_url=`` (``base_url="https://localhost"``,
how Flask tests ask for HTTPS): both become ``scheme="https"`` and a ``Host`` header (a literal
``base_url`` with a path is reported; a computed one, ``base_url="%s://localhost" % scheme``, goes
with the call's ``headers=`` through ``_f2q_client_kwargs``, which splits it when the test runs and
fails loudly on a path). ``buffered=True`` is dropped: Quart's client reads the
whole body before it returns, which is what it asked for (any other ``buffered=`` is reported).

Docs: https://quart.palletsprojects.com/en/latest/reference/source/quart.testing.html
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

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
        """Pairs, repeated names kept: Quart's test client reads fields and files with `.items()`."""

        def items(self):
            return list(self)

    if data is None or isinstance(data, (str, bytes)):
        return {"data": data}  # a raw body: Quart takes it as Flask did
    if hasattr(data, "read"):
        return {"data": data.read()}
    if not hasattr(data, "items"):
        raise TypeError(f"data= of type {type(data).__name__}: pass a dict, str or bytes (flask2quart, F2Q202)")
    form, files = [], Fields()
    items = data.items(multi=True) if isinstance(data, MultiDict) else data.items()
    for key, value in items:
        for item in value if isinstance(value, list) and not isinstance(data, MultiDict) else [value]:
            if isinstance(item, FileStorage):
                files.append((key, item))
            elif isinstance(item, tuple) or hasattr(item, "read"):
                stream, filename, content_type = (*item, None, None)[:3] if isinstance(item, tuple) else (item, None, None)
                if isinstance(stream, str):
                    filename = filename or stream
                    stream = open(stream, "rb")  # noqa: SIM115 - read by the request, as in Werkzeug
                if filename and content_type is None:
                    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
                files.append((key, FileStorage(stream, filename=filename, name=key, content_type=content_type)))
            else:
                form.append((key, item))
    if not files:  # urlencoded: Werkzeug leaves out None values
        return {"form": Fields((k, v if isinstance(v, str) else str(v)) for k, v in form if v is not None)}
    return {"form": Fields((k, v if isinstance(v, str) else str(v)) for k, v in form), "files": files}
'''
HEADERS_HELPER = "_f2q_headers"
HEADERS_SOURCE = '''

def _f2q_headers(headers, extra):
    """Test-client headers (a dict, pairs, a Headers object) with `extra` set over them, as
    Werkzeug's `content_type=` and the host of an absolute URL are (added by flask2quart, F2Q202)."""
    from werkzeug.datastructures import Headers

    headers = Headers(headers)
    for name, value in extra.items():
        headers[name] = value
    return headers
'''
CLIENT_KWARGS_HELPER = "_f2q_client_kwargs"
CLIENT_KWARGS_SOURCE = '''

def _f2q_client_kwargs(kwargs):
    """Flask test-client keyword arguments handed on through `**kwargs`, in Quart's spelling:
    `data=` as `_f2q_form_files` encodes it, `content_type=` into the headers (a form type is
    Quart's own), `base_url=` as `scheme=` and a `Host` header; what Quart's client cannot take
    fails loudly (added by flask2quart, F2Q202)."""
    from urllib.parse import urlsplit

    kwargs = dict(kwargs)
    if kwargs.get("buffered") is True:
        del kwargs["buffered"]  # Quart's client reads the whole body before it returns
    base_url = urlsplit(str(kwargs.pop("base_url", None) or "http://localhost"))
    if base_url.path.strip("/") or base_url.query or not base_url.scheme:
        raise TypeError(f"Quart's test client has no root path for base_url={base_url.geturl()!r} (flask2quart, F2Q202)")
    if base_url.scheme != "http":
        kwargs["scheme"] = base_url.scheme
    if base_url.netloc not in ("", "localhost"):
        kwargs["headers"] = _f2q_headers(kwargs.get("headers"), {"Host": base_url.netloc})
    for name in ("environ_base", "environ_overrides", "buffered"):
        if name in kwargs:
            raise TypeError(f"Quart's test client has no {name}= (flask2quart, F2Q202)")
    content_type = kwargs.pop("content_type", None)
    mapping = False
    if "data" in kwargs:
        encoded = _f2q_form_files(kwargs.pop("data"))
        mapping = "data" not in encoded
        kwargs.update(encoded)
    form_type = content_type is not None and str(content_type).startswith(
        ("multipart/form-data", "application/x-www-form-urlencoded")
    )
    if content_type is not None and not (mapping and form_type):
        kwargs["headers"] = _f2q_headers(kwargs.get("headers"), {"Content-Type": content_type})
    return kwargs
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
        extra: list[tuple[str, cst.BaseExpression]] = []  # headers to add, in order
        if content_type is not None and not form_typed:
            extra.append(("Content-Type", content_type.value))
        base = by_name.get("base_url")
        first = updated.args[0] if updated.args and updated.args[0].keyword is None else by_name.get("path")
        # A scheme and host only (what Flask tests pass to ask for HTTPS); beside an absolute URL,
        # Werkzeug's precedence is not worth copying: both stay, reported below.
        base_url = _base_url(base.value) if base is not None else None
        if base_url is not None and first is not None and _absolute_url(first.value) is not None:
            base_url = None
        if base_url is not None and base_url[1] != "localhost":
            extra.append(("Host", _literal(base_url[1])))
        # A computed base URL (``base_url=f"{scheme}://localhost"``, a variable) is split when the
        # test runs, by the helper that translates forwarded keywords; the headers go with it so
        # that its Host lands among them, and so does a content type that goes into them.
        computed_base = (
            base is not None
            and not isinstance(base.value, (cst.SimpleString, cst.ConcatenatedString))
            and not (first is not None and _absolute_url(first.value) is not None)
            and not any(a.star for a in updated.args)
            and not self._in_generated_helper()
        )
        moved: list[cst.DictElement] = []  # ``base_url=`` and ``headers=`` for the helper
        args: list[cst.Arg] = []
        touched = False
        for index, arg in enumerate(updated.args):
            keyword = arg.keyword.value if arg.keyword is not None else None
            if arg.star == "**" and not _made_here(arg.value) and not self._in_generated_helper():
                # Keywords known only when the test runs: translated then, as the literal ones here.
                for name, source in (
                    (FORM_FILES_HELPER, FORM_FILES_SOURCE),
                    (HEADERS_HELPER, HEADERS_SOURCE),
                    (CLIENT_KWARGS_HELPER, CLIENT_KWARGS_SOURCE),
                ):
                    self.ctx.add_helper(name, source)
                call = cst.Call(func=cst.Name(CLIENT_KWARGS_HELPER), args=[cst.Arg(arg.value)])
                args.append(arg.with_changes(value=call))
                touched = True
            elif (index == 0 and keyword is None) or keyword == "path":
                url = _absolute_url(arg.value) if base is None else None  # with both: reported
                if url is not None:
                    path, scheme, host = url
                    arg = arg.with_changes(value=_literal(path))
                    if scheme != "http":
                        args.append(arg.with_changes(comma=cst.Comma(whitespace_after=_SPACE)))
                        arg = _kwarg("scheme", _literal(scheme))
                    if host != "localhost":
                        extra.append(("Host", _literal(host)))
                    touched = True
                args.append(arg)
            elif keyword == "data" and isinstance(arg.value, cst.Dict) and not _several_values(arg.value):
                args.extend(self._form_and_files(arg))
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
                touched = True  # a form content type Quart sets itself; any other goes into the headers
                if computed_base and not form_typed:
                    moved.append(cst.DictElement(_literal(keyword), arg.value))
            elif keyword == "buffered" and isinstance(arg.value, cst.Name) and arg.value.value == "True":
                touched = True  # Quart's client reads the whole body before it returns: buffered already
            elif keyword in ("base_url", "headers") and computed_base and arg.keyword is not None:
                moved.append(cst.DictElement(_literal(arg.keyword.value), arg.value))
                touched = True
            elif keyword == "base_url" and base_url is not None:
                touched = True  # its host went into the headers
                if base_url[0] != "http":
                    args.append(arg.with_changes(keyword=cst.Name("scheme"), value=_literal(base_url[0])))
            elif keyword == "headers":
                args.append(self._headers(arg, extra))  # the absolute URL's host is known by now
                touched |= bool(extra)
            else:
                if keyword in _UNSUPPORTED:
                    self.ctx.report(original, self.code, f"Quart's test client has no `{keyword}=`", Severity.ERROR)
                args.append(arg)
        if "headers" not in by_name and extra and not computed_base:
            args.append(self._headers(None, extra))
        if moved:
            for name, source in (
                (FORM_FILES_HELPER, FORM_FILES_SOURCE),
                (HEADERS_HELPER, HEADERS_SOURCE),
                (CLIENT_KWARGS_HELPER, CLIENT_KWARGS_SOURCE),
            ):
                self.ctx.add_helper(name, source)
            elements = [e.with_changes(comma=cst.Comma(whitespace_after=_SPACE)) for e in moved[:-1]] + moved[-1:]
            call = cst.Call(func=cst.Name(CLIENT_KWARGS_HELPER), args=[cst.Arg(cst.Dict(elements))])
            args.append(cst.Arg(value=call, star="**"))
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

    def _in_generated_helper(self) -> bool:
        """Inside a ``_f2q_*`` function flask2quart wrote (F2Q129's ``_f2q_open`` hands Quart's own
        keywords on): already Quart's spelling."""
        return any(scope.qualname.split(".")[0].startswith("_f2q_") for scope in self.ctx.scopes)

    def _headers(self, headers: cst.Arg | None, extra: list[tuple[str, cst.BaseExpression]]) -> cst.Arg:
        """``headers=`` with ``extra`` set on top (they win, as Werkzeug's ``content_type=`` does)."""
        if headers is None:
            elements = [cst.DictElement(_literal(name), value) for name, value in extra]
            return _kwarg("headers", cst.Dict(_fix_commas(elements)))  # type: ignore[arg-type]
        value = headers.value
        if not extra:
            return headers
        if isinstance(value, cst.Dict):
            elements = list(value.elements)
            for name, extra_value in extra:
                elements = _append(elements, cst.DictElement(_literal(name), extra_value))
            return headers.with_changes(value=value.with_changes(elements=elements))
        if isinstance(value, (cst.List, cst.Tuple)) and all(isinstance(e, cst.Element) for e in value.elements):
            items = list(value.elements)
            for name, extra_value in extra:
                pair = cst.Tuple([cst.Element(_literal(name), comma=cst.Comma(whitespace_after=_SPACE)),
                                  cst.Element(extra_value)])
                if items:
                    items[-1] = items[-1].with_changes(comma=cst.Comma(whitespace_after=_SPACE))
                items.append(cst.Element(pair))
            return headers.with_changes(value=value.with_changes(elements=items))
        # a variable, a Headers object...: set them on a copy when the test runs
        self.ctx.add_helper(HEADERS_HELPER, HEADERS_SOURCE)
        mapping = cst.Dict(_fix_commas([cst.DictElement(_literal(n), v) for n, v in extra]))  # type: ignore[arg-type]
        call = cst.Call(func=cst.Name(HEADERS_HELPER), args=[
            cst.Arg(value, comma=cst.Comma(whitespace_after=_SPACE)), cst.Arg(mapping)])
        return headers.with_changes(value=call)

    def _form_and_files(self, arg: cst.Arg) -> list[cst.Arg]:
        """``data={...}`` -> ``form={...}`` and/or ``files={...}``, in the old argument's place."""
        data = arg.value
        assert isinstance(data, cst.Dict)
        form: list[cst.BaseDictElement] = []
        files: list[cst.BaseDictElement] = []
        for element in data.elements:
            if isinstance(element, cst.DictElement) and isinstance(element.value, cst.Name) and element.value.value == "None":
                continue  # Werkzeug leaves None values out; Quart would send "None"
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


def _several_values(data: cst.Dict) -> bool:
    """A value that is not a constant or an upload (``{"tag": ["a", "b"]}``, ``{"tag": tags}``) or a
    ``**spread``: it may give a field several values, which Quart's client would send as one
    ``str()``, so the literal goes through ``_f2q_form_files`` as a whole."""
    return any(
        not isinstance(element, cst.DictElement) or not (_constant(element.value) or _is_upload(element.value))
        for element in data.elements
    )


def _constant(value: cst.BaseExpression) -> bool:
    if isinstance(value, cst.UnaryOperation):
        value = value.expression
    if isinstance(value, cst.Name):
        return value.value in ("True", "False", "None")
    return isinstance(value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.Integer, cst.Float))


def _made_here(value: cst.BaseExpression) -> bool:
    """``**_f2q_form_files(...)``/``**_f2q_client_kwargs(...)``: already in Quart's spelling."""
    return (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Name)
        and value.func.value in (FORM_FILES_HELPER, CLIENT_KWARGS_HELPER)
    )


def _literal(text: str) -> cst.SimpleString:
    """A double-quoted string literal, as the code around it is usually written."""
    return cst.SimpleString('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')


def _absolute_url(value: cst.BaseExpression) -> tuple[str, str, str] | None:
    """``"https://example.com/x?a=1"`` -> ``("/x?a=1", "https", "example.com")``; ``None`` for a
    relative path, ``http://localhost`` (what Quart's test client assumes) or a computed URL."""
    if not isinstance(value, cst.SimpleString):
        return None
    text = value.evaluated_value
    if not isinstance(text, str):
        return None
    url = urlsplit(text)
    if url.scheme not in ("http", "https") or not url.netloc or (url.scheme, url.netloc) == ("http", "localhost"):
        return None
    path = (url.path or "/") + (f"?{url.query}" if url.query else "")
    return path, url.scheme, url.netloc


def _base_url(value: cst.BaseExpression) -> tuple[str, str] | None:
    """``base_url="https://example.com"`` -> ``("https", "example.com")``; ``None`` for a base URL
    with a path, a query or a computed one (Quart's client has no root path to put it in)."""
    if not isinstance(value, cst.SimpleString):
        return None
    text = value.evaluated_value
    if not isinstance(text, str):
        return None
    url = urlsplit(text)
    if url.scheme not in ("http", "https") or not url.netloc or url.path not in ("", "/"):
        return None
    if url.query or url.fragment:
        return None
    return url.scheme, url.netloc


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
