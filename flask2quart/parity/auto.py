"""``--auto``: parity cases generated from a Flask app's ``url_map``.

Writing cases by hand is the best way to compare a Flask app with its Quart port, but a first run
should not need any: every rule of the url_map already says which URLs and methods the app serves.
:func:`generate_cases` turns each rule into requests that really reach the rule's view:

* converters get sample values (``int`` -> ``1`` plus a "not there" ``999999`` case, ``float`` ->
  ``1.5``, ``string`` -> ``sample``, ``path`` -> ``sample/path``, a fixed UUID, the first option of
  ``any(...)``; custom converters get a value sampled from their ``regex`` when that is simple);
  the URL is built by the rule itself and checked by matching it back, so it is exactly what the
  app routes to this endpoint;
* safe methods (GET, HEAD, OPTIONS) are always sent; unsafe ones only with ``allow_unsafe`` (an
  :class:`AutoNote` says what was left out, the report lists the notes);
* ``static`` endpoints serve the first file of their folder, not a made-up name;
* views that read the query string (or, for unsafe methods, the body) get property-based
  variations: the view's source is parsed with :mod:`ast` to find the keys it reads
  (``request.args.get("page", type=int)``...) and :mod:`hypothesis` draws values for them
  (negative and non-numeric "numbers", unicode and ``&=%+``, missing keys, unexpected keys).

Everything is deterministic: the same app and seed give exactly the same cases, so a run can be
repeated and two runs compared.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import os
import re
import textwrap
import types
import uuid
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import unquote

import flask
from flask.views import MethodView
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule
from werkzeug.routing.converters import (
    AnyConverter,
    BaseConverter,
    FloatConverter,
    IntegerConverter,
    PathConverter,
    UnicodeConverter,
    UUIDConverter,
    ValidationError,
)
from werkzeug.routing.exceptions import RequestRedirect

from .model import SAFE_METHODS, Case, ParityRequest

try:  # the regex parser moved to a private name in 3.11; it is the only way to walk a regex
    import re._parser as _sre_parse  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse as _sre_parse  # type: ignore[no-redef]

__all__ = ["AutoNote", "generate_cases"]

T = TypeVar("T")

#: the order methods are listed in (safe first: they are what a default run sends)
_METHOD_ORDER = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")
_SAMPLE_UUID = uuid.UUID("12345678-1234-5678-1234-567812345678")
_MISSING_INT = 999999
_NAME_TARGET_LIMIT = 60
#: helpers followed from a view (``current_filters()`` reading ``request.args``...), at most
_MAX_FUNCTIONS = 25
_MAX_DEPTH = 3
_EXTRA_KEYS = ("unexpected", "_", "x[]")
_GENERIC_KEYS = ("q", "page", "id", "sort")


@dataclass
class AutoNote:
    """Why a rule produced no case, or what was left out of it (the report lists these)."""

    rule: str
    endpoint: str
    message: str


# ---------------------------------------------------------------------------------------------
# what a view reads


@dataclass
class _Reads:
    """The parts of the request a view (and the helpers it calls) reads."""

    #: the source of at least one function could be parsed
    parsed: bool = False
    args: bool = False
    #: query keys -> kind (``text``, ``int`` or ``float``); ``request.values`` keys count too
    arg_keys: dict[str, str] = field(default_factory=dict)
    form: bool = False
    form_keys: dict[str, str] = field(default_factory=dict)
    json: bool = False
    json_keys: dict[str, str] = field(default_factory=dict)
    files: bool = False
    #: keys read with ``getlist`` (sent repeated sometimes)
    list_keys: set[str] = field(default_factory=set)

    def merge(self, other: _Reads) -> None:
        self.parsed |= other.parsed
        self.args |= other.args
        self.form |= other.form
        self.json |= other.json
        self.files |= other.files
        self.list_keys |= other.list_keys
        for mine, theirs in (
            (self.arg_keys, other.arg_keys),
            (self.form_keys, other.form_keys),
            (self.json_keys, other.json_keys),
        ):
            for key, kind in theirs.items():
                if mine.get(key, "text") == "text":
                    mine[key] = kind

    @property
    def body(self) -> bool:
        return self.form or self.json


_SOURCES = {"args", "form", "values", "files", "json"}
_KEY_METHODS = {"get", "getlist", "get_all", "pop", "setdefault", "__getitem__", "__contains__"}
_ALIAS_METHODS = {"to_dict", "copy", "items", "keys", "values"}
_KINDS = {"int": "int", "float": "float"}


class _SourceVisitor:
    """Collects the request reads of one parsed function body."""

    def __init__(self, request_names: set[str], flask_names: set[str]) -> None:
        self.request_names = request_names
        self.flask_names = flask_names
        #: local names bound to a request part (``data = request.get_json()``)
        self.aliases: dict[str, str] = {}
        self.reads = _Reads(parsed=True)

    def _is_request(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Name):
            return node.id in self.request_names
        return (
            isinstance(node, ast.Attribute)
            and node.attr == "request"
            and isinstance(node.value, ast.Name)
            and node.value.id in self.flask_names
        )

    def source_of(self, node: ast.AST) -> str | None:
        """Which request part an expression is: ``args``, ``form``, ``values``, ``json``..."""
        if (
            isinstance(node, ast.Attribute)
            and node.attr in _SOURCES
            and self._is_request(node.value)
        ):
            return node.attr
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "get_json" and self._is_request(node.func.value):
                return "json"
            if node.func.attr in _ALIAS_METHODS:
                return self.source_of(node.func.value)
        if isinstance(node, ast.BoolOp) and node.values:  # ``request.get_json() or {}``
            return self.source_of(node.values[0])
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id)
        return None

    def _mark(self, source: str) -> None:
        if source in ("args", "values"):
            self.reads.args = True
        if source in ("form", "values"):
            self.reads.form = True
        if source == "json":
            self.reads.json = True
        if source == "files":
            self.reads.files = True

    def _key(self, source: str, key: str, kind: str = "text", many: bool = False) -> None:
        self._mark(source)
        targets: list[dict[str, str]] = []
        if source in ("args", "values"):
            targets.append(self.reads.arg_keys)
        if source in ("form", "values"):
            targets.append(self.reads.form_keys)
        if source == "json":
            targets.append(self.reads.json_keys)
        for target in targets:
            if target.get(key, "text") == "text":
                target[key] = kind
        if many:
            self.reads.list_keys.add(key)

    def run(self, tree: ast.AST) -> _Reads:
        nodes = list(ast.walk(tree))
        # aliases first (twice, so an alias of an alias is found), then the reads
        for _ in range(2):
            for node in nodes:
                self._collect_alias(node)
        for node in nodes:
            self._collect_read(node)
        return self.reads

    def _collect_alias(self, node: ast.AST) -> None:
        value: ast.AST | None = None
        names: list[str] = []
        if isinstance(node, ast.Assign):
            value = node.value
            names = [target.id for target in node.targets if isinstance(target, ast.Name)]
        elif isinstance(node, ast.AnnAssign | ast.NamedExpr) and isinstance(node.target, ast.Name):
            value, names = node.value, [node.target.id]
        if value is None:
            return
        source = self.source_of(value)
        if source is not None:
            for name in names:
                self.aliases[name] = source

    def _collect_read(self, node: ast.AST) -> None:
        source = self.source_of(node)
        if source is not None and not isinstance(node, ast.Name):
            self._mark(source)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = self.source_of(node.func.value)
            key = _constant_str(node.args[0]) if node.args else None
            if owner is not None and node.func.attr in _KEY_METHODS and key is not None:
                kind = "text"
                for keyword in node.keywords:
                    if keyword.arg == "type" and isinstance(keyword.value, ast.Name):
                        kind = _KINDS.get(keyword.value.id, "text")
                self._key(owner, key, kind, many=node.func.attr in ("getlist", "get_all"))
        elif isinstance(node, ast.Subscript):
            owner = self.source_of(node.value)
            key = _constant_str(node.slice)
            if owner is not None and key is not None:
                self._key(owner, key)
        elif isinstance(node, ast.Compare) and isinstance(node.ops[0], ast.In | ast.NotIn):
            owner = self.source_of(node.comparators[0])
            key = _constant_str(node.left)
            if owner is not None and key is not None:
                self._key(owner, key)


def _constant_str(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


class _ViewAnalyzer:
    """Parses view functions (and the layers and helpers they reach) once per run."""

    def __init__(self) -> None:
        #: id(function) -> (its own reads, layers of the same view, helpers it calls)
        self._cache: dict[
            int, tuple[_Reads, list[Callable[..., Any]], list[Callable[..., Any]]]
        ] = {}

    def reads(self, function: Callable[..., Any] | None) -> _Reads:
        result = _Reads()
        if function is None:
            return result
        root_package = (getattr(function, "__module__", None) or "").split(".")[0]
        seen: set[int] = set()
        todo: list[tuple[Callable[..., Any], int]] = [(function, 0)]
        while todo and len(seen) < _MAX_FUNCTIONS:
            current, depth = todo.pop(0)
            if id(current) in seen:
                continue
            seen.add(id(current))
            own, layers, helpers = self._analyze(current)
            result.merge(own)
            # decorator layers are the view itself: they do not count as a level
            todo.extend((layer, depth) for layer in layers)
            if depth >= _MAX_DEPTH:
                continue
            for helper in helpers:
                module = (getattr(helper, "__module__", None) or "").split(".")[0]
                # only the app's own code: library helpers read the request for their own reasons
                if module in (root_package, "__main__") or not root_package:
                    todo.append((helper, depth + 1))
        return result

    def _analyze(
        self, function: Callable[..., Any]
    ) -> tuple[_Reads, list[Callable[..., Any]], list[Callable[..., Any]]]:
        key = id(function)
        if key not in self._cache:
            self._cache[key] = self._parse(function)
        return self._cache[key]

    def _parse(
        self, function: Callable[..., Any]
    ) -> tuple[_Reads, list[Callable[..., Any]], list[Callable[..., Any]]]:
        layers: list[Callable[..., Any]] = []
        helpers: list[Callable[..., Any]] = []
        # a functools.wraps wrapper may read the request too: every layer is looked at
        wrapped = getattr(function, "__wrapped__", None)
        if callable(wrapped):
            layers.append(wrapped)
        code_function: Any = function
        if isinstance(code_function, types.MethodType):
            code_function = code_function.__func__
        if not isinstance(code_function, types.FunctionType):
            return _Reads(), layers, helpers
        # a decorator without functools.wraps keeps the view in its closure
        for cell in code_function.__closure__ or ():
            try:
                content = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            if isinstance(content, types.FunctionType):
                layers.append(content)
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(code_function)))
        except (OSError, TypeError, SyntaxError, ValueError):
            # exec'd code, builtins, odd lambdas: no variations, no crash
            return _Reads(), layers, helpers
        namespace = code_function.__globals__
        request_names = {"request"} | {
            name for name, value in namespace.items() if value is flask.request
        }
        flask_names = {"flask"} | {name for name, value in namespace.items() if value is flask}
        reads = _SourceVisitor(request_names, flask_names).run(tree)
        # helpers called by plain name (``filters = current_filters()``)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                helper = namespace.get(node.func.id)
                if isinstance(helper, types.FunctionType) and helper is not code_function:
                    helpers.append(helper)
        return reads, layers, helpers


def _view_for(app: flask.Flask, endpoint: str, method: str) -> Callable[..., Any] | None:
    """The function that handles ``method`` on ``endpoint`` (a MethodView's ``get``...)."""
    view = app.view_functions.get(endpoint)
    if view is None:
        return None
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return view
    if issubclass(view_class, MethodView):
        handler = getattr(view_class, method.lower(), None)
        if handler is None and method == "HEAD":
            handler = getattr(view_class, "get", None)
        return handler
    return getattr(view_class, "dispatch_request", None)


# ---------------------------------------------------------------------------------------------
# sample values for converters


_PREFERRED_CHARS = "abcdefghijklmnopqrstuvwxyz1234567890ABCDEFGHIJKLMNOPQRSTUVWXYZ-_.~"


def _class_member(items: Sequence[tuple[Any, Any]], char: str) -> bool | None:
    """Whether ``char`` is in a parsed ``[...]`` class; None for what we do not understand."""
    negate = False
    found = False
    for op, arg in items:
        name = op.name
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            found |= char == chr(arg)
        elif name == "RANGE":
            found |= arg[0] <= ord(char) <= arg[1]
        elif name == "CATEGORY":
            category = arg.name
            tests = {
                "CATEGORY_DIGIT": char.isdigit(),
                "CATEGORY_NOT_DIGIT": not char.isdigit(),
                "CATEGORY_WORD": char.isalnum() or char == "_",
                "CATEGORY_NOT_WORD": not (char.isalnum() or char == "_"),
                "CATEGORY_SPACE": char.isspace(),
                "CATEGORY_NOT_SPACE": not char.isspace(),
            }
            if category not in tests:
                return None
            found |= tests[category]
        else:
            return None
    return found != negate


def _pick_char(member: Callable[[str], bool | None]) -> str | None:
    for char in _PREFERRED_CHARS:
        if member(char):
            return char
    return None


def _emit(items: Any, out: list[str]) -> bool:
    """Append the simplest string matching parsed regex ``items``; False when it is not simple."""
    for op, arg in items:
        name = op.name
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            char = _pick_char(lambda c, arg=arg: c != chr(arg))
            if char is None:
                return False
            out.append(char)
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            char = _pick_char(lambda c, arg=arg: _class_member(arg, c))
            if char is None:
                return False
            out.append(char)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            # one repetition rather than none, so ``\d*`` still gives a visible value
            for _ in range(max(low, 1 if high >= 1 else 0)):
                if not _emit(sub, out):
                    return False
        elif name == "SUBPATTERN":
            if not _emit(arg[-1], out):
                return False
        elif name == "ATOMIC_GROUP":
            if not _emit(arg, out):
                return False
        elif name == "BRANCH":
            if not arg[1] or not _emit(arg[1][0], out):  # the first alternative (any(...)'s first)
                return False
        elif name == "AT":
            continue  # anchors add no characters
        else:
            return False
    return True


def _sample_from_regex(pattern: str) -> str | None:
    """The simplest string matching ``pattern`` when that is trivially found, else None."""
    try:
        parsed = _sre_parse.parse(pattern)
    except (re.error, RecursionError, ValueError):
        return None
    out: list[str] = []
    if not _emit(parsed, out):
        return None
    sample = "".join(out)
    return sample if re.fullmatch(pattern, sample) else None


def _accepts(converter: BaseConverter, value: Any) -> bool:
    """The converter turns ``value`` into a URL part that routes back to a value."""
    try:
        part = converter.to_url(value)
        if not re.fullmatch(converter.regex, unquote(part)):
            return False
        converter.to_python(unquote(part))
    except (ValidationError, ValueError, TypeError, LookupError, AttributeError):
        return False
    except HTTPException:
        return False
    return True


def _candidates(converter: BaseConverter) -> Iterator[Any]:
    if isinstance(converter, IntegerConverter):
        yield 1
        if converter.min is not None:
            yield converter.min
    elif isinstance(converter, FloatConverter):
        yield 1.5
        if converter.min is not None:
            yield converter.min
    elif isinstance(converter, UUIDConverter):
        yield _SAMPLE_UUID
    elif isinstance(converter, PathConverter):
        yield "sample/path"
    elif isinstance(converter, UnicodeConverter) and not isinstance(converter, AnyConverter):
        yield "sample"
    sample = _sample_from_regex(converter.regex)
    if sample is not None:
        if isinstance(converter, AnyConverter | UnicodeConverter | PathConverter):
            yield sample
        else:
            # a custom converter: hand the view what the converter makes of the URL part
            try:
                value = converter.to_python(sample)
            except (ValidationError, ValueError, TypeError, LookupError, HTTPException):
                return
            yield value


def _sample_value(converter: BaseConverter) -> Any:
    for candidate in _candidates(converter):
        if _accepts(converter, candidate):
            return candidate
    raise LookupError


# ---------------------------------------------------------------------------------------------
# hypothesis strategies


def _text(min_size: int = 0) -> st.SearchStrategy[str]:
    """Short values: plain ASCII, ASCII with the characters that break naive query handling
    (``&=%+#;?/``, spaces), or any printable unicode; sometimes empty."""
    ascii_printable = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
    special = st.one_of(ascii_printable, st.sampled_from("&=%+#;?/ "))
    unicode = st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Zs"))
    return st.one_of(
        st.text(ascii_printable, min_size=min_size, max_size=8),
        st.text(special, min_size=min_size, max_size=8),
        st.text(unicode, min_size=min_size, max_size=6),
    )


def _value(kind: str) -> st.SearchStrategy[str]:
    if kind == "int":
        return st.one_of(
            st.integers(min_value=-1000, max_value=10**6).map(str),
            st.integers(max_value=-1).map(str),
            st.sampled_from(["", "abc", "1.5", "1e3", "0x10", " 7", "١٢"]),
        )
    if kind == "float":
        return st.one_of(
            st.floats(allow_nan=False, allow_infinity=False, width=32).map(str),
            st.sampled_from(["", "abc", "nan", "-inf", "1,5"]),
        )
    return _text()


Pairs = list[tuple[str, str]]


def _pairs_strategy(keys: dict[str, str], list_keys: set[str]) -> st.SearchStrategy[Pairs]:
    """Query strings (or forms) with the read keys: each sometimes missing, plus sometimes one
    unexpected key; a view that reads the query without literal keys gets generic keys."""
    parts: list[st.SearchStrategy[Pairs]] = []
    for key in sorted(keys):
        value = _value(keys[key])
        if key in list_keys:
            parts.append(st.lists(value, max_size=3).map(lambda vs, k=key: [(k, v) for v in vs]))
        else:
            parts.append(st.one_of(st.just([]), value.map(lambda v, k=key: [(k, v)])))
    if not keys:
        generic_key = st.one_of(st.sampled_from(_GENERIC_KEYS), _text(min_size=1))
        parts.append(st.lists(st.tuples(generic_key, _text()), max_size=3))
    extra = st.one_of(
        st.just([]), st.tuples(st.sampled_from(_EXTRA_KEYS), _text()).map(lambda p: [p])
    )
    parts.append(extra)
    return st.tuples(*parts).map(lambda groups: [pair for group in groups for pair in group])


def _json_strategy(keys: dict[str, str]) -> st.SearchStrategy[dict[str, Any]]:
    scalar = st.one_of(_text(), st.integers(-(2**40), 2**40), st.none(), st.booleans())
    value = st.one_of(scalar, st.lists(scalar, max_size=2))
    if not keys:
        return st.dictionaries(_text(), value, max_size=3)
    optional = {key: value for key in sorted(keys)}
    return st.fixed_dictionaries({}, optional=optional)  # type: ignore[arg-type]


def _draw(strategy: st.SearchStrategy[T], count: int, seed: int) -> list[T]:
    """``count``-ish examples of ``strategy``, the same ones for the same seed."""
    drawn: list[T] = []

    @settings(
        database=None,
        derandomize=True,
        max_examples=count,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
        verbosity=Verbosity.quiet,
        print_blob=False,
    )
    @hypothesis_seed(seed)
    @given(strategy)
    def collect(value: T) -> None:
        drawn.append(value)

    # e.g. Unsatisfiable: keep what was drawn, variations are a bonus
    with contextlib.suppress(HypothesisException):
        collect()
    return drawn


# ---------------------------------------------------------------------------------------------
# cases


def _ordered_methods(methods: set[str]) -> list[str]:
    known = [method for method in _METHOD_ORDER if method in methods]
    return known + sorted(methods - set(_METHOD_ORDER))


def _static_folder(app: flask.Flask, endpoint: str) -> str | bool | None:
    """The folder of a ``static`` endpoint, None when it has none, False when not static."""
    if endpoint == "static":
        return app.static_folder
    prefix, _, last = endpoint.rpartition(".")
    if last == "static" and prefix in app.blueprints:
        return app.blueprints[prefix].static_folder
    return False


def _first_file(folder: str) -> str | None:
    """The first file under ``folder`` (sorted, files before subfolders, hidden ones skipped),
    without walking a whole tree."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return None
    visible = [entry for entry in entries if not entry.name.startswith(".")]
    for entry in visible:
        if entry.is_file():
            return entry.name
    for entry in visible:
        if entry.is_dir():
            found = _first_file(entry.path)
            if found is not None:
                return f"{entry.name}/{found}"
    return None


def _shorten(target: str) -> str:
    if len(target) <= _NAME_TARGET_LIMIT:
        return target
    return target[: _NAME_TARGET_LIMIT - 1] + "…"


class _Generator:
    """One run of :func:`generate_cases`: the cases and notes so far, and what dedupes them."""

    def __init__(self, app: flask.Flask, allow_unsafe: bool, variations: int, seed: int) -> None:
        self.app = app
        self.allow_unsafe = allow_unsafe
        self.variations = max(0, variations)
        self.seed = seed
        self.adapter = app.url_map.bind("localhost")
        self.analyzer = _ViewAnalyzer()
        self.cases: list[Case] = []
        self.notes: list[AutoNote] = []
        self._requests: set[ParityRequest] = set()
        self._names: set[str] = set()
        self._noted: set[tuple[str, str, str]] = set()

    # -- bookkeeping

    def note(self, rule: Rule, message: str) -> None:
        key = (rule.rule, rule.endpoint, message)
        if key not in self._noted:
            self._noted.add(key)
            self.notes.append(AutoNote(rule.rule, rule.endpoint, message))

    def add(self, rule: Rule, request: ParityRequest) -> bool:
        """Add a case for ``request`` unless the same request is already there."""
        if request in self._requests:
            return False
        self._requests.add(request)
        name = base = f"{request.method} {_shorten(request.target)}"
        number = 2
        while name in self._names:  # truncated variation names can collide
            name = f"{base} ({number})"
            number += 1
        self._names.add(name)
        self.cases.append(Case(name, [request], source="auto", endpoint=rule.endpoint))
        return True

    # -- rules

    def run(self) -> None:
        rules = sorted(self.app.url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint))
        for rule in rules:
            self.rule(rule)

    def rule(self, rule: Rule) -> None:
        if getattr(rule, "websocket", False):
            self.note(rule, "not sent: websocket rule")
            return
        if rule.build_only:
            self.note(rule, "not sent: build_only rule (never matched)")
            return
        if rule.redirect_to is not None:
            self.note(rule, "not sent: redirect_to rule (answered by the router, not a view)")
            return
        if rule.host or rule.subdomain:
            self.note(rule, "not sent: host or subdomain rule")
            return

        static = _static_folder(self.app, rule.endpoint)
        urls = self._static_urls(rule, static) if static is not False else self._urls(rule)
        if not urls:
            return
        base, not_there = urls[0], urls[1:]

        methods = _ordered_methods(set(rule.methods or {"GET", "HEAD"}))
        automatic_options = bool(getattr(rule, "provide_automatic_options", False))
        for method in methods:
            if method not in SAFE_METHODS and not self.allow_unsafe:
                self.note(rule, f"{method} {base} not sent: unsafe (give --allow-unsafe)")
                continue
            reads = (
                _Reads() if static is not False else self._reads(rule, method, automatic_options)
            )
            if not self._routes(rule, base, method):
                continue
            self.add(rule, self._base_request(rule, method, base, reads))
            # HEAD and automatic OPTIONS would only repeat what GET/OPTIONS on ``base`` show
            repeat = method == "HEAD" and "GET" in methods
            repeat |= method == "OPTIONS" and automatic_options
            if not repeat:
                for path in not_there:
                    if self._routes(rule, path, method):
                        self.add(rule, self._base_request(rule, method, path, reads))
            self._variations(rule, method, base, reads)

    def _reads(self, rule: Rule, method: str, automatic_options: bool) -> _Reads:
        if method == "OPTIONS" and automatic_options:
            return _Reads()  # Flask answers it without calling the view
        view = _view_for(self.app, rule.endpoint, method)
        reads = self.analyzer.reads(view)
        if view is not None and not reads.parsed and self.variations:
            self.note(rule, "no variations: the view's source could not be read")
        return reads

    def _build(self, rule: Rule, values: dict[str, Any]) -> str | None:
        try:
            built = rule.build({**(rule.defaults or {}), **values}, append_unknown=False)
        except (ValueError, TypeError, LookupError):  # a custom converter's to_url refusing
            return None
        if built is None:
            return None
        domain, path = built
        return path if domain in ("", "localhost") else None

    def _urls(self, rule: Rule) -> list[str]:
        """The rule's URL with sample values, then one "not there" URL per int argument."""
        values: dict[str, Any] = {}
        # werkzeug has no public view of a rule's converters; ``_converters`` is stable since 0.x
        for name, converter in sorted(rule._converters.items()):
            try:
                values[name] = _sample_value(converter)
            except LookupError:
                kind = type(converter).__name__
                self.note(
                    rule,
                    f"not sent: no sample value for <{name}> ({kind}, regex {converter.regex!r})",
                )
                return []
        base = self._build(rule, values)
        if base is None:
            self.note(rule, "not sent: the rule did not build a URL from sample values")
            return []
        urls = [base]
        for name, converter in sorted(rule._converters.items()):
            if isinstance(converter, IntegerConverter) and _accepts(converter, _MISSING_INT):
                path = self._build(rule, {**values, name: _MISSING_INT})
                if path is not None and path not in urls:
                    urls.append(path)
        return urls

    def _static_urls(self, rule: Rule, folder: str | None) -> list[str]:
        converters = rule._converters
        if folder is None:
            self.note(rule, "not sent: static endpoint without a static folder")
            return []
        filename = _first_file(folder)
        if filename is None:
            self.note(rule, f"not sent: no file in the static folder {folder}")
            return []
        if set(converters) != {"filename"}:
            self.note(rule, "not sent: static rule without a <filename> argument")
            return []
        path = self._build(rule, {"filename": filename})
        if path is None:
            self.note(rule, f"not sent: could not build a URL for {filename}")
            return []
        return [path]

    def _routes(self, rule: Rule, path: str, method: str) -> bool:
        """Match the URL back: it must reach this rule (a canonical redirect is fine too)."""
        automatic_options = method == "OPTIONS" and bool(
            getattr(rule, "provide_automatic_options", False)
        )
        try:
            matched, _ = self.adapter.match(unquote(path), method=method, return_rule=True)
        except RequestRedirect:
            return True
        except HTTPException as error:
            if not automatic_options:
                self.note(rule, f"{method} {path} not sent: the router answers {error.code}")
            return False
        if matched.endpoint != rule.endpoint:
            if automatic_options:
                return False  # Flask's own OPTIONS answer: the other rule's case covers it
            self.note(rule, f"{path} not sent: routes to {matched.endpoint} ({matched.rule})")
            return False
        return True

    def _base_request(self, rule: Rule, method: str, path: str, reads: _Reads) -> ParityRequest:
        if method in SAFE_METHODS:
            return ParityRequest.build(method, path)
        if reads.files:
            # a made-up multipart upload would test our guess, not the app
            self.note(rule, f"{method} {path}: no body sent (the view reads request.files)")
            return ParityRequest.build(method, path)
        if not reads.body:
            return ParityRequest.build(method, path)
        sample = {"int": "1", "float": "1.5"}
        if reads.json and not reads.form_keys:
            body = {
                key: sample.get(kind, "sample") for key, kind in sorted(reads.json_keys.items())
            }
            return ParityRequest.build(method, path, json=body)
        form = [(key, sample.get(kind, "sample")) for key, kind in sorted(reads.form_keys.items())]
        return ParityRequest.build(method, path, form=form)

    def _variations(self, rule: Rule, method: str, path: str, reads: _Reads) -> None:
        if not self.variations:
            return
        unsafe = method not in SAFE_METHODS
        body = unsafe and reads.body and not reads.files
        if not reads.args and not body:
            return
        query = _pairs_strategy(reads.arg_keys, reads.list_keys) if reads.args else st.just([])
        content: st.SearchStrategy[Any] = st.none()
        if body and reads.json and not reads.form_keys:
            content = _json_strategy(reads.json_keys)
        elif body:
            content = _pairs_strategy(reads.form_keys, reads.list_keys)
        is_json = body and reads.json and not reads.form_keys
        # fold the rule into the seed: two routes reading the same keys get different values
        route_seed = self.seed * 1_000_003 + zlib.crc32(
            f"{rule.rule} {rule.endpoint} {method}".encode()
        )
        # more examples than needed: duplicates of the plain request are dropped
        drawn = _draw(st.tuples(query, content), self.variations * 3 + 3, route_seed)
        added = 0
        for pairs, payload in drawn:
            if added >= self.variations:
                break
            if is_json:
                request = ParityRequest.build(method, path, query=pairs, json=payload)
            elif body:
                request = ParityRequest.build(method, path, query=pairs, form=payload)
            else:
                request = ParityRequest.build(method, path, query=pairs)
            added += self.add(rule, request)


def generate_cases(
    app: flask.Flask, *, allow_unsafe: bool = False, variations: int = 5, seed: int = 0
) -> tuple[list[Case], list[AutoNote]]:
    """Cases for every rule of ``app.url_map`` and notes on what was left out.

    ``allow_unsafe`` adds POST/PUT/PATCH/DELETE (with form or JSON bodies holding the keys the
    view reads); ``variations`` is the number of hypothesis-drawn extra cases per route and method
    whose view reads the query string (or the body); ``seed`` picks them (same seed, same cases).
    """
    generator = _Generator(app, allow_unsafe, variations, seed)
    generator.run()
    return generator.cases, generator.notes
