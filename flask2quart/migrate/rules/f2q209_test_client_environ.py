"""F2Q209: test-client ``environ_base``/``environ_overrides`` in Quart's arguments.

Quart's test client builds an ASGI scope, not a WSGI environ: it has no ``environ_base`` or
``environ_overrides`` (a ``TypeError``), but it takes what they are used for, in both Quart 0.22 and
0.23.1: ``scope_base`` (merged into the scope), ``headers``, ``scheme`` and ``root_path``. A literal
dict is translated key by key, as Werkzeug's ``EnvironBuilder`` applies it:

| key | Quart |
|---|---|
| `REMOTE_ADDR` | `scope_base={"client": (addr, 0)}` (what `request.remote_addr` reads) |
| `HTTP_X_Y` | `headers={"X-Y": value}`: from `environ_base` only where `headers` does not set it (Werkzeug's headers win), from `environ_overrides` always |
| `wsgi.url_scheme` (overrides) | `scheme=` |
| `SCRIPT_NAME` (overrides) | `root_path=`, and the path gets the prefix (an ASGI path includes the root path) |

In ``environ_base``, keys Werkzeug sets itself afterwards (``wsgi.url_scheme``, ``SCRIPT_NAME``,
``HTTP_HOST``, ``SERVER_NAME``...) never reached the app: they are dropped. A dict that is not a
literal, or a key with no Quart form (``REMOTE_USER``, a middleware's own key), leaves the call as
it is, reported by F2Q202.

Docs: https://quart.palletsprojects.com/en/latest/reference/source/quart.testing.html,
https://werkzeug.palletsprojects.com/en/stable/test/#werkzeug.test.EnvironBuilder
"""

from __future__ import annotations

import libcst as cst

from .. import flask_api
from .. import values as V
from .base import Rule
from .f2q119_request_environ import header_name

#: Keys ``EnvironBuilder`` sets after applying ``environ_base``: they never reach the app.
_OVERWRITTEN_BY_BUILDER = frozenset(
    {"REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "REQUEST_URI", "RAW_URI", "SERVER_NAME",
     "SERVER_PORT", "HTTP_HOST", "SERVER_PROTOCOL", "wsgi.version", "wsgi.url_scheme", "wsgi.input",
     "wsgi.errors", "wsgi.multithread", "wsgi.multiprocess", "wsgi.run_once"}
)
_SPACE = cst.SimpleWhitespace(" ")
_NO_SPACE = cst.SimpleWhitespace("")
_COMMA = cst.Comma(whitespace_after=_SPACE)


def _string(node: cst.BaseExpression) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _quoted(text: str) -> str:
    return f'"{text}"' if '"' not in text and "\\" not in text else repr(text)


def _kwarg(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value=value, keyword=cst.Name(name), equal=cst.AssignEqual(_NO_SPACE, _NO_SPACE))


class _Translation:
    """What one call's environ arguments become."""

    def __init__(self, headers: cst.Dict | None) -> None:
        self.header_elements: list[cst.BaseDictElement] = list(headers.elements) if headers else []
        self.client: cst.BaseExpression | None = None
        self.scheme: cst.BaseExpression | None = None
        self.root_path: cst.BaseExpression | None = None

    def _header_index(self, name: str) -> int | None:
        for index, element in enumerate(self.header_elements):
            key = _string(element.key) if isinstance(element, cst.DictElement) else None
            if key is not None and key.lower() == name.lower():
                return index
        return None

    def add(self, key: str, value: cst.BaseExpression, *, overrides: bool) -> bool:
        """Take one environ key; ``False`` when it has no Quart form."""
        header = header_name(key)
        if key == "REMOTE_ADDR":
            self.client = value
        elif header is not None and key not in ("CONTENT_TYPE", "CONTENT_LENGTH", "HTTP_HOST"):
            index = self._header_index(header)
            element = cst.DictElement(cst.SimpleString(f'"{header}"'), value)
            if index is None:
                self.header_elements.append(element)
            elif overrides:  # overrides win over the headers argument; the base loses to it
                self.header_elements[index] = self.header_elements[index].with_changes(value=value)
        elif overrides and key == "wsgi.url_scheme":
            self.scheme = value
        elif overrides and key == "SCRIPT_NAME" and _string(value) is not None:
            self.root_path = value
        elif overrides or key not in _OVERWRITTEN_BY_BUILDER:
            return False
        return True

    def headers(self) -> cst.Dict:
        last = len(self.header_elements) - 1
        return cst.Dict([
            e.with_changes(comma=_COMMA if i < last else cst.MaybeSentinel.DEFAULT)
            for i, e in enumerate(self.header_elements)
        ])


class TestClientEnviron(Rule):
    code = "F2Q209"
    name = "test-client-environ"
    priority = 35  # before F2Q202, which reports what is left of these arguments

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        func = self.ctx.value(updated.func)
        if not func or not func.startswith(f"b:{V.TEST_CLIENT}|"):
            return updated
        if func.rpartition("|")[2] not in flask_api.CLIENT_METHODS:
            return updated
        by_name = {a.keyword.value: a for a in updated.args if a.keyword is not None}
        environs = [by_name[k] for k in ("environ_base", "environ_overrides") if k in by_name]
        if not environs or any(k in by_name for k in ("scope_base", "scheme", "root_path")):
            return updated
        headers = by_name.get("headers")
        if headers is not None and not isinstance(headers.value, cst.Dict):
            return updated  # a variable may be a list or Headers: F2Q202 reports the environ
        if any(a.star for a in updated.args) or not all(isinstance(a.value, cst.Dict) for a in environs):
            return updated
        translation = _Translation(headers.value if headers is not None else None)  # type: ignore[arg-type]
        for arg in environs:
            overrides = arg.keyword.value == "environ_overrides"  # type: ignore[union-attr]
            for element in arg.value.elements:  # type: ignore[attr-defined]
                key = _string(element.key) if isinstance(element, cst.DictElement) else None
                if key is None or not translation.add(key, element.value, overrides=overrides):
                    return updated
        args = self._arguments(updated, translation)
        if args is None:
            return updated
        self.changed()
        result = updated.with_changes(args=args)
        self.ctx.set_value(result, self.ctx.value(updated))
        self.ctx.set_step(result, self.ctx.step(updated))
        return result

    def _arguments(self, call: cst.Call, translation: _Translation) -> list[cst.Arg] | None:
        args: list[cst.Arg] = []
        for arg in call.args:
            keyword = arg.keyword.value if arg.keyword is not None else None
            if keyword in ("environ_base", "environ_overrides"):
                continue
            if keyword == "headers":
                arg = arg.with_changes(value=translation.headers())
            elif translation.root_path is not None and (keyword == "path" or (keyword is None and not args)):
                path = _string(arg.value)
                if path is None:
                    return None  # the prefix is known, the path only at run time: left, reported
                root = _string(translation.root_path) or ""
                arg = arg.with_changes(value=cst.SimpleString(_quoted(root.rstrip("/") + path)))
            args.append(arg)
        if translation.header_elements and "headers" not in {a.keyword.value for a in call.args if a.keyword}:
            args.append(_kwarg("headers", translation.headers()))
        if translation.client is not None:
            client = cst.Tuple([cst.Element(translation.client, comma=_COMMA), cst.Element(cst.Integer("0"))])
            scope = cst.Dict([cst.DictElement(cst.SimpleString('"client"'), client)])
            args.append(_kwarg("scope_base", scope))
        if translation.scheme is not None:
            args.append(_kwarg("scheme", translation.scheme))
        if translation.root_path is not None:
            args.append(_kwarg("root_path", translation.root_path))
        last = call.args[-1]
        args = [
            a.with_changes(comma=_COMMA) if i < len(args) - 1 and a.comma is cst.MaybeSentinel.DEFAULT else a
            for i, a in enumerate(args)
        ]
        if args and args[-1] is not last:  # keep the closing layout as written
            args[-1] = args[-1].with_changes(comma=last.comma, whitespace_after_arg=last.whitespace_after_arg)
        return args
